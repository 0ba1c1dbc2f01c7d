package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	ch  chan string
	buf bytes.Buffer
}

func (s *syncBuffer) Write(b []byte) (int, error) {
	s.ch <- string(b)
	return s.buf.Write(b)
}

// `infinitic server` serves other processes: the demo runs against it
// through the nats backend.
func TestServerAndDemoOverNATS(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srvCtx, stopServer := context.WithCancel(ctx)
	out := &syncBuffer{ch: make(chan string, 16)}
	cmd := newRootCmd()
	cmd.SetArgs([]string{"server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir()})
	cmd.SetOut(out)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(srvCtx) }()
	var url string
	select {
	case line := <-out.ch:
		url = regexp.MustCompile(`nats://[0-9.]+:\d+`).FindString(line)
	case err := <-done:
		t.Fatalf("server stopped: %v", err)
	}
	if url == "" {
		t.Fatal("server did not print its URL")
	}
	demo, err := execute(t, "demo", "--workflows", "5", "--backend", backendNATS, "--nats", url)
	if err != nil {
		t.Fatalf("%v\n%s", err, demo)
	}
	checkDemoOutput(t, demo)
	stopServer()
	go func() { <-out.ch }() // "stopping"
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
