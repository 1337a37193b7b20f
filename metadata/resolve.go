package metadata

// resolvePending resolves the foreign keys whose target tables are now
// declared, and gives typeless foreign-key columns their target's type.
// It runs after each md.Table, so everything that can be resolved is
// resolved while the tables are declared, and the MetaData is read-only
// afterwards. What stays unresolved is reported by resolveErr.
func (md *MetaData) resolvePending() {
	for progress := true; progress; {
		progress = false
		for _, t := range md.tables {
			for _, fk := range t.fks {
				if fk.refTable == nil && fk.err == nil && fk.columns != nil && md.tryResolve(fk) {
					progress = true
				}
			}
			for _, c := range t.columns {
				if c.typ == nil && c.inferType() {
					progress = true
				}
			}
		}
	}
}

// tryResolve resolves fk if its target table is declared; it reports
// whether fk is settled (resolved, or failed for good).
func (md *MetaData) tryResolve(fk *ForeignKeyDef) bool {
	ref := md.byKey[fk.refKey]
	if ref == nil {
		return false
	}
	cols := make([]*ColumnDef, len(fk.refNames))
	for i, n := range fk.refNames {
		if cols[i] = ref.byName[n]; cols[i] == nil {
			fk.err = &NoReferencedColumnError{
				Table: fk.table.key, Columns: fk.names, Target: fk.target, RefKey: fk.refKey, Column: n,
			}
			return true
		}
	}
	fk.refTable, fk.refColumns = ref, cols
	return true
}

// inferType gives a column declared without a type the type of the
// column its foreign key references, once that one has a type.
func (c *ColumnDef) inferType() bool {
	for _, fk := range c.table.fks {
		for i, local := range fk.columns {
			if local == c && fk.refColumns != nil && fk.refColumns[i].typ != nil {
				c.typ = fk.refColumns[i].typ
				c.ColumnClause.SetType(c.typ) // so that its values are typed in statements too
				return true
			}
		}
	}
	return false
}

// resolveErr returns the first foreign key that could not be resolved,
// or the first column still without a type.
func (md *MetaData) resolveErr() error {
	for _, t := range md.tables {
		for _, fk := range t.fks {
			if fk.err != nil {
				return fk.err
			}
			if fk.refTable == nil && fk.columns != nil {
				return &NoReferencedTableError{Table: t.key, Columns: fk.names, Target: fk.target, RefKey: fk.refKey}
			}
		}
	}
	for _, t := range md.tables {
		for _, c := range t.columns {
			if c.typ == nil {
				return &DeclarationError{Table: t.key, Column: c.name,
					Reason: "the column has no type, and neither has the column its foreign key references"}
			}
		}
	}
	return nil
}
