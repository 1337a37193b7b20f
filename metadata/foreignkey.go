package metadata

import (
	"fmt"
	"strings"
)

// ForeignKeyDef is a FOREIGN KEY constraint. Its target is resolved
// against the MetaData when the target table is declared, so tables can
// be declared in any order.
type ForeignKeyDef struct {
	name       string
	table      *Table
	names      []string // local column names
	columns    []*ColumnDef
	target     string   // as declared: "users.id", or "users(a, b)" for a composite key
	refSchema  string   // as declared; empty for the MetaData's default
	refName    string   // the target table's name
	refKey     string   // the target table's registry key
	refNames   []string // target column names
	refTable   *Table   // nil until resolved
	refColumns []*ColumnDef
	onDelete   string
	onUpdate   string
	deferrable bool
	initially  string
	useAlter   bool
	fromColumn bool
	err        error // a resolution error that later declarations cannot fix
}

func (fk *ForeignKeyDef) constraintName() string { return fk.name }

// Name returns the declared name.
func (fk *ForeignKeyDef) Name() string { return fk.name }

// Parent returns the referencing table.
func (fk *ForeignKeyDef) Parent() *Table { return fk.table }

// Columns returns the referencing columns.
func (fk *ForeignKeyDef) Columns() []*ColumnDef { return append([]*ColumnDef(nil), fk.columns...) }

// Target returns the target as declared ("users.id").
func (fk *ForeignKeyDef) Target() string { return fk.target }

// RefTable returns the referenced table, nil while it is not declared.
func (fk *ForeignKeyDef) RefTable() *Table { return fk.refTable }

// RefColumns returns the referenced columns, nil while unresolved.
func (fk *ForeignKeyDef) RefColumns() []*ColumnDef {
	return append([]*ColumnDef(nil), fk.refColumns...)
}

// OnDelete returns the ON DELETE action, empty for the default.
func (fk *ForeignKeyDef) OnDelete() string { return fk.onDelete }

// OnUpdate returns the ON UPDATE action, empty for the default.
func (fk *ForeignKeyDef) OnUpdate() string { return fk.onUpdate }

// Deferrable reports whether the constraint is DEFERRABLE.
func (fk *ForeignKeyDef) Deferrable() bool { return fk.deferrable }

// Initially returns "DEFERRED", "IMMEDIATE" or "".
func (fk *ForeignKeyDef) Initially() string { return fk.initially }

// UseAlter reports whether the constraint was declared [UseAlter].
func (fk *ForeignKeyDef) UseAlter() bool { return fk.useAlter }

// splitTarget parses "table.column" or "schema.table.column".
func splitTarget(target string) (schema, table, column string, ok bool) {
	parts := strings.Split(target, ".")
	for _, p := range parts {
		if p == "" {
			return "", "", "", false
		}
	}
	switch len(parts) {
	case 2:
		return "", parts[0], parts[1], true
	case 3:
		return parts[0], parts[1], parts[2], true
	}
	return "", "", "", false
}

// newForeignKey builds a foreign key from options and targets; it returns
// an error text for a malformed declaration.
func newForeignKey(targets []string, opts []ConstraintOption) (*ForeignKeyDef, string) {
	o := buildOptions(opts)
	fk := &ForeignKeyDef{
		name: o.name, onDelete: o.onDelete, onUpdate: o.onUpdate,
		deferrable: o.deferrable, initially: o.initially, useAlter: o.useAlter,
	}
	if o.err != "" {
		return fk, o.err
	}
	if len(targets) == 0 {
		return fk, "a foreign key needs a target column"
	}
	for i, tg := range targets {
		schema, table, column, ok := splitTarget(tg)
		if !ok {
			return fk, fmt.Sprintf("foreign key target %q is not \"table.column\" or \"schema.table.column\"", tg)
		}
		if i > 0 && (schema != fk.refSchema || table != fk.refName) {
			return fk, fmt.Sprintf("foreign key targets %q and %q are in different tables", targets[0], tg)
		}
		fk.refSchema, fk.refName = schema, table
		fk.refNames = append(fk.refNames, column)
	}
	fk.target = targets[0]
	if len(targets) > 1 {
		fk.target = tableKey(fk.refSchema, fk.refName) + "(" + strings.Join(fk.refNames, ", ") + ")"
	}
	return fk, ""
}

// attach binds fk to its table and computes the target's key.
func (fk *ForeignKeyDef) attach(t *Table) {
	fk.table = t
	schema := fk.refSchema
	if schema == "" {
		schema = t.md.schema
	}
	fk.refKey = tableKey(schema, fk.refName)
}

// ForeignKey declares that the column references target, written
// "table.column" or "schema.table.column". The target table may be
// declared later. A column declared with a nil type takes the target's
// type.
//
//	metadata.Column("user_id", nil, metadata.ForeignKey("users.id", metadata.OnDelete("CASCADE")))
func ForeignKey(target string, opts ...ConstraintOption) ColumnOption {
	return columnOption(func(c *ColumnDef) {
		fk, err := newForeignKey([]string{target}, opts)
		if err != "" {
			c.failOpt("ForeignKey: " + err)
		}
		fk.names = []string{c.name}
		fk.fromColumn = true
		c.fks = append(c.fks, fk)
	})
}

// ForeignKeyConstraint declares a (composite) foreign key at table level:
// columns reference refColumns, each written "table.column" or
// "schema.table.column", all in the same table.
//
//	metadata.ForeignKeyConstraint([]string{"a", "b"}, []string{"parent.a", "parent.b"}, metadata.Named("fk_child_parent"))
func ForeignKeyConstraint(columns, refColumns []string, opts ...ConstraintOption) TableItem {
	return tableItem(func(t *Table) {
		fk, err := newForeignKey(refColumns, opts)
		if err == "" && len(columns) != len(refColumns) {
			err = fmt.Sprintf("%d columns reference %d target columns", len(columns), len(refColumns))
		}
		if err != "" {
			t.fail("", "ForeignKeyConstraint: "+err)
		}
		fk.names = append([]string(nil), columns...)
		fk.attach(t)
		t.fks = append(t.fks, fk)
		t.explicit = append(t.explicit, fk)
	})
}
