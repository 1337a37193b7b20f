package sqlexpr

import (
	"context"
	"database/sql"
	"iter"
	"reflect"
	"time"
	"unsafe"
)

// The verbs of SQLAlchemy's Result, on Rows and as generic functions.
// Each name says how many rows it expects; a mismatch is a sentinel
// error. Every verb reads what it needs and closes the rows.

// All reads every remaining row and closes the rows.
func (r *Rows) All() ([]*Row, error) {
	defer r.Close()
	var out []*Row
	for r.Next() {
		row, err := r.row()
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, r.closeErr()
}

// closeErr closes the rows and returns the iteration's error, else the
// close's.
func (r *Rows) closeErr() error {
	cerr := r.Close()
	if err := r.Err(); err != nil {
		return err
	}
	return cerr
}

// one reads the single row; with none it returns nil, nil.
func (r *Rows) one() (*Row, error) {
	defer r.Close()
	if !r.Next() {
		return nil, r.closeErr()
	}
	row, err := r.row()
	if err != nil {
		return nil, err
	}
	if r.Next() {
		return nil, ErrMultipleResultsFound
	}
	return row, r.closeErr()
}

// One returns the only row: [ErrNoResultFound] for none,
// [ErrMultipleResultsFound] for more than one.
func (r *Rows) One() (*Row, error) {
	row, err := r.one()
	if err == nil && row == nil {
		return nil, ErrNoResultFound
	}
	return row, err
}

// OneOrNone returns the only row, nil for none, and
// [ErrMultipleResultsFound] for more than one.
func (r *Rows) OneOrNone() (*Row, error) { return r.one() }

// First returns the first row, nil for none, and discards the rest.
func (r *Rows) First() (*Row, error) {
	defer r.Close()
	if !r.Next() {
		return nil, r.closeErr()
	}
	row, err := r.row()
	if err != nil {
		return nil, err
	}
	return row, r.closeErr()
}

// Scalar returns the first column of the first row, nil for no row (or
// NULL), and discards the rest.
func (r *Rows) Scalar() (any, error) {
	row, err := r.First()
	if err != nil || row == nil {
		return nil, err
	}
	return row.vals[0], nil
}

// ScalarOne returns the first column of the only row: [ErrNoResultFound]
// for none, [ErrMultipleResultsFound] for more than one.
func (r *Rows) ScalarOne() (any, error) {
	row, err := r.One()
	if err != nil {
		return nil, err
	}
	return row.vals[0], nil
}

// Scalars returns the first column of every row.
func (r *Rows) Scalars() ([]any, error) {
	defer r.Close()
	var out []any
	for r.Next() {
		if err := r.load(); err != nil {
			return nil, err
		}
		out = append(out, r.value(0))
	}
	return out, r.closeErr()
}

// Mappings returns every row as a map from column name to value
// (SQLAlchemy's mappings().all()).
func (r *Rows) Mappings() ([]map[string]any, error) {
	defer r.Close()
	var out []map[string]any
	for r.Next() {
		m := r.Map()
		if m == nil {
			return nil, r.Err()
		}
		out = append(out, m)
	}
	return out, r.closeErr()
}

// Generic helpers. T is either a struct (or a pointer to one), filled by
// column name as ScanStruct fills it, or any other type, which takes the
// only column of a one-column result (a scalar: int64, string,
// time.Time, decimal.Decimal, a sql.Scanner, …).

// All runs stmt and returns its rows as values of T.
//
//	users, err := sqlexpr.All[User](ctx, db, sqlexpr.Select(users))
//	names, err := sqlexpr.All[string](ctx, db, sqlexpr.Select(users.C("name")))
func All[T any](ctx context.Context, target Target, stmt Statement, params ...Params) ([]T, error) {
	var out []T
	for v, err := range Iter[T](ctx, target, stmt, params...) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// One runs stmt and returns its only row as a T: [ErrNoResultFound] for
// none, [ErrMultipleResultsFound] for more than one.
func One[T any](ctx context.Context, target Target, stmt Statement, params ...Params) (T, error) {
	var zero T
	v, found, err := oneOf[T](ctx, target, stmt, params)
	if err != nil {
		return zero, err
	}
	if !found {
		return zero, ErrNoResultFound
	}
	return v, nil
}

// OneOrNone is One that reports a result without rows as found ==
// false instead of an error.
func OneOrNone[T any](ctx context.Context, target Target, stmt Statement, params ...Params) (v T, found bool, err error) {
	return oneOf[T](ctx, target, stmt, params)
}

func oneOf[T any](ctx context.Context, target Target, stmt Statement, params []Params) (T, bool, error) {
	var zero T
	rows, err := Query(ctx, target, stmt, params...)
	if err != nil {
		return zero, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return zero, false, rows.closeErr()
	}
	v, err := ScanAs[T](rows)
	if err != nil {
		return zero, false, err
	}
	if rows.Next() {
		return zero, false, ErrMultipleResultsFound
	}
	return v, true, rows.closeErr()
}

// Iter runs stmt and yields its rows as values of T, one at a time,
// without reading the whole result: the rows stay open until the loop
// ends (a break closes them). An error — of the query, of a row — is
// yielded once, with the zero T, and ends the sequence.
//
//	for u, err := range sqlexpr.Iter[User](ctx, db, sqlexpr.Select(users)) {
//		if err != nil { return err }
//		…
//	}
func Iter[T any](ctx context.Context, target Target, stmt Statement, params ...Params) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		rows, err := Query(ctx, target, stmt, params...)
		if err != nil {
			yield(zero, err)
			return
		}
		for v, err := range IterRows[T](rows) {
			if !yield(v, err) {
				return
			}
		}
	}
}

// IterRows yields the remaining rows of rows as values of T, and closes
// the rows when the sequence ends (see [Iter]).
func IterRows[T any](rows *Rows) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		defer rows.Close()
		for rows.Next() {
			v, err := ScanAs[T](rows)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			if !yield(v, nil) {
				return
			}
		}
		if err := rows.closeErr(); err != nil {
			var zero T
			yield(zero, err)
		}
	}
}

// ScanAs reads the current row of rows as a T: a struct (or pointer to
// one) by column name, anything else from a one-column row.
func ScanAs[T any](rows *Rows) (T, error) {
	if t := reflect.TypeFor[T](); rows.kindType != t { // once per result, not per row
		rows.kind, rows.kindType = scanKindOf(t), t
	}
	switch rows.kind {
	case scanStructValue:
		return scanStructAs[T](rows)
	case scanStructPointer:
		var v T
		p := reflect.New(reflect.TypeFor[T]().Elem())
		if err := rows.ScanStruct(p.Interface()); err != nil {
			return v, err
		}
		return p.Interface().(T), nil
	}
	return scanScalarAs[T](rows)
}

// scanStructAs is ScanAs of a struct value. It is a function of its
// own so that its v, unlike scanScalarAs's, stays on the stack.
func scanStructAs[T any](rows *Rows) (T, error) {
	var v T
	if err := rows.loadValues(); err != nil {
		return v, err
	}
	// Straight into v when every value has its field's type; else
	// through reflection, into a copy.
	if rows.planOf(reflect.TypeFor[T]()).scanFast(unsafe.Pointer(&v), rows.vals) {
		return v, nil
	}
	p := reflect.New(reflect.TypeFor[T]())
	err := rows.ScanStruct(p.Interface())
	return *p.Interface().(*T), err
}

func scanScalarAs[T any](rows *Rows) (T, error) {
	var v T
	if n := rows.numColumns(); n != 1 {
		return v, invalidf("scanning a %d-column row into a %T: use a struct, or select one column", n, v)
	}
	err := rows.Scan(&v)
	return v, err
}

func (r *Rows) numColumns() int {
	if r.procs != nil {
		return len(r.procs)
	}
	if err := r.loadMeta(); err != nil {
		return -1
	}
	return len(r.cols)
}

type scanKind uint8

const (
	scanScalar scanKind = iota
	scanStructValue
	scanStructPointer
)

var (
	scannerType = reflect.TypeFor[sql.Scanner]()
	timeType    = reflect.TypeFor[time.Time]()
)

// scanKindOf tells how a T is filled: a struct that is no value of its
// own (not a time.Time, not a sql.Scanner) by its fields.
func scanKindOf(t reflect.Type) scanKind {
	isRecord := func(t reflect.Type) bool {
		return t.Kind() == reflect.Struct && t != timeType && !reflect.PointerTo(t).Implements(scannerType)
	}
	switch {
	case isRecord(t):
		return scanStructValue
	case t.Kind() == reflect.Pointer && isRecord(t.Elem()):
		return scanStructPointer
	}
	return scanScalar
}
