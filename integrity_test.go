package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// The tests of this file reproduce, against the real servers, each way a
// failure path could commit work the application rolled back or apply a
// transaction twice (issue 10), and check the outcome over a plain
// connection that does not go through alchemy.

// integrityServer is one backend of the integrity tests.
type integrityServer struct {
	name string
	url  func(t testing.TB) string // a fresh database
	// begin is the SQL that opens a transaction as a plain statement.
	begin string
	// serialization is the driver's own error value for "the server
	// rolled the transaction back, retry it" (nil: none to construct).
	serialization error
	// galera is a node-not-ready answer (MySQL only).
	galera error
}

var integrityServers = []integrityServer{
	{
		name: "postgresql", url: testdb.Postgres, begin: "BEGIN",
		serialization: &pgconn.PgError{Severity: "ERROR", Code: "40001", Message: "could not serialize access due to concurrent update"},
	},
	{
		name: "mariadb", url: testdb.MySQL, begin: "START TRANSACTION",
		serialization: &gomysql.MySQLError{Number: 1213, SQLState: [5]byte{'4', '0', '0', '0', '1'}, Message: "Deadlock found when trying to get lock; try restarting transaction"},
		galera:        &gomysql.MySQLError{Number: 1047, SQLState: [5]byte{'0', '8', 'S', '0', '1'}, Message: "WSREP has not yet prepared node for application use"},
	},
	{
		name: "sqlite", begin: "BEGIN",
		url: func(t testing.TB) string {
			return "sqlite:///" + filepath.Join(t.TempDir(), "integrity.db")
		},
	},
}

// integrityFixture is one database with an acct table (row 1, v = 0), a
// fault injector under a pool of ONE connection (so the next checkout
// is sure to get the connection the fault left behind) and a plain
// connection for checking.
type integrityFixture struct {
	url   string
	inj   *injector
	eng   *alchemy.Engine
	db    *sql.DB // the engine's *sql.DB: the drop-in path over the same pool
	plain *sql.DB
}

func newIntegrityFixture(t *testing.T, s integrityServer, query string) *integrityFixture {
	t.Helper()
	raw := s.url(t)
	f := &integrityFixture{url: raw, plain: testdb.Plain(t, raw)}
	if _, err := f.plain.Exec("CREATE TABLE acct (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.plain.Exec("INSERT INTO acct (id, v) VALUES (1, 0)"); err != nil {
		t.Fatal(err)
	}
	f.inj = newInjector(t, raw)
	q := "pool_size=1&max_overflow=0&pool_timeout=5"
	if query != "" {
		q += "&" + query
	}
	eng, err := alchemy.CreateEngine(withQuery(raw, q), alchemy.WithConnector(f.inj))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	f.eng, f.db = eng, eng.DB()
	return f
}

// value reads acct row id's v over the plain connection (-1: no row).
func (f *integrityFixture) value(t *testing.T, id int) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var v int
	err := f.plain.QueryRowContext(ctx, "SELECT v FROM acct WHERE id = "+fmt.Sprint(id)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return -1
	}
	if err != nil {
		t.Fatalf("plain read of row %d: %v", id, err)
	}
	return v
}

// afterwards runs an unrelated transaction through the pool (on the one
// connection the fault left behind) and checks over the plain connection
// that it committed and that row 1 still holds 0.
func (f *integrityFixture) afterwards(t *testing.T, how string) {
	t.Helper()
	ctx := context.Background()
	err := f.eng.Begin(ctx, func(c *alchemy.Conn) error {
		_, err := c.ExecContext(ctx, "INSERT INTO acct (id, v) VALUES (2, 2)")
		return err
	})
	if err != nil {
		t.Fatalf("%s: the next, unrelated transaction failed: %v", how, err)
	}
	if v := f.value(t, 2); v != 2 {
		t.Errorf("%s: the next transaction's row is not committed (v = %d)", how, v)
	}
	if v := f.value(t, 1); v != 0 {
		t.Errorf("%s: row 1 holds %d: work the application did not commit was committed later", how, v)
	}
	if st := f.eng.Pool().Stats(); st.CheckedOut != 0 {
		t.Errorf("%s: %d connections still checked out", how, st.CheckedOut)
	}
}

var errInjected = errors.New("injected: the server refused")

// TestIntegrityFailedRollback: a ROLLBACK answered by an error leaves the
// transaction open on the server; the next checkout must not commit it.
func TestIntegrityFailedRollback(t *testing.T) {
	for _, s := range integrityServers {
		t.Run(s.name, func(t *testing.T) {
			errs := []error{errInjected}
			if s.galera != nil {
				errs = append(errs, s.galera)
			}
			for _, injected := range errs {
				t.Run("Engine.Begin/"+injected.Error()[:12], func(t *testing.T) {
					f := newIntegrityFixture(t, s, "")
					f.inj.fail(injRule{op: "rollback", err: injected})
					ctx := context.Background()
					errApp := errors.New("the application gives up")
					err := f.eng.Begin(ctx, func(c *alchemy.Conn) error {
						if _, err := c.ExecContext(ctx, "UPDATE acct SET v = 1 WHERE id = 1"); err != nil {
							return err
						}
						return errApp
					})
					if !errors.Is(err, errApp) || !errors.Is(err, injected) {
						t.Fatalf("Begin = %v, want the application's error and the rollback's", err)
					}
					f.afterwards(t, "after a failed ROLLBACK")
				})
				t.Run("DB.BeginTx/"+injected.Error()[:12], func(t *testing.T) {
					f := newIntegrityFixture(t, s, "")
					f.inj.fail(injRule{op: "rollback", err: injected})
					ctx := context.Background()
					tx, err := f.db.BeginTx(ctx, nil)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := tx.ExecContext(ctx, "UPDATE acct SET v = 1 WHERE id = 1"); err != nil {
						t.Fatal(err)
					}
					if err := tx.Rollback(); !errors.Is(err, injected) {
						t.Fatalf("Rollback = %v, want the injected error", err)
					}
					f.afterwards(t, "after a failed tx.Rollback")
				})
			}
		})
	}
}

// TestIntegrityFailedCommit: a COMMIT refused without being applied; the
// application was told it failed, so its work must never appear.
func TestIntegrityFailedCommit(t *testing.T) {
	for _, s := range integrityServers {
		t.Run(s.name, func(t *testing.T) {
			f := newIntegrityFixture(t, s, "")
			f.inj.fail(injRule{op: "commit", err: errInjected})
			ctx := context.Background()
			err := f.eng.Begin(ctx, func(c *alchemy.Conn) error {
				_, err := c.ExecContext(ctx, "UPDATE acct SET v = 1 WHERE id = 1")
				return err
			})
			if !errors.Is(err, errInjected) {
				t.Fatalf("Begin = %v, want the injected commit error", err)
			}
			f.afterwards(t, "after a failed COMMIT")
		})
	}
}

// TestIntegrityRawTransactionSQL: a transaction begun with plain SQL on a
// *sql.Conn and left open at Close; and autocommit turned off with SQL.
func TestIntegrityRawTransactionSQL(t *testing.T) {
	for _, s := range integrityServers {
		t.Run(s.name, func(t *testing.T) {
			for _, mode := range []string{"", "pool_reset_on_return=commit", "pool_reset_on_return=none"} {
				t.Run("begin/"+mode, func(t *testing.T) {
					f := newIntegrityFixture(t, s, "pool_reset_on_return=rollback")
					if mode != "" {
						f = newIntegrityFixture(t, s, mode)
					}
					ctx := context.Background()
					c, err := f.db.Conn(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := c.ExecContext(ctx, s.begin); err != nil {
						t.Fatal(err)
					}
					if _, err := c.ExecContext(ctx, "UPDATE acct SET v = 1 WHERE id = 1"); err != nil {
						t.Fatal(err)
					}
					c.Close()
					switch {
					case mode == "pool_reset_on_return=commit":
						// The application asked for its open work to be
						// committed at checkin.
						if v := f.value(t, 1); v != 1 {
							t.Errorf("reset mode commit: row 1 = %d, want the update committed", v)
						}
					case mode == "pool_reset_on_return=none" && s.name != "postgresql":
						// "none" is the application's promise to end its own
						// transactions; pgx's own session check still
						// refuses a connection left in one.
					default:
						f.afterwards(t, "after a BEGIN left open")
					}
					// The next plain statement must autocommit, whatever
					// the mode.
					if _, err := f.db.ExecContext(ctx, "INSERT INTO acct (id, v) VALUES (3, 3)"); err != nil {
						t.Fatal(err)
					}
					if mode != "pool_reset_on_return=none" || s.name == "postgresql" {
						if v := f.value(t, 3); v != 3 {
							t.Errorf("an autocommit INSERT after the checkin is not committed (v = %d)", v)
						}
					}
				})
			}
			if s.name == "mariadb" {
				t.Run("autocommit=0", func(t *testing.T) {
					f := newIntegrityFixture(t, s, "")
					ctx := context.Background()
					c, err := f.db.Conn(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := c.ExecContext(ctx, "SET autocommit = 0"); err != nil {
						t.Fatal(err)
					}
					if _, err := c.ExecContext(ctx, "UPDATE acct SET v = 1 WHERE id = 1"); err != nil {
						t.Fatal(err)
					}
					c.Close()
					if _, err := f.db.ExecContext(ctx, "INSERT INTO acct (id, v) VALUES (3, 3)"); err != nil {
						t.Fatal(err)
					}
					if v := f.value(t, 3); v != 3 {
						t.Errorf("the next checkout ran with autocommit off: its INSERT is not committed")
					}
					f.afterwards(t, "after SET autocommit = 0")
				})
			}
		})
	}
}

// TestIntegrityBeginRetryCommitUnknown: COMMIT reaches the server and
// the connection is lost before the answer. BeginRetry must not run the
// transaction again (it was applied), and must say the outcome is
// unknown; a definite serialization failure at COMMIT is retried.
func TestIntegrityBeginRetryCommitUnknown(t *testing.T) {
	for _, s := range integrityServers {
		t.Run(s.name, func(t *testing.T) {
			lost := []error{driver.ErrBadConn, io.ErrUnexpectedEOF}
			if s.name == "mariadb" {
				lost = append(lost, gomysql.ErrInvalidConn)
			}
			for i, lostErr := range lost {
				t.Run(lostErr.Error(), func(t *testing.T) {
					f := newIntegrityFixture(t, s, "")
					f.inj.fail(injRule{op: "commit", doWork: true, err: lostErr})
					ctx := context.Background()
					runs := 0
					id := 10 + i
					err := f.eng.BeginRetry(ctx, alchemy.RetryPolicy{Backoff: time.Millisecond}, func(c *alchemy.Conn) error {
						runs++
						_, err := c.ExecContext(ctx, fmt.Sprintf("INSERT INTO acct (id, v) VALUES (%d, 1)", id))
						return err
					})
					if !errors.Is(err, alchemy.ErrCommitUnknown) {
						t.Fatalf("BeginRetry = %v, want ErrCommitUnknown", err)
					}
					if !errors.Is(err, lostErr) {
						t.Errorf("the cause %v is not wrapped in %v", lostErr, err)
					}
					if runs != 1 {
						t.Errorf("fn ran %d times after a COMMIT of unknown outcome, want 1", runs)
					}
					if v := f.value(t, id); v != 1 {
						t.Errorf("the committed row is not there (v = %d)", v)
					}
				})
			}
			t.Run("idempotent", func(t *testing.T) {
				f := newIntegrityFixture(t, s, "")
				f.inj.fail(injRule{op: "commit", doWork: true, err: io.ErrUnexpectedEOF})
				ctx := context.Background()
				runs := 0
				var retries []alchemy.RetryEvent
				policy := alchemy.RetryPolicy{Backoff: time.Millisecond, Idempotent: true,
					OnRetry: func(ev alchemy.RetryEvent) { retries = append(retries, ev) }}
				err := f.eng.BeginRetry(ctx, policy, func(c *alchemy.Conn) error {
					runs++
					if _, err := c.ExecContext(ctx, "DELETE FROM acct WHERE id = 20"); err != nil {
						return err
					}
					_, err := c.ExecContext(ctx, "INSERT INTO acct (id, v) VALUES (20, 1)")
					return err
				})
				if err != nil || runs != 2 {
					t.Fatalf("BeginRetry = %v after %d runs, want nil after 2", err, runs)
				}
				if len(retries) != 1 || retries[0].Attempt != 1 || !errors.Is(retries[0].Err, alchemy.ErrCommitUnknown) || retries[0].Delay <= 0 {
					t.Errorf("OnRetry saw %+v", retries)
				}
				if v := f.value(t, 20); v != 1 {
					t.Errorf("row 20 = %d", v)
				}
			})
			if s.serialization != nil {
				t.Run("serialization failure at COMMIT", func(t *testing.T) {
					f := newIntegrityFixture(t, s, "")
					f.inj.fail(injRule{op: "commit", err: s.serialization})
					ctx := context.Background()
					runs := 0
					err := f.eng.BeginRetry(ctx, alchemy.RetryPolicy{Backoff: time.Millisecond}, func(c *alchemy.Conn) error {
						runs++
						_, err := c.ExecContext(ctx, "UPDATE acct SET v = v + 1 WHERE id = 1")
						return err
					})
					if err != nil || runs != 2 {
						t.Fatalf("BeginRetry = %v after %d runs, want nil after 2", err, runs)
					}
					if v := f.value(t, 1); v != 1 {
						t.Errorf("row 1 = %d, want 1: the refused attempt must not count", v)
					}
				})
			}
		})
	}
}

// TestIntegrityBusyConnection: a statement while rows are open on the
// same Conn is refused with ErrConnBusy and the transaction goes on.
func TestIntegrityBusyConnection(t *testing.T) {
	for _, s := range integrityServers {
		t.Run(s.name, func(t *testing.T) {
			f := newIntegrityFixture(t, s, "")
			ctx := context.Background()
			c, err := f.eng.Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := c.ExecContext(ctx, "INSERT INTO acct (id, v) VALUES (2, 0), (3, 0)"); err != nil {
				t.Fatal(err)
			}
			rows, err := c.QueryContext(ctx, "SELECT id FROM acct ORDER BY id")
			if err != nil {
				t.Fatal(err)
			}
			if !rows.Next() {
				t.Fatal("no rows")
			}
			_, err = c.ExecContext(ctx, "UPDATE acct SET v = 5 WHERE id = 1")
			if !errors.Is(err, alchemy.ErrConnBusy) || !strings.Contains(err.Error(), "rows.Close") {
				t.Fatalf("a statement while rows are open = %v, want ErrConnBusy naming rows.Close", err)
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ExecContext(ctx, "UPDATE acct SET v = 5 WHERE id = 1"); err != nil {
				t.Fatalf("after rows.Close the transaction should go on: %v", err)
			}
			if err := c.Commit(ctx); err != nil {
				t.Fatalf("Commit: %v", err)
			}
			if v := f.value(t, 1); v != 5 {
				t.Errorf("row 1 = %d, want 5", v)
			}
			if v := f.value(t, 3); v != 0 {
				t.Errorf("row 3 = %d, want 0 (committed with the rest)", v)
			}
			c.Close() // the pool has one connection

			// The drop-in path: a *sql.Tx. On SQLite modernc runs both
			// statements, as it does without alchemy; elsewhere the
			// second one is refused before it can break the connection.
			tx, err := f.db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			rows, err = tx.QueryContext(ctx, "SELECT id FROM acct")
			if err != nil {
				t.Fatal(err)
			}
			rows.Next()
			_, err = tx.ExecContext(ctx, "UPDATE acct SET v = 6 WHERE id = 1")
			if s.name == "sqlite" {
				if err != nil {
					t.Errorf("SQLite runs a statement beside open rows; through alchemy: %v", err)
				}
			} else if !errors.Is(err, alchemy.ErrConnBusy) {
				t.Errorf("drop-in statement while rows are open = %v, want ErrConnBusy", err)
			}
			rows.Close()
			if _, err := tx.ExecContext(ctx, "UPDATE acct SET v = 6 WHERE id = 1"); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if v := f.value(t, 1); v != 6 {
				t.Errorf("row 1 = %d, want 6", v)
			}
		})
	}
}

// TestIntegrityCancelReplacesOnlyItsConnection: five warm connections;
// cancelling a running statement costs at most that one connection, never
// the other four (database/sql reports driver.ErrBadConn for a connection
// a cancel closed, which used to move the pool's invalidation mark).
func TestIntegrityCancelReplacesOnlyItsConnection(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			raw := s.newURL(t)
			db := openDB(t, withQuery(raw, "pool_size=5&max_overflow=0"))
			pool := poolOf(t, db)
			ctx := context.Background()
			slow := "SELECT pg_sleep(5)"
			if s.name != "postgresql" {
				slow = "SELECT SLEEP(5)"
			}
			// hold checks out n connections and returns them with their
			// server-side ids.
			hold := func(n int) ([]*sql.Conn, map[int64]bool) {
				t.Helper()
				conns := make([]*sql.Conn, n)
				got := map[int64]bool{}
				for i := range conns {
					c, err := db.Conn(ctx)
					if err != nil {
						t.Fatal(err)
					}
					conns[i] = c
					var pid int64
					if err := c.QueryRowContext(ctx, s.pid).Scan(&pid); err != nil {
						t.Fatal(err)
					}
					got[pid] = true
				}
				return conns, got
			}
			release := func(conns []*sql.Conn) {
				for _, c := range conns {
					c.Close()
				}
			}
			warm, _ := hold(5)
			release(warm)
			const cancels = 10
			kept := 0
			for range cancels {
				// Four healthy connections are out; the statement that
				// is cancelled runs on the fifth.
				others, healthy := hold(4)
				cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
				_, err := db.ExecContext(cctx, slow)
				cancel()
				if err == nil {
					t.Fatal("the slow statement was not interrupted")
				}
				release(others)
				all, now := hold(5)
				release(all)
				for pid := range healthy {
					if now[pid] {
						kept++
					}
				}
			}
			st := pool.Stats()
			t.Logf("%s: %d cancellations: %d reconnects, %d of %d healthy connections kept, %d recycled for the invalidation mark",
				s.name, cancels, st.Opens-5, kept, 4*cancels, st.Recycles)
			if kept != 4*cancels {
				t.Errorf("%d healthy connections were replaced after %d cancellations, want 0", 4*cancels-kept, cancels)
			}
			if st.Recycles != 0 {
				t.Errorf("%d connections were replaced for the pool's invalidation mark after cancellations", st.Recycles)
			}
			if st.Opens-5 > cancels {
				t.Errorf("%d reconnects for %d cancellations, want at most one each", st.Opens-5, cancels)
			}
			if st.CheckedOut != 0 {
				t.Errorf("%d checkouts leaked", st.CheckedOut)
			}
		})
	}
}
