package sqlexpr

// Client-side column defaults (SQLAlchemy's Column(default=…)): a value,
// an expression or a func() any that an INSERT uses for a column its rows
// do not give. metadata.Default declares them; the schema layer passes
// them down with SetClientDefault, so that this package needs no import
// of metadata.

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
