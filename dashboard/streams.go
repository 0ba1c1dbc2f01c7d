package dashboard

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/transport"
)

// sample is a reading of every group's Acked counter: throughput is the
// difference of two samples. The dashboard takes one per view of the
// streams page (which refreshes itself), and keeps sampleWindow of them.
type sample struct {
	at    time.Time
	acked map[string]uint64 // by groupKey
}

const (
	sampleWindow = 15 * time.Minute
	sparkWidth   = 150 // pixels of a throughput sparkline
	sparkHeight  = 24
)

func groupKey(subject, group string) string { return subject + "\x00" + group }

// workflowOf returns the workflow whose clients' subject is subject.
func workflowOf(subject string) (string, bool) {
	return strings.CutPrefix(subject, wire.WorkflowSubject(""))
}

// subjectView is a subject as the streams page shows it.
type subjectView struct {
	transport.SubjectInfo
	Kind   string // what consumes it: service, workflow, workflow engine...
	Name   string
	Groups []groupView
}

type groupView struct {
	transport.GroupInfo
	Rate  string     // messages per second over the sampled window
	Spark []sparkBar // rate between successive samples
}

type sparkBar struct {
	X, Y, W, H float64
	Title      string
}

type streamsData struct {
	Available bool
	Subjects  []subjectView
	Window    string // how long the throughput was sampled
	Error     string
}

// describeSubject says what a transport subject carries.
func describeSubject(subject string) (kind, name string) {
	prefixes := []struct{ prefix, kind string }{
		{wire.WorkflowSubject(""), "workflow"},
		{wire.WorkflowInternalSubject(""), "workflow (internal)"},
		{wire.ServiceSubject(""), "service"},
		{wire.CancelSubject(""), "cancellations of"},
		{wire.ClientSubject(""), "client"},
	}
	for _, p := range prefixes {
		if n, ok := strings.CutPrefix(subject, p.prefix); ok {
			return p.kind, n
		}
	}
	return "", subject
}

func (d *Dashboard) streams(w http.ResponseWriter, r *http.Request) {
	data := streamsData{Available: d.inspector != nil}
	if d.inspector == nil {
		d.render(w, http.StatusOK, "streams", "Workers and streams", data)
		return
	}
	subjects, err := d.inspector.Inspect(r.Context())
	if err != nil {
		data.Error = err.Error()
		d.render(w, http.StatusInternalServerError, "streams", "Workers and streams", data)
		return
	}
	samples := d.sample(subjects, time.Now())
	if len(samples) > 1 {
		data.Window = roundDuration(samples[len(samples)-1].at.Sub(samples[0].at)).String()
	}
	for _, s := range subjects {
		v := subjectView{SubjectInfo: s}
		v.Kind, v.Name = describeSubject(s.Subject)
		for _, g := range s.Groups {
			v.Groups = append(v.Groups, throughput(g, groupKey(s.Subject, g.Group), samples))
		}
		data.Subjects = append(data.Subjects, v)
	}
	d.render(w, http.StatusOK, "streams", "Workers and streams", data)
}

// sample records the Acked counters of subjects at now and returns the
// samples of the window.
func (d *Dashboard) sample(subjects []transport.SubjectInfo, now time.Time) []sample {
	s := sample{at: now, acked: map[string]uint64{}}
	for _, sub := range subjects {
		for _, g := range sub.Groups {
			s.acked[groupKey(sub.Subject, g.Group)] = g.Acked
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	keep := 0
	for keep < len(d.samples) && now.Sub(d.samples[keep].at) > sampleWindow {
		keep++
	}
	d.samples = append(d.samples[keep:], s)
	return append([]sample(nil), d.samples...)
}

// throughput computes a group's rate over the samples and its sparkline.
func throughput(g transport.GroupInfo, key string, samples []sample) groupView {
	v := groupView{GroupInfo: g, Rate: "—"}
	if len(samples) < 2 {
		return v
	}
	first, last := samples[0], samples[len(samples)-1]
	if n, ok := first.acked[key]; ok && last.acked[key] >= n {
		v.Rate = strconv.FormatFloat(float64(last.acked[key]-n)/last.at.Sub(first.at).Seconds(), 'f', 1, 64) + "/s"
	}
	var rates []float64
	peak := 0.0
	for i := 1; i < len(samples); i++ {
		a, okA := samples[i-1].acked[key]
		b, okB := samples[i].acked[key]
		rate := 0.0
		if okA && okB && b >= a {
			rate = float64(b-a) / samples[i].at.Sub(samples[i-1].at).Seconds()
		}
		rates = append(rates, rate)
		peak = max(peak, rate)
	}
	span := last.at.Sub(first.at).Seconds()
	for i, rate := range rates {
		x := sparkWidth * samples[i].at.Sub(first.at).Seconds() / span
		w := sparkWidth * samples[i+1].at.Sub(samples[i].at).Seconds() / span
		h := 0.0
		if peak > 0 {
			h = sparkHeight * rate / peak
		}
		v.Spark = append(v.Spark, sparkBar{X: x, Y: sparkHeight - h, W: max(w-0.5, 0.5), H: max(h, 0.5),
			Title: fmt.Sprintf("%.1f/s at %s", rate, timeOf(samples[i+1].at))})
	}
	return v
}

// deadLetterLimit bounds the dead letters a page lists.
const deadLetterLimit = 200

type deadLetterData struct {
	Subject string
	Letters []transport.DeadLetter
	Shown   *transport.DeadLetter // the inspected one
	Index   int
	Decoded string // the shown letter's envelope as JSON
	Raw     string // or its bytes, when it does not decode
	Error   string
}

func (d *Dashboard) deadLetter(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := deadLetterData{Subject: q.Get("subject"), Index: -1}
	if d.inspector == nil {
		data.Error = "the transport does not describe its dead letters"
		d.render(w, http.StatusNotFound, "deadletter", "Dead letters", data)
		return
	}
	letters, err := d.inspector.InspectDeadLetters(r.Context(), data.Subject, deadLetterLimit)
	data.Letters = letters
	if err != nil {
		data.Error = err.Error()
	}
	if v := q.Get("n"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 && n < len(letters) {
			data.Index, data.Shown = n, &letters[n]
			data.Decoded, data.Raw = decodeLetter(letters[n].Message.Data)
		}
	}
	d.render(w, http.StatusOK, "deadletter", "Dead letters", data)
}

// decodeLetter shows a message's data: its envelope as JSON, or its
// first bytes in hex when it is not an envelope.
func decodeLetter(data []byte) (decoded, raw string) {
	if e, err := wire.DecodeEnvelope(data); err == nil {
		if b, err := json.MarshalIndent(e, "", "  "); err == nil {
			return string(b), ""
		}
	}
	const maxShown = 1024
	if len(data) > maxShown {
		return "", hex.Dump(data[:maxShown]) + fmt.Sprintf("… (%s in all)", byteCount(len(data)))
	}
	return "", hex.Dump(data)
}
