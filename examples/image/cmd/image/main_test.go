package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/examples/image"
)

func TestRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	in := image.HandleInput{Email: "ada@example.com", URL: "https://example.com/ada.jpg"}
	if err := run(ctx, in, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || lines[0] != "saved 3 images for ada@example.com" {
		t.Fatalf("unexpected output:\n%s", out.String())
	}
	for i, size := range []string{"-64.gray", "-128.gray", "-256.gray"} {
		if u := strings.TrimSpace(lines[i+1]); !strings.HasPrefix(u, image.CDN) || !strings.HasSuffix(u, size) {
			t.Fatalf("line %d: %q is not the URL of size %s", i+1, u, size)
		}
	}
}

func TestRunInvalidEmail(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, image.HandleInput{Email: "nobody", URL: "https://example.com/x.jpg"}, &out)
	var task *infinitic.TaskFailedError
	if !errors.As(err, &task) || task.Method != "Save" {
		t.Fatalf("want Save to fail, got %v", err)
	}
	if out.Len() != 0 {
		t.Fatalf("nothing should be printed, got %q", out.String())
	}
}
