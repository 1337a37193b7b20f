package metadata

// IndexDef is an index, created with CREATE INDEX after its table.
type IndexDef struct {
	name       string
	table      *Table
	names      []string
	columns    []*ColumnDef
	unique     bool
	fromColumn bool
}

// Name returns the declared name (empty: named by the "ix" convention).
func (ix *IndexDef) Name() string { return ix.name }

// Columns returns the indexed columns, in index order.
func (ix *IndexDef) Columns() []*ColumnDef { return append([]*ColumnDef(nil), ix.columns...) }

// Unique reports whether the index is unique.
func (ix *IndexDef) Unique() bool { return ix.unique }

// Index declares an index named name over columns, at table level. An
// empty name is filled in by the "ix" naming convention
// (ix_<table>_<first column> by default). To index one column, give the
// column the [Indexed] option.
func Index(name string, columns ...string) TableItem { return indexItem(name, false, columns) }

// UniqueIndex declares a unique index.
func UniqueIndex(name string, columns ...string) TableItem { return indexItem(name, true, columns) }

func indexItem(name string, unique bool, columns []string) TableItem {
	cols := append([]string(nil), columns...)
	return tableItem(func(t *Table) {
		t.indexes = append(t.indexes, &IndexDef{name: name, table: t, names: cols, unique: unique})
	})
}
