package sqlexpr

func (c *compiler) insert(s *InsertStmt) {
	if s.err != nil {
		c.setErr(s.err)
		return
	}
	c.kw("INSERT INTO ")
	c.tableName(s.table)
	switch {
	case s.query != nil:
		c.columnList(s.cols)
		c.kw(" ")
		c.query(s.query, false)
	case len(s.rows) == 0:
		c.kw(" ")
		if dv := c.d.SQL.InsertDefaultValues; dv != "" {
			c.kw(dv)
		} else {
			c.kw("DEFAULT VALUES")
		}
	default:
		c.valuesRows(s)
	}
	if s.upsert != nil {
		defer c.inScope(s.table)()
		c.upsert(s)
	}
	if len(s.returning) > 0 && !c.d.Features.InsertReturning {
		c.fail("INSERT … RETURNING")
	}
	c.returning(s.returning)
}

// columnList writes " (a, b, …)".
func (c *compiler) columnList(cols []string) {
	c.kw(" (")
	for i, name := range cols {
		if i > 0 {
			c.kw(", ")
		}
		c.ident(name)
	}
	c.kw(")")
}

func (c *compiler) valuesRows(s *InsertStmt) {
	if len(s.rows) > 1 && !c.d.Features.MultiRowInsert {
		c.fail("multi-row INSERT … VALUES")
		return
	}
	if len(s.cols) == 0 {
		c.setErr(invalidf("INSERT with an empty row; use Insert without Values for a row of defaults"))
		return
	}
	c.columnList(s.cols)
	c.kw(" VALUES ")
	for r, row := range s.rows {
		if r > 0 {
			c.kw(", ")
		}
		c.kw("(")
		for i := range row {
			if i > 0 {
				c.kw(", ")
			}
			c.operand(&row[i], 0)
		}
		c.kw(")")
	}
}

// upsert writes the conflict clause. ON CONFLICT where the dialect has it;
// else MySQL's ON DUPLICATE KEY UPDATE, which checks every unique key.
func (c *compiler) upsert(s *InsertStmt) {
	u, f := s.upsert, c.d.Features
	switch {
	case u.kind == upsertDuplicateKey && f.OnDuplicateKey:
		c.kw(" ON DUPLICATE KEY UPDATE ")
		c.setList(u.set, " = ")
	case u.kind == upsertDuplicateKey:
		c.fail("INSERT … ON DUPLICATE KEY UPDATE")
	case f.OnConflict:
		c.onConflict(u)
	case f.OnDuplicateKey && u.kind == upsertDoUpdate:
		c.kw(" ON DUPLICATE KEY UPDATE ")
		c.setList(u.set, " = ")
	case f.OnDuplicateKey:
		c.duplicateKeyNothing(s)
	default:
		c.fail("INSERT … ON CONFLICT")
	}
}

func (c *compiler) onConflict(u *upsert) {
	c.kw(" ON CONFLICT")
	if len(u.target) > 0 {
		c.columnList(u.target)
	}
	if u.kind == upsertDoNothing {
		c.kw(" DO NOTHING")
		return
	}
	c.kw(" DO UPDATE SET ")
	c.setList(u.set, " = ")
}

// duplicateKeyNothing emulates DO NOTHING with a no-op update, c = c.
func (c *compiler) duplicateKeyNothing(s *InsertStmt) {
	col := ""
	switch {
	case len(s.upsert.target) > 0:
		col = s.upsert.target[0]
	case len(s.cols) > 0:
		col = s.cols[0]
	default:
		c.setErr(invalidf("ON CONFLICT DO NOTHING on %s needs a conflict target or an inserted column", c.d.Name))
		return
	}
	c.kw(" ON DUPLICATE KEY UPDATE ")
	c.ident(col)
	c.kw(" = ")
	c.ident(col)
}

// setList writes col<eq>value items; a value that is an operation is
// parenthesised, as SQLAlchemy does: SET n=(users.n + $1).
func (c *compiler) setList(items []setItem, eq string) {
	for i := range items {
		if i > 0 {
			c.kw(", ")
		}
		c.ident(items[i].col)
		c.kw(eq)
		c.operand(&items[i].val, precAtom)
	}
}

func (c *compiler) update(s *UpdateStmt) {
	if s.err != nil {
		c.setErr(s.err)
		return
	}
	if len(s.set) == 0 {
		c.setErr(invalidf("UPDATE without values"))
		return
	}
	c.kw("UPDATE ")
	c.tableName(s.table)
	defer c.inScope(s.table)()
	c.kw(" SET ")
	c.setList(s.set, "=")
	c.conds(" WHERE ", s.where)
	if len(s.returning) > 0 && !c.d.Features.UpdateReturning {
		c.fail("UPDATE … RETURNING")
	}
	c.returning(s.returning)
}

func (c *compiler) delete(s *DeleteStmt) {
	if s.err != nil {
		c.setErr(s.err)
		return
	}
	c.kw("DELETE FROM ")
	c.tableName(s.table)
	defer c.inScope(s.table)()
	c.conds(" WHERE ", s.where)
	if len(s.returning) > 0 && !c.d.Features.DeleteReturning {
		c.fail("DELETE … RETURNING")
	}
	c.returning(s.returning)
}

// returning writes RETURNING items: columns qualified by their table, or
// bare where the dialect wants them so (SQLite); no automatic labels.
func (c *compiler) returning(items []SelectItem) {
	if len(items) == 0 || c.err != nil {
		return
	}
	c.kw(" RETURNING ")
	for i, it := range items {
		if i > 0 {
			c.kw(", ")
		}
		switch x := it.(type) {
		case Expr:
			c.returningExpr(canon(x))
		case FromClause:
			c.returningAll(canonFrom(x))
		default:
			c.setErr(invalidf("unknown RETURNING item %T", it))
		}
	}
}

func (c *compiler) returningExpr(n Expr) {
	c.bareColumns = c.d.SQL.UnqualifiedReturning
	if l, ok := n.(*LabelExpr); ok {
		c.expr(l.e, 0)
		c.kw(" AS ")
		c.ident(l.name)
	} else {
		c.expr(n, 0)
	}
	c.bareColumns = false
}

func (c *compiler) returningAll(f FromClause) {
	t, ok := f.(*TableClause)
	if !ok || len(t.columns) == 0 {
		c.setErr(invalidf("RETURNING %T: only a table with declared columns stands for its columns", f))
		return
	}
	for i, col := range t.columns {
		if i > 0 {
			c.kw(", ")
		}
		c.returningExpr(col)
	}
}

// inScope makes the table an UPDATE, DELETE or upsert writes a FROM
// element of the enclosing statement for the subqueries in its SET and
// WHERE, so that they correlate to it (FROM derivation would otherwise
// add it to their own FROM: WHERE EXISTS (SELECT … FROM addresses,
// users …) would no longer refer to the row being updated). It returns
// the function that takes it out of scope.
func (c *compiler) inScope(t *TableClause) func() {
	n := len(c.leaves)
	c.leaves = append(c.leaves, t)
	return func() {
		clear(c.leaves[n:])
		c.leaves = c.leaves[:n]
	}
}
