package sqlexpr

import (
	"sort"
)

// Values maps column names to values for INSERT and UPDATE. A value is bound
// unless it is an expression (sqlexpr.Now(), users.C("n").Add(1), …).
// Columns are written in the table's column order; a key that is not a
// column of the table is an error, except for a table declared without
// columns (NewTable("t")), whose keys are written sorted.
type Values map[string]any

// setItem is one column = value of a VALUES row, an UPDATE SET or an
// upsert's update.
type setItem struct {
	col string
	val operand
}

// InsertStmt is an INSERT statement. Build it with [Insert]; its methods
// modify it and return it.
type InsertStmt struct {
	target    FromClause   // as given, for PrimaryKeyNames (exec.go)
	table     *TableClause // canonical
	cols      []string     // column names, in order
	rows      [][]operand  // one value per column per row
	query     SelectBase   // INSERT … SELECT
	returning []SelectItem
	upsert    *upsert
	err       error
	defaulted bool // the client-side defaults are filled in (clientdefault.go)
}

// upsert is the conflict clause of an INSERT.
type upsert struct {
	kind   upsertKind
	target []string  // ON CONFLICT (target…)
	set    []setItem // DO UPDATE SET / ON DUPLICATE KEY UPDATE
}

type upsertKind uint8

const (
	upsertDoNothing upsertKind = iota
	upsertDoUpdate
	upsertDuplicateKey
)

// Insert starts an INSERT INTO table. table is a table clause or a value
// that embeds one (metadata.Table). Without Values or FromSelect it
// inserts a row of defaults: DEFAULT VALUES (MySQL: () VALUES ()), or
// the columns' client-side defaults where the table has some. Columns
// with a client-side default (metadata.Default,
// [ColumnClause.SetClientDefault]) that the rows leave out get it when
// the statement is compiled.
func Insert(table FromClause) *InsertStmt {
	s := &InsertStmt{target: table}
	s.table, s.err = dmlTable("Insert", table)
	return s
}

func (s *InsertStmt) stmtNode() {}

func (s *InsertStmt) setErr(err error) {
	if s.err == nil {
		s.err = err
	}
}

// Err returns the first error recorded while building s.
func (s *InsertStmt) Err() error { return s.err }

// Values adds rows and returns s. The first row fixes the columns; every
// later row must have the same keys. Several rows make one multi-row
// INSERT … VALUES (…), (…).
func (s *InsertStmt) Values(rows ...Values) *InsertStmt {
	if s.table == nil {
		return s
	}
	for _, r := range rows {
		if s.cols == nil {
			cols, err := rowColumns(s.table, r)
			if err != nil {
				s.setErr(err)
				return s
			}
			s.cols = cols
		} else if err := sameKeys(s.cols, r, len(s.rows)); err != nil {
			s.setErr(err)
			return s
		}
		vals := make([]operand, len(s.cols))
		for i, c := range s.cols {
			vals[i] = bindOperand(s.table.lookup(c), r[c])
		}
		s.rows = append(s.rows, vals)
	}
	return s
}

// FromSelect makes s an INSERT INTO table (cols…) SELECT … and returns s.
func (s *InsertStmt) FromSelect(cols []string, q SelectBase) *InsertStmt {
	if s.table == nil {
		return s
	}
	for _, c := range cols {
		if err := checkColumn(s.table, c); err != nil {
			s.setErr(err)
			return s
		}
	}
	if q == nil {
		s.setErr(invalidf("FromSelect: nil query"))
	}
	s.cols, s.query = append([]string(nil), cols...), q
	return s
}

// Returning adds RETURNING items and returns s. A dialect without INSERT
// … RETURNING (MySQL) makes compiling a [*CompileError].
func (s *InsertStmt) Returning(items ...SelectItem) *InsertStmt {
	s.returning = append(s.returning, items...)
	return s
}

// rowColumns returns the keys of r in the table's column order, or sorted
// for a table without declared columns.
func rowColumns(t *TableClause, r Values) ([]string, error) {
	cols := make([]string, 0, len(r))
	if len(t.columns) == 0 {
		for k := range r {
			cols = append(cols, k)
		}
		sort.Strings(cols)
		return cols, nil
	}
	for _, c := range t.columns {
		if _, ok := r[c.name]; ok {
			cols = append(cols, c.name)
		}
	}
	if len(cols) != len(r) {
		var unknown []string
		for k := range r {
			if t.byName[k] == nil {
				unknown = append(unknown, k)
			}
		}
		sort.Strings(unknown)
		return nil, invalidf("table %s has no column %q", t.name, unknown[0])
	}
	return cols, nil
}

// sameKeys checks that row n has exactly the columns of the first row.
func sameKeys(cols []string, r Values, n int) error {
	if len(r) != len(cols) {
		return invalidf("row %d has %d columns, the first row has %d (%v)", n+1, len(r), len(cols), cols)
	}
	for _, c := range cols {
		if _, ok := r[c]; !ok {
			return invalidf("row %d has no value for column %q, which the first row has", n+1, c)
		}
	}
	return nil
}

// checkColumn reports a name that is not a column of a table with
// declared columns.
func checkColumn(t *TableClause, name string) error {
	if len(t.columns) > 0 && t.byName[name] == nil {
		return invalidf("table %s has no column %q", t.name, name)
	}
	return nil
}

// setItems turns r into SET items in column order.
func setItems(t *TableClause, r Values) ([]setItem, error) {
	cols, err := rowColumns(t, r)
	if err != nil {
		return nil, err
	}
	items := make([]setItem, len(cols))
	for i, c := range cols {
		items[i] = setItem{col: c, val: bindOperand(t.lookup(c), r[c])}
	}
	return items, nil
}

// dmlTable returns the table clause an INSERT, UPDATE or DELETE writes.
func dmlTable(op string, table FromClause) (*TableClause, error) {
	if table == nil {
		return nil, invalidf("%s: nil table", op)
	}
	t, ok := canonFrom(table).(*TableClause)
	if !ok {
		return nil, invalidf("%s: %T is not a table", op, table)
	}
	return t, nil
}
