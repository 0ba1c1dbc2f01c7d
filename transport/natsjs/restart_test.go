package natsjs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// TestTimerSurvivesRestart publishes a delayed message, stops the server
// before it is due, restarts it on the same directory and consumes it.
func TestTimerSurvivesRestart(t *testing.T) {
	for _, mode := range []natsjs.TimerMode{natsjs.TimersSchedule, natsjs.TimersRedelivery} {
		t.Run(fmt.Sprint(mode), func(t *testing.T) { testTimerSurvivesRestart(t, mode) })
	}
}

func testTimerSurvivesRestart(t *testing.T, mode natsjs.TimerMode) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg := uniqueConfig()
	cfg.Timers = mode

	s1, err := embedded.Start(embedded.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	nc1, err := s1.Connect()
	if err != nil {
		t.Fatal(err)
	}
	tr1, err := natsjs.New(ctx, nc1, cfg)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Second)
	msgs := []transport.Message{
		{ID: "timer", Subject: "wf.W", Key: "id-1", Data: []byte("wake up"), DeliverAt: at},
		{ID: "buffered", Subject: "wf.W", Key: "id-2", Data: []byte("no consumer yet")},
	}
	if err := tr1.Publish(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	_ = tr1.Close()
	nc1.Close()
	s1.Shutdown()

	s2 := startServer(t, dir)
	tr2 := newTransport(t, connect(t, s2), cfg)
	c, err := tr2.Consume(ctx, "wf.W", "engine")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got := map[string]transport.Message{}
	for len(got) < 2 {
		ds, err := c.Fetch(ctx, 10, 10*time.Second)
		if err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		for _, d := range ds {
			got[d.Message().ID] = d.Message()
			if err := d.Ack(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if time.Now().Before(at) {
		t.Errorf("timer fired before its time")
	}
	m := got["timer"]
	if string(m.Data) != "wake up" || m.Key != "id-1" || m.Subject != "wf.W" || !m.DeliverAt.Equal(at) {
		t.Errorf("timer delivered as %+v", m)
	}
	if string(got["buffered"].Data) != "no consumer yet" {
		t.Errorf("buffered message delivered as %+v", got["buffered"])
	}
}
