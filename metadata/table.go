package metadata

import (
	"fmt"

	"github.com/go-alchemy/alchemy/sqlexpr"
)

// Table is a declared table. It embeds the expression language's
// *sqlexpr.TableClause, so a declared table is used directly in
// statements (sqlexpr.Select(users)), and its columns are [*ColumnDef]
// values that embed *sqlexpr.ColumnClause.
//
// A Table is complete when [MetaData.Table] returns it and is read-only
// afterwards; it is safe for concurrent use.
type Table struct {
	*sqlexpr.TableClause
	md      *MetaData
	key     string
	comment string

	columns []*ColumnDef
	byName  map[string]*ColumnDef

	pk       *PrimaryKeyDef
	pkDecl   *PrimaryKeyDef // the PrimaryKeyConstraint item, if any
	explicit []constraint   // table-level constraints, in declaration order
	fks      []*ForeignKeyDef
	uniques  []*UniqueDef
	checks   []*CheckDef // table-level and column-level
	indexes  []*IndexDef

	err error // the first declaration error of this table
}

// TableItem is something [MetaData.Table] accepts: a column, a
// table-level constraint, an index, a comment or a schema.
type TableItem interface {
	applyTable(t *Table)
}

// tableItem adapts a function to TableItem.
type tableItem func(t *Table)

func (f tableItem) applyTable(t *Table) { f(t) }

// Schema puts the table in schema, overriding the MetaData's default.
func Schema(schema string) TableItem { return schemaItem(schema) }

// schemaOf returns the schema named by the items, if any.
func schemaOf(items []TableItem) (string, bool) {
	for _, it := range items {
		if s, ok := it.(schemaItem); ok {
			return string(s), true
		}
	}
	return "", false
}

// schemaItem is the TableItem returned by Schema. MetaData.Table reads it
// before the clause is built; applying it does nothing.
type schemaItem string

func (schemaItem) applyTable(*Table) {}

// Table declares a table named name with the given columns, constraints,
// indexes and options, registers it and returns it. Tables may be
// declared in any order: foreign keys are resolved when every table is
// known.
//
// Table never returns nil. A declaration error (a duplicate table or
// column, an option that cannot apply) is kept and returned by [MetaData.Err],
// [MetaData.SortedTables], [MetaData.CreateAll] and [MetaData.CreateAllSQL];
// the table returned for a duplicate key is not registered.
func (md *MetaData) Table(name string, items ...TableItem) *Table {
	schema, ok := schemaOf(items)
	if !ok {
		schema = md.schema
	}
	t := &Table{
		TableClause: sqlexpr.NewSchemaTable(schema, name),
		md:          md,
		key:         tableKey(schema, name),
		byName:      map[string]*ColumnDef{},
	}
	if name == "" {
		t.fail("", "a table needs a name")
	}
	for i, it := range items {
		if it == nil {
			t.fail("", fmt.Sprintf("item %d is nil", i))
			continue
		}
		it.applyTable(t)
	}
	t.finish()
	if _, dup := md.byKey[t.key]; dup {
		md.setErr(&DuplicateTableError{Key: t.key})
		return t
	}
	if t.err != nil {
		md.setErr(t.err)
	}
	md.tables = append(md.tables, t)
	md.byKey[t.key] = t
	md.resolvePending()
	return t
}

// MetaData returns the MetaData the table was declared in.
func (t *Table) MetaData() *MetaData { return t.md }

// Key returns the registry key: the name, or "schema.name".
func (t *Table) Key() string { return t.key }

// Comment returns the table's comment.
func (t *Table) Comment() string { return t.comment }

// C returns the column named name. It shadows the clause's C so that
// users.C("name") is a *ColumnDef, usable both in expressions
// (users.C("name").Eq("john")) and for its schema facts. For a name the
// table lacks it returns a detached column (no table, no type) whose
// expressions fail to compile with an error naming the table and the
// column, as the clause's C does: a typo is an error, not a panic. Use
// [Table.LookupColumn] to test whether a column exists.
func (t *Table) C(name string) *ColumnDef {
	if c := t.byName[name]; c != nil {
		return c
	}
	return &ColumnDef{ColumnClause: t.TableClause.C(name), name: name}
}

// LookupColumn returns the column named name, or nil.
func (t *Table) LookupColumn(name string) *ColumnDef { return t.byName[name] }

// Columns returns the columns in declaration order.
func (t *Table) Columns() []*ColumnDef { return append([]*ColumnDef(nil), t.columns...) }

// PrimaryKey returns the primary key; its Columns are empty for a table
// without one.
func (t *Table) PrimaryKey() *PrimaryKeyDef { return t.pk }

// ForeignKeys returns the foreign keys: table-level ones in declaration
// order, then column-level ones in column order.
func (t *Table) ForeignKeys() []*ForeignKeyDef { return append([]*ForeignKeyDef(nil), t.fks...) }

// UniqueConstraints returns the unique constraints, table-level ones
// first. A column declared both Unique and Indexed has a unique index
// instead.
func (t *Table) UniqueConstraints() []*UniqueDef { return append([]*UniqueDef(nil), t.uniques...) }

// CheckConstraints returns the CHECK constraints the user declared
// (not the ones Boolean and Enum columns add on some dialects).
func (t *Table) CheckConstraints() []*CheckDef { return append([]*CheckDef(nil), t.checks...) }

// Indexes returns the indexes, in declaration order.
func (t *Table) Indexes() []*IndexDef { return append([]*IndexDef(nil), t.indexes...) }

// Err returns the table's first declaration error.
func (t *Table) Err() error { return t.err }

// fail records a declaration error (the first one is kept).
func (t *Table) fail(column, reason string) {
	t.failErr(&DeclarationError{Table: t.key, Column: column, Reason: reason})
}

func (t *Table) failErr(err error) {
	if t.err == nil {
		t.err = err
	}
}

// lookup returns the columns named by names, recording an error naming
// what for a name the table lacks.
func (t *Table) lookup(names []string, what string) ([]*ColumnDef, bool) {
	if len(names) == 0 {
		t.fail("", what+" names no column")
		return nil, false
	}
	cols := make([]*ColumnDef, len(names))
	for i, n := range names {
		c := t.byName[n]
		if c == nil {
			t.fail("", fmt.Sprintf("%s names column %q, which the table does not have", what, n))
			return nil, false
		}
		cols[i] = c
	}
	return cols, true
}
