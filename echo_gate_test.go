package alchemy_test

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
)

// TestEchoLevelOffTracesNothing: with Echo's level below what its logger
// takes, a statement is run untraced — no Execution record, so the same
// allocations as with no hooks at all — and raising the logger's level
// at run time brings the records back (the gate is asked per statement).
// A user's tracer beside Echo turns the gate off: it is always called.
func TestEchoLevelOffTracesNothing(t *testing.T) {
	ctx := context.Background()
	allocs := func(db *sql.DB) float64 {
		return testing.AllocsPerRun(200, func() {
			if _, err := db.ExecContext(ctx, "UPDATE t SET a = 1"); err != nil {
				t.Fatal(err)
			}
		})
	}
	open := func(opts ...alchemy.Option) *sql.DB {
		c, err := alchemy.NewConnector("sqlite+noop://", opts...)
		if err != nil {
			t.Fatal(err)
		}
		db := sql.OpenDB(c)
		t.Cleanup(func() { db.Close() })
		return db
	}
	var buf bytes.Buffer
	level := new(slog.LevelVar)
	level.Set(slog.LevelWarn)
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level}))

	plain := allocs(open())
	gated := allocs(open(alchemy.Echo(logger)))
	if gated != plain {
		t.Errorf("Echo with its level off: %.1f allocs per Exec, want %.1f as with no hooks", gated, plain)
	}
	if buf.Len() != 0 {
		t.Errorf("Echo with its level off logged: %q", buf.String())
	}

	level.Set(slog.LevelInfo)
	db := open(alchemy.Echo(logger))
	if _, err := db.ExecContext(ctx, "UPDATE t SET a = 2"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "UPDATE t SET a = 2") {
		t.Errorf("Echo after the level was raised logged %q, want the statement", buf.String())
	}

	level.Set(slog.LevelWarn)
	withUser := allocs(open(alchemy.Echo(logger), alchemy.WithTracer(countingTracer{})))
	if withUser <= plain {
		t.Errorf("Echo off beside a user's tracer: %.1f allocs, want more than %.1f (the user's tracer gets its record)", withUser, plain)
	}
}

type countingTracer struct{}

func (countingTracer) BeforeExecute(ctx context.Context, _ *alchemy.Execution) context.Context {
	return ctx
}
func (countingTracer) AfterExecute(context.Context, *alchemy.Execution) {}
