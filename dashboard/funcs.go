package dashboard

import (
	"fmt"
	"html/template"
	"net/url"
	"time"

	"github.com/infinitic-go/infinitic/admin"
)

// funcs are the templates' functions.
var funcs = template.FuncMap{
	"statuses":     func() []admin.Status { return statuses },
	"countCap":     func() int { return countCap },
	"instanceHref": instanceHref,
	"atHref": func(in *admin.Instance, at time.Time) string {
		return "instance?" + url.Values{"workflow": {in.Workflow}, "id": {in.ID}, "at": {rfc3339(at)}}.Encode() + "#state"
	},
	"rfc3339":  rfc3339,
	"timeOf":   timeOf,
	"duration": func(from, to time.Time) string { return roundDuration(to.Sub(from)).String() },
	"pretty":   prettyJSON,
	"f":        func(x float64) string { return fmt.Sprintf("%.1f", x) },
	"add":      func(a, b int) int { return a + b },
	"sub":      func(a, b float64) float64 { return a - b },
	"or1": func(a, b time.Time) time.Time {
		if a.IsZero() {
			return b
		}
		return a
	},
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// timeOf shows a time in UTC to the millisecond; "—" for none.
func timeOf(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05.000")
}

// byteCount shows a size in bytes for people.
func byteCount(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
