package sqlexpr

import (
	"database/sql"
	"strings"
)

// Rows is the result of [Query]: *sql.Rows plus access by column name.
// Use it as *sql.Rows (Next, Scan, Err, Close); after Next, Get, Map,
// ScanStruct read the current row. It is not safe for concurrent use.
type Rows struct {
	*sql.Rows
	cols   []string
	index  map[string]int
	binary []bool // columns whose []byte values stay []byte
	vals   []any  // the current row, loaded on first use
	loaded bool
	err    error
}

func newRows(rows *sql.Rows) (*Rows, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		rows.Close()
		return nil, err
	}
	r := &Rows{Rows: rows, cols: make([]string, len(types)), index: make(map[string]int, len(types)), binary: make([]bool, len(types))}
	for i, t := range types {
		r.cols[i] = t.Name()
		if _, dup := r.index[t.Name()]; !dup {
			r.index[t.Name()] = i
		}
		r.binary[i] = isBinaryType(t.DatabaseTypeName())
	}
	return r, nil
}

// isBinaryType reports whether values of a column of this database type
// are bytes rather than text.
func isBinaryType(name string) bool {
	n := strings.ToUpper(name)
	return strings.Contains(n, "BLOB") || strings.Contains(n, "BINARY") || n == "BYTEA" || n == "BIT"
}

// Next advances to the next row (see sql.Rows.Next).
func (r *Rows) Next() bool {
	r.loaded = false
	return r.Rows.Next()
}

// Err returns the error of the last Get, Map or ScanStruct, else that of
// the iteration (sql.Rows.Err).
func (r *Rows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.Rows.Err()
}

// Columns returns the result's column names.
func (r *Rows) Columns() []string { return r.cols }

// load reads the current row into r.vals once.
func (r *Rows) load() error {
	if r.loaded {
		return nil
	}
	if r.vals == nil {
		r.vals = make([]any, len(r.cols))
	}
	ptrs := make([]any, len(r.vals))
	for i := range r.vals {
		ptrs[i] = &r.vals[i]
	}
	if err := r.Rows.Scan(ptrs...); err != nil {
		r.err = err
		return err
	}
	r.loaded = true
	return nil
}

// Get returns the value of column name in the current row, nil for a
// NULL or a name the result does not have. Text that a driver returns as
// []byte (MySQL) is returned as a string; binary columns stay []byte.
// A read error is reported by Err.
func (r *Rows) Get(name string) any {
	i, ok := r.index[name]
	if !ok || r.load() != nil {
		return nil
	}
	return r.value(i)
}

func (r *Rows) value(i int) any {
	if b, ok := r.vals[i].([]byte); ok && !r.binary[i] {
		return string(b)
	}
	return r.vals[i]
}

// Map returns the current row as a map from column name to value
// (converted as by Get), nil after a read error (see Err).
func (r *Rows) Map() map[string]any {
	if r.load() != nil {
		return nil
	}
	m := make(map[string]any, len(r.cols))
	for i, name := range r.cols {
		if _, dup := m[name]; !dup {
			m[name] = r.value(i)
		}
	}
	return m
}

// ScanStruct copies the current row into the struct dst points to:
// each column into the field tagged db:"column", else the field whose
// name matches the column case-insensitively (embedded structs are
// searched too). A column without a field is an error; fields without a
// column are left as they are. Values are converted as by Scan: NULL
// needs a pointer, sql.Null* or other sql.Scanner field.
func (r *Rows) ScanStruct(dst any) error {
	if err := r.load(); err != nil {
		return err
	}
	return scanStruct(dst, r.cols, r.vals)
}

// ScanAll reads every remaining row into dst, a pointer to a slice of
// structs or of pointers to structs (see ScanStruct), and closes the
// rows.
func (r *Rows) ScanAll(dst any) error {
	defer r.Close()
	return scanAll(r, dst)
}

// ResultRow is the result of [QueryRow]: its first row, already read.
type ResultRow struct {
	cols []string
	vals []any
	bin  []bool
	err  error
}

func firstRow(rows *Rows) *ResultRow {
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return &ResultRow{err: err}
		}
		return &ResultRow{err: sql.ErrNoRows}
	}
	if err := rows.load(); err != nil {
		return &ResultRow{err: err}
	}
	if err := rows.Close(); err != nil {
		return &ResultRow{err: err}
	}
	return &ResultRow{cols: rows.cols, vals: rows.vals, bin: rows.binary}
}

// Err returns the error of the query, sql.ErrNoRows when it returned no
// row.
func (r *ResultRow) Err() error { return r.err }

// Scan copies the row's columns into dest, as sql.Row.Scan does: one
// pointer per column; a sql.Scanner is handed the value; numbers convert
// between sizes when they fit; []byte and string convert into each
// other; NULL needs a pointer, interface or sql.Scanner destination.
func (r *ResultRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	if len(dest) != len(r.vals) {
		return invalidf("Scan: %d destinations for %d columns", len(dest), len(r.vals))
	}
	for i, d := range dest {
		if err := assign(d, r.vals[i]); err != nil {
			return columnError(r.cols[i], err)
		}
	}
	return nil
}

// Get returns the value of column name, converted as by Rows.Get; nil
// for NULL, an unknown name or a failed query.
func (r *ResultRow) Get(name string) any {
	for i, c := range r.cols {
		if c == name {
			if b, ok := r.vals[i].([]byte); ok && !r.bin[i] {
				return string(b)
			}
			return r.vals[i]
		}
	}
	return nil
}

// Map returns the row as a map, nil when the query failed.
func (r *ResultRow) Map() map[string]any {
	if r.err != nil {
		return nil
	}
	m := make(map[string]any, len(r.cols))
	for _, name := range r.cols {
		if _, dup := m[name]; !dup {
			m[name] = r.Get(name)
		}
	}
	return m
}

// ScanStruct copies the row into the struct dst points to (see
// Rows.ScanStruct).
func (r *ResultRow) ScanStruct(dst any) error {
	if r.err != nil {
		return r.err
	}
	return scanStruct(dst, r.cols, r.vals)
}
