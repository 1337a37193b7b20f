package sqlexpr

import (
	"database/sql"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// Rows is the result of [Query]: *sql.Rows plus access by column name,
// typed values and the verbs of SQLAlchemy's Result (One, Scalar, All,
// …; result.go). Use it as *sql.Rows (Next, Scan, Err, Close); after
// Next, Get, Map, ScanStruct read the current row. It is not safe for
// concurrent use.
//
// When the statement's columns are typed — columns of a metadata.Table
// or of [TableClause.AddTypedColumn], a CAST, a comparison, a function
// with a known return type — Scan, Get, Map and ScanStruct see each
// column as its type's Go value, the same on every dialect (see Types
// in the package doc); untyped columns are left as the driver returns
// them.
type Rows struct {
	*sql.Rows
	cols     []string
	index    map[string]int // by name, built on the first Get of a wide result
	binary   []bool         // columns whose []byte values stay []byte; see loadBinary
	procs    []processor    // one per column; nil when no column is processed
	vals     []any          // the current row, loaded on first use
	ptrs     []any          // Scan's destinations, reused
	vptrs    []any          // &vals[i], load's destinations
	plan     *structPlan    // the field mapping ScanStruct used last
	kindType reflect.Type   // the T ScanAs read last, and its kind
	kind     scanKind
	inline   [2 * inlineCols]any // vals and vptrs of a narrow result, without allocations of their own
	loaded   bool
	meta     bool // cols is filled in
	binKnown bool // binary is filled in
	err      error
}

// inlineCols is the widest result whose current row is held inside Rows.
const inlineCols = 8

// newRows wraps rows read from d; typs are the result column types
// (resultTypes), nil for none.
func newRows(rows *sql.Rows, d *dialects.Dialect, typs []types.Type) (*Rows, error) {
	r := &Rows{Rows: rows}
	if typs == nil {
		return r, nil
	}
	cols, err := rows.Columns()
	if err != nil {
		rows.Close()
		return nil, err
	}
	r.cols, r.meta = cols, true
	if len(cols) != len(typs) {
		return r, nil // columns the statement does not model (a table read as t.*)
	}
	procs := make([]processor, len(typs))
	any := false
	for i, t := range typs {
		procs[i] = processorFor(t, d)
		any = any || procs[i] != nil
	}
	if any {
		r.procs = procs
	}
	return r, nil
}

// loadMeta reads the column names once, for access by name. It asks
// only for the names (Columns): the database types, which only tell
// binary columns from text, are read by loadBinary when a value needs
// them, so that Scan and ScanStruct never pay for ColumnTypes.
func (r *Rows) loadMeta() error {
	if r.meta {
		return nil
	}
	cols, err := r.Rows.Columns()
	if err != nil {
		return err
	}
	r.cols, r.meta = cols, true
	return nil
}

// loadBinary reads the database types once, to tell which columns'
// []byte values are bytes rather than text (see value).
func (r *Rows) loadBinary() error {
	if r.binKnown {
		return nil
	}
	types, err := r.Rows.ColumnTypes()
	if err != nil {
		return err
	}
	r.binary = make([]bool, len(types))
	for i, t := range types {
		r.binary[i] = isBinaryType(t.DatabaseTypeName())
	}
	r.binKnown = true
	return nil
}

// columnIndex returns the index of the first column named name.
func (r *Rows) columnIndex(name string) (int, bool) {
	if len(r.cols) <= 16 { // a scan of a few names beats building a map per result
		for i, c := range r.cols {
			if c == name {
				return i, true
			}
		}
		return 0, false
	}
	if r.index == nil {
		r.index = make(map[string]int, len(r.cols))
		for i, c := range r.cols {
			if _, dup := r.index[c]; !dup {
				r.index[c] = i
			}
		}
	}
	i, ok := r.index[name]
	return i, ok
}

// isBinaryType reports whether values of a column of this database type
// are bytes rather than text.
func isBinaryType(name string) bool {
	n := strings.ToUpper(name)
	return strings.Contains(n, "BLOB") || strings.Contains(n, "BINARY") || n == "BYTEA" || n == "BIT"
}

// Next advances to the next row (see sql.Rows.Next). It returns false
// once Get, Map or ScanStruct has failed, so that a loop ends with the
// error in Err.
func (r *Rows) Next() bool {
	r.loaded = false
	if r.err != nil {
		return false
	}
	return r.Rows.Next()
}

// Err returns the error of a failed Get, Map or ScanStruct, else that of
// the iteration (sql.Rows.Err).
func (r *Rows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.Rows.Err()
}

// Columns returns the result's column names (nil after an error, which
// Err reports).
func (r *Rows) Columns() []string {
	if err := r.loadMeta(); err != nil {
		r.err = err
		return nil
	}
	return r.cols
}

// Scan copies the current row's columns into dest, as sql.Rows.Scan
// does, after converting typed columns to their Go values: a DateTime
// column scans into a *time.Time on MySQL without parseTime too, a
// Numeric into a *decimal.Decimal, a JSON column into a pointer to any
// value it decodes into (a struct, a map, a slice).
func (r *Rows) Scan(dest ...any) error {
	if r.procs == nil {
		return r.Rows.Scan(dest...)
	}
	if len(dest) != len(r.procs) {
		return invalidf("Scan: %d destinations for %d columns", len(dest), len(r.procs))
	}
	if r.ptrs == nil {
		r.vals = make([]any, len(r.procs))
		r.ptrs = make([]any, len(r.procs))
		r.vptrs = nil // they pointed into the old vals
	}
	for i, p := range r.procs {
		if p == nil {
			r.ptrs[i] = dest[i]
		} else {
			r.ptrs[i] = &r.vals[i]
		}
	}
	r.loaded = false // vals now hold only the processed columns
	if err := r.Rows.Scan(r.ptrs...); err != nil {
		return err
	}
	for i, p := range r.procs {
		if p == nil {
			continue
		}
		v := r.vals[i]
		if v != nil {
			var err error
			if v, err = p(v); err != nil {
				return r.columnErr(i, err)
			}
		}
		if err := assign(dest[i], v); err != nil {
			return r.columnErr(i, err)
		}
	}
	return nil
}

func (r *Rows) columnErr(i int, err error) error {
	if r.loadMeta() == nil && i < len(r.cols) {
		return columnError(r.cols[i], err)
	}
	return fmt.Errorf("sqlexpr: column %d: %w", i+1, err)
}

// load reads the current row into r.vals once, processed, and what
// value needs to tell text from bytes.
func (r *Rows) load() error {
	if err := r.loadValues(); err != nil {
		return err
	}
	if r.binKnown {
		return nil
	}
	for i, v := range r.vals {
		if _, ok := v.([]byte); ok && (r.procs == nil || r.procs[i] == nil) {
			if err := r.loadBinary(); err != nil {
				r.err = err
				return err
			}
			break
		}
	}
	return nil
}

// loadValues is load without the database types: for ScanStruct, which
// stores []byte values by the field's type.
func (r *Rows) loadValues() error {
	if r.loaded {
		return nil
	}
	if err := r.loadMeta(); err != nil {
		r.err = err
		return err
	}
	if r.vptrs == nil || len(r.vals) != len(r.cols) {
		if n := len(r.cols); n <= inlineCols && r.ptrs == nil {
			r.vals, r.vptrs = r.inline[:n:n], r.inline[inlineCols:inlineCols+n]
		} else {
			r.vals, r.vptrs = make([]any, n), make([]any, n)
		}
		for i := range r.vals {
			r.vptrs[i] = &r.vals[i]
		}
	}
	if err := r.Rows.Scan(r.vptrs...); err != nil {
		r.err = err
		return err
	}
	for i, p := range r.procs {
		if p != nil && r.vals[i] != nil {
			v, err := p(r.vals[i])
			if err != nil {
				r.err = r.columnErr(i, err)
				return r.err
			}
			r.vals[i] = v
		}
	}
	r.loaded = true
	return nil
}

// Get returns the value of column name in the current row: its type's
// Go value for a typed column, nil for NULL. Text that a driver returns
// as []byte (MySQL) is returned as a string; binary columns stay []byte.
// A name the result does not have returns nil and makes Err a
// [*NoSuchColumnError] listing the columns (SQLAlchemy's
// NoSuchColumnError), and Next then returns false; so does a read error.
func (r *Rows) Get(name string) any {
	if r.load() != nil {
		return nil
	}
	i, ok := r.columnIndex(name)
	if !ok {
		r.err = &NoSuchColumnError{Column: name, Columns: r.cols}
		return nil
	}
	return r.value(i)
}

func (r *Rows) value(i int) any {
	if b, ok := r.vals[i].([]byte); ok && !(i < len(r.binary) && r.binary[i]) && (r.procs == nil || r.procs[i] == nil) {
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
	if err := r.loadValues(); err != nil {
		return err
	}
	return r.scanStruct(dst)
}

// ScanAll reads every remaining row into dst, a pointer to a slice of
// structs or of pointers to structs (see ScanStruct), and closes the
// rows.
func (r *Rows) ScanAll(dst any) error {
	defer r.Close()
	return scanAll(r, dst)
}

// Row is one row already read: the result of [QueryRow], and
// what [Rows.One], [Rows.First], [Rows.All] return. Its values are final
// (typed columns processed, text as string), so it can outlive its
// Rows. A nil *Row (OneOrNone or First of an empty result)
// reports [ErrNoResultFound] from its methods instead of panicking.
type Row struct {
	cols []string
	vals []any
	err  error
}

// row returns the current row as a Row with its own values.
func (r *Rows) row() (*Row, error) {
	if err := r.load(); err != nil {
		return nil, err
	}
	vals := make([]any, len(r.vals))
	for i := range vals {
		vals[i] = r.value(i)
	}
	return &Row{cols: r.cols, vals: vals}, nil
}

func firstRow(rows *Rows) *Row {
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return &Row{err: err}
		}
		return &Row{err: sql.ErrNoRows}
	}
	row, err := rows.row()
	if err != nil {
		return &Row{err: err}
	}
	if err := rows.Close(); err != nil {
		return &Row{err: err}
	}
	return row
}

// Err returns the error of the query (sql.ErrNoRows when QueryRow found
// no row), or of a Get of an unknown column.
func (r *Row) Err() error {
	if r == nil {
		return ErrNoResultFound
	}
	return r.err
}

// Columns returns the row's column names.
func (r *Row) Columns() []string {
	if r == nil {
		return nil
	}
	return r.cols
}

// Values returns the row's values in column order. The slice must not
// be modified.
func (r *Row) Values() []any {
	if r == nil {
		return nil
	}
	return r.vals
}

// Scan copies the row's columns into dest, as sql.Row.Scan does: one
// pointer per column; a sql.Scanner is handed the value; numbers convert
// between sizes when they fit; []byte and string convert into each
// other; a JSON value decodes into any other destination; NULL needs a
// pointer, interface or sql.Scanner destination.
func (r *Row) Scan(dest ...any) error {
	if err := r.Err(); err != nil {
		return err
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
// for NULL or a failed query. An unknown name returns nil and makes Err
// a [*NoSuchColumnError].
func (r *Row) Get(name string) any {
	if r.Err() != nil {
		return nil
	}
	for i, c := range r.cols {
		if c == name {
			return r.vals[i]
		}
	}
	r.err = &NoSuchColumnError{Column: name, Columns: r.cols}
	return nil
}

// Map returns the row as a map, nil when the query failed.
func (r *Row) Map() map[string]any {
	if r.Err() != nil {
		return nil
	}
	m := make(map[string]any, len(r.cols))
	for i, name := range r.cols {
		if _, dup := m[name]; !dup {
			m[name] = r.vals[i]
		}
	}
	return m
}

// ScanStruct copies the row into the struct dst points to (see
// Rows.ScanStruct).
func (r *Row) ScanStruct(dst any) error {
	if err := r.Err(); err != nil {
		return err
	}
	return scanStruct(dst, r.cols, r.vals)
}

// RowFrom is [QueryRow] for a query run with database/sql: it reads the
// first row of rows into a Row and closes rows. A non-nil err is the
// query's error (rows is then not read and may be nil); the Row reports
// it, as it reports sql.ErrNoRows for an empty result. Values are the
// driver's, with text columns as string (see [Rows.Get]).
func RowFrom(rows *sql.Rows, err error) *Row {
	if err != nil {
		return &Row{err: err}
	}
	if rows == nil {
		return &Row{err: invalidf("RowFrom: nil rows")}
	}
	return firstRow(&Rows{Rows: rows})
}
