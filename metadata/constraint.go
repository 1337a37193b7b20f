package metadata

import (
	"fmt"
	"strings"
)

// constraint is a table-level constraint kept in declaration order for
// rendering: *ForeignKeyDef, *UniqueDef or *CheckDef.
type constraint interface {
	constraintName() string
}

// constraintOptions collects the ConstraintOptions of one constraint.
type constraintOptions struct {
	name       string
	onDelete   string
	onUpdate   string
	deferrable bool
	initially  string
	useAlter   bool
	fkOnly     string // the first foreign-key-only option used, for the error
	err        string
}

// ConstraintOption configures a constraint: [Named] for any, and the
// foreign-key options [OnDelete], [OnUpdate], [Deferrable], [Initially],
// [UseAlter].
type ConstraintOption func(*constraintOptions)

func buildOptions(opts []ConstraintOption) *constraintOptions {
	o := &constraintOptions{}
	for _, f := range opts {
		if f == nil {
			o.err = "a constraint option is nil"
			continue
		}
		f(o)
	}
	return o
}

// Named names the constraint or index, overriding the naming convention.
func Named(name string) ConstraintOption {
	return func(o *constraintOptions) {
		if name == "" {
			o.err = "Named needs a non-empty name"
		}
		o.name = name
	}
}

// referentialActions are the actions ON DELETE / ON UPDATE accept.
var referentialActions = map[string]bool{
	"RESTRICT": true, "CASCADE": true, "SET NULL": true, "NO ACTION": true, "SET DEFAULT": true,
}

// action validates and normalizes a referential action.
func (o *constraintOptions) action(kind, a string) string {
	up := strings.ToUpper(strings.Join(strings.Fields(a), " "))
	if !referentialActions[up] {
		o.err = fmt.Sprintf("%s %q is not one of RESTRICT, CASCADE, SET NULL, NO ACTION, SET DEFAULT", kind, a)
	}
	if o.fkOnly == "" {
		o.fkOnly = kind
	}
	return up
}

// OnDelete sets the foreign key's ON DELETE action (CASCADE, SET NULL,
// SET DEFAULT, RESTRICT or NO ACTION).
func OnDelete(a string) ConstraintOption {
	return func(o *constraintOptions) { o.onDelete = o.action("ON DELETE", a) }
}

// OnUpdate sets the foreign key's ON UPDATE action.
func OnUpdate(a string) ConstraintOption {
	return func(o *constraintOptions) { o.onUpdate = o.action("ON UPDATE", a) }
}

// Deferrable makes the foreign key DEFERRABLE (checked at commit when
// also [Initially]("DEFERRED")), on PostgreSQL and SQLite. MySQL and
// MariaDB have no deferrable constraints and reject the clause, so there
// rendering the key is a [*DDLError] naming the dialect
// (DDLOptions.DeferrableConstraints), before anything is sent; SQLAlchemy
// sends the clause and the server fails the CREATE TABLE.
func Deferrable() ConstraintOption {
	return func(o *constraintOptions) {
		o.deferrable = true
		if o.fkOnly == "" {
			o.fkOnly = "Deferrable"
		}
	}
}

// Initially sets INITIALLY DEFERRED or INITIALLY IMMEDIATE; it implies
// [Deferrable].
func Initially(when string) ConstraintOption {
	return func(o *constraintOptions) {
		up := strings.ToUpper(when)
		if up != "DEFERRED" && up != "IMMEDIATE" {
			o.err = fmt.Sprintf("INITIALLY %q is not DEFERRED or IMMEDIATE", when)
		}
		o.initially, o.deferrable = up, true
		if o.fkOnly == "" {
			o.fkOnly = "Initially"
		}
	}
}

// UseAlter creates the foreign key with ALTER TABLE … ADD CONSTRAINT after
// all tables, and drops it first, on dialects that can ALTER (inline
// elsewhere). Foreign keys that close a cycle get this treatment without
// asking; UseAlter is for breaking a dependency by hand.
func UseAlter() ConstraintOption {
	return func(o *constraintOptions) {
		o.useAlter = true
		if o.fkOnly == "" {
			o.fkOnly = "UseAlter"
		}
	}
}

// noForeignKeyOptions records an error when a foreign-key option was
// given to another kind of constraint.
func (o *constraintOptions) noForeignKeyOptions(what string) {
	if o.fkOnly != "" && o.err == "" {
		o.err = o.fkOnly + " applies to foreign keys only, not to " + what
	}
}

// PrimaryKeyDef is a table's primary key.
type PrimaryKeyDef struct {
	name    string
	table   *Table
	names   []string
	columns []*ColumnDef
}

// Name returns the declared name (empty: named by the convention or the
// server).
func (pk *PrimaryKeyDef) Name() string { return pk.name }

// Columns returns the key's columns, in key order.
func (pk *PrimaryKeyDef) Columns() []*ColumnDef { return append([]*ColumnDef(nil), pk.columns...) }

// PrimaryKeyConstraint declares the primary key at table level, for a
// composite key or to name it. Columns marked [PrimaryKey] must then be
// among those listed.
func PrimaryKeyConstraint(columns []string, opts ...ConstraintOption) TableItem {
	return tableItem(func(t *Table) {
		o := buildOptions(opts)
		o.noForeignKeyOptions("a primary key")
		if o.err != "" {
			t.fail("", "PrimaryKeyConstraint: "+o.err)
		}
		if t.pkDecl != nil {
			t.fail("", "PrimaryKeyConstraint is given twice")
		}
		t.pkDecl = &PrimaryKeyDef{name: o.name, table: t, names: append([]string(nil), columns...)}
	})
}

// UniqueDef is a UNIQUE constraint.
type UniqueDef struct {
	name       string
	table      *Table
	names      []string
	columns    []*ColumnDef
	fromColumn bool
}

func (u *UniqueDef) constraintName() string { return u.name }

// Name returns the declared name.
func (u *UniqueDef) Name() string { return u.name }

// Columns returns the constrained columns.
func (u *UniqueDef) Columns() []*ColumnDef { return append([]*ColumnDef(nil), u.columns...) }

// UniqueConstraint declares a UNIQUE constraint over columns.
func UniqueConstraint(columns []string, opts ...ConstraintOption) TableItem {
	return tableItem(func(t *Table) {
		o := buildOptions(opts)
		o.noForeignKeyOptions("a unique constraint")
		if o.err != "" {
			t.fail("", "UniqueConstraint: "+o.err)
		}
		u := &UniqueDef{name: o.name, table: t, names: append([]string(nil), columns...)}
		t.uniques = append(t.uniques, u)
		t.explicit = append(t.explicit, u)
	})
}

// CheckDef is a CHECK constraint, on a column (rendered inline) or on the
// table.
type CheckDef struct {
	name   string
	table  *Table
	column *ColumnDef
	sql    string
	// typeBound marks the check a column's type brings
	// ([ColumnDef.TypeCheck]); a naming convention that needs
	// %(constraint_name)s leaves it unnamed when it has no name.
	typeBound bool
}

func (c *CheckDef) constraintName() string { return c.name }

// Name returns the declared name.
func (c *CheckDef) Name() string { return c.name }

// SQL returns the condition, as declared.
func (c *CheckDef) SQL() string { return c.sql }

// Column returns the column of a column-level check, nil for a
// table-level one.
func (c *CheckDef) Column() *ColumnDef { return c.column }

// checkItem is the ColumnOrTableItem returned by CheckConstraint.
type checkItem struct {
	sql  string
	opts []ConstraintOption
}

func (ci checkItem) def() (*CheckDef, string) {
	o := buildOptions(ci.opts)
	o.noForeignKeyOptions("a check constraint")
	if strings.TrimSpace(ci.sql) == "" && o.err == "" {
		o.err = "the condition is empty"
	}
	return &CheckDef{name: o.name, sql: ci.sql}, o.err
}

func (ci checkItem) applyColumn(c *ColumnDef) {
	ck, err := ci.def()
	if err != "" {
		c.failOpt("CheckConstraint: " + err)
	}
	ck.column = c
	c.checks = append(c.checks, ck)
}

func (ci checkItem) applyTable(t *Table) {
	ck, err := ci.def()
	if err != "" {
		t.fail("", "CheckConstraint: "+err)
	}
	ck.table = t
	t.checks = append(t.checks, ck)
	t.explicit = append(t.explicit, ck)
}

// CheckConstraint declares CHECK (sql). Given to [Column] it is rendered
// inside the column's definition; given to [MetaData.Table], as a
// table-level constraint. The condition is SQL text, written as is.
func CheckConstraint(sql string, opts ...ConstraintOption) ColumnOrTableItem {
	return checkItem{sql: sql, opts: opts}
}
