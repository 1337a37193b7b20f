package metadata

import (
	"fmt"
	"reflect"

	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// ColumnDef is a declared column. It embeds *sqlexpr.ColumnClause, so
// it is an expression (users.C("name").Eq("john")) once its table is
// declared; before that the clause is nil.
//
// (The type is not called Column because Column is the constructor that
// declarations use, as in SQLAlchemy.)
type ColumnDef struct {
	*sqlexpr.ColumnClause
	name  string
	typ   types.Type
	table *Table

	primaryKey    bool
	nullable      *bool // nil: the default (nullable unless primary key)
	unique        bool
	indexed       bool
	autoincrement AutoincrementMode
	clientDefault any
	updateDefault any // UpdateDefault
	serverDefault *ServerDefaultDef
	comment       string
	fks           []*ForeignKeyDef
	checks        []*CheckDef
	nonNativeEnum bool   // NativeEnum(false)
	typeCheckName string // TypeConstraintName

	err string // the first option error, reported when the table is declared
}

// ColumnOption configures a column declared with [Column].
type ColumnOption interface {
	applyColumn(c *ColumnDef)
}

// ColumnOrTableItem is an option that applies to a column, or to the
// table when given to [MetaData.Table] directly: [CheckConstraint] and
// [Comment].
type ColumnOrTableItem interface {
	ColumnOption
	TableItem
}

// columnOption adapts a function to ColumnOption.
type columnOption func(c *ColumnDef)

func (f columnOption) applyColumn(c *ColumnDef) { f(c) }

// AutoincrementMode says whether a column generates its own values.
type AutoincrementMode int

const (
	// AutoincrementAuto (the default) autoincrements the column when it
	// is the only column of the primary key, has an integer type, no
	// foreign key and no server default — SQLAlchemy's "auto".
	AutoincrementAuto AutoincrementMode = iota
	// AutoincrementOn autoincrements the column whatever the rule says
	// (for example one column of a composite key, where the dialect
	// allows it).
	AutoincrementOn
	// AutoincrementOff never autoincrements the column.
	AutoincrementOff
)

// Column declares a column named name of type typ. typ may be nil for a
// column with a foreign key: it then takes the type of the column it
// references, as in SQLAlchemy.
func Column(name string, typ types.Type, opts ...ColumnOption) *ColumnDef {
	c := &ColumnDef{name: name, typ: typ}
	if name == "" {
		c.failOpt("a column needs a name")
	}
	for _, o := range opts {
		if o == nil {
			c.failOpt("an option is nil")
			continue
		}
		o.applyColumn(c)
	}
	return c
}

func (c *ColumnDef) failOpt(reason string) {
	if c.err == "" {
		c.err = reason
	}
}

// applyTable adds the column to t.
func (c *ColumnDef) applyTable(t *Table) {
	if c.table != nil {
		t.fail(c.name, "the column already belongs to table "+c.table.key+"; declare a new one")
		return
	}
	if _, dup := t.byName[c.name]; dup {
		t.failErr(&DuplicateColumnError{Table: t.key, Column: c.name})
		return
	}
	if c.err != "" {
		t.fail(c.name, c.err)
	}
	c.table = t
	c.ColumnClause = t.AddTypedColumn(c.name, c.typ) // nil for a foreign key's: see inferType
	if c.clientDefault != nil {
		c.ColumnClause.SetClientDefault(c.clientDefault) // what sqlexpr.Insert reads
	}
	if c.updateDefault != nil {
		c.ColumnClause.SetClientUpdateDefault(c.updateDefault) // what sqlexpr.Update reads
	}
	t.columns = append(t.columns, c)
	t.byName[c.name] = c
	for _, fk := range c.fks {
		fk.attach(t)
	}
	for _, ck := range c.checks {
		ck.table = t
	}
}

// Name returns the column's name.
func (c *ColumnDef) Name() string { return c.name }

// Type returns the column's type: the declared one, or for a column
// declared without one, the type of its foreign key's target (nil until
// the target's table is declared).
func (c *ColumnDef) Type() types.Type { return c.typ }

// Parent returns the table the column belongs to (nil before the table
// is declared).
func (c *ColumnDef) Parent() *Table { return c.table }

// IsPrimaryKey reports whether the column is part of the primary key.
func (c *ColumnDef) IsPrimaryKey() bool { return c.primaryKey }

// Nullable reports whether the column accepts NULL: true unless it is
// declared NotNull or is part of the primary key.
func (c *ColumnDef) Nullable() bool {
	if c.nullable != nil {
		return *c.nullable
	}
	return !c.primaryKey
}

// IsUnique reports whether the column was declared Unique.
func (c *ColumnDef) IsUnique() bool { return c.unique }

// IsIndexed reports whether the column was declared Indexed.
func (c *ColumnDef) IsIndexed() bool { return c.indexed }

// Autoincrement returns the declared autoincrement mode; see
// [ColumnDef.Autoincrements] for its effect.
func (c *ColumnDef) Autoincrement() AutoincrementMode { return c.autoincrement }

// Autoincrements reports whether the column generates its own values:
// AutoincrementOn, or AutoincrementAuto on the only column of the primary
// key when it has an integer type, no foreign key and no server default.
func (c *ColumnDef) Autoincrements() bool {
	switch c.autoincrement {
	case AutoincrementOn:
		return true
	case AutoincrementOff:
		return false
	}
	if !c.primaryKey || c.table == nil || len(c.table.pk.columns) != 1 {
		return false
	}
	if c.typ == nil || !c.typ.Kind().IsInteger() || c.serverDefault != nil {
		return false
	}
	return !c.table.hasForeignKeyOn(c)
}

// ClientDefault returns the value given to [Default]: a value, an
// expression, or a func() any called for each inserted row. It never
// appears in DDL.
func (c *ColumnDef) ClientDefault() any { return c.clientDefault }

// ClientUpdateDefault returns the value given to [UpdateDefault]: a
// value, an expression, or a func() any called for each UPDATE.
func (c *ColumnDef) ClientUpdateDefault() any { return c.updateDefault }

// ServerDefault returns the server default, or nil.
func (c *ColumnDef) ServerDefault() *ServerDefaultDef { return c.serverDefault }

// Comment returns the column's comment.
func (c *ColumnDef) Comment() string { return c.comment }

// ForeignKeys returns the foreign keys declared on this column.
func (c *ColumnDef) ForeignKeys() []*ForeignKeyDef { return append([]*ForeignKeyDef(nil), c.fks...) }

// PrimaryKey makes the column part of the table's primary key (and NOT
// NULL). Several columns with PrimaryKey form a composite key, in column
// order.
func PrimaryKey() ColumnOption { return columnOption(func(c *ColumnDef) { c.primaryKey = true }) }

// NotNull makes the column NOT NULL.
func NotNull() ColumnOption {
	return columnOption(func(c *ColumnDef) { f := false; c.nullable = &f })
}

// Nullable makes the column accept NULL (the default, except for primary
// key columns, which cannot be nullable).
func Nullable() ColumnOption {
	return columnOption(func(c *ColumnDef) { t := true; c.nullable = &t })
}

// Unique adds a UNIQUE constraint on the column; with [Indexed], a unique
// index instead.
func Unique() ColumnOption { return columnOption(func(c *ColumnDef) { c.unique = true }) }

// Indexed adds an index on the column (SQLAlchemy's index=True), named
// by the "ix" naming convention (ix_<table>_<column> by default). With
// [Unique] it is a unique index.
func Indexed() ColumnOption { return columnOption(func(c *ColumnDef) { c.indexed = true }) }

// Default sets a client-side default, SQLAlchemy's Column(default=…): a
// value, an expression (sqlexpr.Now()), or a func() any called once for
// each inserted row. An INSERT built on the table (sqlexpr.Insert(t),
// one row, several rows, or the rows of an executemany) whose rows give
// no value for the column sends the default as a bound parameter (an
// expression is written into the statement); a value given explicitly,
// nil included, wins, and INSERT … SELECT is not affected. See
// [sqlexpr.ColumnClause.SetClientDefault]. It never appears in DDL; see
// [ServerDefault] for a default the database applies. A function of
// another signature (time.Now) is a declaration error: wrap it,
// func() any { return time.Now() }. Default(nil) means no default.
func Default(v any) ColumnOption {
	return columnOption(func(c *ColumnDef) {
		if c.checkFuncDefault("Default", v) {
			c.clientDefault = v
		}
	})
}

// UpdateDefault sets a client-side update default, SQLAlchemy's
// Column(onupdate=…): a value, an expression (sqlexpr.Now()), or a
// func() any called for each UPDATE (for each Params of an
// executemany). An UPDATE built on the table (sqlexpr.Update(t)) whose
// Values do not name the column sets it too, as a bound parameter (an
// expression is written into the statement); a value given explicitly,
// nil included, wins. The typical use is an updated_at column, with
// [Default] for its first value. It never appears in DDL; raw SQL
// through database/sql does not see it. A function of another signature
// (time.Now) is a declaration error: wrap it,
// func() any { return time.Now() }. UpdateDefault(nil) means none.
//
// (The name is not OnUpdate: that is the foreign-key option, ON UPDATE
// CASCADE and the like.)
func UpdateDefault(v any) ColumnOption {
	return columnOption(func(c *ColumnDef) {
		if c.checkFuncDefault("UpdateDefault", v) {
			c.updateDefault = v
		}
	})
}

// checkFuncDefault refuses a function default of another signature than
// func() any, which would be bound as a value and fail at the driver:
// the declaration error names the option.
func (c *ColumnDef) checkFuncDefault(option string, v any) bool {
	if v != nil && reflect.TypeOf(v).Kind() == reflect.Func {
		if _, ok := v.(func() any); !ok {
			c.failOpt(fmt.Sprintf("%s: a function default must be a func() any, not %T", option, v))
			return false
		}
	}
	return true
}

// Autoincrement turns autoincrement on or off, overriding the automatic
// rule (see [AutoincrementAuto]).
func Autoincrement(on bool) ColumnOption {
	return columnOption(func(c *ColumnDef) {
		c.autoincrement = AutoincrementOff
		if on {
			c.autoincrement = AutoincrementOn
		}
	})
}

// commentItem is the ColumnOrTableItem returned by Comment.
type commentItem string

func (s commentItem) applyColumn(c *ColumnDef) { c.comment = string(s) }
func (s commentItem) applyTable(t *Table)      { t.comment = string(s) }

// Comment sets the comment of the column, or of the table when given to
// [MetaData.Table]. PostgreSQL stores it with COMMENT ON, MySQL inline;
// SQLite has no comments and the DDL leaves them out.
func Comment(text string) ColumnOrTableItem { return commentItem(text) }
