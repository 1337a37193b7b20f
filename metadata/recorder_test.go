package metadata_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
)

// A recording database/sql driver: it records every statement (and
// BEGIN / COMMIT / ROLLBACK), answers every query with canned rows, can
// fail a chosen statement, and answers alchemy's dialect probe like a
// connection opened through "alchemy". DDL tests assert the order of
// statements on it, as SQLAlchemy's test_ddlemit does.

type recorder struct {
	dialect *dialects.Dialect
	mu      sync.Mutex
	stmts   []string   // guarded by mu
	rows    [][]string // the answer to every query
	failOn  string     // an Exec whose text starts with this fails
}

// log returns the recorded statements, each cut to its first line; a
// batch (several statements in one Exec, joined by ";\n") counts as its
// statements.
func (r *recorder) log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.stmts {
		for _, stmt := range splitBatch(s) {
			first, _, _ := strings.Cut(stmt, "\n")
			out = append(out, first)
		}
	}
	return out
}

// splitBatch splits a batch into its statements.
func splitBatch(s string) []string { return strings.Split(s, ";\n") }

// calls returns how many calls reached the driver (a batch is one).
func (r *recorder) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.stmts)
}

func (r *recorder) record(s string) {
	r.mu.Lock()
	r.stmts = append(r.stmts, s)
	r.mu.Unlock()
}

var (
	recorders   sync.Map // dsn → *recorder
	recorderSeq atomic.Int64
)

func init() { sql.Register("metadata-recorder", recDriver{}) }

// newRecorder returns a *sql.DB on a fresh recorder for dialect d.
func newRecorder(t *testing.T, d *dialects.Dialect) (*sql.DB, *recorder) {
	t.Helper()
	r := &recorder{dialect: d}
	dsn := fmt.Sprint("rec", recorderSeq.Add(1))
	recorders.Store(dsn, r)
	db, err := sql.Open("metadata-recorder", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close(); recorders.Delete(dsn) })
	return db, r
}

type recDriver struct{}

func (recDriver) Open(dsn string) (driver.Conn, error) {
	r, ok := recorders.Load(dsn)
	if !ok {
		return nil, errors.New("no recorder " + dsn)
	}
	return &recConn{r: r.(*recorder)}, nil
}

type recConn struct{ r *recorder }

func (c *recConn) Prepare(string) (driver.Stmt, error) {
	return nil, errors.New("recorder: no Prepare")
}
func (c *recConn) Close() error { return nil }
func (c *recConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *recConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	c.r.record("BEGIN")
	return recTx{c.r}, nil
}

// CheckNamedValue lets the dialect probe through and answers it.
func (c *recConn) CheckNamedValue(nv *driver.NamedValue) error {
	if p, ok := nv.Value.(*dialects.Probe); ok {
		p.Dialect = c.r.dialect
		return nil
	}
	return driver.ErrSkip
}

func (c *recConn) ExecContext(_ context.Context, query string, _ []driver.NamedValue) (driver.Result, error) {
	if query == dialects.ProbeQuery {
		return driver.RowsAffected(0), nil
	}
	c.r.record(query)
	for _, stmt := range splitBatch(query) {
		if c.r.failOn != "" && strings.HasPrefix(stmt, c.r.failOn) {
			return nil, errors.New("recorder: injected failure")
		}
	}
	return driver.RowsAffected(0), nil
}

func (c *recConn) QueryContext(_ context.Context, query string, _ []driver.NamedValue) (driver.Rows, error) {
	c.r.record(query)
	return &recRows{rows: c.r.rows}, nil
}

type recTx struct{ r *recorder }

func (t recTx) Commit() error   { t.r.record("COMMIT"); return nil }
func (t recTx) Rollback() error { t.r.record("ROLLBACK"); return nil }

type recRows struct {
	rows [][]string
	i    int
}

func (r *recRows) Columns() []string {
	n := 3
	if len(r.rows) > 0 {
		n = len(r.rows[0])
	}
	cols := make([]string, n)
	for i := range cols {
		cols[i] = fmt.Sprint("c", i)
	}
	return cols
}

func (r *recRows) Close() error { return nil }

func (r *recRows) Next(dest []driver.Value) error {
	if r.i >= len(r.rows) {
		return io.EOF
	}
	for i, v := range r.rows[r.i] {
		dest[i] = v
	}
	r.i++
	return nil
}

// dialectDB is a *sql.DB that knows its dialect, as the Engine does.
type dialectDB struct {
	*sql.DB
	d *dialects.Dialect
}

func (db dialectDB) Dialect() *dialects.Dialect { return db.d }
