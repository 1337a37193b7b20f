package alchemy

import (
	"context"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// EchoConfig configures SQL logging (SQLAlchemy's create_engine(echo=…)).
// Install it with [Echo] or [EchoWith], or with the URL key echo=true
// (echo=debug for [EchoConfig.Debug]).
type EchoConfig struct {
	// Logger receives the records; nil: slog.Default() at the time of
	// each record, so a later slog.SetDefault is honoured.
	Logger *slog.Logger
	// Level of the records; the zero value is slog.LevelInfo.
	Level slog.Level
	// Debug adds, like SQLAlchemy's echo="debug" and echo_pool, a record
	// when the rows of a query are closed (how many were read) and one
	// for every pool event (connect, checkout, checkin, invalidate …).
	Debug bool
	// MaxValueLen truncates each logged value to this many characters
	// (bytes of a []byte, shown in hex), marking the cut with "…(N
	// more)". 0 means [DefaultEchoMaxValueLen]; -1 logs values whole.
	MaxValueLen int
	// Redact, if set, is called for every bound value before it is
	// logged, and what it returns is logged instead. i counts from 0.
	// Values of a statement that sets a password (PASSWORD …,
	// IDENTIFIED BY …) are always replaced by "***", and so are string
	// literals following those words in the SQL itself.
	Redact func(query string, i int, v driver.NamedValue) any
}

// DefaultEchoMaxValueLen is how much of each value echo logs by default.
const DefaultEchoMaxValueLen = 100

// Echo logs every statement to logger (nil: slog.Default()) with its
// values, duration, rows affected, connection id and the transaction
// boundaries. Options given after it refine it; see [EchoWith].
func Echo(logger *slog.Logger) Option {
	return EchoWith(EchoConfig{Logger: logger})
}

// EchoWith installs SQL logging as cfg says. It replaces an echo setting
// of the URL.
func EchoWith(cfg EchoConfig) Option {
	return func(s *settings) error {
		if cfg.MaxValueLen < -1 {
			return fmt.Errorf("alchemy: EchoConfig.MaxValueLen %d: must be >= -1", cfg.MaxValueLen)
		}
		s.echo = &cfg
		return nil
	}
}

// echoFromURL reads the URL key echo: true, debug, or false.
func echoFromURL(u *URL, s *settings) error {
	v, ok := u.Query[keyEcho]
	if !ok || len(v) == 0 {
		return nil
	}
	switch strings.ToLower(v[len(v)-1]) {
	case "debug":
		s.echo = &EchoConfig{Debug: true}
	case "false", "0", "no", "off", "":
		s.echo = nil
	default:
		b, err := strconv.ParseBool(v[len(v)-1])
		if err != nil {
			return u.configError(keyEcho, fmt.Sprintf("%q is not true, false or debug", v[len(v)-1]))
		}
		if b {
			s.echo = &EchoConfig{}
		}
	}
	return nil
}

// installEcho turns the echo setting into a tracer and, for Debug, a
// pool event listener. The echo tracer runs first, so that it times the
// statement the way the other tracers see it.
func (s *settings) installEcho() {
	if s.echo == nil {
		return
	}
	e := &echo{cfg: *s.echo}
	if e.cfg.MaxValueLen == 0 {
		e.cfg.MaxValueLen = DefaultEchoMaxValueLen
	}
	s.tracers = append([]Tracer{e}, s.tracers...)
	if e.cfg.Debug {
		_ = PoolEvents(e.poolEvent)(s)
	}
}

// echo is the Tracer behind EchoConfig.
type echo struct{ cfg EchoConfig }

func (e *echo) logger() *slog.Logger {
	if e.cfg.Logger != nil {
		return e.cfg.Logger
	}
	return slog.Default()
}

// wants reports whether the logger takes records at the echo's level
// now (see gatedTracer): every record echo writes is at that level.
func (e *echo) wants(ctx context.Context) bool { return e.logger().Enabled(ctx, e.cfg.Level) }

func (e *echo) BeforeExecute(ctx context.Context, _ *Execution) context.Context { return ctx }

func (e *echo) AfterExecute(ctx context.Context, ex *Execution) {
	if errors.Is(ex.Err, driver.ErrSkip) {
		return // database/sql runs it again as a prepared statement, logged then
	}
	l := e.logger()
	if !l.Enabled(ctx, e.cfg.Level) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("sql", RedactSQL(ex.Query)),
		slog.String("args", e.formatArgs(ex.Query, ex.Args)),
		slog.Duration("duration", ex.Duration),
		slog.Uint64("conn", ex.ConnID),
		slog.Bool("tx", ex.InTx))
	if ex.RowsAffected >= 0 {
		attrs = append(attrs, slog.Int64("rows_affected", ex.RowsAffected))
	}
	if ex.Err != nil {
		attrs = append(attrs, slog.String("error", ex.Err.Error()))
	}
	l.LogAttrs(ctx, e.cfg.Level, "alchemy: execute", attrs...)
}

func (e *echo) RowsClosed(ctx context.Context, ex *Execution) {
	if !e.cfg.Debug {
		return
	}
	attrs := []slog.Attr{slog.Int64("rows", ex.Rows), slog.Duration("duration", ex.Duration), slog.Uint64("conn", ex.ConnID)}
	if ex.Err != nil {
		attrs = append(attrs, slog.String("error", ex.Err.Error()))
	}
	e.logger().LogAttrs(ctx, e.cfg.Level, "alchemy: rows", attrs...)
}

func (e *echo) TxEvent(ctx context.Context, ev TxEvent) {
	attrs := []slog.Attr{slog.Uint64("conn", ev.ConnID), slog.Duration("duration", ev.Duration)}
	if ev.Err != nil {
		attrs = append(attrs, slog.String("error", ev.Err.Error()))
	}
	e.logger().LogAttrs(ctx, e.cfg.Level, "alchemy: "+ev.Kind.String(), attrs...)
}

func (e *echo) poolEvent(ev PoolEvent) {
	attrs := []slog.Attr{slog.String("event", ev.Kind.String()), slog.Uint64("conn", ev.ConnID)}
	if ev.Duration > 0 {
		attrs = append(attrs, slog.Duration("duration", ev.Duration))
	}
	if ev.Err != nil {
		attrs = append(attrs, slog.String("error", ev.Err.Error()))
	}
	e.logger().LogAttrs(context.Background(), e.cfg.Level, "alchemy: pool", attrs...)
}

// formatArgs renders the values as SQLAlchemy does: a bracketed list,
// strings quoted, long values cut.
func (e *echo) formatArgs(query string, args []driver.NamedValue) string {
	if len(args) == 0 {
		return "[]"
	}
	secret := setsPassword(query)
	var b strings.Builder
	b.WriteByte('[')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		if a.Name != "" {
			b.WriteString(a.Name)
			b.WriteByte('=')
		}
		var v any = a.Value
		switch {
		case secret:
			v = "***"
		case e.cfg.Redact != nil:
			v = e.cfg.Redact(query, i, a)
		}
		b.WriteString(formatValue(v, e.cfg.MaxValueLen))
	}
	b.WriteByte(']')
	return b.String()
}

// formatValue renders one value, cut to max characters (max < 0: whole).
func formatValue(v any, max int) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return strconv.Quote(truncate(x, max))
	case []byte:
		h := x
		more := 0
		if max >= 0 && len(h) > max {
			h, more = h[:max], len(x)-max
		}
		s := "x'" + hex.EncodeToString(h) + "'"
		if more > 0 {
			s += fmt.Sprintf("…(%d more bytes)", more)
		}
		return s
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return truncate(fmt.Sprint(v), max)
}

func truncate(s string, max int) string {
	if max < 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	i, n := 0, 0
	for i = range s {
		if n == max {
			break
		}
		n++
	}
	return s[:i] + fmt.Sprintf("…(%d more)", utf8.RuneCountInString(s[i:]))
}

// passwordSQL finds SQL that sets a password: PostgreSQL's
// PASSWORD 'x', MySQL's IDENTIFIED BY 'x' and PASSWORD('x'),
// SET PASSWORD = 'x'. The literal is group 2.
var passwordSQL = regexp.MustCompile(`(?is)(\bpassword\b\s*(?:=\s*)?(?:password\s*\(\s*)?|\bidentified\s+(?:with\s+\S+\s+)?by\s+(?:password\s+)?)('(?:[^'\\]|''|\\.)*')`)

var passwordWord = regexp.MustCompile(`(?i)\bpassword\b|\bidentified\s+(?:with\s+\S+\s+)?by\b`)

func setsPassword(query string) bool { return passwordWord.MatchString(query) }

// RedactSQL returns query with the string literal of any password it
// sets replaced by '***' (ALTER USER … PASSWORD '…', CREATE USER …
// IDENTIFIED BY '…', SET PASSWORD = '…'). Echo and the tracing module
// log statements through it.
func RedactSQL(query string) string {
	if !setsPassword(query) {
		return query
	}
	return passwordSQL.ReplaceAllString(query, "${1}'***'")
}
