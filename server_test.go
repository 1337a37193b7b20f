package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
	_ "github.com/go-alchemy/alchemy/dialects/all"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// server describes one real test server for the table-driven tests.
type server struct {
	name string
	// newURL creates a fresh database and returns its URL.
	newURL func(t testing.TB) string
	// admin opens a direct connection (not through alchemy).
	admin func(t testing.TB) *sql.DB
	// connCount counts the server-side sessions on database db.
	connCount string
	// pid returns the session id of the current connection.
	pid string
	// kill ends the session with the given id.
	kill string
	// sleep holds the connection on the server for a while.
	sleep string
}

var servers = []server{
	{
		name:      "postgresql",
		newURL:    testdb.Postgres,
		admin:     testdb.PostgresAdmin,
		connCount: "SELECT count(*) FROM pg_stat_activity WHERE datname = $1",
		pid:       "SELECT pg_backend_pid()",
		kill:      "SELECT pg_terminate_backend($1)",
		sleep:     "SELECT pg_sleep(0.005)",
	},
	{
		name:      "mariadb",
		newURL:    testdb.MySQL,
		admin:     testdb.MySQLAdmin,
		connCount: "SELECT COUNT(*) FROM information_schema.processlist WHERE db = ?",
		pid:       "SELECT CONNECTION_ID()",
		kill:      "KILL ?",
		sleep:     "SELECT SLEEP(0.005)",
	},
}

// dbName returns the database part of a test URL.
func dbName(t testing.TB, raw string) string {
	u, err := alchemy.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Database
}

func withQuery(raw, q string) string {
	if strings.Contains(raw, "?") {
		return raw + "&" + q
	}
	return raw + "?" + q
}

func openDB(t testing.TB, raw string) *sql.DB {
	t.Helper()
	db, err := sql.Open("alchemy", raw)
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func poolOf(t testing.TB, db *sql.DB) *alchemy.QueuePool {
	t.Helper()
	p, err := alchemy.PoolOf(db)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func serverConns(t testing.TB, admin *sql.DB, query, db string) int {
	t.Helper()
	var n int
	if err := admin.QueryRow(query, db).Scan(&n); err != nil {
		t.Fatalf("counting server connections: %v", err)
	}
	return n
}

// TestServerConnectionCap: under 200 goroutines the server never sees more
// than pool_size + max_overflow sessions, and afterwards pool_size remain.
func TestServerConnectionCap(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			raw := s.newURL(t)
			name := dbName(t, raw)
			admin := s.admin(t)
			db := openDB(t, withQuery(raw, "pool_size=3&max_overflow=4&pool_timeout=20"))

			var maxSeen atomic.Int64
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() {
				defer close(sampled)
				for {
					select {
					case <-stop:
						return
					case <-time.After(5 * time.Millisecond):
					}
					var n int64
					if err := admin.QueryRow(s.connCount, name).Scan(&n); err == nil && n > maxSeen.Load() {
						maxSeen.Store(n)
					}
				}
			}()
			var wg sync.WaitGroup
			errs := make(chan error, 200)
			for i := 0; i < 200; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := 0; j < 3; j++ {
						if _, err := db.Exec(s.sleep); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(stop)
			<-sampled
			close(errs)
			for err := range errs {
				t.Fatalf("query under load: %v", err)
			}
			if m := maxSeen.Load(); m > 7 || m < 1 {
				t.Errorf("server saw at most %d sessions; want 1..7 (pool_size 3 + max_overflow 4)", m)
			}
			st := poolOf(t, db).Stats()
			if st.Open > 3 || st.Idle != st.Open {
				t.Errorf("after the load: %+v; want at most pool_size (3) open, all idle", st)
			}
			// The server closes sessions asynchronously; wait for it.
			deadline := time.Now().Add(5 * time.Second)
			for {
				n := serverConns(t, admin, s.connCount, name)
				if n <= 3 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("server still has %d sessions after the load; want ≤ 3", n)
				}
				time.Sleep(20 * time.Millisecond)
			}
			t.Logf("max server sessions %d; %s", maxSeen.Load(), poolOf(t, db).Status())
		})
	}
}

// TestServerPoolTimeout: with every connection out, a checkout fails
// with ErrPoolTimeout after pool_timeout.
func TestServerPoolTimeout(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			db := openDB(t, withQuery(s.newURL(t), "pool_size=1&max_overflow=0&pool_timeout=0.3"))
			ctx := context.Background()
			held, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer held.Close()
			start := time.Now()
			_, err = db.ExecContext(ctx, "SELECT 1")
			waited := time.Since(start)
			if !errors.Is(err, alchemy.ErrPoolTimeout) {
				t.Fatalf("err = %v, want ErrPoolTimeout", err)
			}
			if waited < 300*time.Millisecond || waited > 3*time.Second {
				t.Errorf("timed out after %v, want about 300ms", waited)
			}
			if !strings.Contains(err.Error(), "size 1 overflow 0") || !strings.Contains(err.Error(), "timeout 0.30") {
				t.Errorf("message %q should name size, overflow and timeout", err)
			}
		})
	}
}

// TestServerRecycle: a connection older than pool_recycle is replaced at
// checkout, so the server session changes.
func TestServerRecycle(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			db := openDB(t, withQuery(s.newURL(t), "pool_size=1&max_overflow=0&pool_recycle=0.2"))
			var pid1, pid2, pid3 int64
			if err := db.QueryRow(s.pid).Scan(&pid1); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(s.pid).Scan(&pid2); err != nil {
				t.Fatal(err)
			}
			if pid1 != pid2 {
				t.Fatalf("a young connection was replaced: %d then %d", pid1, pid2)
			}
			time.Sleep(300 * time.Millisecond)
			if err := db.QueryRow(s.pid).Scan(&pid3); err != nil {
				t.Fatal(err)
			}
			if pid3 == pid1 {
				t.Errorf("session %d survived pool_recycle", pid1)
			}
			if st := poolOf(t, db).Stats(); st.Recycles < 1 {
				t.Errorf("Stats().Recycles = %d, want ≥ 1", st.Recycles)
			}
		})
	}
}

// TestServerKilledSessions: sessions killed on the server are survived
// with pre-ping (the next query works) and counted as invalidations.
func TestServerKilledSessions(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			admin := s.admin(t)
			db := openDB(t, withQuery(s.newURL(t), "pool_size=2&max_overflow=0&pool_pre_ping=true"))
			ctx := context.Background()
			pids := holdAll(t, db, s.pid, 2)
			for _, pid := range pids {
				if _, err := admin.ExecContext(ctx, s.kill, pid); err != nil {
					t.Fatalf("kill %d: %v", pid, err)
				}
			}
			time.Sleep(100 * time.Millisecond) // let the server finish the kill
			for i := 0; i < 4; i++ {
				var one int
				if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
					t.Fatalf("query %d after the kill: %v", i, err)
				}
			}
			st := poolOf(t, db).Stats()
			if st.Invalidations < 1 {
				t.Errorf("Stats().Invalidations = %d, want ≥ 1; %+v", st.Invalidations, st)
			}
			newPids := holdAll(t, db, s.pid, 2)
			for _, p := range newPids {
				for _, old := range pids {
					if p == old {
						t.Errorf("killed session %d is still in the pool", p)
					}
				}
			}
		})
	}
}

// TestServerKilledWithoutPrePing: without pre-ping a killed session is
// still caught the way the driver catches it under plain database/sql —
// pgx pings a connection idle for over a second, go-sql-driver/mysql
// checks the socket — so the first query after the kill works, and the
// dead connection is invalidated, not reused.
func TestServerKilledWithoutPrePing(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			admin := s.admin(t)
			db := openDB(t, withQuery(s.newURL(t), "pool_size=1&max_overflow=0"))
			ctx := context.Background()
			pid := holdAll(t, db, s.pid, 1)[0]
			if _, err := admin.ExecContext(ctx, s.kill, pid); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1100 * time.Millisecond) // past pgx's idle-ping threshold
			var pid2 int64
			if err := db.QueryRowContext(ctx, s.pid).Scan(&pid2); err != nil {
				t.Fatalf("first query after the kill: %v", err)
			}
			if pid2 == pid {
				t.Errorf("still on the killed session %d", pid)
			}
			st := poolOf(t, db).Stats()
			if st.Invalidations < 1 {
				t.Errorf("Stats().Invalidations = %d, want ≥ 1", st.Invalidations)
			}
			if st.Open > 1 {
				t.Errorf("pool has %d open connections, want ≤ 1", st.Open)
			}
		})
	}
}

// holdAll checks out n connections at once (so they are n distinct
// sessions), returns their session ids, and releases them.
func holdAll(t testing.TB, db *sql.DB, pidQuery string, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var conns []*sql.Conn
	var pids []int64
	for i := 0; i < n; i++ {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var pid int64
		if err := c.QueryRowContext(ctx, pidQuery).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	for _, c := range conns {
		c.Close()
	}
	return pids
}

// TestServerEngineTransactions: Connect's uncommitted work is rolled back
// on Close; Begin commits, and rolls back on error and on panic.
func TestServerEngineTransactions(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			testEngineTransactions(t, s.newURL(t))
		})
	}
	t.Run("sqlite", func(t *testing.T) {
		testEngineTransactions(t, "sqlite:///"+t.TempDir()+"/tx.db")
	})
}

func testEngineTransactions(t *testing.T, raw string) {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := eng.ExecContext(ctx, "CREATE TABLE tx_items (id INTEGER PRIMARY KEY, name VARCHAR(20))"); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		if err := eng.QueryRowContext(ctx, "SELECT count(*) FROM tx_items").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ins := func(c *alchemy.Conn, id int) error {
		_, err := c.ExecContext(ctx, rebind(eng, "INSERT INTO tx_items (id, name) VALUES (?, ?)"), id, fmt.Sprint("item", id))
		return err
	}

	// Connect: uncommitted work is gone after Close.
	c, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ins(c, 1); err != nil {
		t.Fatal(err)
	}
	if !c.InTransaction() {
		t.Error("a statement did not begin a transaction")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Errorf("after Close without Commit: %d rows, want 0", n)
	}

	// Connect: commit as you go.
	c, _ = eng.Connect(ctx)
	_ = ins(c, 2)
	if err := c.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	_ = ins(c, 3) // autobegins again, then rolled back by Close
	c.Close()
	if n := count(); n != 1 {
		t.Errorf("after commit of one row and rollback of another: %d rows, want 1", n)
	}

	// Begin: commit on nil.
	if err := eng.Begin(ctx, func(c *alchemy.Conn) error { return ins(c, 10) }); err != nil {
		t.Fatal(err)
	}
	// Begin: rollback on error, the error returned.
	boom := errors.New("boom")
	err = eng.Begin(ctx, func(c *alchemy.Conn) error {
		if err := ins(c, 11); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("Begin returned %v, want boom", err)
	}
	// Begin: rollback on panic, the panic continues.
	func() {
		defer func() {
			if r := recover(); r != "kaboom" {
				t.Errorf("recovered %v, want the panic to continue", r)
			}
		}()
		_ = eng.Begin(ctx, func(c *alchemy.Conn) error {
			_ = ins(c, 12)
			panic("kaboom")
		})
	}()
	if n := count(); n != 2 {
		t.Errorf("after Begin commit/error/panic: %d rows, want 2", n)
	}

	// Savepoints: rows 20 and 22 kept, 21 and 23 gone.
	err = eng.Begin(ctx, func(c *alchemy.Conn) error {
		_ = ins(c, 20)
		sp, err := c.Savepoint(ctx)
		if err != nil {
			return err
		}
		if sp.Name() != "sa_savepoint_1" {
			t.Errorf("first savepoint is %q", sp.Name())
		}
		_ = ins(c, 21)
		if err := sp.Rollback(ctx); err != nil {
			return err
		}
		if err := c.BeginNested(ctx, func(c *alchemy.Conn) error { return ins(c, 22) }); err != nil {
			return err
		}
		_ = c.BeginNested(ctx, func(c *alchemy.Conn) error { _ = ins(c, 23); return boom })
		if !c.InTransaction() || c.InNestedTransaction() {
			t.Error("after the savepoints the outer transaction should be open and no savepoint")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 4 {
		t.Errorf("after savepoints: %d rows, want 4", n)
	}
	// Explicit BeginTx while a transaction is open is refused.
	c, _ = eng.Connect(ctx)
	defer c.Close()
	_ = ins(c, 30)
	if err := c.BeginTx(ctx, nil); !errors.Is(err, alchemy.ErrTransactionActive) {
		t.Errorf("BeginTx inside a transaction: %v, want ErrTransactionActive", err)
	}
	st := eng.Pool().Stats()
	if st.CheckedOut != 1 {
		t.Errorf("one Conn open, pool says %d checked out", st.CheckedOut)
	}
}

// rebind turns '?' placeholders into the dialect's style.
func rebind(eng *alchemy.Engine, q string) string {
	if eng.Dialect().Placeholder == dialects.Dollar {
		return dollar(q)
	}
	return q
}

// TestServerInvalidateAfterMigration: after DDL changes a table's shape,
// PostgreSQL rejects pgx's cached prepared statement once ("cached plan
// must not change result type"); QueuePool.Invalidate replaces the
// connections, so the README's advice holds.
func TestServerInvalidateAfterMigration(t *testing.T) {
	db := openDB(t, withQuery(testdb.Postgres(t), "pool_size=1&max_overflow=0"))
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE mig (a INTEGER)"); err != nil {
		t.Fatal(err)
	}
	count := func() error {
		rows, err := db.QueryContext(ctx, "SELECT * FROM mig")
		if err != nil {
			return err
		}
		return rows.Close()
	}
	if err := count(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "ALTER TABLE mig ADD COLUMN b INTEGER"); err != nil {
		t.Fatal(err)
	}
	err := count()
	if err == nil || !strings.Contains(err.Error(), "cached plan") {
		t.Logf("without Invalidate the stale plan error did not show (pgx may have changed): %v", err)
	}
	if _, err := db.ExecContext(ctx, "ALTER TABLE mig ADD COLUMN c INTEGER"); err != nil {
		t.Fatal(err)
	}
	poolOf(t, db).Invalidate()
	if err := count(); err != nil {
		t.Fatalf("after Invalidate: %v", err)
	}
}

// TestServerPendingRollback: when the connection is lost inside a Conn's
// transaction, the Conn refuses statements until Rollback, then carries
// on with a fresh connection (SQLAlchemy 2.0's PendingRollbackError).
func TestServerPendingRollback(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			admin := s.admin(t)
			eng, err := alchemy.CreateEngine(s.newURL(t))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			ctx := context.Background()
			c, err := eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var pid int64
			if err := c.QueryRowContext(ctx, s.pid).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			if _, err := admin.ExecContext(ctx, s.kill, pid); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
			if _, err := c.ExecContext(ctx, "SELECT 1"); err == nil {
				t.Fatal("a statement on a killed session succeeded")
			}
			if _, err := c.ExecContext(ctx, "SELECT 1"); !errors.Is(err, alchemy.ErrPendingRollback) {
				t.Fatalf("second statement: %v, want ErrPendingRollback", err)
			}
			if err := c.Rollback(ctx); err != nil {
				t.Fatalf("Rollback after the loss: %v", err)
			}
			var pid2 int64
			if err := c.QueryRowContext(ctx, s.pid).Scan(&pid2); err != nil {
				t.Fatalf("statement after Rollback: %v", err)
			}
			if pid2 == pid {
				t.Errorf("still on the killed session %d", pid)
			}
			if st := eng.Pool().Stats(); st.Invalidations < 1 {
				t.Errorf("Invalidations = %d, want ≥ 1", st.Invalidations)
			}
		})
	}
}
