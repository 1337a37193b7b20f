package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// The drop-in's handles (lease.go): database/sql keeps the driver.Conn it
// releases, but the pooled connection behind it goes back to the
// QueuePool at release and is taken again at the next checkout, in
// ResetSession. These tests hold the handles' rules against the real
// servers; the server's own session list and a plain connection are the
// witnesses.

// idleHandles leaves n handles idle in db: n callers hold a connection
// at once (the pool must have room for them, with overflow if needed),
// then all release.
func idleHandles(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	ctx := context.Background()
	held := make([]*sql.Conn, n)
	for i := range held {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held[i] = c
	}
	for _, c := range held {
		c.Close()
	}
	if st := db.Stats(); st.Idle != n {
		t.Fatalf("database/sql keeps %d idle handles, want %d", st.Idle, n)
	}
}

// TestDropInIdleHandleHoldsNoSession: an idle handle has no server
// connection: with poolclass=null the server has no session for the
// database while database/sql shows the handle idle, and the next query
// through it opens one.
func TestDropInIdleHandleHoldsNoSession(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			raw := withQuery(s.newURL(t), "poolclass=null")
			db := openDB(t, raw)
			admin := s.admin(t)
			runQueries(t, db, 3, 0)
			if st := db.Stats(); st.Idle != 1 || st.InUse != 0 {
				t.Fatalf("db.Stats() = %+v, want one idle handle", st)
			}
			if n := sessionsSettle(t, s, admin, dbName(t, raw), 0); n != 0 {
				t.Errorf("the server has %d sessions with only an idle handle, want 0", n)
			}
			st := poolOf(t, db).Stats()
			if st.Opens != st.Checkouts || st.Closes != st.Opens || st.Opens < 3 {
				t.Errorf("pool %+v: want a connection opened and closed per query (NullPool)", st)
			}
		})
	}
}

// TestDropInHandleTimeoutWaitsOnce: a checkout that times out while
// database/sql offers idle handles waits pool_timeout once, not once per
// handle database/sql tries, and the caller gets the pool's timeout
// error, not "driver: bad connection".
func TestDropInHandleTimeoutWaitsOnce(t *testing.T) {
	const timeout = 300 * time.Millisecond
	for _, s := range servers {
		{
			t.Run(s.name, func(t *testing.T) {
				ctx := context.Background()
				raw := withQuery(s.newURL(t), "pool_size=1&max_overflow=2&pool_timeout=0.3")
				db := openDB(t, raw)
				idleHandles(t, db, 2) // 2 idle handles; the pool keeps 1 connection
				pool := poolOf(t, db)

				// Hold the pool's whole budget (1 + 2 overflow): the call
				// below finds the idle handles, or (with SetMaxOpenConns)
				// queues in database/sql, and every checkout waits.
				var held []*sql.Conn
				for range 3 {
					c, err := db.Conn(ctx)
					if err != nil {
						t.Fatal(err)
					}
					held = append(held, c)
				}
				defer func() {
					for _, c := range held {
						c.Close()
					}
				}()
				if st := pool.Stats(); st.CheckedOut != 3 {
					t.Fatalf("pool %+v, want 3 checked out", st)
				}
				start := time.Now()
				_, err := db.ExecContext(ctx, "SELECT 1")
				elapsed := time.Since(start)
				if !errors.Is(err, alchemy.ErrPoolTimeout) {
					t.Fatalf("err = %v, want the pool timeout", err)
				}
				if errors.Is(err, driver.ErrBadConn) && err.Error() == driver.ErrBadConn.Error() {
					t.Errorf("err = %v: the caller must see the pool's error", err)
				}
				if elapsed > timeout*3/2 {
					t.Errorf("the failed checkout took %v, want one pool_timeout (%v)", elapsed, timeout)
				}
				if st := pool.Stats(); st.Timeouts != 1 {
					t.Errorf("pool timeouts = %d, want 1 (%+v)", st.Timeouts, st)
				}
			})
		}
	}
}

// TestDropInHandleTimeoutFromIdleHandle: the same, when database/sql
// does hand out idle handles during the failing call: three handles
// idle, the pool's whole budget held outside database/sql, so every
// handle's checkout would wait.
func TestDropInHandleTimeoutFromIdleHandle(t *testing.T) {
	const timeout = 300 * time.Millisecond
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			raw := withQuery(s.newURL(t), "pool_size=1&max_overflow=2&pool_timeout=0.3")
			db := openDB(t, raw)
			db.SetMaxIdleConns(3) // database/sql keeps 2 idle by default
			idleHandles(t, db, 3)
			pool := poolOf(t, db)
			// Take the pool's three connections away from database/sql's
			// handles: each Engine-less checkout through the pool itself.
			var pcs []*alchemy.PooledConn
			for range 3 {
				pc, err := pool.Get(ctx)
				if err != nil {
					t.Fatal(err)
				}
				pcs = append(pcs, pc)
			}
			defer func() {
				for _, pc := range pcs {
					pc.Release()
				}
			}()
			start := time.Now()
			_, err := db.ExecContext(ctx, "SELECT 1")
			elapsed := time.Since(start)
			if !errors.Is(err, alchemy.ErrPoolTimeout) {
				t.Fatalf("err = %v, want the pool timeout", err)
			}
			if elapsed > timeout*3/2 {
				t.Errorf("the failed checkout took %v with idle handles offered, want one pool_timeout (%v)", elapsed, timeout)
			}
			if st := pool.Stats(); st.Timeouts != 1 {
				t.Errorf("pool timeouts = %d, want 1 (%+v)", st.Timeouts, st)
			}
			// The handles still work once a connection is free.
			pcs[0].Release()
			pcs = pcs[1:]
			var one int
			if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("after the timeout: %v, %d", err, one)
			}
		})
	}
}

// failingDial is a connector whose Connect fails while fail is set, and
// counts the dials.
type failingDial struct {
	under driver.Connector
	fail  atomic.Bool
	dials atomic.Int32
}

var errDialRefused = errors.New("dial refused by the test")

func (f *failingDial) Connect(ctx context.Context) (driver.Conn, error) {
	f.dials.Add(1)
	if f.fail.Load() {
		return nil, errDialRefused
	}
	return f.under.Connect(ctx)
}
func (f *failingDial) Driver() driver.Driver { return f.under.Driver() }

// TestDropInHandleDialError: a handle whose checkout must dial, and the
// dial fails: the caller gets the dial error (as a *ConnectError) after
// one dial, not one per handle database/sql tries.
func TestDropInHandleDialError(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			raw := s.newURL(t)
			base, err := alchemy.NewConnector(raw)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { base.Close() })
			fd := &failingDial{under: base.Underlying()}
			c, err := alchemy.NewConnector(raw, alchemy.WithConnector(fd))
			if err != nil {
				t.Fatal(err)
			}
			db := sql.OpenDB(c)
			t.Cleanup(func() { db.Close() })
			idleHandles(t, db, 2)
			c.Pool().Dispose() // the idle connections go: the next checkout dials
			fd.fail.Store(true)
			before := fd.dials.Load()
			_, err = db.ExecContext(ctx, "SELECT 1")
			var ce *alchemy.ConnectError
			if !errors.As(err, &ce) || !errors.Is(err, errDialRefused) {
				t.Fatalf("err = %v, want a *ConnectError wrapping the dial error", err)
			}
			if n := fd.dials.Load() - before; n != 1 {
				t.Errorf("%d dials for one failed call, want 1", n)
			}
			fd.fail.Store(false)
			var one int
			if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("after the dial error: %v, %d", err, one)
			}
		})
	}
}

// TestDropInHandleReleaseRollsBack: a transaction begun with plain SQL
// and left open is rolled back when the handle goes idle (the checkin
// runs in IsValid now): the row is not on the server, read over a plain
// connection, and the next caller on the same handle is outside any
// transaction.
func TestDropInHandleReleaseRollsBack(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			raw := withQuery(s.newURL(t), "pool_size=1&max_overflow=0")
			db := openDB(t, raw)
			if _, err := db.ExecContext(ctx, "CREATE TABLE lease_rb (id INT PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ExecContext(ctx, "INSERT INTO lease_rb VALUES (1)"); err != nil {
				t.Fatal(err)
			}
			c.Close()
			if st := db.Stats(); st.Idle != 1 {
				t.Fatalf("db.Stats() = %+v, want the handle idle", st)
			}
			plain := testdb.Plain(t, raw) // the driver itself, not alchemy
			var n int
			q := "SELECT count(*) FROM lease_rb"
			if err := plain.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d rows on the server after release, want 0 (rolled back)", n)
			}
			// The next caller reuses the handle and the pooled connection,
			// and its insert commits on its own (autocommit).
			if _, err := db.ExecContext(ctx, "INSERT INTO lease_rb VALUES (2)"); err != nil {
				t.Fatal(err)
			}
			if err := plain.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("%d rows after an autocommit insert, want 1", n)
			}
		})
	}
}

// TestDropInHandlesConcurrent: many goroutines through few connections
// and database/sql's idle handles: every statement answered right, no
// checkout leaked, the server never above the pool's budget.
func TestDropInHandlesConcurrent(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			raw := withQuery(s.newURL(t), "pool_size=3&max_overflow=1&pool_timeout=10")
			db := openDB(t, raw)
			db.SetMaxIdleConns(8)
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			for g := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 50 {
						var v int
						if err := db.QueryRowContext(ctx, "SELECT "+fmt.Sprint(g*1000+i)).Scan(&v); err != nil {
							errs <- err
							return
						}
						if v != g*1000+i {
							errs <- fmt.Errorf("got %d, want %d", v, g*1000+i)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			st := poolOf(t, db).Stats()
			if st.CheckedOut != 0 || st.Open > 4 {
				t.Errorf("pool %+v: want nothing checked out and at most 4 open", st)
			}
		})
	}
}

// TestDropInHandleTimeoutMaxOpen: with SetMaxOpenConns, a caller queued
// in database/sql is handed a released handle whose checkout then times
// out (the freed connection went to a caller queued in the QueuePool
// first): database/sql returns ResetSession's error to that caller
// as is, and it must be the pool's timeout, after one pool_timeout.
func TestDropInHandleTimeoutMaxOpen(t *testing.T) {
	const timeout = 300 * time.Millisecond
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			raw := withQuery(s.newURL(t), "pool_size=1&max_overflow=1&pool_timeout=0.3")
			db := openDB(t, raw)
			db.SetMaxOpenConns(2)
			pool := poolOf(t, db)
			c1, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c1.Close()
			c2, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// X queues in database/sql (2 open = its limit).
			xctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			type answer struct {
				err     error
				elapsed time.Duration
			}
			xDone := make(chan answer, 1)
			go func() {
				start := time.Now()
				_, err := db.ExecContext(xctx, "SELECT 1")
				xDone <- answer{err, time.Since(start)}
			}()
			mustWait(t, func() bool { return db.Stats().WaitCount == 1 })
			// Y queues in the QueuePool, so the connection c2 gives back
			// goes to Y, and the handle database/sql passes to X finds none.
			yDone := make(chan *alchemy.PooledConn, 1)
			go func() {
				pc, err := pool.Get(ctx)
				if err != nil {
					t.Error(err)
				}
				yDone <- pc
			}()
			mustWait(t, func() bool { return pool.Stats().Waiting == 1 })
			start := time.Now()
			c2.Close()
			pc := <-yDone
			defer pc.Release()
			x := <-xDone
			if !errors.Is(x.err, alchemy.ErrPoolTimeout) {
				t.Fatalf("X got %v, want the pool timeout", x.err)
			}
			if x.err.Error() == driver.ErrBadConn.Error() {
				t.Errorf("X got %q: the caller must see the pool's error", x.err)
			}
			if d := time.Since(start); d > timeout*3/2 {
				t.Errorf("X's checkout failed %v after the handle was released, want one pool_timeout (%v)", d, timeout)
			}
		})
	}
}
