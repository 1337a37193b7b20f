package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// Statements prepared through database/sql follow alchemy's handles from
// one pooled connection to the next (leasestmt.go): a handle with a
// *sql.Stmt prepared on it is kept in database/sql's idle list like any
// other, and the statement is lent from the pooled connection's cache or
// prepared on it at its next use. These tests hold that against the real
// servers, with the server's rows read over a plain connection.

// bindArg is the server's placeholder for an int argument.
func bindArg(server string, n int) string {
	if server == "postgresql" {
		return fmt.Sprintf("$%d::int", n)
	}
	return "?"
}

// TestDropInPreparedKeepsHandle: db.Prepare then many executions: the
// handle stays in database/sql's idle list (before, it was closed at every
// release), the statement is prepared once per pooled connection, and
// concurrent executions through more handles than connections all answer
// right with no checkout left behind.
func TestDropInPreparedKeepsHandle(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			raw := s.newURL(t)
			db, c, inj := injectedDB(t, raw, "pool_size=2&max_overflow=0&pool_timeout=20")
			q := "SELECT /* keeps handle */ 1 + " + bindArg(s.name, 1)
			st, err := db.PrepareContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for i := range 300 {
				var n int
				if err := st.QueryRowContext(ctx, i).Scan(&n); err != nil || n != i+1 {
					t.Fatalf("execution %d: %d, %v", i, n, err)
				}
			}
			if ds := db.Stats(); ds.OpenConnections != 1 || ds.Idle != 1 {
				t.Errorf("after 300 sequential executions db.Stats() = %+v, want the one handle kept idle", ds)
			}
			if got := inj.prepares(q); got != 1 {
				t.Errorf("300 sequential executions prepared the statement %d times, want 1", got)
			}

			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 50 {
						var n int
						if err := st.QueryRowContext(ctx, g*1000+i).Scan(&n); err != nil || n != g*1000+i+1 {
							errs <- fmt.Errorf("goroutine %d execution %d: %d, %v", g, i, n, err)
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
			if got := inj.prepares(q); got < 1 || got > 2 {
				t.Errorf("400 executions through a pool of 2 prepared the statement %d times, want at most one per pooled connection", got)
			}
			if ps := c.Pool().Stats(); ps.CheckedOut != 0 || ps.Open > 2 {
				t.Errorf("pool after the run: %+v, want nothing checked out and at most 2 open", ps)
			}
		})
	}
}

// TestDropInPreparedTransactions: a *sql.Stmt used inside a transaction
// that rolls back leaves nothing on the server, and a prepared
// transaction-control statement does not leave the next caller inside the
// transaction it began: the handle's next pooled connection is clean.
func TestDropInPreparedTransactions(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			raw := withQuery(s.newURL(t), "pool_size=1&max_overflow=0")
			db := openDB(t, raw)
			if _, err := db.ExecContext(ctx, "CREATE TABLE prep_tx (id INT PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
			ins, err := db.PrepareContext(ctx, "INSERT INTO prep_tx VALUES ("+bindArg(s.name, 1)+")")
			if err != nil {
				t.Fatal(err)
			}
			defer ins.Close()
			if _, err := ins.ExecContext(ctx, 1); err != nil {
				t.Fatal(err)
			}
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.StmtContext(ctx, ins).ExecContext(ctx, 2); err != nil {
				t.Fatal(err)
			}
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			// A statement that begins a transaction, prepared and run on
			// its own: database/sql releases the handle right after, and
			// the connection must not carry the open transaction to the
			// insert that follows.
			begin, err := db.PrepareContext(ctx, "START TRANSACTION")
			if err != nil {
				t.Fatal(err)
			}
			defer begin.Close()
			for id := 3; id <= 4; id++ {
				if _, err := begin.ExecContext(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := ins.ExecContext(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
			got := storedInts(t, testdb.Plain(t, raw), "SELECT id FROM prep_tx")
			if fmt.Sprint(got) != "[1 3 4]" {
				t.Errorf("rows on the server: %v, want [1 3 4] (2 rolled back, 3 and 4 committed on their own)", got)
			}
		})
	}
}

// TestDropInPreparedRebindFaults: the prepare that binds a statement to a
// handle's new pooled connection fails. A server's error reaches the
// caller as it is and nothing runs; driver.ErrBadConn (the prepare may
// even have reached the server) makes database/sql try again on another
// connection, and the statement runs exactly once. Either way the next
// execution works and no checkout is left behind.
func TestDropInPreparedRebindFaults(t *testing.T) {
	serverErr := errors.New("injected: prepare refused")
	tests := []struct {
		name    string
		err     error
		doWork  bool
		wantErr error // nil: the call succeeds (database/sql retried)
		want    string
	}{
		{"server error", serverErr, false, serverErr, "[1 3]"},
		{"bad conn, not prepared", driver.ErrBadConn, false, nil, "[1 2 3]"},
		{"bad conn, prepared", driver.ErrBadConn, true, nil, "[1 2 3]"},
	}
	for _, s := range servers {
		for _, tt := range tests {
			t.Run(s.name+"/"+tt.name, func(t *testing.T) {
				ctx := context.Background()
				raw := s.newURL(t)
				db, c, inj := injectedDB(t, raw, "pool_size=1&max_overflow=0&pool_timeout=10")
				if _, err := db.ExecContext(ctx, "CREATE TABLE prep_fault (id INT PRIMARY KEY)"); err != nil {
					t.Fatal(err)
				}
				q := "INSERT INTO prep_fault VALUES (" + bindArg(s.name, 1) + ")"
				ins, err := db.PrepareContext(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				defer ins.Close()
				if _, err := ins.ExecContext(ctx, 1); err != nil {
					t.Fatal(err)
				}
				// The pooled connection the statement is cached on goes
				// away; the handle gets a new one at its next checkout and
				// must prepare there.
				c.Pool().Invalidate()
				inj.fail(injRule{op: "prepare", match: "prep_fault", err: tt.err, doWork: tt.doWork})
				_, err = ins.ExecContext(ctx, 2)
				if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("execution whose rebind fails: %v, want %v", err, tt.wantErr)
				}
				if inj.count("prepare") != 1 {
					t.Fatalf("the injected prepare fault fired %d times, want 1", inj.count("prepare"))
				}
				if _, err := ins.ExecContext(ctx, 3); err != nil {
					t.Errorf("the execution after: %v", err)
				}
				got := storedInts(t, testdb.Plain(t, raw), "SELECT id FROM prep_fault")
				if fmt.Sprint(got) != tt.want {
					t.Errorf("rows on the server: %v, want %s", got, tt.want)
				}
				if ps := c.Pool().Stats(); ps.CheckedOut != 0 {
					t.Errorf("pool: %+v, want nothing checked out", ps)
				}
			})
		}
	}
}

// TestDropInPreparedAfterKill: the server ends the session a prepared
// statement is cached on while the handle is idle. Through alchemy the
// caller sees what it sees over the driver directly — at most that one
// execution fails — and the rows on the server are exactly the
// acknowledged ones.
func TestDropInPreparedAfterKill(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			raw := s.newURL(t)
			admin := s.admin(t)
			native := nativeDB(t, raw)
			if _, err := native.ExecContext(ctx, "CREATE TABLE prep_kill (side VARCHAR(8), id INT, PRIMARY KEY (side, id))"); err != nil {
				t.Fatal(err)
			}
			sides := []struct {
				name string
				db   *sql.DB
			}{
				{"driver", native},
				{"alchemy", openDB(t, withQuery(raw, "pool_size=1&max_overflow=0"))},
			}
			failures := map[string]int{}
			for _, side := range sides {
				ins, err := side.db.PrepareContext(ctx, "INSERT INTO prep_kill VALUES ('"+side.name+"', "+bindArg(s.name, 1)+")")
				if err != nil {
					t.Fatal(err)
				}
				var acked []int
				run := func(id int) {
					if _, err := ins.ExecContext(ctx, id); err != nil {
						failures[side.name]++
						t.Logf("%s: execution %d after the kill: %v", side.name, id, err)
						return
					}
					acked = append(acked, id)
				}
				run(1)
				var pid int64
				sc, err := side.db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if err := sc.QueryRowContext(ctx, s.pid).Scan(&pid); err != nil {
					t.Fatal(err)
				}
				sc.Close()
				if _, err := admin.ExecContext(ctx, s.kill, pid); err != nil {
					t.Fatal(err)
				}
				for id := 2; id <= 4; id++ {
					run(id)
				}
				ins.Close()
				got := storedInts(t, testdb.Plain(t, raw), "SELECT id FROM prep_kill WHERE side = '"+side.name+"'")
				if fmt.Sprint(got) != fmt.Sprint(acked) {
					t.Errorf("%s: rows on the server %v, acknowledged %v", side.name, got, acked)
				}
				if len(acked) < 3 {
					t.Errorf("%s: %d of 4 executions acknowledged, want at most the first after the kill to fail", side.name, len(acked))
				}
			}
			if failures["alchemy"] > failures["driver"] {
				t.Errorf("after the kill alchemy failed %d executions, the driver directly %d", failures["alchemy"], failures["driver"])
			}
		})
	}
}

// storedInts reads one int column over db, sorted.
func storedInts(t *testing.T, db *sql.DB, query string) []int {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Ints(out)
	return out
}

// TestDropInPreparedStress mixes, from many goroutines over few pooled
// connections, every way database/sql uses a driver statement: a shared
// db.Prepare, tx.Stmt of it in transactions that commit or roll back,
// statements prepared on a *sql.Conn and closed after the Conn, and
// short-lived db.Prepare/Close. Every answer is checked, the committed
// rows are counted over a plain connection, and nothing stays checked
// out. Under -race it also checks that the handles' statement
// bookkeeping is only touched under database/sql's connection lock.
func TestDropInPreparedStress(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			raw := withQuery(s.newURL(t), "pool_size=2&max_overflow=1&pool_timeout=30")
			db := openDB(t, raw)
			if _, err := db.ExecContext(ctx, "CREATE TABLE prep_stress (g INT, i INT, PRIMARY KEY (g, i))"); err != nil {
				t.Fatal(err)
			}
			add, err := db.PrepareContext(ctx, "SELECT 1 + "+bindArg(s.name, 1))
			if err != nil {
				t.Fatal(err)
			}
			defer add.Close()
			ins, err := db.PrepareContext(ctx, "INSERT INTO prep_stress VALUES ("+bindArg(s.name, 1)+", "+bindArg(s.name, 2)+")")
			if err != nil {
				t.Fatal(err)
			}
			defer ins.Close()
			const goroutines, rounds = 6, 40
			var committed [goroutines]int
			var wg sync.WaitGroup
			errs := make(chan error, goroutines)
			for g := range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					fail := func(format string, args ...any) {
						errs <- fmt.Errorf("goroutine %d: "+format, append([]any{g}, args...)...)
					}
					for i := range rounds {
						var n int
						if err := add.QueryRowContext(ctx, i).Scan(&n); err != nil || n != i+1 {
							fail("shared statement: %d, %v", n, err)
							return
						}
						tx, err := db.BeginTx(ctx, nil)
						if err != nil {
							fail("begin: %v", err)
							return
						}
						if _, err := tx.StmtContext(ctx, ins).ExecContext(ctx, g, i); err != nil {
							tx.Rollback()
							fail("insert in a transaction: %v", err)
							return
						}
						if i%3 == 0 {
							err = tx.Rollback()
						} else {
							err = tx.Commit()
							committed[g]++
						}
						if err != nil {
							fail("end of transaction: %v", err)
							return
						}
						sc, err := db.Conn(ctx)
						if err != nil {
							fail("conn: %v", err)
							return
						}
						cst, err := sc.PrepareContext(ctx, "SELECT 2 + "+bindArg(s.name, 1))
						if err == nil {
							err = cst.QueryRowContext(ctx, i).Scan(&n)
						}
						sc.Close()
						if err != nil || n != i+2 {
							fail("statement on a Conn: %d, %v", n, err)
							return
						}
						cst.Close() // after its Conn: database/sql closes it when it can
						short, err := db.PrepareContext(ctx, fmt.Sprintf("SELECT %d + %s", g, bindArg(s.name, 1)))
						if err == nil {
							err = short.QueryRowContext(ctx, i).Scan(&n)
							short.Close()
						}
						if err != nil || n != g+i {
							fail("short-lived statement: %d, %v", n, err)
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
			want := 0
			for _, c := range committed {
				want += c
			}
			var got int
			if err := testdb.Plain(t, raw).QueryRowContext(ctx, "SELECT count(*) FROM prep_stress").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%d rows on the server, %d committed", got, want)
			}
			if ps := poolOf(t, db).Stats(); ps.CheckedOut != 0 {
				t.Errorf("pool after the run: %+v, want nothing checked out", ps)
			}
		})
	}
}

// TestDropInPreparedAfterEviction: a statement whose cache entry was
// evicted between its executions (more distinct statements than the cache
// holds ran on its connection meanwhile) is prepared again, not run on
// the closed one.
func TestDropInPreparedAfterEviction(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			raw := s.newURL(t)
			db, _, inj := injectedDB(t, raw, "pool_size=1&max_overflow=0")
			q := "SELECT /* evicted */ 1 + " + bindArg(s.name, 1)
			st, err := db.PrepareContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			var n int
			if err := st.QueryRowContext(ctx, 1).Scan(&n); err != nil || n != 2 {
				t.Fatalf("first execution: %d, %v", n, err)
			}
			for i := range 70 {
				other, err := db.PrepareContext(ctx, fmt.Sprintf("SELECT /* other %d */ %d + %s", i, i, bindArg(s.name, 1)))
				if err != nil {
					t.Fatal(err)
				}
				if err := other.QueryRowContext(ctx, 1).Scan(&n); err != nil || n != i+1 {
					t.Fatalf("statement %d: %d, %v", i, n, err)
				}
				other.Close()
			}
			if err := st.QueryRowContext(ctx, 2).Scan(&n); err != nil || n != 3 {
				t.Fatalf("execution after the eviction: %d, %v", n, err)
			}
			if got := inj.prepares(q); got != 2 {
				t.Errorf("the statement was prepared %d times, want 2 (again after its eviction)", got)
			}
		})
	}
}

// injectedDB opens raw through alchemy (with the pool settings in query)
// over a fault injector, returning the *sql.DB, its Connector and the
// injector.
func injectedDB(t *testing.T, raw, query string) (*sql.DB, *alchemy.Connector, *injector) {
	t.Helper()
	inj := newInjector(t, raw)
	c, err := alchemy.NewConnector(withQuery(raw, query), alchemy.WithConnector(inj))
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db, c, inj
}

// nativeDB opens raw over the driver directly (alchemy's URL parsing
// only), on one connection, so that session counters cover every call.
func nativeDB(t *testing.T, raw string) *sql.DB {
	t.Helper()
	c, err := alchemy.NewConnector(raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	native := sql.OpenDB(c.Underlying())
	t.Cleanup(func() { native.Close() })
	native.SetMaxOpenConns(1)
	return native
}
