package config

import (
	"encoding/json"
	"time"

	"github.com/infinitic-go/infinitic/client"
	"github.com/infinitic-go/infinitic/schedule"
)

// Schedule declares a schedule: the workflow it starts and when (see
// schedule.Spec for each setting).
type Schedule struct {
	// Workflow and Method name what each run starts. Required.
	Workflow string `yaml:"workflow"`
	Method   string `yaml:"method"`
	// Input is the method's argument, as JSON. Default: none (a method
	// without argument).
	Input string `yaml:"input"`
	// Tags of each run. Default: none.
	Tags []string `yaml:"tags"`
	// Cron or Every (one of them), with Offset, TimeZone and Jitter.
	Cron     string        `yaml:"cron"`
	Every    time.Duration `yaml:"every"`
	Offset   time.Duration `yaml:"offset"`
	TimeZone string        `yaml:"timeZone"`
	Jitter   time.Duration `yaml:"jitter"`
	// Overlap: skip (default), bufferOne or allow.
	Overlap string `yaml:"overlap"`
	// CatchUpWindow (default 1m) and CatchUp: all (default) or latest.
	CatchUpWindow time.Duration `yaml:"catchUpWindow"`
	CatchUp       string        `yaml:"catchUp"`
}

// Spec returns the schedule's spec.
func (s *Schedule) Spec() schedule.Spec {
	return schedule.Spec{Cron: s.Cron, Every: s.Every, Offset: s.Offset, TimeZone: s.TimeZone, Jitter: s.Jitter,
		Overlap: schedule.Overlap(s.Overlap), CatchUpWindow: s.CatchUpWindow, CatchUp: schedule.CatchUp(s.CatchUp)}
}

// Call returns what each run starts.
func (s *Schedule) Call() client.Call {
	c := client.Call{Workflow: s.Workflow, Method: s.Method}
	if s.Input != "" {
		c.Input = []byte(s.Input)
	}
	return c
}

// schedules checks the declared schedules.
func (ch *checker) schedules(all map[string]*Schedule) {
	for _, name := range sortedKeys(all) {
		p, s := "schedules."+name, all[name]
		if err := schedule.Validate(name, s.Spec()); err != nil {
			ch.fail(p, "%v", err)
		}
		if s.Workflow == "" || s.Method == "" {
			ch.fail(p, "workflow and method are required")
		} else {
			ch.name(p+".workflow", s.Workflow)
			ch.name(p+".method", s.Method)
		}
		if s.Input != "" && !json.Valid([]byte(s.Input)) {
			ch.fail(p+".input", "not valid JSON: %s", s.Input)
		}
	}
}
