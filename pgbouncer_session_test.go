package alchemy_test

// pgbouncer in session mode (issue 18): a client keeps one server
// connection for as long as it stays connected, so everything a direct
// connection does works — pgx's named statement cache, db.Prepare,
// session state — and pgbouncer=true is not needed; what differs is the
// sizing (a client beyond the server pool waits) and that session state
// is discarded only when the client leaves.

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestPgBouncerSessionMode: in session mode with 4 server connections, a
// pool of 4 and 16 goroutines, both pgx/stdlib and alchemy run pgx's
// default (named, cached) statements, db.Prepare'd statements and
// session state (SET, a session advisory lock, SQL PREPARE) with no
// error and no switch — all of which fail or are refused in transaction
// mode (TestBehindPgBouncer). pgbouncer=true still refuses session state
// here: it is the switch for transaction poolers only.
func TestPgBouncerSessionMode(t *testing.T) {
	raw := testdb.Postgres(t)
	b := newPgBouncer(t, raw, bouncerOptions{mode: "session", serverConns: 4})
	const clients, each = 16, 25
	for _, via := range []string{"pgx/stdlib", "alchemy"} {
		t.Run(via, func(t *testing.T) {
			var db *sql.DB
			if via == "alchemy" {
				db = openDB(t, withQuery(b.url, "pool_size=4&max_overflow=0&pool_timeout=10"))
			} else {
				db = testdb.Plain(t, b.url)
				db.SetMaxOpenConns(4)
				db.SetMaxIdleConns(4)
			}
			point := func(ctx context.Context, db *sql.DB, i int) error {
				var n int
				return db.QueryRowContext(ctx, "SELECT $1::int", i).Scan(&n)
			}
			if failed, first := bouncerLoad(db, clients, each, point); failed != 0 {
				t.Errorf("session mode, default statement mode: %d of %d point queries failed: %v", failed, clients*each, first)
			}
			stmt, err := db.Prepare("SELECT $1::int + 1")
			if err != nil {
				t.Fatal(err)
			}
			defer stmt.Close()
			prepared := func(ctx context.Context, db *sql.DB, i int) error {
				var n int
				if err := stmt.QueryRowContext(ctx, i).Scan(&n); err != nil {
					return err
				}
				if n != i+1 {
					return errors.New("wrong result")
				}
				return nil
			}
			if failed, first := bouncerLoad(db, clients, each, prepared); failed != 0 {
				t.Errorf("session mode: %d of %d prepared executions failed: %v", failed, clients*each, first)
			}

			ctx := context.Background()
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for _, step := range []struct{ sql, want string }{
				{"SET application_name = 'bounced'", ""},
				{"SHOW application_name", "bounced"},
				{"SELECT pg_advisory_lock(18)::text", ""},
				{"SELECT pg_advisory_unlock(18)::text", "true"},
				{"PREPARE bounced_stmt AS SELECT 41 + 1", ""},
				{"EXECUTE bounced_stmt", "42"},
				{"DEALLOCATE bounced_stmt", ""},
			} {
				var got sql.NullString
				var err error
				if step.want == "" {
					_, err = c.ExecContext(ctx, step.sql)
				} else {
					err = c.QueryRowContext(ctx, step.sql).Scan(&got)
				}
				if err != nil || got.String != step.want {
					t.Errorf("session mode, %s: %q, %v; want %q", step.sql, got.String, err, step.want)
				}
			}
		})
	}
	db := openDB(t, withQuery(b.url, "pgbouncer=true&pool_size=4&max_overflow=0"))
	if _, err := db.Exec("SET application_name = 'bounced'"); !errors.Is(err, alchemy.ErrSessionState) {
		t.Errorf("pgbouncer=true in session mode: SET gave %v, want ErrSessionState (the switch is for transaction poolers)", err)
	}
}

// TestPgBouncerSessionModeSizing: eight connections held at once (a pool
// of 8, 8 callers each running one query under a 1 s deadline) through a
// bouncer with 4 server connections. In transaction mode all 8 run: a
// server connection is lent per transaction. In session mode only 4 do:
// a client holds its server connection while it is connected, so a
// client pool larger than the bouncer's default_pool_size leaves the
// rest waiting until their deadline. pgx/stdlib and alchemy alike.
func TestPgBouncerSessionModeSizing(t *testing.T) {
	raw := testdb.Postgres(t)
	for _, c := range []struct {
		mode   string
		wantOK int
	}{
		{"transaction", 8},
		{"session", 4},
	} {
		b := newPgBouncer(t, raw, bouncerOptions{mode: c.mode, serverConns: 4})
		for _, via := range []string{"pgx/stdlib", "alchemy"} {
			t.Run(c.mode+"/"+via, func(t *testing.T) {
				var db *sql.DB
				switch {
				case via == "alchemy" && c.mode == "transaction":
					db = openDB(t, withQuery(b.url, "pgbouncer=true&pool_size=8&max_overflow=0"))
				case via == "alchemy":
					db = openDB(t, withQuery(b.url, "pool_size=8&max_overflow=0"))
				case c.mode == "transaction":
					db = testdb.Plain(t, withQuery(b.url, "default_query_exec_mode=exec"))
				default:
					db = testdb.Plain(t, b.url)
				}
				if via == "pgx/stdlib" {
					// The same pool of 8 as alchemy's. With database/sql's
					// default of 2 idle, the first callers' connections
					// would be closed at release, handing their server
					// connections on to the waiting ones.
					db.SetMaxOpenConns(8)
					db.SetMaxIdleConns(8)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
				defer cancel()
				var ok, timedOut atomic.Int64
				var wg sync.WaitGroup
				var ready sync.WaitGroup
				ready.Add(8)
				for range 8 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						conn, err := db.Conn(ctx)
						ready.Done()
						if err == nil {
							defer conn.Close()
							ready.Wait() // all 8 held before any query
							err = conn.QueryRowContext(ctx, "SELECT 1").Scan(new(int))
						}
						switch {
						case err == nil:
							ok.Add(1)
						case errors.Is(err, context.DeadlineExceeded):
							timedOut.Add(1)
						default:
							t.Errorf("%v", err)
						}
					}()
				}
				wg.Wait()
				if int(ok.Load()) != c.wantOK || int(ok.Load()+timedOut.Load()) != 8 {
					t.Errorf("%s mode, %s: %d of 8 held connections ran a query, %d reached the deadline; want %d to run",
						c.mode, via, ok.Load(), timedOut.Load(), c.wantOK)
				}
			})
		}
	}
}

// TestPgBouncerSessionReset: in session mode the bouncer discards a
// client's session state (server_reset_query, DISCARD ALL) only when the
// client disconnects. A QueuePool keeps its client connections, so a SET
// made in one checkout is still there at the next, as on a direct
// connection; with NullPool every checkout is a new client and starts
// clean, although the bouncer lends it the same server connection.
func TestPgBouncerSessionReset(t *testing.T) {
	raw := testdb.Postgres(t)
	b := newPgBouncer(t, raw, bouncerOptions{mode: "session", serverConns: 1})
	for _, c := range []struct {
		query, want string
	}{
		{"pool_size=1&max_overflow=0", "bounced"},
		{"poolclass=null", ""},
	} {
		db := openDB(t, withQuery(b.url, c.query))
		if _, err := db.Exec("SET application_name = 'bounced'"); err != nil {
			t.Fatal(err)
		}
		var got, pid1, pid2 string
		if err := db.QueryRow("SELECT pg_backend_pid()::text").Scan(&pid1); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("SELECT current_setting('application_name'), pg_backend_pid()::text").Scan(&got, &pid2); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s: the next checkout sees application_name %q, want %q", c.query, got, c.want)
		}
		if pid1 != pid2 {
			t.Errorf("%s: one server connection, yet two backends (%s, %s)", c.query, pid1, pid2)
		}
		db.Close()
	}
}
