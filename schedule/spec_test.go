package schedule

import (
	"errors"
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNext(t *testing.T) {
	for _, c := range []struct {
		name  string
		spec  Spec
		after string
		want  string
	}{
		{"every hour, aligned on the epoch", Spec{Every: time.Hour}, "2030-01-01T10:20:00Z", "2030-01-01T11:00:00Z"},
		{"every hour, on a slot: strictly after", Spec{Every: time.Hour}, "2030-01-01T11:00:00Z", "2030-01-01T12:00:00Z"},
		{"every hour with offset", Spec{Every: time.Hour, Offset: 15 * time.Minute}, "2030-01-01T10:20:00Z", "2030-01-01T11:15:00Z"},
		{"every 7s before the epoch", Spec{Every: 7 * time.Second}, "1969-12-31T23:59:50Z", "1969-12-31T23:59:53Z"},
		{"cron UTC", Spec{Cron: "0 3 * * *"}, "2030-01-01T10:00:00Z", "2030-01-02T03:00:00Z"},
		{"cron with seconds", Spec{Cron: "30 * * * * *"}, "2030-01-01T10:00:00Z", "2030-01-01T10:00:30Z"},
		{"descriptor", Spec{Cron: "@daily"}, "2030-01-01T10:00:00Z", "2030-01-02T00:00:00Z"},
		{"time zone, winter", Spec{Cron: "0 9 * * *", TimeZone: "Europe/Paris"}, "2030-01-01T10:00:00Z", "2030-01-02T08:00:00Z"},
		{"time zone, summer", Spec{Cron: "0 9 * * *", TimeZone: "Europe/Paris"}, "2030-07-01T10:00:00Z", "2030-07-02T07:00:00Z"},
		{"CRON_TZ prefix", Spec{Cron: "CRON_TZ=America/New_York 0 9 * * *"}, "2030-01-01T00:00:00Z", "2030-01-01T14:00:00Z"},
		{"TimeZone wins over the prefix", Spec{Cron: "TZ=America/New_York 0 9 * * *", TimeZone: "Asia/Tokyo"}, "2030-01-01T10:00:00Z", "2030-01-02T00:00:00Z"},
		{"weekdays", Spec{Cron: "30 9 * * MON-FRI"}, "2030-01-04T10:00:00Z", "2030-01-07T09:30:00Z"}, // a Friday, then Monday
		{"DST gap: 2:30 does not exist", Spec{Cron: "30 2 * * *", TimeZone: "Europe/Paris"}, "2030-03-30T12:00:00Z", "2030-04-01T00:30:00Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sl, err := c.spec.compile()
			if err != nil {
				t.Fatal(err)
			}
			if got := sl.next(utc(c.after)); !got.Equal(utc(c.want)) {
				t.Fatalf("next after %s = %v, want %s", c.after, got, c.want)
			}
		})
	}
}

func TestCompileRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		spec Spec
	}{
		{"nothing", Spec{}},
		{"both", Spec{Cron: "@daily", Every: time.Hour}},
		{"bad cron", Spec{Cron: "61 * * * *"}},
		{"too many fields", Spec{Cron: "* * * * * * *"}},
		{"@every", Spec{Cron: "@every 1h"}},
		{"zone prefix alone", Spec{Cron: "CRON_TZ=Europe/Paris"}},
		{"empty zone prefix", Spec{Cron: "TZ="}},
		{"unknown zone", Spec{Cron: "@daily", TimeZone: "Mars/Olympus"}},
		{"zone with every", Spec{Every: time.Hour, TimeZone: "Europe/Paris"}},
		{"never", Spec{Cron: "0 0 30 2 *"}},
		{"sub-second every", Spec{Every: 1500 * time.Millisecond}},
		{"offset too large", Spec{Every: time.Hour, Offset: time.Hour}},
		{"negative jitter", Spec{Every: time.Hour, Jitter: -time.Second}},
		{"sub-second jitter", Spec{Every: time.Hour, Jitter: time.Millisecond}},
		{"bad overlap", Spec{Every: time.Hour, Overlap: "sometimes"}},
		{"bad catch-up", Spec{Every: time.Hour, CatchUp: "some"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := c.spec.compile(); !errors.Is(err, ErrInvalidSpec) {
				t.Fatalf("compile: %v, want ErrInvalidSpec", err)
			}
		})
	}
}

func TestJitter(t *testing.T) {
	slot := utc("2030-01-01T10:00:00Z")
	if j := jitter("a", slot, 0); j != 0 {
		t.Fatalf("no jitter: %v", j)
	}
	seen := map[time.Duration]bool{}
	for i := range 200 {
		s := slot.Add(time.Duration(i) * time.Hour)
		j := jitter("a", s, time.Minute)
		if j < 0 || j >= time.Minute || j%time.Second != 0 {
			t.Fatalf("jitter %v: want whole seconds in [0, 1m)", j)
		}
		if j != jitter("a", s, time.Minute) {
			t.Fatal("jitter is not a function of name and slot")
		}
		seen[j] = true
	}
	if len(seen) < 30 {
		t.Fatalf("%d distinct jitters of 200 slots: not spread", len(seen))
	}
	if jitter("a", slot, time.Hour) == jitter("b", slot, time.Hour) && jitter("a", slot.Add(time.Hour), time.Hour) == jitter("b", slot.Add(time.Hour), time.Hour) {
		t.Fatal("two schedules share their jitters")
	}
}

func TestDue(t *testing.T) {
	last := utc("2030-01-01T00:00:00Z")
	for _, c := range []struct {
		name   string
		spec   Spec
		now    string
		start  []string
		missed int
		done   string
	}{
		{"nothing yet", Spec{Every: time.Hour}, "2030-01-01T00:59:59Z", nil, 0, "2030-01-01T00:00:00Z"},
		{"on time", Spec{Every: time.Hour}, "2030-01-01T01:00:00Z", []string{"2030-01-01T01:00:00Z"}, 0, "2030-01-01T01:00:00Z"},
		{"a bit late", Spec{Every: time.Hour}, "2030-01-01T01:00:30Z", []string{"2030-01-01T01:00:00Z"}, 0, "2030-01-01T01:00:00Z"},
		{"later than the default window", Spec{Every: time.Hour}, "2030-01-01T01:01:01Z", nil, 1, "2030-01-01T01:00:00Z"},
		{"downtime, all within the window", Spec{Every: time.Hour, CatchUpWindow: 90 * time.Minute}, "2030-01-01T05:30:00Z",
			[]string{"2030-01-01T04:00:00Z", "2030-01-01T05:00:00Z"}, 3, "2030-01-01T05:00:00Z"},
		{"downtime, latest", Spec{Every: time.Hour, CatchUpWindow: 90 * time.Minute, CatchUp: CatchUpLatest}, "2030-01-01T05:30:00Z",
			[]string{"2030-01-01T05:00:00Z"}, 4, "2030-01-01T05:00:00Z"},
		{"a year of minutes, bounded", Spec{Every: time.Minute, CatchUpWindow: 24 * time.Hour}, "2031-01-01T00:00:00Z",
			nil, 0, ""}, // checked below: the last MaxCatchUp slots start
		{"jitter: not yet", Spec{Every: time.Hour, Jitter: time.Hour}, "2030-01-01T01:00:00Z", nil, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := c.spec.withDefaults()
			sl, err := spec.compile()
			if err != nil {
				t.Fatal(err)
			}
			now := utc(c.now)
			start, missed, done := spec.due("s", sl, last, now)
			if c.name == "a year of minutes, bounded" {
				if len(start) != MaxCatchUp || missed != 525600-MaxCatchUp || !start[len(start)-1].Equal(now) || !done.Equal(now) {
					t.Fatalf("start %d (last %v) missed %d done %v", len(start), start[len(start)-1], missed, done)
				}
				return
			}
			if c.name == "jitter: not yet" {
				if at := utc("2030-01-01T01:00:00Z").Add(jitter("s", utc("2030-01-01T01:00:00Z"), time.Hour)); at.After(now) != (len(start) == 0) {
					t.Fatalf("slot due at %v, now %v: start %v", at, now, start)
				}
				return
			}
			if len(start) != len(c.start) || missed != c.missed || !done.Equal(utc(c.done)) {
				t.Fatalf("start %v missed %d done %v, want %v %d %s", start, missed, done, c.start, c.missed, c.done)
			}
			for i := range start {
				if !start[i].Equal(utc(c.start[i])) {
					t.Fatalf("start %v, want %v", start, c.start)
				}
			}
		})
	}
}

// FuzzCompile feeds any cron expression and zone to the decoder: it
// must not panic, and a spec it accepts has a next slot after a
// representative instant, strictly later.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{"0 3 * * *", "@daily", "CRON_TZ=Europe/Paris 30 9 * * MON-FRI", "TZ=", "*/5 * * * * *", "0 0 30 2 *", "@every 1h", "TZ=UTC"} {
		f.Add(s, "")
	}
	f.Add("0 9 * * *", "Asia/Tokyo")
	f.Fuzz(func(t *testing.T, expr, zone string) {
		sl, err := Spec{Cron: expr, TimeZone: zone}.compile()
		if err != nil {
			if !errors.Is(err, ErrInvalidSpec) {
				t.Fatalf("error %v does not wrap ErrInvalidSpec", err)
			}
			return
		}
		from := utc("2030-01-01T00:00:00Z")
		if next := sl.next(from); !next.IsZero() && !next.After(from) {
			t.Fatalf("%q: next %v is not after %v", expr, next, from)
		}
	})
}
