package natsjs

import "strings"

// SubjectPatterns returns the NATS subject patterns on which a transport
// with cfg carries the messages of transport subject, in any partition,
// and their dead letters: for a server's subject permissions (package
// broker generates them by role). subject is a transport subject such as
// "svc.Greeter", or a family of them ending with ".>" such as "wf.>".
func (cfg Config) SubjectPatterns(subject string) (messages, deadLetters string) {
	s := subjects{prefix: cfg.prefix()}
	if strings.HasSuffix(subject, ">") {
		return s.prefix + ".m." + subject, s.deadLetter(subject)
	}
	return s.filter(subject), s.deadLetter(subject)
}

// TimersPattern returns the NATS subject pattern of delayed messages (the
// schedules of TimersSchedule) of a transport with cfg. A schedule is
// delivered to any subject of the stream: only trusted roles may publish
// there.
func (cfg Config) TimersPattern() string { return subjects{prefix: cfg.prefix()}.timers() }

// AllPattern returns the NATS subject pattern of everything a transport
// with cfg publishes: messages, timers and dead letters.
func (cfg Config) AllPattern() string { return cfg.prefix() + ".>" }

// Streams returns the names of the message and dead-letter streams of a
// transport with cfg.
func (cfg Config) Streams() (messages, deadLetters string) {
	if cfg.Stream == "" {
		cfg.Stream = DefaultStream
	}
	if cfg.DeadLetterStream == "" {
		cfg.DeadLetterStream = cfg.Stream + "_DLQ"
	}
	return cfg.Stream, cfg.DeadLetterStream
}

func (cfg Config) prefix() string {
	if cfg.Prefix == "" {
		return DefaultPrefix
	}
	return cfg.Prefix
}

// LogStreamName returns the name of the log stream of a transport with cfg.
func (cfg Config) LogStreamName() string {
	if cfg.LogStream != "" {
		return cfg.LogStream
	}
	messages, _ := cfg.Streams()
	return messages + "_LOG"
}

// LogPattern returns the NATS subject pattern of the log subjects
// matching filter (a log subject, or a prefix ending with ">") of a
// transport with cfg.
func (cfg Config) LogPattern(filter string) string {
	return subjects{prefix: cfg.prefix()}.logSubject(filter)
}
