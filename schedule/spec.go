package schedule

import (
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Spec says when a schedule starts its workflow: on a cron expression or
// at a fixed interval, and what happens to late and overlapping runs.
type Spec struct {
	// Cron is a cron expression: 5 fields (minute hour day-of-month month
	// day-of-week), or 6 with seconds first, or a descriptor (@yearly,
	// @monthly, @weekly, @daily, @hourly), optionally prefixed by
	// "CRON_TZ=Zone " (robfig/cron syntax). One of Cron and Every is
	// required.
	Cron string `json:"cron,omitempty"`
	// Every is a fixed interval (whole seconds): slots are the instants
	// Unix epoch + Offset + k×Every, so "every 1h" fires at each full hour
	// (UTC), whenever the schedule was created.
	Every time.Duration `json:"every,omitempty"`
	// Offset shifts the slots of Every (whole seconds, 0 ≤ Offset <
	// Every). Default 0.
	Offset time.Duration `json:"offset,omitempty"`
	// TimeZone is the IANA zone of Cron, such as "Europe/Paris"
	// (time.LoadLocation). Default: UTC, or the expression's CRON_TZ.
	TimeZone string `json:"timeZone,omitempty"`
	// Jitter delays each run by a random number of seconds in [0,
	// Jitter) after its slot, to spread the load of schedules sharing a slot. The delay is
	// derived from the schedule's name and the slot: the same wherever and
	// however often it is computed. Default 0.
	Jitter time.Duration `json:"jitter,omitempty"`
	// Overlap says what a slot does while the previous run still runs.
	// Default OverlapSkip.
	Overlap Overlap `json:"overlap,omitempty"`
	// CatchUpWindow is how late a slot may still start: after a downtime
	// (every worker stopped), the slots missed by less than this start
	// (see CatchUp), older ones are counted as missed. Default 1 minute.
	CatchUpWindow time.Duration `json:"catchUpWindow,omitempty"`
	// CatchUp says which missed slots within CatchUpWindow start.
	// Default CatchUpAll.
	CatchUp CatchUp `json:"catchUp,omitempty"`
}

// Overlap is what a slot does while the previous run of its schedule
// still runs.
type Overlap string

// Overlap policies.
const (
	// OverlapSkip skips the slot (counted in Description.Skipped).
	OverlapSkip Overlap = "skip"
	// OverlapBufferOne starts the slot's run when the previous run ends;
	// one slot at most waits so, later ones are skipped.
	OverlapBufferOne Overlap = "bufferOne"
	// OverlapAllow starts the run at once, alongside the previous ones.
	OverlapAllow Overlap = "allow"
)

// CatchUp says which slots missed during a downtime start when the
// schedule runs again.
type CatchUp string

// Catch-up policies.
const (
	// CatchUpAll starts every missed slot within the catch-up window, in
	// order (subject to the overlap policy).
	CatchUpAll CatchUp = "all"
	// CatchUpLatest starts only the latest missed slot within the window.
	CatchUpLatest CatchUp = "latest"
)

// Defaults and bounds.
const (
	// DefaultCatchUpWindow is Spec.CatchUpWindow's default.
	DefaultCatchUpWindow = time.Minute
	// MaxCatchUp bounds the slots one wake-up starts: after a long
	// downtime with a large window, the oldest slots beyond it are
	// counted as missed.
	MaxCatchUp = 100
)

// cronParser reads 5 fields, or 6 with seconds, and descriptors.
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// slots computes the slots of a valid Spec.
type slots struct {
	cron   *cron.SpecSchedule // nil for Every
	every  time.Duration
	offset time.Duration
}

// withDefaults fills the defaults in.
func (s Spec) withDefaults() Spec {
	if s.Overlap == "" {
		s.Overlap = OverlapSkip
	}
	if s.CatchUp == "" {
		s.CatchUp = CatchUpAll
	}
	if s.CatchUpWindow == 0 {
		s.CatchUpWindow = DefaultCatchUpWindow
	}
	return s
}

// compile validates s and returns its slot computation.
func (s Spec) compile() (slots, error) {
	var errs []error
	switch s.Overlap {
	case "", OverlapSkip, OverlapBufferOne, OverlapAllow:
	default:
		errs = append(errs, fmt.Errorf("overlap %q: want %q, %q or %q", s.Overlap, OverlapSkip, OverlapBufferOne, OverlapAllow))
	}
	switch s.CatchUp {
	case "", CatchUpAll, CatchUpLatest:
	default:
		errs = append(errs, fmt.Errorf("catchUp %q: want %q or %q", s.CatchUp, CatchUpAll, CatchUpLatest))
	}
	if s.Jitter < 0 || s.CatchUpWindow < 0 {
		errs = append(errs, errors.New("jitter and catchUpWindow must not be negative"))
	}
	if s.Every%time.Second != 0 || s.Offset%time.Second != 0 || s.Jitter%time.Second != 0 {
		errs = append(errs, fmt.Errorf("every %v, offset %v, jitter %v: want whole seconds", s.Every, s.Offset, s.Jitter))
	}
	var sl slots
	switch {
	case (s.Cron == "") == (s.Every == 0):
		errs = append(errs, errors.New("give one of cron and every"))
	case s.Every != 0:
		if s.Every < time.Second || s.Offset < 0 || s.Offset >= s.Every {
			errs = append(errs, fmt.Errorf("every %v, offset %v: want every ≥ 1s and 0 ≤ offset < every", s.Every, s.Offset))
		}
		if s.TimeZone != "" {
			errs = append(errs, errors.New("timeZone applies to cron, not to every"))
		}
		sl = slots{every: s.Every, offset: s.Offset}
	default:
		c, err := parseCron(s.Cron, s.TimeZone)
		if err != nil {
			errs = append(errs, err)
		}
		sl.cron = c
	}
	if err := errors.Join(errs...); err != nil {
		return slots{}, fmt.Errorf("%w: %w", ErrInvalidSpec, err)
	}
	return sl, nil
}

// parseCron reads a cron expression, with its CRON_TZ (or TZ) prefix, in
// zone (which wins over the prefix when both are given).
func parseCron(expr, zone string) (*cron.SpecSchedule, error) {
	expr = strings.TrimSpace(expr)
	if rest, ok := cutZone(expr); ok {
		z, fields, found := strings.Cut(rest, " ")
		if !found {
			return nil, fmt.Errorf("cron %q: a time zone prefix needs an expression after it", expr)
		}
		if zone == "" {
			zone = z
		}
		expr = strings.TrimSpace(fields)
	}
	loc := time.UTC
	if zone != "" {
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			return nil, fmt.Errorf("time zone %q: %w", zone, err)
		}
	}
	if strings.HasPrefix(expr, "@every") {
		return nil, fmt.Errorf("cron %q: use every instead of @every", expr)
	}
	sched, err := cronParser.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("cron %q: %w", expr, err)
	}
	spec, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("cron %q: not a calendar expression", expr)
	}
	spec.Location = loc
	if spec.Next(time.Unix(0, 0)).IsZero() { // every date comes within 5 years of any instant
		return nil, fmt.Errorf("cron %q: matches no date", expr)
	}
	return spec, nil
}

// cutZone removes a CRON_TZ= or TZ= prefix.
func cutZone(expr string) (string, bool) {
	for _, p := range []string{"CRON_TZ=", "TZ="} {
		if rest, ok := strings.CutPrefix(expr, p); ok {
			return rest, true
		}
	}
	return expr, false
}

// next returns the first slot strictly after t (zero if there is none:
// a cron that matches no date in the next 5 years).
func (sl slots) next(t time.Time) time.Time {
	if sl.cron != nil {
		return sl.cron.Next(t).UTC()
	}
	return time.Unix(0, (sl.index(t)+1)*int64(sl.every)).Add(sl.offset).UTC()
}

// index is the number of the last interval slot at or before t.
func (sl slots) index(t time.Time) int64 {
	n, d := t.Add(-sl.offset).UnixNano(), int64(sl.every)
	k := n / d
	if n < 0 && n%d != 0 {
		k-- // floor division
	}
	return k
}

// maxCount bounds the cron slots that skip reads one by one.
const maxCount = 100_000

// skip counts the slots in (after, upTo] and returns the last of them
// (after if none); past maxCount cron slots it stops counting and returns
// upTo.
func (sl slots) skip(after, upTo time.Time) (n int, last time.Time) {
	if sl.cron == nil {
		n = int(sl.index(upTo) - sl.index(after))
		if n == 0 {
			return 0, after
		}
		return n, time.Unix(0, sl.index(upTo)*int64(sl.every)).Add(sl.offset).UTC()
	}
	last = after
	for t := sl.next(after); !t.IsZero() && !t.After(upTo); t = sl.next(t) {
		if n == maxCount {
			return n, upTo
		}
		n, last = n+1, t
	}
	return n, last
}

// jitter is the delay of the run of slot of schedule name: whole
// seconds in [0, max), a function of name and slot only.
func jitter(name string, slot time.Time, max time.Duration) time.Duration {
	if max < time.Second {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	_, _ = h.Write([]byte(slot.UTC().Format(time.RFC3339Nano)))
	return time.Duration(h.Sum64()%uint64(max/time.Second)) * time.Second
}

// due returns the slots after last whose run time (slot + jitter) has
// come at now and that catch-up starts, in order, and how many it leaves
// out as missed: run later than the catch-up window, beyond MaxCatchUp,
// or not the latest with CatchUpLatest. done is the latest slot
// considered (or last): the next wake-up looks for slots after it. s has
// its defaults.
func (s Spec) due(name string, sl slots, last, now time.Time) (start []time.Time, missed int, done time.Time) {
	done = last
	// Slots up to cut are later than the window, whatever their jitter.
	if cut := now.Add(-s.CatchUpWindow - s.Jitter - 1); cut.After(last) {
		missed, done = sl.skip(last, cut)
	}
	for t := sl.next(done); !t.IsZero(); t = sl.next(t) {
		at := t.Add(jitter(name, t, s.Jitter))
		if at.After(now) {
			break
		}
		done = t
		if now.Sub(at) > s.CatchUpWindow {
			missed++
			continue
		}
		start = append(start, t)
	}
	keep := MaxCatchUp
	if s.CatchUp == CatchUpLatest {
		keep = 1
	}
	if len(start) > keep {
		missed += len(start) - keep
		start = start[len(start)-keep:]
	}
	return start, missed, done
}
