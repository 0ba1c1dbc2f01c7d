package image_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/examples/image"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/transport/memory"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newEnv(t *testing.T, opts ...infinitictest.Option) (*infinitictest.Env, *image.Service) {
	t.Helper()
	env := infinitictest.New(t, opts...)
	svc := image.NewService()
	if err := image.Register(env.Worker, svc); err != nil {
		t.Fatal(err)
	}
	env.Start()
	return env, svc
}

// expected computes, by calling the service directly, the versions Handle
// must have uploaded for url.
func expected(t *testing.T, url string, sizes []int) [][]byte {
	t.Helper()
	ctx := context.Background()
	svc := image.NewService()
	img, err := svc.Download(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, size := range sizes {
		r, err := svc.Resize(ctx, image.ResizeInput{Image: img, Size: size})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// checkSaved checks that the profile of email holds one uploaded picture
// per size, in order, with the right pixels.
func checkSaved(t *testing.T, svc *image.Service, email, url string, sizes []int) {
	t.Helper()
	urls := svc.Profile(email)
	if len(urls) != len(sizes) {
		t.Fatalf("profile of %s has %d URLs, want %d: %v", email, len(urls), len(sizes), urls)
	}
	for i, want := range expected(t, url, sizes) {
		if !strings.HasPrefix(urls[i], image.CDN) || !strings.HasSuffix(urls[i], fmt.Sprintf("-%d.gray", sizes[i])) {
			t.Fatalf("URL %d = %s, want a CDN URL for size %d", i, urls[i], sizes[i])
		}
		got, ok := svc.Uploaded(urls[i])
		if !ok || string(got) != string(want) {
			t.Fatalf("picture at %s: uploaded=%v, %d pixels, want the %d pixels of the resized original", urls[i], ok, len(got), len(want))
		}
	}
}

func TestHandle(t *testing.T) {
	env, svc := newEnv(t)
	in := image.HandleInput{Email: "ada@example.com", URL: "https://example.com/ada.jpg"}
	got, err := client.Execute(testCtx(t), env.Client, image.ImageWorkflow.Handle, in)
	if err != nil {
		t.Fatal(err)
	}
	if got != "saved 3 images for ada@example.com" {
		t.Fatalf("got %q", got)
	}
	checkSaved(t, svc, in.Email, in.URL, image.DefaultSizes)
}

func TestHandleCustomSizes(t *testing.T) {
	env, svc := newEnv(t)
	sizes := []int{10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200}
	in := image.HandleInput{Email: "bob@example.com", URL: "http://example.com/bob.png", Sizes: sizes}
	got, err := client.Execute(testCtx(t), env.Client, image.ImageWorkflow.Handle, in)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("saved %d images for bob@example.com", len(sizes)); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	checkSaved(t, svc, in.Email, in.URL, sizes)
}

func TestHandleInvalidURLFailsAtOnce(t *testing.T) {
	env, svc := newEnv(t)
	in := image.HandleInput{Email: "eve@example.com", URL: "ftp://example.com/eve.jpg"}
	_, err := client.Execute(testCtx(t), env.Client, image.ImageWorkflow.Handle, in)
	var task *infinitic.TaskFailedError
	if !errors.As(err, &task) || task.Method != "Download" || task.Attempt != 1 {
		t.Fatalf("want Download to fail at its first attempt, got %v", err)
	}
	var remote *infinitic.RemoteError
	if !errors.As(err, &remote) {
		t.Fatalf("want a RemoteError cause, got %v", err)
	}
	var cause image.InvalidInputError
	if err := remote.DecodeFields(&cause); err != nil {
		t.Fatal(err)
	}
	if cause.Method != "Download" || !strings.Contains(cause.Reason, "ftp://") {
		t.Fatalf("unexpected cause %+v", cause)
	}
	if urls := svc.Profile(in.Email); len(urls) != 0 {
		t.Fatalf("nothing should be saved, got %v", urls)
	}
}

// TestHandleManyWithFaults runs concurrent workflows on a transport that
// delivers every message twice, in random order.
func TestHandleManyWithFaults(t *testing.T) {
	env, svc := newEnv(t, infinitictest.WithTransportOptions(memory.WithDuplicates(), memory.WithReorder(7)))
	ctx := testCtx(t)
	const n = 10
	var runs []*client.Run[string]
	for i := range n {
		in := image.HandleInput{Email: fmt.Sprintf("user%d@example.com", i), URL: fmt.Sprintf("https://example.com/%d.jpg", i)}
		run, err := client.Start(ctx, env.Client, image.ImageWorkflow.Handle, in)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	for i, run := range runs {
		got, err := run.Await(ctx)
		if err != nil {
			t.Fatalf("workflow %d: %v", i, err)
		}
		email := fmt.Sprintf("user%d@example.com", i)
		if got != "saved 3 images for "+email {
			t.Fatalf("workflow %d: got %q", i, got)
		}
		checkSaved(t, svc, email, fmt.Sprintf("https://example.com/%d.jpg", i), image.DefaultSizes)
	}
}
