package alchemy_test

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// These tests back the README's table of database/sql pool settings
// under alchemy, one claim each, on the real servers; server-side
// sessions are counted over the admin connection, not through alchemy.

// sessionsSettle polls the server until db has want sessions (a closed
// connection leaves the server's list a moment later) and returns the
// last count.
func sessionsSettle(t *testing.T, s server, admin *sql.DB, db string, want int) int {
	t.Helper()
	var n int
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		n = serverConns(t, admin, s.connCount, db)
		if n == want || time.Now().After(deadline) {
			return n
		}
	}
}

// runQueries runs n statements one after another, each on a checkout of
// its own, sleeping pause between them.
func runQueries(t *testing.T, db *sql.DB, n int, pause time.Duration) {
	t.Helper()
	for i := range n {
		var one int
		if err := db.QueryRow("SELECT 1").Scan(&one); err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		time.Sleep(pause)
	}
}

// TestDropInStatsAgreement: what db.Stats() reports under alchemy, beside
// the QueuePool's figures. database/sql counts the handles it holds and
// the Connect calls it has in progress (a caller queued in the QueuePool
// is one); its idle ones are handles without a server connection (see
// lease.go), and it never waits itself.
func TestDropInStatsAgreement(t *testing.T) {
	ctx := context.Background()
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			raw := withQuery(s.newURL(t), "pool_size=2&max_overflow=0&pool_timeout=10")
			db := openDB(t, raw)
			pool := poolOf(t, db) // opens the first connection (and releases it)
			admin := s.admin(t)

			if st := db.Stats(); st.MaxOpenConnections != 0 {
				t.Errorf("db.Stats().MaxOpenConnections = %d, want 0: alchemy does not set database/sql's limit", st.MaxOpenConnections)
			}
			var held []*sql.Conn
			for range 2 {
				c, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.PingContext(ctx); err != nil {
					t.Fatal(err)
				}
				held = append(held, c)
			}
			ds, ps := db.Stats(), pool.Stats()
			if ds.OpenConnections != 2 || ds.InUse != 2 || ds.Idle != 0 || ps.CheckedOut != 2 || ps.Idle != 0 {
				t.Errorf("two held: db %+v, pool %+v; want 2 open and in use on both sides", ds, ps)
			}

			// A third caller queues in the QueuePool; database/sql counts
			// it as open (it counts a Connect in progress), the pool as
			// waiting.
			got := make(chan error, 1)
			go func() {
				c, err := db.Conn(ctx)
				if err == nil {
					err = c.Close()
				}
				got <- err
			}()
			mustWait(t, func() bool { return pool.Stats().Waiting == 1 })
			ds, ps = db.Stats(), pool.Stats()
			if ds.OpenConnections != ps.CheckedOut+ps.Waiting || ds.WaitCount != 0 {
				t.Errorf("with one caller queued: db %+v, pool %+v; want db open = pool checked out + waiting, and no wait in database/sql", ds, ps)
			}
			held[0].Close()
			if err := <-got; err != nil {
				t.Fatal(err)
			}
			if ds, ps := db.Stats(), pool.Stats(); ds.WaitCount != 0 || ds.WaitDuration != 0 || ps.Waits != 1 || ps.WaitDuration <= 0 {
				t.Errorf("after the wait: db %+v, pool %+v; want it counted by the pool only", ds, ps)
			}
			held[1].Close()

			// Everything back: database/sql keeps empty handles (at most
			// its idle limit, 2 by default), the QueuePool keeps
			// pool_size connections idle, and the server has exactly
			// the pool's.
			ds, ps = db.Stats(), pool.Stats()
			if ds.InUse != 0 || ds.Idle != ds.OpenConnections || ds.Idle > 2 || ps.Idle != 2 || ps.CheckedOut != 0 {
				t.Errorf("all released: db %+v, pool %+v; want db's open handles all idle (at most 2), pool 2 idle", ds, ps)
			}
			if n := sessionsSettle(t, s, admin, dbName(t, raw), 2); n != 2 {
				t.Errorf("the server has %d sessions for the database, want the pool's 2", n)
			}
		})
	}
}

// mustWait fails the test unless cond holds within 5 s.
func mustWait(t *testing.T, cond func() bool) {
	t.Helper()
	if !waitFor(5*time.Second, cond) {
		t.Fatal("condition not reached in 5 s")
	}
}

// TestDropInPoolSettings: database/sql's own pool settings do not shape
// alchemy's pool, and the URL keys the README names instead do.
func TestDropInPoolSettings(t *testing.T) {
	tests := []struct {
		name  string
		query string // added to the URL
		set   func(db *sql.DB)
		pause time.Duration // between the 5 queries
		// want: the pool's Opens and Recycles after the queries, the
		// sessions the server keeps after them, and database/sql's
		// closing counters staying 0.
		opens       [2]int // new connections for the 5 queries: at least, at most
		minRecycles int
		sessions    int
	}{
		{name: "SetMaxIdleConns(0) keeps the pool's idle connection", set: func(db *sql.DB) { db.SetMaxIdleConns(0) }, opens: [2]int{0, 0}, sessions: 1},
		{name: "SetMaxIdleConns(10) keeps no server connection in database/sql", set: func(db *sql.DB) { db.SetMaxIdleConns(10) }, opens: [2]int{0, 0}, sessions: 1},
		{name: "instead of SetMaxIdleConns(0): poolclass=null", query: "poolclass=null", opens: [2]int{5, 5}, sessions: 0},
		{name: "SetConnMaxLifetime does not recycle", set: func(db *sql.DB) { db.SetConnMaxLifetime(10 * time.Millisecond) }, pause: 30 * time.Millisecond, opens: [2]int{0, 0}, sessions: 1},
		{name: "SetConnMaxIdleTime does not close idle ones", set: func(db *sql.DB) { db.SetConnMaxIdleTime(10 * time.Millisecond) }, pause: 30 * time.Millisecond, opens: [2]int{0, 0}, sessions: 1},
		{name: "instead of SetConnMaxLifetime: pool_recycle", query: "pool_recycle=0.05", pause: 80 * time.Millisecond, opens: [2]int{4, 5}, minRecycles: 4, sessions: 1},
	}
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			admin := s.admin(t)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					raw := s.newURL(t)
					if tt.query != "" {
						raw = withQuery(raw, tt.query)
					}
					db := openDB(t, raw)
					if tt.set != nil {
						tt.set(db)
					}
					pool := poolOf(t, db)
					before := pool.Stats().Opens
					runQueries(t, db, 5, tt.pause)
					ps, ds := pool.Stats(), db.Stats()
					if opens := int(ps.Opens - before); opens < tt.opens[0] || opens > tt.opens[1] {
						t.Errorf("the pool opened %d connections for 5 queries, want %d to %d (%+v)", opens, tt.opens[0], tt.opens[1], ps)
					}
					if ps.Recycles < int64(tt.minRecycles) {
						t.Errorf("recycles = %d, want at least %d", ps.Recycles, tt.minRecycles)
					}
					// database/sql may keep and expire handles (its
					// Idle and Max*Closed count them), but holds no
					// connection: nothing in use, and the server's
					// sessions are the pool's.
					if ds.InUse != 0 || ds.Idle > 2 {
						t.Errorf("database/sql's figures %+v: want nothing in use and at most 2 idle handles", ds)
					}
					if n := sessionsSettle(t, s, admin, dbName(t, raw), tt.sessions); n != tt.sessions {
						t.Errorf("the server has %d sessions after the queries, want %d", n, tt.sessions)
					}
				})
			}
		})
	}
}

// TestDropInSetMaxOpenConns: with db.SetMaxOpenConns, callers beyond the
// limit wait in database/sql — in no order (it hands a freed slot to a
// random waiter) and for as long as their context allows — instead of in
// the QueuePool's FIFO queue bounded by pool_timeout. Without it, the
// QueuePool's queue is the only one: first come, first served, and
// pool_timeout ends the wait.
func TestDropInSetMaxOpenConns(t *testing.T) {
	ctx := context.Background()
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			base := withQuery(s.newURL(t), "pool_size=1&max_overflow=0")
			raw := withQuery(base, "pool_timeout=0.3")
			t.Run("pool_timeout without SetMaxOpenConns", func(t *testing.T) {
				db := openDB(t, raw)
				pool := poolOf(t, db)
				c, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				defer cancel()
				start := time.Now()
				_, err = db.ExecContext(wctx, "SELECT 1")
				took := time.Since(start)
				if !errors.Is(err, alchemy.ErrPoolTimeout) || took > 3*time.Second {
					t.Errorf("second caller: %v after %v, want ErrPoolTimeout after pool_timeout (0.3 s)", err, took)
				}
				if ds, ps := db.Stats(), pool.Stats(); ds.WaitCount != 0 || ps.Waits != 1 || ps.Timeouts != 1 {
					t.Errorf("db %+v, pool %+v: want the wait in the QueuePool only", ds, ps)
				}
			})
			t.Run("SetMaxOpenConns(1) waits in database/sql", func(t *testing.T) {
				db := openDB(t, raw)
				db.SetMaxOpenConns(1)
				pool := poolOf(t, db)
				c, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				wctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
				defer cancel()
				start := time.Now()
				_, err = db.ExecContext(wctx, "SELECT 1")
				took := time.Since(start)
				if !errors.Is(err, context.DeadlineExceeded) || took < time.Second {
					t.Errorf("second caller: %v after %v, want its context's deadline (1.5 s), pool_timeout (0.3 s) not applying", err, took)
				}
				if ds, ps := db.Stats(), pool.Stats(); ds.WaitCount != 1 || ps.Waits != 0 {
					t.Errorf("db %+v, pool %+v: want the wait in database/sql, none in the QueuePool", ds, ps)
				}
			})
			t.Run("FIFO without SetMaxOpenConns", func(t *testing.T) {
				db := openDB(t, withQuery(base, "pool_timeout=30"))
				pool := poolOf(t, db)
				c, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				const waiters = 6
				var mu sync.Mutex
				var order []int
				var wg sync.WaitGroup
				for i := range waiters {
					wg.Add(1)
					go func() {
						defer wg.Done()
						wc, err := db.Conn(ctx)
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						order = append(order, i)
						mu.Unlock()
						wc.Close()
					}()
					mustWait(t, func() bool { return pool.Stats().Waiting == i+1 })
				}
				c.Close()
				wg.Wait()
				for i, got := range order {
					if got != i {
						t.Fatalf("waiters were served in the order %v, want arrival order", order)
					}
				}
			})
		})
	}
}

// TestDropInConnectErrorWrapping: a connection the server refuses fails
// with *alchemy.ConnectError (URL masked) through alchemy, and errors.As
// and errors.Is still reach what the driver returned directly.
func TestDropInConnectErrorWrapping(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := l.Addr().String()
	l.Close() // nothing listens there now
	tests := []struct {
		name  string
		url   func(t *testing.T) string // an alchemy URL the server refuses
		match func(err error) bool      // what the driver's own error satisfies
	}{
		{"postgresql unknown database", func(t *testing.T) string {
			return noDatabase(t, testdb.ServerURL(t, testdb.PostgresEnv))
		}, func(err error) bool { var e *pgconn.PgError; return errors.As(err, &e) && e.Code == "3D000" }},
		{"mariadb unknown database", func(t *testing.T) string {
			return noDatabase(t, testdb.ServerURL(t, testdb.MySQLEnv))
		}, func(err error) bool { var e *gomysql.MySQLError; return errors.As(err, &e) && e.Number == 1049 }},
		{"postgresql connection refused", func(t *testing.T) string {
			return "postgresql://u:hunter2@" + closedPort + "/db?connect_timeout=5"
		}, func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }},
		{"mariadb connection refused", func(t *testing.T) string {
			return "mysql://u:hunter2@" + closedPort + "/db?timeout=5s"
		}, func(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.url(t)
			c, err := alchemy.NewConnector(raw)
			if err != nil {
				t.Fatal(err)
			}
			native := sql.OpenDB(c.Underlying())
			defer native.Close()
			nerr := native.Ping()
			if nerr == nil || !tt.match(nerr) {
				t.Fatalf("over the driver directly: %v, which the test's matcher does not recognise", nerr)
			}
			aerr := openDB(t, raw).Ping()
			var ce *alchemy.ConnectError
			if !errors.As(aerr, &ce) {
				t.Fatalf("through alchemy: %v (%T), want *alchemy.ConnectError", aerr, aerr)
			}
			if !tt.match(aerr) {
				t.Errorf("through alchemy errors.Is/As do not reach the driver's error: %v", aerr)
			}
			if strings.Contains(aerr.Error(), "hunter2") || strings.Contains(ce.URL, "hunter2") {
				t.Errorf("the error shows the password: %v", aerr)
			}
		})
	}
}

// noDatabase returns the server URL with a database that does not exist.
func noDatabase(t *testing.T, raw string) string {
	base, q, _ := strings.Cut(raw, "?")
	i := strings.LastIndexByte(base, '/')
	if i < len("mysql://") {
		t.Fatalf("no database part in %s", raw)
	}
	out := base[:i] + "/" + testdb.UniqueName("alchemy_absent")
	if q != "" {
		out += "?" + q
	}
	return out
}

// TestDropInSQLiteDefaults: alchemy turns foreign_keys on and sets
// busy_timeout to 5000 ms where modernc.org/sqlite leaves SQLite's own
// defaults (off, 0), unless the URL sets them — by name, with _pragma, or
// with modernc's shorthand keys.
func TestDropInSQLiteDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "defaults.db")
	plain, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	var fk, bt int
	if err := plain.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if err := plain.QueryRow("PRAGMA busy_timeout").Scan(&bt); err != nil {
		t.Fatal(err)
	}
	if fk != 0 || bt != 0 {
		t.Fatalf("modernc.org/sqlite directly: foreign_keys %d, busy_timeout %d; the test assumes SQLite's defaults 0 and 0", fk, bt)
	}
	tests := []struct {
		query  string
		fk, bt int
	}{
		{"", 1, 5000},
		{"foreign_keys=off", 0, 5000},
		{"busy_timeout=100", 1, 100},
		{"_pragma=busy_timeout(200)&_pragma=foreign_keys(0)", 0, 200},
		{"_foreign_keys=0&_busy_timeout=300", 0, 300},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			raw := "sqlite:///" + path
			if tt.query != "" {
				raw += "?" + tt.query
			}
			db := openDB(t, raw)
			var fk, bt int
			if err := db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow("PRAGMA busy_timeout").Scan(&bt); err != nil {
				t.Fatal(err)
			}
			if fk != tt.fk || bt != tt.bt {
				t.Errorf("foreign_keys %d, busy_timeout %d; want %d and %d", fk, bt, tt.fk, tt.bt)
			}
		})
	}
}

// TestDropInPreparedServerCounts: the server's own per-session counters
// show a statement prepared once for many executions, and the statements
// kept prepared bounded by the cache (64) when a program prepares more
// distinct SQL than that — beside the driver directly, which prepares as
// often and keeps none once closed.
func TestDropInPreparedServerCounts(t *testing.T) {
	ctx := context.Background()
	type counts struct{ prepared, held int64 }
	read := map[string]func(t *testing.T, c *sql.Conn) counts{
		"postgresql": func(t *testing.T, c *sql.Conn) counts {
			var held int64
			if err := c.QueryRowContext(ctx, "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT /* dropin %'").Scan(&held); err != nil {
				t.Fatal(err)
			}
			return counts{prepared: -1, held: held} // PostgreSQL keeps no count of prepares over time
		},
		"mariadb": func(t *testing.T, c *sql.Conn) counts {
			var v counts
			var name string
			var closed int64
			if err := c.QueryRowContext(ctx, "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'").Scan(&name, &v.prepared); err != nil {
				t.Fatal(err)
			}
			if err := c.QueryRowContext(ctx, "SHOW SESSION STATUS LIKE 'Com_stmt_close'").Scan(&name, &closed); err != nil {
				t.Fatal(err)
			}
			v.held = v.prepared - closed
			return v
		},
	}
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			raw := s.newURL(t)
			native := nativeDB(t, raw)
			sides := []struct {
				name string
				db   *sql.DB
				// held: statements the session keeps prepared after 80
				// distinct ones were prepared, run and closed.
				held int64
			}{
				{"driver", native, 0},
				{"alchemy", openDB(t, withQuery(raw, "pool_size=1&max_overflow=0")), 64},
			}
			for _, side := range sides {
				t.Run(side.name, func(t *testing.T) {
					db := side.db
					arg := "?"
					if s.name == "postgresql" {
						arg = "$1::int"
					}
					session := func() counts {
						sc, err := db.Conn(ctx)
						if err != nil {
							t.Fatal(err)
						}
						defer sc.Close()
						return read[s.name](t, sc)
					}
					before := session()
					st, err := db.PrepareContext(ctx, "SELECT /* dropin once */ 1 + "+arg)
					if err != nil {
						t.Fatal(err)
					}
					for i := range 100 {
						var n int
						if err := st.QueryRowContext(ctx, i).Scan(&n); err != nil || n != i+1 {
							t.Fatalf("execution %d: %d, %v", i, n, err)
						}
					}
					once := session()
					if s.name == "mariadb" && once.prepared-before.prepared != 1 {
						t.Errorf("100 executions of one db.Prepare: the session prepared %d statements, want 1", once.prepared-before.prepared)
					}
					st.Close()
					for i := range 80 {
						st, err := db.PrepareContext(ctx, fmt.Sprintf("SELECT /* dropin %d */ %d + %s", i, i, arg))
						if err != nil {
							t.Fatal(err)
						}
						var n int
						if err := st.QueryRowContext(ctx, 1).Scan(&n); err != nil || n != i+1 {
							t.Fatalf("statement %d: %d, %v", i, n, err)
						}
						st.Close()
					}
					after := session()
					if held := after.held - before.held; held != side.held {
						t.Errorf("after 81 distinct statements prepared and closed, the session holds %d prepared, want %d", held, side.held)
					}
				})
			}
		})
	}
}

// TestDropInSQLiteIOErrors: an error about a database file
// (SQLITE_CANTOPEN, SQLITE_NOTADB) leaves the connection usable over
// modernc.org/sqlite directly, and through alchemy it is not taken for a
// lost connection: the pool is not invalidated, the connection is kept,
// and the next statement runs on it.
func TestDropInSQLiteIOErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("not a database "), 512), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, stmt, want string }{
		{"CANTOPEN", "ATTACH DATABASE '" + filepath.Join(dir, "no", "such", "dir.db") + "' AS g", "(14)"},
		{"NOTADB", "ATTACH DATABASE '" + garbage + "' AS g; SELECT count(*) FROM g.sqlite_master", "(26)"},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "main.db")
			// Over the driver directly, on one connection.
			native, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer native.Close()
			native.SetMaxOpenConns(1)
			nerr := ioErrorThenUse(ctx, native, tt.stmt)
			if nerr == nil || !strings.Contains(nerr.Error(), tt.want) || native.Stats().OpenConnections != 1 {
				t.Fatalf("over the driver: %v on %d connections; the test expects a %s error and the connection kept", nerr, native.Stats().OpenConnections, tt.want)
			}

			db := openDB(t, "sqlite:///"+path+"?pool_size=1&max_overflow=0")
			pool := poolOf(t, db)
			before := pool.Stats()
			aerr := ioErrorThenUse(ctx, db, tt.stmt)
			if aerr == nil || aerr.Error() != nerr.Error() {
				t.Errorf("through alchemy: %v; over the driver: %v", aerr, nerr)
			}
			if errors.Is(aerr, driver.ErrBadConn) || errors.Is(aerr, alchemy.ErrDisconnect) {
				t.Errorf("%v is classified as a lost connection", aerr)
			}
			after := pool.Stats()
			if after.Invalidations != before.Invalidations || after.Closes != before.Closes || after.Opens != before.Opens {
				t.Errorf("the pool replaced connections after an I/O error: before %+v, after %+v", before, after)
			}
		})
	}
}

// ioErrorThenUse runs stmt, which must fail, on one connection, then
// checks that the same connection runs statements on the main database;
// it returns stmt's error.
func ioErrorThenUse(ctx context.Context, db *sql.DB, stmt string) error {
	sc, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("no connection: %w", err)
	}
	defer sc.Close()
	_, ferr := sc.ExecContext(ctx, stmt)
	if ferr == nil {
		return nil
	}
	if _, err := sc.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS after_io (x INTEGER)"); err != nil {
		return fmt.Errorf("the connection after %v: %w", ferr, err)
	}
	var n int
	if err := sc.QueryRowContext(ctx, "SELECT count(*) FROM after_io").Scan(&n); err != nil {
		return fmt.Errorf("the connection after %v: %w", ferr, err)
	}
	return ferr
}

// TestDropInMySQLDSNValues: driver parameters with commas and quotes in
// an alchemy URL reach go-sql-driver/mysql as written: the session has
// the sql_mode and character set it has when the same values are given
// to the driver directly.
func TestDropInMySQLDSNValues(t *testing.T) {
	raw := testdb.MySQL(t)
	u, err := alchemy.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port
	if port == 0 {
		port = 3306
	}
	cfg, err := gomysql.ParseDSN(fmt.Sprintf("%s@tcp(%s:%d)/%s?charset=utf8mb4,utf8", u.Username, u.Host, port, u.Database))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Passwd = u.Password
	cfg.Params = map[string]string{"sql_mode": "'ANSI_QUOTES,STRICT_ALL_TABLES'"}
	nc, err := gomysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	native := sql.OpenDB(nc)
	defer native.Close()
	alc := openDB(t, withQuery(raw, "charset=utf8mb4,utf8&sql_mode='ANSI_QUOTES,STRICT_ALL_TABLES'"))
	const q = "SELECT @@session.sql_mode, @@session.character_set_client"
	var got [2][2]string
	for i, db := range []*sql.DB{native, alc} {
		if err := db.QueryRow(q).Scan(&got[i][0], &got[i][1]); err != nil {
			t.Fatalf("side %d: %v", i, err)
		}
	}
	if got[0] != got[1] {
		t.Errorf("session settings: driver directly %q, through alchemy %q", got[0], got[1])
	}
	if got[1][0] != "ANSI_QUOTES,STRICT_ALL_TABLES" || got[1][1] != "utf8mb4" {
		t.Errorf("through alchemy: sql_mode %q, character_set_client %q", got[1][0], got[1][1])
	}
}
