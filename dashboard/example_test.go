package dashboard_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/infinitic-go/infinitic/admin"
	"github.com/infinitic-go/infinitic/dashboard"
	"github.com/infinitic-go/infinitic/inmemory"
	"github.com/infinitic-go/infinitic/worker"
)

// A dashboard mounted under /ops/ of a program's own server, read-only.
func Example() {
	ctx := context.Background()
	d, err := inmemory.Start(ctx, func(w *worker.Worker) error {
		return worker.AddWorkflow(w, func() Receipts { return receipts{} })
	})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	a, err := admin.New(ctx, admin.Config{Transport: d.Transport, Store: d.Store})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()

	dash, err := dashboard.New(a, dashboard.Options{Transport: d.Transport, ReadOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ops/", http.StripPrefix("/ops", dash))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, path := range []string{"/ops/", "/ops/?workflow=Receipts&status=failed", "/ops/streams"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			log.Fatal(err)
		}
		_ = resp.Body.Close()
		fmt.Println(path, resp.Status)
	}
	// Output:
	// /ops/ 200 OK
	// /ops/?workflow=Receipts&status=failed 200 OK
	// /ops/streams 200 OK
}
