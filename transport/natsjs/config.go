package natsjs

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Defaults of Config.
const (
	DefaultStream              = "INFINITIC"
	DefaultPrefix              = "inf"
	DefaultPartitions          = 8
	DefaultDedupWindow         = 30 * time.Second
	DefaultAckWait             = 30 * time.Second
	DefaultMaxAckPending       = 10000
	DefaultMaxPendingPublishes = 4096
	DefaultPublishTimeout      = 10 * time.Second
	DefaultUnconsumedWarning   = 5 * time.Second
	DefaultPackSize            = 64
)

// TimerMode selects how messages with a future DeliverAt are delayed.
type TimerMode int

const (
	// TimersAuto uses TimersSchedule when the server supports message
	// schedules (nats-server 2.12 or later), TimersRedelivery otherwise.
	TimersAuto TimerMode = iota
	// TimersSchedule publishes delayed messages as JetStream message
	// schedules: the server holds them and publishes them when due.
	TimersSchedule
	// TimersRedelivery publishes delayed messages at once; a consumer
	// receiving one early naks it with the remaining delay. It works on
	// any JetStream server, but each pending timer occupies one of the
	// group's MaxAckPending slots and counts as one delivery in Attempt.
	TimersRedelivery
)

// Config configures a Transport. The zero value uses the defaults.
type Config struct {
	// Stream names the message stream. Default DefaultStream ("INFINITIC").
	Stream string
	// DeadLetterStream names the dead-letter stream. Default Stream+"_DLQ".
	DeadLetterStream string
	// Prefix is the first token of every NATS subject used, so that
	// several applications can share a server. Default DefaultPrefix ("inf").
	Prefix string
	// Partitions is the number of partition tokens per subject.
	// Default DefaultPartitions (8). It can change between runs.
	Partitions int
	// Replicas is the replication factor of the streams (1, 3 or 5 on a
	// cluster). Default (0): 1 for a stream this transport creates; an
	// existing stream keeps its own, so that a process configured without
	// it does not scale a cluster's streams down.
	Replicas int
	// KeepStreams leaves existing streams as they are (their settings may
	// differ from this Config): for tools such as the CLI and the
	// dashboard, which must not reconfigure a deployment. Streams that are
	// missing are created from this Config.
	KeepStreams bool
	// Storage is the streams' storage. Default jetstream.FileStorage.
	Storage jetstream.StorageType
	// DedupWindow is how long the stream remembers message IDs. The
	// server keeps every ID of the window in memory (about 100 bytes per
	// message: 6 messages per 2-task workflow), and the engine drops
	// duplicates on its own anyway, so the window only saves work on quick
	// re-publications (after a crash). Default DefaultDedupWindow (30s).
	DedupWindow time.Duration
	// AckWait is how long a delivery may stay unsettled before it is
	// redelivered. Default DefaultAckWait (30s).
	AckWait time.Duration
	// MaxAckPending bounds the unsettled deliveries of one group.
	// Default DefaultMaxAckPending (10000).
	MaxAckPending int
	// PackSize is the most messages of one subject that one Publish sends
	// as one NATS message, a pack (see the package doc); 1 turns packing
	// off. Default DefaultPackSize (64).
	PackSize int
	// MaxPendingPublishes bounds the asynchronous publishes in flight.
	// Default DefaultMaxPendingPublishes (4096).
	MaxPendingPublishes int
	// PublishTimeout bounds the wait for the server's acknowledgement of a
	// publish; Publish then fails, and is retried by its caller with the
	// same message ids (deduplicated). Without it, an acknowledgement lost
	// when a cluster node dies would block the publish for ever, and the
	// lost publishes would fill MaxPendingPublishes and stall every other.
	// Default DefaultPublishTimeout (10 s).
	PublishTimeout time.Duration
	// Timers selects how delayed messages are implemented.
	// Default TimersAuto.
	Timers TimerMode
	// DeadLetterMaxAge is how long dead letters are kept. Default 0: forever.
	DeadLetterMaxAge time.Duration
	// LogStream names the stream of the log subjects (the event stream:
	// see transport.LogPrefix). Default Stream+"_LOG".
	LogStream string
	// LogMaxAge is how long the log stream keeps a message. Default
	// DefaultLogMaxAge (7 days).
	LogMaxAge time.Duration
	// LogMaxBytes bounds the log stream's size: the oldest messages are
	// dropped beyond it. Default DefaultLogMaxBytes (1 GiB).
	LogMaxBytes int64
	// LogDedupWindow is how long the log stream remembers message IDs:
	// a copy of an event published again within it (an engine's outbox
	// published again after a crash, an executor's redelivered attempt)
	// is dropped. Default DefaultLogDedupWindow (2 minutes).
	LogDedupWindow time.Duration
	// Health, when set, tells why the server cannot take writes now (the
	// embedded server sets it to Server.Health): Publish then fails at
	// once with its error, and a failed publish carries it. Default nil.
	Health func() error
	// Logger receives the transport's warnings, such as messages published
	// to a workflow or service that no worker consumes. Default:
	// slog.Default().
	Logger *slog.Logger
	// UnconsumedWarning is how long messages may wait on a workflow's or
	// service's subject that no worker ever consumed before the transport
	// logs a warning. Default DefaultUnconsumedWarning (5s).
	UnconsumedWarning time.Duration
}

// withDefaults validates cfg and fills in the defaults.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Stream == "" {
		cfg.Stream = DefaultStream
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.UnconsumedWarning == 0 {
		cfg.UnconsumedWarning = DefaultUnconsumedWarning
	}
	if cfg.DeadLetterStream == "" {
		cfg.DeadLetterStream = cfg.Stream + "_DLQ"
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.LogStream == "" {
		cfg.LogStream = cfg.Stream + "_LOG"
	}
	if cfg.LogMaxAge == 0 {
		cfg.LogMaxAge = DefaultLogMaxAge
	}
	if cfg.LogMaxBytes == 0 {
		cfg.LogMaxBytes = DefaultLogMaxBytes
	}
	if cfg.LogDedupWindow == 0 {
		cfg.LogDedupWindow = DefaultLogDedupWindow
	}
	if cfg.Partitions == 0 {
		cfg.Partitions = DefaultPartitions
	}
	if cfg.DedupWindow == 0 {
		cfg.DedupWindow = DefaultDedupWindow
	}
	if cfg.AckWait == 0 {
		cfg.AckWait = DefaultAckWait
	}
	if cfg.MaxAckPending == 0 {
		cfg.MaxAckPending = DefaultMaxAckPending
	}
	if cfg.MaxPendingPublishes == 0 {
		cfg.MaxPendingPublishes = DefaultMaxPendingPublishes
	}
	if cfg.PublishTimeout == 0 {
		cfg.PublishTimeout = DefaultPublishTimeout
	}
	if cfg.PackSize == 0 {
		cfg.PackSize = DefaultPackSize
	}
	var errs []error
	for _, n := range []string{cfg.Stream, cfg.DeadLetterStream, cfg.LogStream} {
		if !validName(n) {
			errs = append(errs, fmt.Errorf("invalid stream name %q", n))
		}
	}
	if cfg.Stream == cfg.DeadLetterStream || cfg.Stream == cfg.LogStream || cfg.DeadLetterStream == cfg.LogStream {
		errs = append(errs, errors.New("the Stream, DeadLetterStream and LogStream names must differ"))
	}
	if !validToken(cfg.Prefix) {
		errs = append(errs, fmt.Errorf("the Prefix %q must be one NATS token", cfg.Prefix))
	}
	if cfg.Partitions < 1 {
		errs = append(errs, errors.New("the number of Partitions must be positive"))
	}
	if cfg.Replicas < 0 {
		errs = append(errs, errors.New("the number of Replicas must not be negative"))
	}
	if cfg.DedupWindow < 0 || cfg.AckWait < 0 || cfg.DeadLetterMaxAge < 0 || cfg.LogMaxAge < 0 || cfg.LogMaxBytes < 0 || cfg.LogDedupWindow < 0 || cfg.PublishTimeout < 0 {
		errs = append(errs, errors.New("durations must not be negative"))
	}
	if cfg.Timers < TimersAuto || cfg.Timers > TimersRedelivery {
		errs = append(errs, fmt.Errorf("unknown Timers mode %d", cfg.Timers))
	}
	if cfg.MaxAckPending < 1 || cfg.MaxPendingPublishes < 1 || cfg.PackSize < 1 {
		errs = append(errs, errors.New("MaxAckPending, MaxPendingPublishes and PackSize must be positive"))
	}
	if err := errors.Join(errs...); err != nil {
		return cfg, fmt.Errorf("transport/natsjs: config: %w", err)
	}
	return cfg, nil
}

// validToken reports whether s is one literal NATS subject token.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		switch c := s[i]; {
		case c == '.', c == '*', c == '>', c <= ' ', c == 0x7f:
			return false
		}
	}
	return true
}

// validSubject reports whether s is a literal NATS subject.
func validSubject(s string) bool {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if !validToken(s[start:i]) {
				return false
			}
			start = i + 1
		}
	}
	return true
}

// validName reports whether s is a valid stream or consumer name.
func validName(s string) bool {
	return validToken(s) && len(s) <= 255 && !strings.ContainsAny(s, `/\`)
}
