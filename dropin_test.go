package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// nativeTarget is one server reached both through its own driver and
// through "alchemy", so that results can be compared side by side.
type nativeTarget struct {
	name   string
	alc    *sql.DB
	native *sql.DB
	bind   func(q string) string
}

func dollar(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func same(q string) string { return q }

// nativeTargets opens each available server twice: with "alchemy" on a
// fresh database, and with its own driver on the same database.
func nativeTargets(t *testing.T) []nativeTarget {
	t.Helper()
	var out []nativeTarget
	if v := envURL(testdb.PostgresEnv); v != "" {
		raw := testdb.Postgres(t)
		c, err := alchemy.NewConnector(raw)
		if err != nil {
			t.Fatal(err)
		}
		native := sql.OpenDB(underlyingConnector(t, c))
		t.Cleanup(func() { native.Close() })
		out = append(out, nativeTarget{"postgresql", openDB(t, raw), native, dollar})
	}
	if v := envURL(testdb.MySQLEnv); v != "" {
		raw := withQuery(testdb.MySQL(t), "parseTime=true")
		c, err := alchemy.NewConnector(raw)
		if err != nil {
			t.Fatal(err)
		}
		native := sql.OpenDB(underlyingConnector(t, c))
		t.Cleanup(func() { native.Close() })
		out = append(out, nativeTarget{"mariadb", openDB(t, raw), native, same})
	}
	file := "sqlite:///" + t.TempDir() + "/dropin.db"
	c, err := alchemy.NewConnector(file)
	if err != nil {
		t.Fatal(err)
	}
	native := sql.OpenDB(underlyingConnector(t, c))
	t.Cleanup(func() { native.Close() })
	out = append(out, nativeTarget{"sqlite", openDB(t, file), native, same})
	return out
}

func underlyingConnector(t *testing.T, c *alchemy.Connector) driver.Connector {
	t.Helper()
	return c.Underlying()
}

// money is a driver.Valuer / sql.Scanner stored as integer cents.
type money struct{ cents int64 }

func (m money) Value() (driver.Value, error) { return m.cents, nil }

func (m *money) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		m.cents = v
	case []byte:
		_, err := fmt.Sscan(string(v), &m.cents)
		return err
	case string:
		_, err := fmt.Sscan(v, &m.cents)
		return err
	default:
		return fmt.Errorf("money: cannot scan %T", src)
	}
	return nil
}

// TestDropInSameResults runs the same statements through the underlying
// driver and through "alchemy" and requires identical values, Go types
// and column metadata.
func TestDropInSameResults(t *testing.T) {
	ctx := context.Background()
	for _, tg := range nativeTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			ddl := "CREATE TABLE dropin_vals (id INTEGER PRIMARY KEY, i BIGINT, f DOUBLE PRECISION, s VARCHAR(50), b " +
				boolType(tg.name) + ", bin " + blobType(tg.name) + ", ts TIMESTAMP NULL, n VARCHAR(10) NULL, cents BIGINT)"
			if _, err := tg.native.ExecContext(ctx, ddl); err != nil {
				t.Fatal(err)
			}
			ts := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
			ins := tg.bind("INSERT INTO dropin_vals (id, i, f, s, b, bin, ts, n, cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
			if _, err := tg.alc.ExecContext(ctx, ins, 1, int64(1)<<40, 2.5, "it's \"quoted\" ünïcode", true, []byte{0, 1, 2, 255}, ts, nil, money{1234}); err != nil {
				t.Fatalf("insert through alchemy: %v", err)
			}
			if _, err := tg.native.ExecContext(ctx, ins, 2, int64(-7), -0.125, "", false, []byte{}, nil, "x", money{-5}); err != nil {
				t.Fatalf("insert through the driver: %v", err)
			}
			query := "SELECT id, i, f, s, b, bin, ts, n, cents FROM dropin_vals ORDER BY id"
			want := scanAll(t, tg.native, query)
			got := scanAll(t, tg.alc, query)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("alchemy and the driver disagree (-driver +alchemy):\n%s", diff)
			}
			// Scanner and NULL handling.
			var m money
			var n sql.NullString
			if err := tg.alc.QueryRowContext(ctx, tg.bind("SELECT cents, n FROM dropin_vals WHERE id = ?"), 1).Scan(&m, &n); err != nil {
				t.Fatal(err)
			}
			if m.cents != 1234 || n.Valid {
				t.Errorf("scanned %v, %v; want 1234 and NULL", m, n)
			}
		})
	}
}

func boolType(name string) string {
	if name == "mariadb" {
		return "BOOL"
	}
	return "BOOLEAN"
}

func blobType(name string) string {
	if name == "postgresql" {
		return "BYTEA"
	}
	return "BLOB"
}

type scanned struct {
	Columns []string
	Types   []string
	Scan    []string
	Rows    [][]string
}

// scanAll reads every row into []any and describes values and columns.
func scanAll(t *testing.T, db *sql.DB, query string) scanned {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out scanned
	cts, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	for _, ct := range cts {
		out.Columns = append(out.Columns, ct.Name())
		out.Types = append(out.Types, ct.DatabaseTypeName())
		out.Scan = append(out.Scan, fmt.Sprint(ct.ScanType()))
	}
	for rows.Next() {
		vals := make([]any, len(cts))
		ptrs := make([]any, len(cts))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var row []string
		for _, v := range vals {
			row = append(row, fmt.Sprintf("%T %v", v, v))
		}
		out.Rows = append(out.Rows, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDropInPreparedAcrossConnections: one *sql.Stmt used by many
// goroutines, so database/sql prepares it on several pooled connections.
func TestDropInPreparedAcrossConnections(t *testing.T) {
	ctx := context.Background()
	for _, tg := range nativeTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			if _, err := tg.alc.ExecContext(ctx, "CREATE TABLE dropin_prep (id INTEGER PRIMARY KEY, v INTEGER)"); err != nil {
				t.Fatal(err)
			}
			stmt, err := tg.alc.PrepareContext(ctx, tg.bind("INSERT INTO dropin_prep (id, v) VALUES (?, ?)"))
			if err != nil {
				t.Fatal(err)
			}
			defer stmt.Close()
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := 0; i < 5; i++ {
						if _, err := stmt.ExecContext(ctx, g*100+i, i); err != nil {
							errs <- err
						}
					}
				}(g)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			var n int
			if err := tg.alc.QueryRowContext(ctx, "SELECT count(*) FROM dropin_prep").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 40 {
				t.Errorf("%d rows, want 40", n)
			}
		})
	}
}

// TestDropInTransactions: commit, rollback and isolation levels as the
// driver does them.
func TestDropInTransactions(t *testing.T) {
	ctx := context.Background()
	for _, tg := range nativeTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			db := tg.alc
			if _, err := db.ExecContext(ctx, "CREATE TABLE dropin_tx (id INTEGER PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = tx.ExecContext(ctx, tg.bind("INSERT INTO dropin_tx (id) VALUES (?)"), 1)
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}
			tx, _ = db.BeginTx(ctx, nil)
			_, _ = tx.ExecContext(ctx, tg.bind("INSERT INTO dropin_tx (id) VALUES (?)"), 2)
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			var ids []int
			rows, _ := db.QueryContext(ctx, "SELECT id FROM dropin_tx")
			for rows.Next() {
				var id int
				_ = rows.Scan(&id)
				ids = append(ids, id)
			}
			rows.Close()
			if !reflect.DeepEqual(ids, []int{2}) {
				t.Errorf("ids = %v, want [2]", ids)
			}
			// Isolation levels reach the server exactly as with the driver.
			for _, lvl := range []sql.IsolationLevel{sql.LevelDefault, sql.LevelSerializable, sql.LevelReadCommitted} {
				if tg.name == "sqlite" && lvl == sql.LevelReadCommitted {
					continue // modernc accepts only default and serializable
				}
				errA := txIsolationErr(ctx, tg.alc, lvl)
				errN := txIsolationErr(ctx, tg.native, lvl)
				if (errA == nil) != (errN == nil) {
					t.Errorf("%v: alchemy %v, driver %v", lvl, errA, errN)
				}
			}
			if tg.name == "postgresql" {
				tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable, ReadOnly: true})
				if err != nil {
					t.Fatal(err)
				}
				var level string
				_ = tx.QueryRowContext(ctx, "SHOW transaction_isolation").Scan(&level)
				_, werr := tx.ExecContext(ctx, "INSERT INTO dropin_tx (id) VALUES (3)")
				tx.Rollback()
				if level != "serializable" || werr == nil {
					t.Errorf("serializable read-only tx: level %q, write error %v", level, werr)
				}
			}
			if st := poolOf(t, db).Stats(); st.CheckedOut != 0 {
				t.Errorf("after the transactions %d connections are still out", st.CheckedOut)
			}
		})
	}
}

func txIsolationErr(ctx context.Context, db *sql.DB, lvl sql.IsolationLevel) error {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: lvl})
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "SELECT 1")
	tx.Rollback()
	return err
}

// TestDropInCancelMidQuery: a context that ends during a long query stops
// it, and the pool stays consistent and usable.
func TestDropInCancelMidQuery(t *testing.T) {
	sleeps := map[string]string{"postgresql": "SELECT pg_sleep(5)", "mariadb": "SELECT SLEEP(5)"}
	for _, tg := range nativeTargets(t) {
		q, ok := sleeps[tg.name]
		if !ok {
			continue
		}
		t.Run(tg.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := tg.alc.ExecContext(ctx, q)
			if err == nil {
				t.Fatal("a 5 s query finished under a 200 ms context")
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("cancellation took %v", d)
			}
			var one int
			if err := tg.alc.QueryRow("SELECT 1").Scan(&one); err != nil || one != 1 {
				t.Fatalf("query after the cancel: %v", err)
			}
			st := poolOf(t, tg.alc).Stats()
			if st.CheckedOut != 0 || st.Open > 5 {
				t.Errorf("pool after the cancel: %+v", st)
			}
		})
	}
}

// TestDropInCloseWithConnectionsOut: db.Close with a connection still out
// closes the pool; the connection is closed (not pooled) when released.
func TestDropInCloseWithConnectionsOut(t *testing.T) {
	ctx := context.Background()
	for _, tg := range nativeTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			db := tg.alc
			pool := poolOf(t, db)
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.PingContext(ctx); err != nil {
				t.Fatal(err)
			}
			if err := db.Close(); err != nil {
				t.Fatalf("db.Close with a connection out: %v", err)
			}
			var one int
			if err := c.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
				t.Errorf("the connection still out should finish its work: %v", err)
			}
			c.Close()
			if st := pool.Stats(); st.Open != 0 {
				t.Errorf("after db.Close and the release: %+v, want nothing open", st)
			}
			if _, err := db.ExecContext(ctx, "SELECT 1"); err == nil {
				t.Error("a closed *sql.DB ran a statement")
			}
		})
	}
}

// TestSQLiteMemorySharedAcrossPool: a memory database is one database
// for every pooled connection.
func TestSQLiteMemorySharedAcrossPool(t *testing.T) {
	for _, raw := range []string{"sqlite://", "sqlite:///:memory:"} {
		t.Run(raw, func(t *testing.T) {
			db := openDB(t, withQuery(raw, "pool_size=0"))
			pool := poolOf(t, db) // the probe opens the first connection
			ctx := context.Background()
			c1, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c1.Close()
			if _, err := c1.ExecContext(ctx, "CREATE TABLE shared (x INTEGER)"); err != nil {
				t.Fatal(err)
			}
			if _, err := c1.ExecContext(ctx, "INSERT INTO shared VALUES (42)"); err != nil {
				t.Fatal(err)
			}
			c2, err := db.Conn(ctx) // c1 is still out: a second connection
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			var x int
			if err := c2.QueryRowContext(ctx, "SELECT x FROM shared").Scan(&x); err != nil || x != 42 {
				t.Fatalf("second pooled connection: x=%d err=%v", x, err)
			}
			if st := pool.Stats(); st.Open != 2 {
				t.Errorf("pool has %d open, want 2 distinct connections", st.Open)
			}
			// Two engines get two databases.
			other := openDB(t, raw)
			if err := other.QueryRowContext(ctx, "SELECT x FROM shared").Scan(&x); err == nil {
				t.Error("a second engine saw the first engine's memory database")
			}
		})
	}
}

// TestSQLiteFile: a file database through the pool, visible to a new
// engine after close.
func TestSQLiteFile(t *testing.T) {
	path := t.TempDir() + "/file.db"
	ctx := context.Background()
	db := openDB(t, "sqlite:///"+path)
	if _, err := db.ExecContext(ctx, "CREATE TABLE f (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO f VALUES (1), (2)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	again := openDB(t, "sqlite:////"+strings.TrimPrefix(path, "/"))
	var n int
	if err := again.QueryRowContext(ctx, "SELECT count(*) FROM f").Scan(&n); err != nil || n != 2 {
		t.Fatalf("count = %d, %v", n, err)
	}
	var fk int
	if err := again.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d (%v), want 1 by default", fk, err)
	}
}

// TestOpenErrors: bad URLs fail at sql.Open's first use with a clear
// error that never shows the password.
func TestOpenErrors(t *testing.T) {
	tests := []struct{ url, want string }{
		{"oracle://u:hunter2@h/db", `unknown dialect "oracle"`},
		{"postgresql+psycopg2://u:hunter2@h/db", `unknown driver "psycopg2"`},
		{"postgresql+sqlmock://u:hunter2@h/db", "dialects/sqlmock"},
		{"postgresql://u:hunter2@h:abc/db", `port "abc"`},
		{"postgresql://u:hunter2@h/db?pool_size=-1", "pool_size"},
		{"postgresql://u:hunter2@h/db?pool_timeout=soon", "pool_timeout"},
		{"postgresql://u:hunter2@h/db?pool_reset_on_return=bogus", "bogus"},
		{"postgresql://u:hunter2@h/db?sslmode=sometimes", "sslmode"},
		{"mysql://u:hunter2@h/db?parseTime=perhaps", "parseTime"},
	}
	for _, tt := range tests {
		db, err := sql.Open("alchemy", tt.url)
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.url, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows the password: %v", tt.url, err)
		}
	}
}

// TestLazyEngine: creating an engine for an unreachable server succeeds;
// the first use fails with a clear error naming the server, not the
// password.
func TestLazyEngine(t *testing.T) {
	eng, err := alchemy.CreateEngine("postgresql://nouser:hunter2@127.0.0.1:1/none?connect_timeout=2")
	if err != nil {
		t.Fatalf("CreateEngine must not connect: %v", err)
	}
	defer eng.Close()
	if st := eng.Pool().Stats(); st.Opens != 0 {
		t.Errorf("CreateEngine opened %d connections", st.Opens)
	}
	_, err = eng.Connect(context.Background())
	var ce *alchemy.ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("first use: %v, want *ConnectError", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %q should name the server and hide the password", err)
	}
	if got := eng.String(); got != "Engine(postgresql://nouser:***@127.0.0.1:1/none?connect_timeout=2)" {
		t.Errorf("String() = %q", got)
	}
}

func envURL(name string) string { return os.Getenv(name) }
