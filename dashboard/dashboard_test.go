package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/dashboard"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/worker"
)

// memoryDashboard runs Orders in memory with one instance of each status
// and returns the admin and a dashboard server on it.
func memoryDashboard(t *testing.T, opts dashboard.Options) (*admin.Admin, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	var broken atomic.Bool
	broken.Store(true)
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error { return registerOrders(w, &broken) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	seedOrders(t, a)
	opts.Transport = d.Transport
	h, err := dashboard.New(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return a, srv
}

// formToken reads the anti-forgery token of a page's forms.
func formToken(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	p := get(t, srv, "/instance?workflow=Orders&id="+orderWaiting)
	m := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no token in the instance page")
	}
	return m[1]
}

// page is a response read whole.
type page struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, srv *httptest.Server, path string) page {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{resp.StatusCode, resp.Header, string(b)}
}

func TestPages(t *testing.T) {
	_, srv := memoryDashboard(t, dashboard.Options{})
	later := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04"))
	for _, tc := range []struct {
		path   string
		status int
		want   []string // in the body
		not    []string // not in the body
	}{
		{"/", 200, []string{"Instances per workflow", `href="?workflow=Orders"`, "Receipts"}, nil},
		{"/?workflow=Orders", 200, []string{orderCompleted, orderFailed, orderWaiting, orderCanceled, `<span class="n">1</span> failed`}, nil},
		{"/?workflow=Orders&status=failed", 200, []string{orderFailed}, []string{orderCompleted, orderWaiting}},
		{"/?workflow=Orders&status=running&status=canceled", 200, []string{orderWaiting, orderCanceled}, []string{orderFailed}},
		{"/?workflow=Orders&tag=shop:paris&status=completed", 200, []string{orderCompleted}, []string{orderFailed}},
		{"/?workflow=Orders&tag=shop:lyon", 200, []string{"No instance matches."}, []string{orderFailed}},
		{"/?workflow=Orders&from=" + later, 200, []string{"No instance matches."}, []string{orderFailed}},
		{"/?workflow=Orders&to=" + later, 200, []string{orderFailed}, nil},
		{"/?workflow=Orders&status=lost", 400, []string{`unknown status &#34;lost&#34;`}, nil},
		{"/?workflow=Orders&from=yesterday", 400, []string{"is not a time"}, nil},
		{"/?workflow=bad%20name", 400, []string{`class="error"`}, nil},
		{"/instance?workflow=Orders&id=" + orderFailed, 200, []string{
			"till broken: cannot charge -5", "card declined", "2 attempts", "Retry failed tasks", "&#34;Amount&#34;: -5", "timer", "task Till.Charge",
		}, nil},
		{"/instance?workflow=Orders&id=" + orderWaiting, 200, []string{"Waiting for", "receive", `value="confirmations"`, "Send…", "Cancel instance"}, []string{"Retry failed tasks"}},
		{"/instance?workflow=Orders&id=" + orderCompleted, 200, []string{"receipt for 10, confirmed by nobody", "keeps its outcome only"}, []string{"Cancel instance"}},
		{"/instance?workflow=Orders&id=" + orderCanceled, 200, []string{"canceled"}, []string{"Cancel instance"}},
		{"/instance?workflow=Orders&id=nope", 404, []string{"not found"}, nil},
		{"/instance?workflow=Orders&id=" + orderWaiting + "&at=2000-01-01T00:00:00Z", 200, []string{"State at 2000-01-01 00:00:00.000", "Nothing yet."}, nil},
		{"/instance?workflow=Orders&id=" + orderWaiting + "&at=" + url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), 200, []string{"Pending</h4><p><strong>receive</strong> confirmations", "task</strong> Till.Charge"}, nil},
		{"/instance?workflow=Orders&id=" + orderWaiting + "&at=noon", 200, []string{"at: parsing time"}, nil},
		{"/streams", 200, []string{"svc.Till", "wf.Orders", "engine"}, nil},
		{"/deadletter", 200, []string{"No dead letter."}, nil},
		{"/assets/dashboard.js", 200, []string{"data-refresh"}, nil},
		{"/assets/dashboard.css", 200, []string{"--failed"}, nil},
		{"/nowhere", 404, nil, nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			p := get(t, srv, tc.path)
			resp, body := p, p.body
			if resp.status != tc.status {
				t.Errorf("status %d, want %d\n%s", resp.status, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q\n%s", w, body)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(body, n) {
					t.Errorf("body has %q", n)
				}
			}
			if csp := resp.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
		})
	}
}

func TestActions(t *testing.T) {
	a, srv := memoryDashboard(t, dashboard.Options{})
	token := formToken(t, srv)
	noRedirect := *srv.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, tc := range []struct {
		name     string
		form     url.Values
		header   http.Header
		status   int
		want     string // in the body, or the redirect's location
		instance string // then has this status
		has      admin.Status
	}{
		{"no token", url.Values{"op": {"cancel"}, "workflow": {"Orders"}, "id": {orderWaiting}, "confirmed": {"yes"}}, nil, 403, "form token", orderWaiting, admin.StatusRunning},
		{"wrong token", url.Values{"token": {"guess"}, "op": {"cancel"}, "workflow": {"Orders"}, "id": {orderWaiting}, "confirmed": {"yes"}}, nil, 403, "form token", orderWaiting, admin.StatusRunning},
		{"cross origin", url.Values{"token": {token}, "op": {"cancel"}, "workflow": {"Orders"}, "id": {orderWaiting}, "confirmed": {"yes"}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403, "cross-origin", orderWaiting, admin.StatusRunning},
		{"unknown action", url.Values{"token": {token}, "op": {"delete"}, "workflow": {"Orders"}, "id": {orderWaiting}}, nil, 400, "unknown action", "", ""},
		{"asks first", url.Values{"token": {token}, "op": {"cancel"}, "workflow": {"Orders"}, "id": {orderWaiting}}, nil, 200, "Cancel Orders order-waiting?", orderWaiting, admin.StatusRunning},
		{"invalid JSON", url.Values{"token": {token}, "op": {"signal"}, "workflow": {"Orders"}, "id": {orderWaiting}, "channel": {"confirmations"}, "value": {"{by:"}}, nil, 400, "not valid JSON", "", ""},
		{"signal asks first", url.Values{"token": {token}, "op": {"signal"}, "workflow": {"Orders"}, "id": {orderWaiting}, "channel": {"confirmations"}, "value": {`{"By":"ada"}`}}, nil, 200, "Send this value to channel confirmations of Orders order-waiting?", "", ""},
		{"retry a running one", url.Values{"token": {token}, "op": {"retry-tasks"}, "workflow": {"Orders"}, "id": {orderWaiting}, "confirmed": {"yes"}}, nil, 409, "not failed", "", ""},
		{"signal", url.Values{"token": {token}, "op": {"signal"}, "workflow": {"Orders"}, "id": {orderWaiting}, "channel": {"confirmations"}, "value": {`{"By":"ada"}`}, "confirmed": {"yes"}}, nil, 303, "instance?id=order-waiting&workflow=Orders&done=signal", orderWaiting, admin.StatusCompleted},
		{"cancel a finished one", url.Values{"token": {token}, "op": {"cancel"}, "workflow": {"Orders"}, "id": {orderCompleted}, "confirmed": {"yes"}}, nil, 409, "finished", "", ""},
		{"start", url.Values{"token": {token}, "op": {"start"}, "workflow": {"Orders"}, "method": {"Order"}, "id": {"order-new"}, "value": {`{"Amount":7}`}, "tags": {"a, b"}, "confirmed": {"yes"}}, nil, 303, "instance?id=order-new&workflow=Orders&done=start", "order-new", admin.StatusCompleted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/action", strings.NewReader(tc.form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.header {
				req.Header[k] = v
			}
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d\n%s", resp.StatusCode, tc.status, b)
			}
			if got := string(b) + resp.Header.Get("Location"); !strings.Contains(got, tc.want) {
				t.Errorf("response lacks %q:\n%s", tc.want, got)
			}
			if tc.instance != "" {
				waitStatus(t, a, tc.instance, tc.has)
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
	_, srv := memoryDashboard(t, dashboard.Options{ReadOnly: true})
	body := get(t, srv, "/instance?workflow=Orders&id="+orderFailed).body
	for _, absent := range []string{"Retry failed tasks", `name="token"`} {
		if strings.Contains(body, absent) {
			t.Errorf("read-only page shows %q", absent)
		}
	}
	resp, err := srv.Client().PostForm(srv.URL+"/action", url.Values{"op": {"retry-tasks"}, "workflow": {"Orders"}, "id": {orderFailed}, "confirmed": {"yes"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST on a read-only dashboard: status %d, want 403", resp.StatusCode)
	}
}

func TestDeadLetters(t *testing.T) {
	ctx := context.Background()
	var broken atomic.Bool
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error { return registerOrders(w, &broken) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	junk := transport.Message{ID: "junk-1", Subject: "wf.Orders", Key: "junk", Data: []byte("not an envelope")}
	if err := d.Transport.Publish(ctx, junk); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for { // until the engine dead-letters it
		changed := d.Transport.Changed()
		if len(d.Transport.DeadLetters()) > 0 {
			break
		}
		select {
		case <-changed:
		case <-wait.Done():
			t.Fatal("the junk message was never dead-lettered")
		}
	}
	h, err := dashboard.New(a, dashboard.Options{Transport: d.Transport})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/streams", []string{`href="deadletter?subject=wf.Orders">1</a>`}},
		{"/deadletter?subject=wf.Orders", []string{"decode envelope", `href="deadletter?subject=wf.Orders&amp;n=0"`}},
		{"/deadletter?subject=wf.Orders&n=0", []string{"Dead letter 0", "junk-1", "not an infinitic message", "not an envelope"}},
		{"/deadletter?subject=svc.Till", []string{"No dead letter."}},
	} {
		p := get(t, srv, tc.path)
		for _, w := range tc.want {
			if p.status != http.StatusOK || !strings.Contains(p.body, w) {
				t.Errorf("GET %s: %d, body lacks %q\n%s", tc.path, p.status, w, p.body)
			}
		}
	}
}
