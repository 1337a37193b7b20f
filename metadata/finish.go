package metadata

import "slices"

// finish completes a table once all its items are applied: it builds
// the primary key, looks up the columns that constraints and indexes
// name, and derives the constraints and indexes declared on columns.
// Errors are kept in t.err.
func (t *Table) finish() {
	t.finishPrimaryKey()
	t.publishPrimaryKey()
	for _, fk := range t.fks { // table-level ones so far
		fk.columns, _ = t.lookup(fk.names, "ForeignKeyConstraint")
	}
	for _, u := range t.uniques {
		u.columns, _ = t.lookup(u.names, "UniqueConstraint")
	}
	for _, ix := range t.indexes {
		ix.columns, _ = t.lookup(ix.names, "Index "+ix.name)
	}
	autoOn := 0
	for _, c := range t.columns {
		t.deriveFromColumn(c)
		if c.autoincrement == AutoincrementOn {
			autoOn++
			if !c.primaryKey {
				t.fail(c.name, "Autoincrement(true) applies to primary key columns only")
			}
		}
	}
	if autoOn > 1 {
		t.fail("", "more than one column has Autoincrement(true)")
	}
	for _, c := range t.columns {
		if c.typ == nil && !t.hasForeignKeyOn(c) {
			t.fail(c.name, "a column without a type needs a foreign key to take its type from")
		}
	}
}

// deriveFromColumn adds the foreign keys, unique constraint, index and
// checks declared on column c, in SQLAlchemy's order: after the
// table-level ones, in column order.
func (t *Table) deriveFromColumn(c *ColumnDef) {
	for _, fk := range c.fks {
		fk.columns = []*ColumnDef{c}
		t.fks = append(t.fks, fk)
	}
	one := []*ColumnDef{c}
	switch {
	case c.indexed:
		t.indexes = append(t.indexes, &IndexDef{table: t, names: []string{c.name}, columns: one, unique: c.unique, fromColumn: true})
	case c.unique:
		t.uniques = append(t.uniques, &UniqueDef{table: t, names: []string{c.name}, columns: one, fromColumn: true})
	}
	t.checks = append(t.checks, c.checks...)
	if c.primaryKey && c.nullable != nil && *c.nullable {
		t.fail(c.name, "a primary key column cannot be Nullable")
	}
}

// finishPrimaryKey builds t.pk from the PrimaryKeyConstraint item or,
// without one, from the columns marked PrimaryKey.
func (t *Table) finishPrimaryKey() {
	var flagged []*ColumnDef
	for _, c := range t.columns {
		if c.primaryKey {
			flagged = append(flagged, c)
		}
	}
	t.pk = &PrimaryKeyDef{table: t, columns: flagged}
	if t.pkDecl == nil {
		return
	}
	cols, ok := t.lookup(t.pkDecl.names, "PrimaryKeyConstraint")
	if !ok {
		return
	}
	for _, c := range flagged {
		if !slices.Contains(cols, c) {
			t.fail(c.name, "the column is marked PrimaryKey but PrimaryKeyConstraint does not list it")
		}
	}
	for _, c := range cols {
		c.primaryKey = true
	}
	t.pk = t.pkDecl
	t.pk.columns = cols
}

// publishPrimaryKey tells the clause its key, so that an INSERT through
// sqlexpr returns the inserted key.
func (t *Table) publishPrimaryKey() {
	names := make([]string, len(t.pk.columns))
	for i, c := range t.pk.columns {
		names[i] = c.name
	}
	t.SetPrimaryKey(names...)
}

// hasForeignKeyOn reports whether a foreign key of t includes column c.
func (t *Table) hasForeignKeyOn(c *ColumnDef) bool {
	for _, fk := range t.fks {
		if slices.Contains(fk.columns, c) || (fk.columns == nil && slices.Contains(fk.names, c.name)) {
			return true
		}
	}
	return false
}
