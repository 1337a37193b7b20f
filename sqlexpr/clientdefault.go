package sqlexpr

// Client-side column defaults (SQLAlchemy's Column(default=…)): a value,
// an expression or a func() any that an INSERT uses for a column its rows
// do not give; and update defaults (Column(onupdate=…)), which an UPDATE
// sets on the columns its SET leaves out. metadata.Default and
// metadata.UpdateDefault declare them; the schema layer passes them down
// with SetClientDefault and SetClientUpdateDefault, so that this package
// needs no import of metadata.

// SetClientDefault gives the column a client-side default for INSERT: a
// Go value (bound, converted for the column's type), an expression
// (written into the statement: Now()), or a func() any called once for
// each inserted row each time the statement is compiled to run. An
// INSERT … VALUES (one row, several rows, or the rows an executemany
// gives as Params) whose rows have no value for the column gets the
// default as if given; a value given explicitly, nil included, wins. An
// INSERT without values inserts one row of the defaults; INSERT … SELECT
// is not affected. v == nil removes the default.
//
// metadata.Default calls it when the column's table is declared. Call
// it before the column is used by concurrent statements.
func (c *ColumnClause) SetClientDefault(v any) {
	c.clientDefault = v
	if v != nil && c.table != nil {
		c.table.hasDefaults = true
	}
}

// ClientDefault returns the column's client-side default (see
// [ColumnClause.SetClientDefault]), nil for none.
func (c *ColumnClause) ClientDefault() any { return c.clientDefault }

// SetClientUpdateDefault gives the column a client-side default for
// UPDATE, SQLAlchemy's Column(onupdate=…): an UPDATE of the column's
// table whose SET does not name the column sets it to v as well — a Go
// value (bound, converted for the column's type), an expression
// (written into the statement: Now()), or a func() any called each time
// the statement is compiled to run (once per Params of an executemany).
// A value given in Values, nil included, wins. A typical use is an
// updated_at column. v == nil removes the default.
//
// metadata.UpdateDefault calls it when the column's table is declared.
// Call it before the column is used by concurrent statements.
func (c *ColumnClause) SetClientUpdateDefault(v any) {
	c.updateDefault = v
	if v != nil && c.table != nil {
		c.table.hasUpdateDefaults = true
	}
}

// ClientUpdateDefault returns the column's client-side update default
// (see [ColumnClause.SetClientUpdateDefault]), nil for none.
func (c *ColumnClause) ClientUpdateDefault() any { return c.updateDefault }

// defaultValue returns the value the default gives for one row.
func (c *ColumnClause) defaultValue() any {
	if f, ok := c.clientDefault.(func() any); ok {
		return f()
	}
	return c.clientDefault
}

// withClientDefaults returns stmt with the client-side defaults of its
// table's columns filled in when stmt is an INSERT … VALUES (or an
// INSERT without values) that leaves such columns out: a copy whose
// columns are in the table's order and whose rows hold the defaults. A
// func default is called once per row, here, so on each execution.
// Anything else is returned as it is, without allocating.
func withClientDefaults(stmt Statement) Statement {
	if u, ok := stmt.(*UpdateStmt); ok {
		return withUpdateDefaults(u)
	}
	s, ok := stmt.(*InsertStmt)
	if !ok || s == nil || !s.needsDefaults() {
		return stmt
	}
	t := s.table
	var missing int
	for _, col := range t.columns {
		if col.clientDefault != nil && indexOf(s.cols, col.name) < 0 {
			missing++
		}
	}
	if missing == 0 {
		return stmt
	}
	out := *s
	out.defaulted = true
	out.cols = make([]string, 0, len(s.cols)+missing)
	from := make([]int, 0, len(s.cols)+missing) // index into s.cols, -1: a default
	for _, col := range t.columns {
		if i := indexOf(s.cols, col.name); i >= 0 {
			out.cols, from = append(out.cols, col.name), append(from, i)
		} else if col.clientDefault != nil {
			out.cols, from = append(out.cols, col.name), append(from, -1)
		}
	}
	n := len(s.rows)
	if n == 0 {
		n = 1 // INSERT without values: one row of the defaults
	}
	out.rows = make([][]operand, n)
	for r := range out.rows {
		row := make([]operand, len(out.cols))
		for i, name := range out.cols {
			if j := from[i]; j >= 0 {
				row[i] = s.rows[r][j]
				continue
			}
			col := t.lookup(name)
			row[i] = bindOperand(col, col.defaultValue())
		}
		out.rows[r] = row
	}
	return &out
}

// needsDefaults reports whether s may take client-side defaults: an
// INSERT … VALUES (or without values) into a table with defaults, not
// filled in yet.
func (s *InsertStmt) needsDefaults() bool {
	return s.err == nil && s.table != nil && s.table.hasDefaults && s.query == nil && !s.defaulted
}

// withUpdateDefaults returns s with a SET item for each column of its
// table that has an update default and is not set already, after the
// items s has: a copy, with each func default called once, here. An
// UPDATE that needs none is returned as it is.
func withUpdateDefaults(s *UpdateStmt) Statement {
	if s == nil || !s.needsDefaults() {
		return s
	}
	var missing int
	for _, col := range s.table.columns {
		if col.updateDefault != nil && !s.sets(col.name) {
			missing++
		}
	}
	if missing == 0 {
		return s
	}
	out := *s
	out.defaulted = true
	out.set = make([]setItem, len(s.set), len(s.set)+missing)
	copy(out.set, s.set)
	for _, col := range s.table.columns {
		if col.updateDefault == nil || s.sets(col.name) {
			continue
		}
		v := col.updateDefault
		if f, ok := v.(func() any); ok {
			v = f()
		}
		out.set = append(out.set, setItem{col: col.name, val: bindOperand(col, v)})
	}
	return &out
}

// needsDefaults reports whether s may take client-side update defaults:
// an UPDATE of a table with some, not filled in yet.
func (s *UpdateStmt) needsDefaults() bool {
	return s.err == nil && s.table != nil && s.table.hasUpdateDefaults && !s.defaulted
}

// sets reports whether s's SET names the column.
func (s *UpdateStmt) sets(name string) bool {
	for _, it := range s.set {
		if it.col == name {
			return true
		}
	}
	return false
}
