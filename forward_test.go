package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
)

// legacyConn implements only the required driver.Conn methods and the
// legacy (context-free) statement interface: the wrapper must answer
// driver.ErrSkip for what it lacks, so database/sql falls back to
// prepare-and-execute, exactly as over the driver itself.
type legacyConn struct{ prepared, execs *atomic.Int64 }

func (c legacyConn) Prepare(q string) (driver.Stmt, error) {
	c.prepared.Add(1)
	return legacyStmt{c}, nil
}
func (legacyConn) Close() error              { return nil }
func (legacyConn) Begin() (driver.Tx, error) { return legacyTx{}, nil }

type legacyStmt struct{ c legacyConn }

func (legacyStmt) Close() error  { return nil }
func (legacyStmt) NumInput() int { return 1 }
func (s legacyStmt) Exec(args []driver.Value) (driver.Result, error) {
	s.c.execs.Add(1)
	if args[0] == "bad" {
		return nil, driver.ErrBadConn
	}
	return driver.RowsAffected(1), nil
}
func (legacyStmt) Query([]driver.Value) (driver.Rows, error) { return legacyRows{}, nil }

type legacyRows struct{}

func (legacyRows) Columns() []string         { return []string{"x"} }
func (legacyRows) Close() error              { return nil }
func (legacyRows) Next([]driver.Value) error { return io.EOF }

type legacyTx struct{}

func (legacyTx) Commit() error   { return nil }
func (legacyTx) Rollback() error { return nil }

type legacyConnector struct{ prepared, execs, dials *atomic.Int64 }

func (c legacyConnector) Connect(context.Context) (driver.Conn, error) {
	c.dials.Add(1)
	return legacyConn{c.prepared, c.execs}, nil
}
func (legacyConnector) Driver() driver.Driver { return nil }

var legacyCounters = struct{ prepared, execs, dials atomic.Int64 }{}

func init() {
	dialects.RegisterDriver("", dialects.Driver{
		Name: "legacy",
		OpenConnector: func(dialects.ConnParams) (driver.Connector, error) {
			return legacyConnector{&legacyCounters.prepared, &legacyCounters.execs, &legacyCounters.dials}, nil
		},
	})
}

func TestWrapperFallsBackLikeDatabaseSQL(t *testing.T) {
	db, err := sql.Open("alchemy", "postgresql+legacy://h/db?pool_size=1&max_overflow=0")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	before := legacyCounters.prepared.Load()
	if _, err := db.ExecContext(ctx, "UPDATE t SET x = $1", 1); err != nil {
		t.Fatalf("Exec over a driver without ExecerContext: %v", err)
	}
	if legacyCounters.prepared.Load() != before+1 {
		t.Error("database/sql did not fall back to Prepare")
	}
	rows, err := db.QueryContext(ctx, "SELECT x FROM t WHERE x = $1", 1)
	if err != nil {
		t.Fatalf("Query over a driver without QueryerContext: %v", err)
	}
	rows.Close()
	// Isolation levels cannot be honoured by a driver without ConnBeginTx.
	if _, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable}); err == nil {
		t.Error("a non-default isolation level was silently accepted")
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// driver.ErrBadConn from a statement: database/sql retries on a new
	// connection, and the broken one is invalidated, not pooled.
	dials := legacyCounters.dials.Load()
	_, err = db.ExecContext(ctx, "UPDATE t SET x = $1", "bad")
	if !errors.Is(err, driver.ErrBadConn) {
		t.Fatalf("err = %v, want driver.ErrBadConn after database/sql's retries", err)
	}
	if legacyCounters.dials.Load() <= dials {
		t.Error("no new connection was opened after ErrBadConn")
	}
	if st := poolOf(t, db).Stats(); st.Invalidations < 1 || st.Open > 1 {
		t.Errorf("after ErrBadConn: %+v, want invalidations and at most one open", st)
	}
}
