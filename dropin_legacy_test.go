package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	gosqlmock "github.com/DATA-DOG/go-sqlmock"
	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// ifaceTarget is one driver for the interface audit: a URL for alchemy,
// and the query to prepare and run on both sides.
type ifaceTarget struct {
	name  string
	url   func(t *testing.T) string
	query string
	setup func(t *testing.T) // sqlmock: the expectations
	under driver.Connector   // the driver's connector, when not the URL's
}

func ifaceTargets() []ifaceTarget {
	return []ifaceTarget{
		{name: "pgx", url: func(t *testing.T) string { return testdb.Postgres(t) }, query: "SELECT 1 AS x"},
		{name: "go-sql-driver/mysql", url: func(t *testing.T) string { return testdb.MySQL(t) }, query: "SELECT 1 AS x"},
		{name: "modernc.org/sqlite", url: func(t *testing.T) string { return "sqlite:///" + filepath.Join(t.TempDir(), "i.db") }, query: "SELECT 1 AS x"},
		// go-sqlmock directly (the dialects/sqlmock binding stays
		// unregistered in this package: TestOpenErrors checks the error
		// that names its import).
		{name: "go-sqlmock", url: func(t *testing.T) string { return "postgresql://dropin_ifaces/db" }, query: "SELECT 1 AS x",
			under: sqlmockConnector{"dropin_ifaces"},
			setup: func(t *testing.T) {
				_, mock, err := gosqlmock.NewWithDSN("dropin_ifaces", gosqlmock.QueryMatcherOption(gosqlmock.QueryMatcherEqual))
				if err != nil && !strings.Contains(err.Error(), "already") {
					t.Fatal(err)
				}
				if mock == nil {
					t.Skip("the sqlmock DSN is taken by an earlier run of this test in the same process (-count > 1)")
				}
				mock.MatchExpectationsInOrder(false)
				for range 2 {
					mock.ExpectPrepare("SELECT 1 AS x")
					mock.ExpectQuery("SELECT 1 AS x").WillReturnRows(gosqlmock.NewRows([]string{"x"}).AddRow(1))
				}
			}},
	}
}

// sqlmockConnector opens go-sqlmock's connection for a DSN given to
// sqlmock.NewWithDSN, through the "sqlmock" driver its package registers.
type sqlmockConnector struct{ dsn string }

func (c sqlmockConnector) Connect(context.Context) (driver.Conn, error) {
	return c.Driver().Open(c.dsn)
}

func (c sqlmockConnector) Driver() driver.Driver {
	db, err := sql.Open("sqlmock", c.dsn)
	if err != nil {
		return nil
	}
	defer db.Close()
	return db.Driver()
}

var (
	connIfaces = []reflect.Type{
		reflect.TypeFor[driver.Execer](),  //nolint:staticcheck // the audit includes the legacy interfaces
		reflect.TypeFor[driver.Queryer](), //nolint:staticcheck
		reflect.TypeFor[driver.ExecerContext](),
		reflect.TypeFor[driver.QueryerContext](),
		reflect.TypeFor[driver.ConnPrepareContext](),
		reflect.TypeFor[driver.ConnBeginTx](),
		reflect.TypeFor[driver.SessionResetter](),
		reflect.TypeFor[driver.Validator](),
		reflect.TypeFor[driver.NamedValueChecker](),
		reflect.TypeFor[driver.Pinger](),
	}
	stmtIfaces = []reflect.Type{
		reflect.TypeFor[driver.StmtExecContext](),
		reflect.TypeFor[driver.StmtQueryContext](),
		reflect.TypeFor[driver.NamedValueChecker](),
	}
	rowsIfaces = []reflect.Type{
		reflect.TypeFor[driver.RowsNextResultSet](),
		reflect.TypeFor[driver.RowsColumnTypeScanType](),
		reflect.TypeFor[driver.RowsColumnTypeDatabaseTypeName](),
		reflect.TypeFor[driver.RowsColumnTypeLength](),
		reflect.TypeFor[driver.RowsColumnTypeNullable](),
		reflect.TypeFor[driver.RowsColumnTypePrecisionScale](),
	}
	columnConverter = reflect.TypeFor[driver.ColumnConverter]() //nolint:staticcheck
)

// missing lists the interfaces of want that raw implements and wrapped
// does not.
func missing(raw, wrapped any, want []reflect.Type) []string {
	var out []string
	for _, it := range want {
		if reflect.TypeOf(raw).Implements(it) && !reflect.TypeOf(wrapped).Implements(it) {
			out = append(out, it.String())
		}
	}
	return out
}

// TestDropInForwardsEveryInterface: every optional interface a driver's
// connection, statement or rows implements, alchemy's wrapper implements
// too (a driver.ColumnConverter is honoured through the statement's
// NamedValueChecker; TestDropInColumnConverterLikeDatabaseSQL checks the
// conversions), and Unwrap reaches the driver's own connection type.
func TestDropInForwardsEveryInterface(t *testing.T) {
	ctx := context.Background()
	for _, tg := range ifaceTargets() {
		t.Run(tg.name, func(t *testing.T) {
			raw := tg.url(t)
			if tg.setup != nil {
				tg.setup(t)
			}
			var opts []alchemy.Option
			if tg.under != nil {
				opts = append(opts, alchemy.WithConnector(tg.under))
			}
			c, err := alchemy.NewConnector(raw, opts...)
			if err != nil {
				t.Fatal(err)
			}
			db := sql.OpenDB(c)
			defer db.Close()
			dconn, err := c.Underlying().Connect(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tg.setup == nil {
				defer dconn.Close() // the mock's connection is shared with the pool
			}
			dstmt, drows := prepareAndQuery(t, dconn, tg.query)

			sc, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer sc.Close()
			err = sc.Raw(func(dc any) error {
				wc := dc.(driver.Conn)
				if m := missing(dconn, wc, connIfaces); m != nil {
					t.Errorf("the wrapper's connection lacks %v", m)
				}
				if got, want := reflect.TypeOf(alchemy.DriverConn(wc)), reflect.TypeOf(dconn); got != want {
					t.Errorf("DriverConn gave %v, want the driver's %v", got, want)
				}
				wstmt, wrows := prepareAndQuery(t, wc, tg.query)
				if m := missing(dstmt, wstmt, stmtIfaces); m != nil {
					t.Errorf("the wrapper's statement lacks %v", m)
				}
				if reflect.TypeOf(dstmt).Implements(columnConverter) && !reflect.TypeOf(wstmt).Implements(stmtIfaces[2]) {
					t.Error("the driver's statement has a ColumnConverter and the wrapper's no NamedValueChecker to apply it")
				}
				if m := missing(drows, wrows, rowsIfaces); m != nil {
					t.Errorf("the wrapper's rows lack %v", m)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// prepareAndQuery prepares query on c (closing the statement at the end
// of the test) and returns the statement and the rows of running it.
func prepareAndQuery(t *testing.T, c driver.Conn, query string) (driver.Stmt, driver.Rows) {
	t.Helper()
	st, err := c.(driver.ConnPrepareContext).PrepareContext(context.Background(), query)
	if err != nil {
		t.Fatalf("prepare on %T: %v", c, err)
	}
	defer st.Close()
	rows, err := st.(driver.StmtQueryContext).QueryContext(context.Background(), nil)
	if err != nil {
		t.Fatalf("query on %T: %v", st, err)
	}
	defer rows.Close()
	return st, rows
}

// resultSets reads every result set of rows as text.
func resultSets(rows driver.Rows) ([][]string, error) {
	var out [][]string
	for {
		var set []string
		dest := make([]driver.Value, len(rows.Columns()))
		for {
			err := rows.Next(dest)
			if err == io.EOF {
				break
			}
			if err != nil {
				return out, err
			}
			set = append(set, fmt.Sprintf("%v", dest))
		}
		out = append(out, set)
		ns, ok := rows.(driver.RowsNextResultSet)
		if !ok || !ns.HasNextResultSet() {
			return out, rows.Close()
		}
		if err := ns.NextResultSet(); err != nil {
			if err == io.EOF {
				return out, rows.Close()
			}
			return out, err
		}
	}
}

// TestDropInMySQLMultiResultLegacy: go-sql-driver/mysql's multi-result
// statements and procedures, run through (*sql.Conn).Raw with the legacy
// driver.Queryer/driver.Execer, the context interfaces and DriverConn,
// give through alchemy what they give over the driver directly.
func TestDropInMySQLMultiResultLegacy(t *testing.T) {
	ctx := context.Background()
	raw := withQuery(testdb.MySQL(t), "multiStatements=true")
	alc := openDB(t, raw)
	c, err := alchemy.NewConnector(raw)
	if err != nil {
		t.Fatal(err)
	}
	native := sql.OpenDB(c.Underlying())
	defer native.Close()
	defer c.Close()
	for _, q := range []string{
		"CREATE TABLE ml (id INTEGER PRIMARY KEY, v VARCHAR(10))",
		"CREATE PROCEDURE two_sets() BEGIN SELECT id, v FROM ml ORDER BY id; SELECT COUNT(*) FROM ml; END",
	} {
		if _, err := native.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	type call struct {
		name string
		run  func(dc driver.Conn, round int) (any, error)
	}
	calls := []call{
		{"driver.Execer multi-statement", func(dc driver.Conn, round int) (any, error) {
			res, err := dc.(driver.Execer).Exec(fmt.Sprintf("INSERT INTO ml VALUES (%d, 'a'); INSERT INTO ml VALUES (%d, 'b')", round*10, round*10+1), nil) //nolint:staticcheck
			if err != nil {
				return nil, err
			}
			n, err := res.RowsAffected()
			return n, err
		}},
		{"driver.Queryer multi-statement", func(dc driver.Conn, round int) (any, error) {
			rows, err := dc.(driver.Queryer).Query("SELECT id, v FROM ml ORDER BY id; SELECT COUNT(*) FROM ml; SELECT 'x'", nil) //nolint:staticcheck
			if err != nil {
				return nil, err
			}
			return resultSets(rows)
		}},
		{"driver.Queryer CALL", func(dc driver.Conn, round int) (any, error) {
			rows, err := dc.(driver.Queryer).Query("CALL two_sets()", nil) //nolint:staticcheck
			if err != nil {
				return nil, err
			}
			return resultSets(rows)
		}},
		{"driver.Queryer with arguments answers ErrSkip", func(dc driver.Conn, round int) (any, error) {
			// go-sql-driver/mysql without interpolateParams: prepare instead.
			_, err := dc.(driver.Queryer).Query("SELECT ?", []driver.Value{int64(1)}) //nolint:staticcheck
			return errors.Is(err, driver.ErrSkip), nil
		}},
		{"DriverConn QueryerContext", func(dc driver.Conn, round int) (any, error) {
			rows, err := alchemy.DriverConn(dc).(driver.QueryerContext).QueryContext(ctx, "SELECT 1; SELECT 2", nil)
			if err != nil {
				return nil, err
			}
			return resultSets(rows)
		}},
		{"wrapper QueryerContext", func(dc driver.Conn, round int) (any, error) {
			rows, err := dc.(driver.QueryerContext).QueryContext(ctx, "CALL two_sets(); SELECT 3", nil)
			if err != nil {
				return nil, err
			}
			return resultSets(rows)
		}},
	}
	// Each call runs over the driver directly, then through alchemy; the
	// results must be the same.
	for i, cl := range calls {
		t.Run(cl.name, func(t *testing.T) {
			var got [2]any
			for side, db := range []*sql.DB{native, alc} {
				sc, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				err = sc.Raw(func(dc any) error {
					var err error
					got[side], err = cl.run(dc.(driver.Conn), i*2+side+1)
					return err
				})
				sc.Close()
				if err != nil {
					t.Fatalf("side %d: %v", side, err)
				}
			}
			// The Execer call runs first, so every read sees the same table.
			if diff := cmp.Diff(got[0], got[1]); diff != "" {
				t.Errorf("driver (-) and alchemy (+) differ:\n%s", diff)
			}
			t.Logf("driver %v, alchemy %v", got[0], got[1])
		})
	}
	// The connections went back clean and the pool is consistent.
	if st := poolOf(t, alc).Stats(); st.CheckedOut != 0 {
		t.Errorf("after the Raw calls: %+v", st)
	}
	var n int
	if err := alc.QueryRowContext(ctx, "SELECT COUNT(*) FROM ml").Scan(&n); err != nil || n != 4 {
		t.Errorf("rows inserted through both sides' Execer: %d, %v; want 4", n, err)
	}
}

// ccConn is a driver whose statements have a legacy ColumnConverter, with
// and without NamedValueCheckers, recording the arguments it receives.
type ccConn struct {
	numInput int
	stmtNVC  bool
	got      *[][]string
	mu       *sync.Mutex
}

func (c ccConn) Prepare(string) (driver.Stmt, error) {
	s := ccStmt{c}
	if c.stmtNVC {
		return ccStmtNVC{s}, nil
	}
	return s, nil
}
func (ccConn) Close() error              { return nil }
func (ccConn) Begin() (driver.Tx, error) { return nil, errors.New("no transactions") }

// ccConnNVC adds a connection-level checker.
type ccConnNVC struct{ ccConn }

func (ccConnNVC) CheckNamedValue(nv *driver.NamedValue) error { return checkNV("conn", nv) }

// checkNV converts strings starting "nvc" itself, skips the rest.
func checkNV(who string, nv *driver.NamedValue) error {
	if s, ok := nv.Value.(string); ok && strings.HasPrefix(s, "nvc") {
		nv.Value = who + "-nvc:" + s
		return nil
	}
	if s, ok := nv.Value.(string); ok && s == "bad" {
		return errors.New("bad argument")
	}
	return driver.ErrSkip
}

type ccStmt struct{ c ccConn }

func (ccStmt) Close() error    { return nil }
func (s ccStmt) NumInput() int { return s.c.numInput }
func (s ccStmt) Exec(args []driver.Value) (driver.Result, error) {
	var row []string
	for _, a := range args {
		row = append(row, fmt.Sprintf("%T %v", a, a))
	}
	s.c.mu.Lock()
	*s.c.got = append(*s.c.got, row)
	s.c.mu.Unlock()
	return driver.RowsAffected(0), nil
}
func (ccStmt) Query([]driver.Value) (driver.Rows, error) { return nil, errors.New("no queries") }
func (ccStmt) ColumnConverter(idx int) driver.ValueConverter {
	return ccConverter(idx)
}

type ccStmtNVC struct{ ccStmt }

func (ccStmtNVC) CheckNamedValue(nv *driver.NamedValue) error { return checkNV("stmt", nv) }

type ccConverter int

func (c ccConverter) ConvertValue(v any) (driver.Value, error) {
	switch x := v.(type) {
	case int:
		return int64(x) * 10, nil
	case int64:
		return x * 10, nil
	case string:
		return fmt.Sprintf("cc%d:%s", int(c), x), nil
	case nil:
		return nil, nil
	}
	return driver.DefaultParameterConverter.ConvertValue(v)
}

type ccConnector struct{ conn driver.Conn }

func (c ccConnector) Connect(context.Context) (driver.Conn, error) { return c.conn, nil }
func (ccConnector) Driver() driver.Driver                          { return nil }

type cents int64

func (c cents) Value() (driver.Value, error) { return int64(c), nil }

type ptrValuer struct{ v string }

func (p *ptrValuer) Value() (driver.Value, error) { return p.v, nil }

type valValuer struct{ v string }

func (p valValuer) Value() (driver.Value, error) { return p.v, nil }

// TestDropInColumnConverterLikeDatabaseSQL: a statement's legacy
// ColumnConverter, with and without NamedValueCheckers on the statement
// or the connection, converts arguments through alchemy exactly as
// database/sql does over the driver directly.
func TestDropInColumnConverterLikeDatabaseSQL(t *testing.T) {
	args := []any{1, int64(2), "plain", "nvc-mine", cents(7), valValuer{"vv"}, (*valValuer)(nil), &ptrValuer{"pv"}, nil, sql.NullString{String: "ns", Valid: true}}
	tests := []struct {
		name     string
		numInput int
		stmtNVC  bool
		connNVC  bool
		args     []any
	}{
		{"converter only", len(args), false, false, args},
		{"converter, NumInput -1", -1, false, false, args},
		{"statement checker then converter", len(args), true, false, args},
		{"connection checker then converter", len(args), false, true, args},
		{"both checkers", -1, true, true, args},
		{"checker error", 2, true, false, []any{"bad", 1}},
		{"too many arguments", 1, false, false, []any{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var results [2]struct {
				rows [][]string
				err  string
			}
			for side := range 2 {
				var mu sync.Mutex
				base := ccConn{numInput: tt.numInput, stmtNVC: tt.stmtNVC, got: &results[side].rows, mu: &mu}
				var dc driver.Conn = base
				if tt.connNVC {
					dc = ccConnNVC{base}
				}
				var db *sql.DB
				if side == 0 {
					db = sql.OpenDB(ccConnector{dc})
				} else {
					c, err := alchemy.NewConnector("postgresql://h/db", alchemy.WithConnector(ccConnector{dc}))
					if err != nil {
						t.Fatal(err)
					}
					db = sql.OpenDB(c)
				}
				st, err := db.Prepare("INSERT")
				if err != nil {
					t.Fatal(err)
				}
				_, err = st.Exec(tt.args...)
				if err != nil {
					results[side].err = err.Error()
				}
				st.Close()
				db.Close()
			}
			if diff := cmp.Diff(results[0].rows, results[1].rows); diff != "" {
				t.Errorf("arguments the driver received: directly (-) vs through alchemy (+):\n%s", diff)
			}
			if results[0].err != results[1].err {
				t.Errorf("errors: directly %q, through alchemy %q", results[0].err, results[1].err)
			}
			if len(results[0].rows) == 0 && results[0].err == "" {
				t.Error("the driver received nothing and reported nothing")
			}
		})
	}
}

// TestDropInLegacyExecerFallback: over a driver without the legacy
// interfaces (pgx), the wrapper's driver.Execer and driver.Queryer run
// the statement through the driver's context interfaces.
func TestDropInLegacyExecerFallback(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, testdb.Postgres(t))
	sc, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	err = sc.Raw(func(dc any) error {
		if _, ok := alchemy.DriverConn(dc).(driver.Execer); ok { //nolint:staticcheck
			t.Fatal("pgx's connection has a legacy Execer now: this test no longer tests the fallback")
		}
		if _, err := dc.(driver.Execer).Exec("CREATE TABLE lx (id INTEGER)", nil); err != nil { //nolint:staticcheck
			return err
		}
		if _, err := dc.(driver.Execer).Exec("INSERT INTO lx VALUES ($1), ($2)", []driver.Value{int64(1), int64(2)}); err != nil { //nolint:staticcheck
			return err
		}
		rows, err := dc.(driver.Queryer).Query("SELECT sum(id) FROM lx WHERE id > $1", []driver.Value{int64(0)}) //nolint:staticcheck
		if err != nil {
			return err
		}
		sets, err := resultSets(rows)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([][]string{{"[3]"}}, sets); diff != "" {
			t.Errorf("sum through the legacy Queryer:\n%s", diff)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDropInCachedStatementLifecycle: on one connection, statements of
// the same SQL prepared, closed and prepared again share the cached
// driver statement one at a time; a closed *sql.Stmt stays unusable
// whatever its twin does.
func TestDropInCachedStatementLifecycle(t *testing.T) {
	ctx := context.Background()
	for _, tg := range nativeTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			sc, err := tg.alc.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer sc.Close()
			q := tg.bind("SELECT 10 + ?")
			if tg.name == "postgresql" {
				q = "SELECT 10 + $1::int"
			}
			run := func(st *sql.Stmt, arg int) error {
				var n int
				if err := st.QueryRowContext(ctx, arg).Scan(&n); err != nil {
					return err
				}
				if n != 10+arg {
					return fmt.Errorf("got %d, want %d", n, 10+arg)
				}
				return nil
			}
			a, err := sc.PrepareContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if err := run(a, 1); err != nil {
				t.Fatal(err)
			}
			a.Close()
			b, err := sc.PrepareContext(ctx, q) // the cached statement again
			if err != nil {
				t.Fatal(err)
			}
			c, err := sc.PrepareContext(ctx, q) // b holds it: one of its own
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if err := run(b, i); err != nil {
					t.Fatalf("b: %v", err)
				}
				if err := run(c, i+100); err != nil {
					t.Fatalf("c: %v", err)
				}
			}
			if err := run(a, 2); err == nil {
				t.Error("a closed *sql.Stmt ran after its SQL was prepared again")
			}
			b.Close()
			if err := run(b, 3); err == nil {
				t.Error("b ran after Close")
			}
			if err := run(c, 4); err != nil {
				t.Errorf("c after its twin closed: %v", err)
			}
			c.Close()
			d, err := sc.PrepareContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if err := run(d, 5); err != nil {
				t.Errorf("d, prepared after all others closed: %v", err)
			}
		})
	}
}
