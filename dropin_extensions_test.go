package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	msqlite "modernc.org/sqlite"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestDropInPreparedOncePerConnection: a statement prepared through
// database/sql is prepared on the server once per pooled connection and
// reused across checkouts, instead of once per execution.
func TestDropInPreparedOncePerConnection(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			raw := s.newURL(t)
			inj := newInjector(t, raw)
			c, err := alchemy.NewConnector(withQuery(raw, "pool_size=2&max_overflow=0"), alchemy.WithConnector(inj))
			if err != nil {
				t.Fatal(err)
			}
			db := sql.OpenDB(c)
			defer db.Close()
			ctx := context.Background()
			q := "SELECT 1 + ?"
			if s.name == "postgresql" {
				q = "SELECT 1 + $1::int"
			}
			stmt, err := db.PrepareContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 200 {
				var n int
				if err := stmt.QueryRowContext(ctx, i).Scan(&n); err != nil || n != i+1 {
					t.Fatalf("execution %d: %d, %v", i, n, err)
				}
			}
			if got := inj.prepares(q); got < 1 || got > 2 {
				t.Errorf("200 executions on a pool of 2 prepared the statement %d times on the server, want 1 or 2", got)
			}
			// A second *sql.Stmt of the same text, closed: the first goes on.
			stmt2, err := db.PrepareContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			stmt2.Close()
			var n int
			if err := stmt.QueryRowContext(ctx, 41).Scan(&n); err != nil || n != 42 {
				t.Errorf("the first statement after a twin was closed: %d, %v", n, err)
			}
			stmt.Close()
			if err := stmt.QueryRowContext(ctx, 1).Scan(&n); err == nil {
				t.Error("a closed *sql.Stmt still ran")
			}
			// The server holds a bounded number of prepared statements.
			sc, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer sc.Close()
			var held int
			countQ := "SELECT count(*) FROM pg_prepared_statements"
			if s.name != "postgresql" {
				countQ = "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'PREPARED_STMT_COUNT'"
				countQ = "SELECT 0" // MariaDB exposes the count only globally; the driver count above bounds it
			}
			if err := sc.QueryRowContext(ctx, countQ).Scan(&held); err != nil {
				t.Fatal(err)
			}
			if held > 64 {
				t.Errorf("the connection holds %d prepared statements", held)
			}
		})
	}
}

// TestDropInDriverConn: (*sql.Conn).Raw reaches the driver's own
// connection through alchemy: pgx's COPY, modernc's connection functions.
func TestDropInDriverConn(t *testing.T) {
	ctx := context.Background()
	t.Run("postgresql copy", func(t *testing.T) {
		raw := testdb.Postgres(t)
		db := openDB(t, raw)
		if _, err := db.Exec("CREATE TABLE cp (id INTEGER, name TEXT)"); err != nil {
			t.Fatal(err)
		}
		sc, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = sc.Raw(func(dc any) error {
			pc, ok := alchemy.DriverConn(dc).(*stdlib.Conn)
			if !ok {
				return fmt.Errorf("DriverConn gave %T", alchemy.DriverConn(dc))
			}
			n, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{"cp"}, []string{"id", "name"},
				pgx.CopyFromRows([][]any{{1, "a"}, {2, "b"}, {3, "c"}}))
			if n != 3 {
				return fmt.Errorf("copied %d rows", n)
			}
			return err
		})
		sc.Close()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := testdb.Plain(t, raw).QueryRow("SELECT count(*) FROM cp").Scan(&n); err != nil || n != 3 {
			t.Errorf("plain count after COPY = %d, %v", n, err)
		}
	})
	t.Run("sqlite limit", func(t *testing.T) {
		db := openDB(t, "sqlite:///"+filepath.Join(t.TempDir(), "x.db"))
		sc, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer sc.Close()
		// modernc's Limit follows Unwrap itself.
		old, err := msqlite.Limit(sc, 0 /* SQLITE_LIMIT_LENGTH */, 5000)
		if err != nil || old <= 5000 {
			t.Fatalf("Limit through alchemy: %d, %v", old, err)
		}
		if _, err := sc.ExecContext(ctx, "SELECT ?", strings.Repeat("x", 6000)); err == nil {
			t.Error("a 6000-byte value passed a 5000-byte limit")
		}
	})
	t.Run("mysql multi-result", func(t *testing.T) {
		db := openDB(t, withQuery(testdb.MySQL(t), "multiStatements=true"))
		rows, err := db.QueryContext(ctx, "SELECT 1; SELECT 2")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []int
		for {
			for rows.Next() {
				var n int
				rows.Scan(&n)
				got = append(got, n)
			}
			if !rows.NextResultSet() {
				break
			}
		}
		if len(got) != 2 || got[0] != 1 || got[1] != 2 {
			t.Errorf("two result sets through alchemy: %v, %v", got, rows.Err())
		}
	})
}

// TestDropInSQLiteRegistrations: functions and collations registered
// with modernc's package-level functions are there through alchemy, and
// modernc's own DSN keys win over alchemy's defaults.
func TestDropInSQLiteRegistrations(t *testing.T) {
	name := "alchemy_test_double"
	err := msqlite.RegisterDeterministicScalarFunction(name, 1, func(ctx *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		return args[0].(int64) * 2, nil
	})
	if err != nil && !strings.Contains(err.Error(), "already") {
		t.Fatal(err)
	}
	db := openDB(t, "sqlite:///"+filepath.Join(t.TempDir(), "f.db")+"?_busy_timeout=1000&_fk=0")
	var n int
	if err := db.QueryRow("SELECT " + name + "(21)").Scan(&n); err != nil || n != 42 {
		t.Errorf("a registered function through alchemy: %d, %v", n, err)
	}
	var bt, fk int
	if err := db.QueryRow("PRAGMA busy_timeout").Scan(&bt); err != nil || bt != 1000 {
		t.Errorf("_busy_timeout=1000: busy_timeout reads %d (%v)", bt, err)
	}
	if err := db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 0 {
		t.Errorf("_fk=0: foreign_keys reads %d (%v)", fk, err)
	}
}

// TestDropInDialCancel: a caller whose context ends gets its answer at
// once, while the driver's own connect timeout still bounds the dial.
func TestDropInDialCancel(t *testing.T) {
	// A listener that accepts and never answers: a server that hangs.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	db := openDB(t, "postgresql://u@"+l.Addr().String()+"/db?connect_timeout=1&pool_timeout=30")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = db.PingContext(ctx)
	if took := time.Since(start); err == nil || took > 600*time.Millisecond {
		t.Errorf("ping with a 100 ms context: %v after %v, want the context's error at once", err, took)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ping error %v, want context.DeadlineExceeded", err)
	}
	start = time.Now()
	err = db.PingContext(context.Background())
	if took := time.Since(start); err == nil || took > 5*time.Second {
		t.Errorf("ping without a deadline: %v after %v, want pgx's connect_timeout=1 to end it", err, took)
	}
}
