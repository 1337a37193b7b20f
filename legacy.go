package alchemy

import (
	"context"
	"database/sql/driver"
	"fmt"
	"reflect"
)

// The wrapper's legacy (context-free) interfaces. database/sql itself
// never calls them on alchemy's connection — it prefers ExecerContext and
// QueryerContext, which the wrapper always has — but code that reaches
// the connection through (*sql.Conn).Raw does: go-sql-driver/mysql's
// multi-result statements are commonly run as
//
//	sqlConn.Raw(func(dc any) error {
//		rows, err := dc.(driver.Queryer).Query("CALL p(); SELECT 1", nil)
//		…
//	})
//
// and such code must keep working when dc is alchemy's wrapper. Each call
// goes through the same checks as the context variants (the busy rule,
// transaction-control SQL, disconnect noting, tracers).

// Exec implements driver.Execer. It forwards to the driver's own
// driver.Execer; a driver without one but with driver.ExecerContext gets
// the call there (the same statement, without a context); a driver with
// neither answers driver.ErrSkip, so the caller prepares the statement,
// as database/sql does.
func (cn *conn) Exec(query string, args []driver.Value) (driver.Result, error) {
	named := valuesToNamed(args)
	if ex, ok := cn.raw.(driver.Execer); ok { //nolint:staticcheck // forwarding the legacy interface
		return cn.execVia(context.Background(), legacyExecer{ex}, query, named)
	}
	return cn.ExecContext(context.Background(), query, named)
}

// Query implements driver.Queryer, forwarding like [conn.Exec].
func (cn *conn) Query(query string, args []driver.Value) (driver.Rows, error) {
	named := valuesToNamed(args)
	if q, ok := cn.raw.(driver.Queryer); ok { //nolint:staticcheck // forwarding the legacy interface
		return cn.queryVia(context.Background(), legacyQueryer{q}, query, named)
	}
	return cn.QueryContext(context.Background(), query, named)
}

// execVia runs an Exec on ex with the wrapper's checks: the one path of
// ExecContext and the legacy Exec.
func (cn *conn) execVia(ctx context.Context, ex driver.ExecerContext, query string, args []driver.NamedValue) (driver.Result, error) {
	if err := cn.statement(query); err != nil {
		return nil, err
	}
	if cn.c.tracing(ctx) {
		return cn.execTraced(ctx, ex, query, args)
	}
	res, err := ex.ExecContext(ctx, query, args)
	return res, cn.note(ctx, err)
}

// queryVia runs a Query on q with the wrapper's checks: the one path of
// QueryContext and the legacy Query.
func (cn *conn) queryVia(ctx context.Context, q driver.QueryerContext, query string, args []driver.NamedValue) (driver.Rows, error) {
	if err := cn.statement(query); err != nil {
		return nil, err
	}
	if cn.c.tracing(ctx) {
		return cn.queryTraced(ctx, q, query, args)
	}
	rows, err := q.QueryContext(ctx, query, args)
	if err != nil {
		return nil, cn.note(ctx, err)
	}
	return cn.wrapRows(ctx, rows), nil
}

// legacyExecer presents a driver.Execer as a driver.ExecerContext, so the
// legacy call shares the traced path. The context is always Background
// (the legacy call has none).
type legacyExecer struct{ ex driver.Execer } //nolint:staticcheck // adapting the legacy interface

func (l legacyExecer) ExecContext(_ context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	vals, err := namedToValues(args)
	if err != nil {
		return nil, err
	}
	return l.ex.Exec(query, vals)
}

type legacyQueryer struct{ q driver.Queryer } //nolint:staticcheck // adapting the legacy interface

func (l legacyQueryer) QueryContext(_ context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	vals, err := namedToValues(args)
	if err != nil {
		return nil, err
	}
	return l.q.Query(query, vals)
}

// CheckNamedValue implements driver.NamedValueChecker for a statement,
// reproducing what database/sql does with the driver's statement and
// connection, so that arguments reach the driver converted exactly as
// without alchemy: the statement's NamedValueChecker, or else the
// connection's; when that answers driver.ErrSkip (or there is none), the
// statement's legacy driver.ColumnConverter, applied as database/sql
// applies it (a driver.Valuer is asked for its value first, and an
// argument beyond NumInput is left for the driver to reject); then
// driver.ErrSkip, so database/sql applies its default conversion.
//
// The wrapper cannot itself present driver.ColumnConverter only when the
// driver's statement has one (Go types are static), and presenting it
// always would change database/sql's route for drivers without one.
func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error {
	cc, hasCC := s.raw.(driver.ColumnConverter) //nolint:staticcheck // honouring the legacy interface
	var err error
	if ch, ok := s.raw.(driver.NamedValueChecker); ok {
		err = ch.CheckNamedValue(nv)
	} else {
		err = s.cn.CheckNamedValue(nv)
	}
	if err != driver.ErrSkip || !hasCC { //nolint:errorlint // database/sql compares ErrSkip with ==
		return err
	}
	return convertColumn(cc, s.raw.NumInput(), nv)
}

// convertColumn is database/sql's use of a statement's ColumnConverter.
func convertColumn(cc driver.ColumnConverter, want int, nv *driver.NamedValue) error { //nolint:staticcheck // honouring the legacy interface
	index := nv.Ordinal - 1
	if want >= 0 && want <= index {
		return nil // database/sql reports the wrong argument count itself
	}
	if vr, ok := nv.Value.(driver.Valuer); ok {
		v, err := valuerValue(vr)
		if err != nil {
			return err
		}
		if !driver.IsValue(v) {
			return fmt.Errorf("alchemy: %T.Value returned %T, which is not a driver.Value", vr, v)
		}
		nv.Value = v
	}
	arg := nv.Value
	v, err := cc.ColumnConverter(index).ConvertValue(arg)
	if err != nil {
		return err
	}
	if !driver.IsValue(v) {
		return fmt.Errorf("alchemy: the driver's column converter turned %T into %T, which is not a driver.Value", arg, v)
	}
	nv.Value = v
	return nil
}

var valuerType = reflect.TypeFor[driver.Valuer]()

// valuerValue calls vr.Value, except that a nil pointer whose element
// type has the Value method is NULL (as database/sql treats it), not a
// panic.
func valuerValue(vr driver.Valuer) (driver.Value, error) {
	if rv := reflect.ValueOf(vr); rv.Kind() == reflect.Pointer && rv.IsNil() && rv.Type().Elem().Implements(valuerType) {
		return nil, nil
	}
	return vr.Value()
}

var (
	_ driver.Execer  = (*conn)(nil) //nolint:staticcheck // presented for (*sql.Conn).Raw users
	_ driver.Queryer = (*conn)(nil) //nolint:staticcheck // presented for (*sql.Conn).Raw users
	_ driver.Stmt    = (*stmt)(nil)
)
