package natsjs_test

import (
	"context"
	"fmt"
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

// Messages waiting on a workflow or service subject that no worker ever
// consumed cause a warning (once per subject); subjects consumed in time
// do not.
func TestWarnsWhenNoWorkerConsumes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	logs := syncLog{lines: make(chan string, 16)}
	cfg := uniqueConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	cfg.UnconsumedWarning = 2 * time.Second // the consumer below claims wf.Hosted well within it
	tr := newTransport(t, connect(t, startServer(t, t.TempDir())), cfg)
	for i, subject := range []string{"wf.Hosted", "svc.Nobody", "svc.Nobody", "client.someone"} {
		if err := tr.Publish(ctx, transport.Message{ID: fmt.Sprint(i), Subject: subject, Data: []byte("x")}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := tr.Consume(ctx, "wf.Hosted", "engine") // a worker starting just after the publish
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	line := <-logs.lines
	if !strings.Contains(line, "level=WARN") || !strings.Contains(line, "no worker has ever consumed") ||
		!strings.Contains(line, "subject=svc.Nobody") || !strings.Contains(line, "waiting=2") {
		t.Fatalf("warning: %s", line)
	}
	if err := tr.Close(); err != nil { // no check left running
		t.Fatal(err)
	}
	if len(logs.lines) != 0 {
		t.Fatalf("more warnings: %s", <-logs.lines)
	}
}
