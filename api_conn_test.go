package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
)

// connEndEnv is an engine on a SQLite file whose COMMIT and ROLLBACK can
// be held (a server slow to answer), and a plain connection to the same
// file to check what was stored.
type connEndEnv struct {
	eng   *alchemy.Engine
	inj   *injector
	plain *sql.DB
}

func newConnEndEnv(t *testing.T) *connEndEnv {
	t.Helper()
	path := filepath.Join(t.TempDir(), "end.db")
	raw := "sqlite:///" + path + "?_busy_timeout=5000"
	inj := newInjector(t, raw)
	eng, err := alchemy.CreateEngine(raw, alchemy.WithConnector(inj), alchemy.PoolSize(1), alchemy.MaxOverflow(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	if _, err := eng.ExecContext(context.Background(), "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	plain, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { plain.Close() })
	return &connEndEnv{eng: eng, inj: inj, plain: plain}
}

// stored counts the rows of t over the plain connection.
func (e *connEndEnv) stored(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.plain.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatalf("plain count: %v", err)
	}
	return n
}

// hold makes the next COMMIT or ROLLBACK (op) wait until the returned
// channel is closed.
func (e *connEndEnv) hold(op string) chan struct{} {
	ch := make(chan struct{})
	e.inj.fail(injRule{op: op, hold: ch})
	return ch
}

// TestConnEndContext: Commit(ctx) and Rollback(ctx) stop waiting when
// ctx ends while the server holds the answer; the statement sent goes
// on, the Conn's next statement waits for it, and Close returns the
// connection to the pool once it is answered. Close takes no context:
// its ROLLBACK is bounded by CloseTimeout.
func TestConnEndContext(t *testing.T) {
	defer alchemy.SetCloseTimeout(300 * time.Millisecond)()
	const wait = 100 * time.Millisecond
	ctxWait := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.Background(), wait)
	}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, e *connEndEnv, c *alchemy.Conn)
		want int // rows stored at the end
	}{
		{"commit with ctx ended before: nothing sent, transaction stays open", func(t *testing.T, e *connEndEnv, c *alchemy.Conn) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			if err := c.Commit(ctx); !errors.Is(err, context.Canceled) {
				t.Errorf("Commit: %v, want context.Canceled", err)
			}
			if !c.InTransaction() {
				t.Error("the transaction was ended by a Commit that sent nothing")
			}
			if err := c.Commit(context.Background()); err != nil {
				t.Errorf("second Commit: %v", err)
			}
		}, 1},
		{"commit held past ctx: CommitUnknownError at once, applied later", func(t *testing.T, e *connEndEnv, c *alchemy.Conn) {
			release := e.hold("commit")
			ctx, cancel := ctxWait()
			defer cancel()
			start := time.Now()
			err := c.Commit(ctx)
			if !errors.Is(err, alchemy.ErrCommitUnknown) {
				t.Errorf("Commit: %v, want ErrCommitUnknown", err)
			}
			if d := time.Since(start); d > wait+time.Second {
				t.Errorf("Commit took %v with a %v context", d, wait)
			}
			// The next statement waits for the COMMIT, and is bounded by
			// its own context meanwhile.
			sctx, scancel := ctxWait()
			defer scancel()
			if _, err := c.ExecContext(sctx, "SELECT 1"); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("statement during the held COMMIT: %v, want DeadlineExceeded", err)
			}
			close(release)
			if _, err := c.ExecContext(context.Background(), "SELECT 1"); err != nil {
				t.Errorf("statement after the COMMIT was answered: %v", err)
			}
		}, 1},
		{"rollback held past ctx: ctx error at once, rolled back later", func(t *testing.T, e *connEndEnv, c *alchemy.Conn) {
			release := e.hold("rollback")
			ctx, cancel := ctxWait()
			defer cancel()
			if err := c.Rollback(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Rollback: %v, want DeadlineExceeded", err)
			}
			close(release)
			if err := c.Commit(context.Background()); err != nil {
				t.Errorf("Commit after the rollback (nothing open): %v", err)
			}
		}, 0},
		{"close while a commit is held: returns at once, connection back later", func(t *testing.T, e *connEndEnv, c *alchemy.Conn) {
			release := e.hold("commit")
			ctx, cancel := ctxWait()
			defer cancel()
			_ = c.Commit(ctx)
			start := time.Now()
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if d := time.Since(start); d > 50*time.Millisecond {
				t.Errorf("Close waited %v for the held COMMIT", d)
			}
			if got := e.eng.Pool().Stats().CheckedOut; got != 1 {
				t.Errorf("checked out during the held COMMIT: %d, want 1", got)
			}
			close(release)
		}, 1},
		{"close with the rollback held: bounded by CloseTimeout", func(t *testing.T, e *connEndEnv, c *alchemy.Conn) {
			release := e.hold("rollback")
			start := time.Now()
			err := c.Close()
			d := time.Since(start)
			if err == nil {
				t.Error("Close returned nil although the ROLLBACK was not answered")
			}
			if d < 250*time.Millisecond || d > 2*time.Second {
				t.Errorf("Close returned after %v, want about the 300ms CloseTimeout", d)
			}
			close(release)
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newConnEndEnv(t)
			c, err := e.eng.Connect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ExecContext(context.Background(), "INSERT INTO t VALUES (1)"); err != nil {
				t.Fatal(err)
			}
			tc.run(t, e, c)
			if err := c.Close(); err != nil {
				t.Errorf("final Close: %v", err)
			}
			if !waitFor(3*time.Second, func() bool { return e.eng.Pool().Stats().CheckedOut == 0 }) {
				t.Errorf("%d connections still checked out", e.eng.Pool().Stats().CheckedOut)
			}
			if got := e.stored(t); got != tc.want {
				t.Errorf("rows stored: %d, want %d", got, tc.want)
			}
		})
	}
}
