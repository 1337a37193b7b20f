package migrate

import (
	"fmt"
	"strings"

	"github.com/go-alchemy/alchemy/metadata"
)

// Op is one schema operation of a migration. Every Op has a Reverse, the
// operation that undoes it (the down step), and renders to SQL per
// dialect with [SQL].
//
// Ops hold the metadata objects they create or drop: a table, column,
// index or constraint of the target MetaData for what is added, and of
// the MetaData reflected from the database for what is dropped, so that
// the reverse can re-create it as it was.
type Op interface {
	// Describe is a one-line summary ("add column users.email").
	Describe() string
	// Reverse returns the operation that undoes this one.
	Reverse() Op
}

// CreateTable creates Table with its inline constraints and indexes.
type CreateTable struct{ Table *metadata.Table }

// DropTable drops Table (as reflected, so that the reverse re-creates it).
type DropTable struct{ Table *metadata.Table }

// AddColumn adds Column to the existing table Table.
type AddColumn struct {
	Table  *metadata.Table
	Column *metadata.ColumnDef
}

// DropColumn drops Column from Table.
type DropColumn struct {
	Table  *metadata.Table
	Column *metadata.ColumnDef
}

// AlterColumn changes a column's type, nullability and/or server default
// from From to To (two definitions of the column of the same name, whose
// Parent is the table before and after the change). On dialects without
// ALTER the change must be wrapped in a [RecreateTable], as Diff does.
type AlterColumn struct {
	From, To *metadata.ColumnDef
	// What changed; the others are left alone.
	Type, Nullable, Default bool
}

// CreateIndex creates Index (its table exists).
type CreateIndex struct{ Index *metadata.IndexDef }

// DropIndex drops Index.
type DropIndex struct{ Index *metadata.IndexDef }

// AddUnique adds a unique constraint to an existing table.
type AddUnique struct{ Unique *metadata.UniqueDef }

// DropUnique drops a unique constraint.
type DropUnique struct{ Unique *metadata.UniqueDef }

// AddForeignKey adds a foreign key to an existing table.
type AddForeignKey struct{ ForeignKey *metadata.ForeignKeyDef }

// DropForeignKey drops a foreign key.
type DropForeignKey struct{ ForeignKey *metadata.ForeignKeyDef }

// AddCheck adds a named check constraint to the existing table Table.
type AddCheck struct {
	Table *metadata.Table
	Check *metadata.CheckDef
}

// DropCheck drops a named check constraint of Table.
type DropCheck struct {
	Table *metadata.Table
	Check *metadata.CheckDef
}

// RecreateTable rebuilds a table from the definition From to the
// definition To, the way Alembic's batch mode does on SQLite, which
// cannot alter columns or add and drop constraints: create the new table
// under a temporary name, copy the rows of the columns both definitions
// have, drop the old table, rename the new one, create its indexes.
// Changes lists the operations it stands for; dialects with ALTER render
// those instead.
type RecreateTable struct {
	From, To *metadata.Table
	Changes  []Op
}

func (o CreateTable) Describe() string { return "create table " + o.Table.Key() }
func (o DropTable) Describe() string   { return "drop table " + o.Table.Key() }
func (o AddColumn) Describe() string {
	return "add column " + o.Table.Key() + "." + o.Column.Name()
}
func (o DropColumn) Describe() string {
	return "drop column " + o.Table.Key() + "." + o.Column.Name()
}
func (o AlterColumn) Describe() string {
	var what []string
	if o.Type {
		what = append(what, fmt.Sprintf("type %s -> %s", typeString(o.From), typeString(o.To)))
	}
	if o.Nullable {
		what = append(what, fmt.Sprintf("nullable %t -> %t", o.From.Nullable(), o.To.Nullable()))
	}
	if o.Default {
		what = append(what, fmt.Sprintf("server default %s -> %s", defaultString(o.From), defaultString(o.To)))
	}
	return "alter column " + o.To.Parent().Key() + "." + o.To.Name() + ": " + strings.Join(what, ", ")
}
func (o CreateIndex) Describe() string { return "create " + indexString(o.Index) }
func (o DropIndex) Describe() string   { return "drop " + indexString(o.Index) }

func indexString(ix *metadata.IndexDef) string {
	s := "index "
	if ix.Unique() {
		s = "unique index "
	}
	if ix.Name() != "" {
		s += ix.Name() + " "
	}
	return s + "on " + ix.Columns()[0].Parent().Key() + colNames(ix.Columns())
}
func (o AddUnique) Describe() string {
	return "add unique constraint on " + o.Unique.Columns()[0].Parent().Key() + colNames(o.Unique.Columns())
}
func (o DropUnique) Describe() string {
	return "drop unique constraint on " + o.Unique.Columns()[0].Parent().Key() + colNames(o.Unique.Columns())
}
func (o AddForeignKey) Describe() string {
	return "add foreign key " + fkString(o.ForeignKey)
}
func (o DropForeignKey) Describe() string {
	return "drop foreign key " + fkString(o.ForeignKey)
}
func (o AddCheck) Describe() string {
	return "add check constraint " + o.Check.Name() + " on " + o.Table.Key()
}
func (o DropCheck) Describe() string {
	return "drop check constraint " + o.Check.Name() + " on " + o.Table.Key()
}
func (o RecreateTable) Describe() string {
	parts := make([]string, len(o.Changes))
	for i, c := range o.Changes {
		parts[i] = c.Describe()
	}
	return "recreate table " + o.To.Key() + " (" + strings.Join(parts, "; ") + ")"
}

func (o CreateTable) Reverse() Op    { return DropTable(o) }
func (o DropTable) Reverse() Op      { return CreateTable(o) }
func (o AddColumn) Reverse() Op      { return DropColumn(o) }
func (o DropColumn) Reverse() Op     { return AddColumn(o) }
func (o CreateIndex) Reverse() Op    { return DropIndex(o) }
func (o DropIndex) Reverse() Op      { return CreateIndex(o) }
func (o AddUnique) Reverse() Op      { return DropUnique(o) }
func (o DropUnique) Reverse() Op     { return AddUnique(o) }
func (o AddForeignKey) Reverse() Op  { return DropForeignKey(o) }
func (o DropForeignKey) Reverse() Op { return AddForeignKey(o) }
func (o AddCheck) Reverse() Op       { return DropCheck(o) }
func (o DropCheck) Reverse() Op      { return AddCheck(o) }
func (o AlterColumn) Reverse() Op {
	return AlterColumn{From: o.To, To: o.From, Type: o.Type, Nullable: o.Nullable, Default: o.Default}
}
func (o RecreateTable) Reverse() Op {
	return RecreateTable{From: o.To, To: o.From, Changes: Reverse(o.Changes)}
}

// Reverse returns the operations that undo ops: each one reversed, in
// the opposite order.
func Reverse(ops []Op) []Op {
	out := make([]Op, len(ops))
	for i, o := range ops {
		out[len(ops)-1-i] = o.Reverse()
	}
	return out
}

func colNames(cols []*metadata.ColumnDef) string {
	return "(" + strings.Join(names(cols), ", ") + ")"
}

func names(cols []*metadata.ColumnDef) []string {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = c.Name()
	}
	return s
}

func fkString(fk *metadata.ForeignKeyDef) string {
	ref := "?"
	if rt := fk.RefTable(); rt != nil {
		ref = rt.Key()
	}
	return fk.Parent().Key() + colNames(fk.Columns()) + " -> " + ref + colNames(fk.RefColumns())
}

func typeString(c *metadata.ColumnDef) string {
	if s, ok := c.Type().(fmt.Stringer); ok {
		return s.String()
	}
	return string(c.Type().Kind())
}

func defaultString(c *metadata.ColumnDef) string {
	if c.ServerDefault() == nil {
		return "none"
	}
	return c.ServerDefault().String()
}
