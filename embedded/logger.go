package embedded

import (
	"context"
	"fmt"
	"log/slog"
)

// serverLogger routes the NATS server's logs to a slog.Logger (nil: to
// nowhere) and shows every error to onError first, whatever the level:
// the server reports some failures, such as a full disk, only in its logs.
type serverLogger struct {
	logger  *slog.Logger
	onError func(args []any)
}

func (l serverLogger) log(level slog.Level, format string, args []any) {
	if l.logger != nil && l.logger.Enabled(context.Background(), level) {
		l.logger.Log(context.Background(), level, fmt.Sprintf(format, args...), "component", "nats-server")
	}
}

func (l serverLogger) Noticef(format string, v ...any) { l.log(slog.LevelInfo, format, v) }
func (l serverLogger) Warnf(format string, v ...any)   { l.log(slog.LevelWarn, format, v) }
func (l serverLogger) Debugf(format string, v ...any)  { l.log(slog.LevelDebug, format, v) }
func (l serverLogger) Tracef(format string, v ...any)  { l.log(slog.LevelDebug-4, format, v) }

func (l serverLogger) Errorf(format string, v ...any) {
	l.onError(v)
	l.log(slog.LevelError, format, v)
}

// Fatalf logs at error level: the server's own logger would exit the
// process, which is not the embedded server's call to make.
func (l serverLogger) Fatalf(format string, v ...any) {
	l.onError(v)
	l.log(slog.LevelError, "fatal: "+format, v)
}
