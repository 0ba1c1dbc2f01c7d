package dashboard

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/transport"
)

//go:embed templates assets
var files embed.FS

// Options configures a Dashboard. The zero value is valid.
type Options struct {
	// Workflows are the workflow names (wire names) that the instance list
	// offers. The dashboard adds those it finds among the consumers of the
	// transport (see Transport); a name typed in the search works too.
	Workflows []string
	// Transport, when it implements transport.Inspector (transport/natsjs
	// and transport/memory do), feeds the workers and streams page and the
	// discovery of workflow names. nil: that page shows nothing.
	Transport transport.Transport
	// ReadOnly hides the actions and makes the handler refuse their POST
	// requests (403 Forbidden).
	ReadOnly bool
	// Refresh is how often a page reloads its live parts in the browser.
	// Default 5 s; negative: never.
	Refresh time.Duration
	// Logger receives the errors of requests (default slog.Default()).
	Logger *slog.Logger
}

// Dashboard is the dashboard's http.Handler. Create it with New.
type Dashboard struct {
	admin     *admin.Admin
	opts      Options
	inspector transport.Inspector // nil: none
	token     string              // the anti-forgery token of the forms that act
	pages     map[string]*template.Template
	mux       *http.ServeMux

	mu      sync.Mutex
	samples []sample // throughput samples, oldest first (see streams.go)
}

// New returns a dashboard of the instances that a sees. a stays the
// caller's: close it after the dashboard's last request.
func New(a *admin.Admin, opts Options) (*Dashboard, error) {
	if a == nil {
		return nil, errors.New("dashboard: an *admin.Admin is required")
	}
	if opts.Refresh == 0 {
		opts.Refresh = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	d := &Dashboard{admin: a, opts: opts, token: rand.Text(), pages: map[string]*template.Template{}}
	d.inspector, _ = opts.Transport.(transport.Inspector)
	for _, page := range []string{"list", "instance", "confirm", "result", "streams", "deadletter"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+page+".html")
		if err != nil {
			return nil, err
		}
		d.pages[page] = t
	}
	assets, err := fs.Sub(files, "assets")
	if err != nil {
		return nil, err
	}
	d.mux = http.NewServeMux()
	d.mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(assets)))
	d.mux.HandleFunc("GET /{$}", d.list)
	d.mux.HandleFunc("GET /instance", d.instance)
	d.mux.HandleFunc("GET /streams", d.streams)
	d.mux.HandleFunc("GET /deadletter", d.deadLetter)
	d.mux.HandleFunc("POST /action", d.action)
	return d, nil
}

// ServeHTTP serves the dashboard's pages, assets and actions. It sets
// a strict Content-Security-Policy (scripts and styles from the
// dashboard only) and refuses cross-origin POST requests and forms
// without the dashboard's token.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if r.Method == http.MethodPost {
		if d.opts.ReadOnly {
			http.Error(w, "this dashboard is read-only", http.StatusForbidden)
			return
		}
		if err := http.NewCrossOriginProtection().Check(r); err != nil {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("token")), []byte(d.token)) != 1 {
			http.Error(w, "missing or stale form token: reload the page", http.StatusForbidden)
			return
		}
	}
	d.mux.ServeHTTP(w, r)
}

// view is what every page's template receives.
type view struct {
	Title     string
	Nav       string // the navigation entry of the page
	Token     string
	ReadOnly  bool
	Refresh   int // seconds between refreshes of the live parts; 0 never
	Workflows []string
	Data      any
}

// render writes page with data, or a 500 error when rendering fails.
func (d *Dashboard) render(w http.ResponseWriter, status int, page, title string, data any) {
	v := view{Title: title, Nav: page, Token: d.token, ReadOnly: d.opts.ReadOnly, Data: data}
	if d.opts.Refresh > 0 {
		v.Refresh = max(1, int(d.opts.Refresh/time.Second))
	}
	var buf bytes.Buffer
	if err := d.pages[page].Execute(&buf, v); err != nil {
		d.opts.Logger.Error("dashboard: render", "page", page, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// workflows returns the configured and discovered workflow names, sorted.
func (d *Dashboard) workflows(ctx context.Context) []string {
	names := slices.Clone(d.opts.Workflows)
	if d.inspector != nil {
		if subjects, err := d.inspector.Inspect(ctx); err == nil {
			for _, s := range subjects {
				if w, ok := workflowOf(s.Subject); ok {
					names = append(names, w)
				}
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
