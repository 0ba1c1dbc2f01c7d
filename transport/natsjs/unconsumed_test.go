package natsjs_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/transport"
)

// syncLog is a log destination safe for concurrent writes.
type syncLog struct {
	lines chan string
}

func (l syncLog) Write(b []byte) (int, error) {
	l.lines <- string(b)
	return len(b), nil
}

// Publishing to a workflow or service subject that no worker ever
// consumed logs a warning (once per subject); consumed subjects do not.
func TestWarnsWhenNoWorkerConsumes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	logs := syncLog{lines: make(chan string, 16)}
	cfg := uniqueConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	tr := newTransport(t, connect(t, startServer(t, t.TempDir())), cfg)
	c, err := tr.Consume(ctx, "wf.Hosted", "engine")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, subject := range []string{"wf.Hosted", "svc.Nobody", "svc.Nobody", "client.someone"} {
		if err := tr.Publish(ctx, transport.Message{ID: subject + "-1", Subject: subject, Data: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
	if len(logs.lines) != 1 {
		t.Fatalf("want one warning, got %d", len(logs.lines))
	}
	if line := <-logs.lines; !strings.Contains(line, "level=WARN") || !strings.Contains(line, "no worker has ever consumed this subject") ||
		!strings.Contains(line, "subject=svc.Nobody") {
		t.Fatalf("warning: %s", line)
	}
}
