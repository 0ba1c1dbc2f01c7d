package main

import (
	"fmt"
	"io"
	"log/slog"
)

// logLevels are the values of --log-level.
var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

// newLogger returns a text logger writing to w at level ("off": a logger
// that discards everything).
func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	if level == "off" {
		return slog.New(slog.DiscardHandler), nil
	}
	l, ok := logLevels[level]
	if !ok {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn, error or off", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
