package sqlexpr

// UpdateStmt is an UPDATE statement. Build it with [Update]; its methods
// modify it and return it.
type UpdateStmt struct {
	table     *TableClause
	set       []setItem
	where     []Expr
	returning []SelectItem
	err       error
	defaulted bool // the client-side update defaults are in set
}

// Update starts an UPDATE of table (a table clause or a value embedding
// one). An UPDATE without Where changes every row.
func Update(table FromClause) *UpdateStmt {
	s := &UpdateStmt{}
	s.table, s.err = dmlTable("Update", table)
	return s
}

func (s *UpdateStmt) stmtNode() {}

func (s *UpdateStmt) setErr(err error) {
	if s.err == nil {
		s.err = err
	}
}

// Err returns the first error recorded while building s.
func (s *UpdateStmt) Err() error { return s.err }

// Values adds SET col=value items and returns s; values are bound unless
// they are expressions (users.C("visits").Add(1)).
func (s *UpdateStmt) Values(set Values) *UpdateStmt {
	if s.table == nil {
		return s
	}
	items, err := setItems(s.table, set)
	if err != nil {
		s.setErr(err)
		return s
	}
	s.set = append(s.set, items...)
	return s
}

// Where adds conditions, joined with AND, and returns s.
func (s *UpdateStmt) Where(conds ...Expr) *UpdateStmt {
	s.where = appendConds(s.where, conds)
	return s
}

// Returning adds RETURNING items and returns s. MySQL and MariaDB have no
// UPDATE … RETURNING: compiling for them is a [*CompileError].
func (s *UpdateStmt) Returning(items ...SelectItem) *UpdateStmt {
	s.returning = append(s.returning, items...)
	return s
}

// DeleteStmt is a DELETE statement. Build it with [Delete]; its methods
// modify it and return it.
type DeleteStmt struct {
	table     *TableClause
	where     []Expr
	returning []SelectItem
	err       error
}

// Delete starts a DELETE FROM table. A DELETE without Where removes every
// row.
func Delete(table FromClause) *DeleteStmt {
	s := &DeleteStmt{}
	s.table, s.err = dmlTable("Delete", table)
	return s
}

func (s *DeleteStmt) stmtNode() {}

// Err returns the first error recorded while building s.
func (s *DeleteStmt) Err() error { return s.err }

// Where adds conditions, joined with AND, and returns s.
func (s *DeleteStmt) Where(conds ...Expr) *DeleteStmt {
	s.where = appendConds(s.where, conds)
	return s
}

// Returning adds RETURNING items and returns s; MySQL makes compiling a
// [*CompileError].
func (s *DeleteStmt) Returning(items ...SelectItem) *DeleteStmt {
	s.returning = append(s.returning, items...)
	return s
}
