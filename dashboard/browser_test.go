package dashboard_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/dashboard"
	"github.com/infinitic-go/infinitic/embedded"
	"github.com/infinitic-go/infinitic/internal/testserver"
	"github.com/infinitic-go/infinitic/worker"
)

// screenshotsEnv, set to 1, makes TestBrowser write its screenshots to
// docs/images (the README shows them).
const screenshotsEnv = "INFINITIC_SCREENSHOTS"

// chromium returns the path of the Chromium binary, or skips (fails with
// INFINITIC_REQUIRE_SERVERS=1, as in CI: .ci/run installs it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	_, err := exec.LookPath("chromium")
	testserver.Unreachable(t, "Chromium", err)
	return ""
}

// embeddedOrders runs Orders on an embedded NATS server, with one
// instance of each status, and serves a dashboard of it.
func embeddedOrders(t *testing.T, broken *atomic.Bool) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	b, err := embedded.Open(ctx, embedded.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	quiet := slog.New(slog.DiscardHandler)
	w, err := worker.New(worker.Config{Transport: b.Transport, Store: b.Store, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := registerOrders(w, broken); err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
	})
	a, err := admin.New(ctx, admin.Config{Transport: b.Transport, Store: b.Store, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	seedOrders(t, a)
	h, err := dashboard.New(a, dashboard.Options{Transport: b.Transport, Refresh: time.Second, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestBrowser drives the dashboard in headless Chromium: it finds the
// failed order, reads its error chain in the timeline, retries it and
// sees it complete; then it sends a confirmation to the waiting order and
// sees that one complete.
func TestBrowser(t *testing.T) {
	path := chromium(t)
	var broken atomic.Bool
	broken.Store(true)
	srv := embeddedOrders(t, &broken)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.WindowSize(1280, 860))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses root with its sandbox
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}
	screenshot := func() []byte {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		return png
	}

	run("open the list of Orders",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.SetValue(chromedp.CSS("#workflow"), "Orders"),
		chromedp.Click(chromedp.CSS(`form.search button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.instances a[href*="id=order-waiting"]`)))
	listShot := screenshot()

	run("search the failed ones",
		chromedp.Click(chromedp.CSS(`input[name=status][value=failed]`)),
		chromedp.Click(chromedp.CSS(`form.search button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.instances a[href*="id=order-failed"]`)))
	if rows := text("table.instances tbody"); strings.Contains(rows, orderCompleted) || strings.Contains(rows, orderWaiting) {
		t.Fatalf("the failed ones include others:\n%s", rows)
	}

	run("open the failed one and select its last instant",
		chromedp.Click(chromedp.CSS(`table.instances a[href*="id=order-failed"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#timeline svg`)),
		chromedp.Click(chromedp.CSS(`svg.timeline > a:last-of-type`)),
		chromedp.WaitVisible(chromedp.CSS(`#state`)))
	timelineShot := screenshot()
	timeline := text("#timeline")
	for _, want := range []string{"till broken: cannot charge -5", "card declined", "2 attempts", "State at"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, timeline)
		}
	}

	broken.Store(false)
	run("retry it",
		chromedp.Click(chromedp.CSS(`#retry-tasks`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm`)))
	if q := text("#question"); !strings.Contains(q, "Retry the failed tasks of Orders order-failed") {
		t.Errorf("confirmation: %q", q)
	}
	run("confirm the retry and see it complete",
		chromedp.Click(chromedp.CSS(`#confirm`)),
		chromedp.WaitVisible(chromedp.CSS(`#status.status-completed`)),
		chromedp.WaitVisible(chromedp.CSS(`#output`)))
	if out := text("#output"); !strings.Contains(out, "receipt for -5, confirmed by nobody") {
		t.Errorf("output of the retried order: %q", out)
	}

	run("send a confirmation to the waiting one",
		chromedp.Navigate(srv.URL+"/instance?workflow=Orders&id="+orderWaiting),
		chromedp.WaitVisible(chromedp.CSS(`#value`)),
		chromedp.SetValue(chromedp.CSS(`#value`), `{"By":"ada"}`),
		chromedp.Click(chromedp.CSS(`#send`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm`)),
		chromedp.Click(chromedp.CSS(`#confirm`)),
		chromedp.WaitVisible(chromedp.CSS(`#output`)))
	if out := text("#output"); !strings.Contains(out, "receipt for 20, confirmed by ada") {
		t.Errorf("output of the confirmed order: %q", out)
	}

	if os.Getenv(screenshotsEnv) == "1" {
		for name, png := range map[string][]byte{"dashboard-instances.png": listShot, "dashboard-timeline.png": timelineShot} {
			if err := os.WriteFile(filepath.Join("..", "docs", "images", name), png, 0o644); err != nil {
				t.Error(err)
			}
		}
	}
}
