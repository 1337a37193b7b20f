package alchemy

import (
	"context"
	"database/sql/driver"
	"io"
	"reflect"
)

// rowsWrap is the driver.Rows handed to database/sql. It marks its
// connection busy until closed (see conn.oneAtATime), notes errors met
// while reading (a disconnect seen in Next is caught at once, not at
// checkin), and forwards every optional column-type interface with
// database/sql's own fallback where the driver has none, so column
// metadata is exactly what the driver gives.
type rowsWrap struct {
	cn     *conn
	raw    driver.Rows
	ctx    context.Context // the query's context, for note; may be nil
	closed bool
	// ex and tctx are set when RowsTracers are installed: rows read are
	// counted into ex, and its close is reported (see traceRows).
	ex   *Execution
	tctx context.Context
}

func (r *rowsWrap) Columns() []string { return r.raw.Columns() }

func (r *rowsWrap) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.raw.Close()
	r.cn.open--
	if r.ex != nil {
		r.rowsClosed(err)
	}
	if r == r.cn.rowsCache {
		r.raw, r.ctx = nil, nil // free for the next query
	}
	return r.cn.note(r.ctx, err)
}

func (r *rowsWrap) Next(dest []driver.Value) error {
	err := r.raw.Next(dest)
	if r.ex != nil && err == nil {
		r.ex.Rows++
	}
	if err != nil && err != io.EOF {
		if r.ex != nil && r.ex.Err == nil {
			r.ex.Err = err
		}
		return r.cn.note(r.ctx, err)
	}
	return err
}

func (r *rowsWrap) HasNextResultSet() bool {
	if n, ok := r.raw.(driver.RowsNextResultSet); ok {
		return n.HasNextResultSet()
	}
	return false
}

func (r *rowsWrap) NextResultSet() error {
	if n, ok := r.raw.(driver.RowsNextResultSet); ok {
		return r.cn.note(r.ctx, n.NextResultSet())
	}
	return io.EOF
}

func (r *rowsWrap) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.raw.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *rowsWrap) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.raw.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *rowsWrap) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.raw.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *rowsWrap) ColumnTypeNullable(i int) (bool, bool) {
	if t, ok := r.raw.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *rowsWrap) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if t, ok := r.raw.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

var (
	_ driver.Rows                           = (*rowsWrap)(nil)
	_ driver.RowsNextResultSet              = (*rowsWrap)(nil)
	_ driver.RowsColumnTypeScanType         = (*rowsWrap)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rowsWrap)(nil)
	_ driver.RowsColumnTypeLength           = (*rowsWrap)(nil)
	_ driver.RowsColumnTypeNullable         = (*rowsWrap)(nil)
	_ driver.RowsColumnTypePrecisionScale   = (*rowsWrap)(nil)
)
