package sqlexpr

import (
	"sync/atomic"
	"unsafe"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// TableClause is a named table that statements read from and write to.
// It is the lightweight form of a table, with column names only, like
// SQLAlchemy's table(); metadata.Table embeds one, so a declared table can
// be passed anywhere a *TableClause is accepted.
//
// A TableClause is built once and then only read: it is safe for
// concurrent use by statements once its columns are added.
type TableClause struct {
	schema  string
	name    string
	columns []*ColumnClause
	names   []string // the columns' names, side by side for lookup
	byName  map[string]*ColumnClause
	// bySite finds a column by the address of its name's bytes (see C):
	// a direct-mapped table filled as columns are added, a column in
	// the first free of its two slots.
	bySite [colSites]*ColumnClause
	pk     []string                    // primary key column names, see SetPrimaryKey
	id     uint64                      // interned (schema, name), see intern.go
	kw     uint64                      // its word in a fast cache key (shape.go)
	quoted atomic.Pointer[quotedIdent] // the name as last written, see compiler.cachedIdent
	// hasDefaults is set when a column has a client-side default, so
	// that an INSERT into any other table skips looking for them.
	hasDefaults bool
	// hasUpdateDefaults is the same for UPDATE (SetClientUpdateDefault).
	hasUpdateDefaults bool
}

// NewTable returns a table clause named name with the given columns.
func NewTable(name string, columns ...string) *TableClause {
	return newTable("", name, columns)
}

func newTable(schema, name string, columns []string) *TableClause {
	t := &TableClause{schema: schema, name: name, byName: make(map[string]*ColumnClause, len(columns))}
	t.id = internName(schema, name, "")
	t.kw = shapeWord(skTable, t.id)
	for _, c := range columns {
		t.AddColumn(c)
	}
	return t
}

// NewSchemaTable is NewTable for a table inside a schema.
func NewSchemaTable(schema, name string, columns ...string) *TableClause {
	return newTable(schema, name, columns)
}

// AddColumn appends a column named name and returns it. Adding a name
// twice returns the existing column.
func (t *TableClause) AddColumn(name string) *ColumnClause { return t.addColumn(name) }

// AddTypedColumn appends a column named name of type typ and returns it
// (a name added before keeps its column and gets typ). A typed column's
// values are converted in both directions: a Go value bound for it is
// made what the dialect stores for typ, and the column read back comes
// as typ's Go type (see [Rows]). metadata.Table declares its columns
// this way.
func (t *TableClause) AddTypedColumn(name string, typ types.Type) *ColumnClause {
	c := t.addColumn(name)
	c.typ = typ
	return c
}

func (t *TableClause) addColumn(name string) *ColumnClause {
	if c, ok := t.byName[name]; ok {
		return c
	}
	c := &ColumnClause{table: t, name: name}
	c.self = c
	if t.id != 0 {
		c.id = internName(t.schema, t.name, name)
		c.kw = shapeWord(skColTable, c.id)
	}
	t.columns = append(t.columns, c)
	t.names = append(t.names, name)
	if t.byName == nil {
		t.byName = map[string]*ColumnClause{}
	}
	t.byName[name] = c
	if i := colSite(name); t.bySite[i] == nil {
		t.bySite[i] = c
	} else if t.bySite[i^1] == nil {
		t.bySite[i^1] = c
	}
	return c
}

// colSites is the number of slots of TableClause.bySite.
const colSites = 16

// colSite returns the slot of TableClause.bySite for name: a hash of
// the address of its bytes. Equal string literals share their bytes in
// a Go binary, so the usual t.C("id") finds the column NewTable(…, "id")
// made by that address alone, without comparing or hashing the name.
func colSite(name string) uint {
	return uint(uint64(uintptr(unsafe.Pointer(unsafe.StringData(name)))) * 0x9e3779b97f4a7c15 >> 60)
}

// siteLookup returns the column whose name is the same bytes as name
// (same address and length), nil when neither of its slots holds it.
func (t *TableClause) siteLookup(name string) *ColumnClause {
	i := colSite(name)
	if c := t.bySite[i]; c != nil && sameBytes(c.name, name) {
		return c
	}
	if c := t.bySite[i^1]; c != nil && sameBytes(c.name, name) {
		return c
	}
	return nil
}

// sameBytes reports whether a and b are the same bytes in memory, which
// makes them equal.
func sameBytes(a, b string) bool {
	return unsafe.StringData(a) == unsafe.StringData(b) && len(a) == len(b)
}

// Name returns the table's name (without its schema).
func (t *TableClause) Name() string { return t.name }

// QuotedName returns the table's name, without its schema, as dialect d
// writes it, quoted where d needs it, with a [dialects.IdentifierError]
// for a name no quoting can carry. Like [ColumnClause.QuotedName] it is
// kept for the dialect that asked last.
func (t *TableClause) QuotedName(d *dialects.Dialect) (string, error) {
	return quoteCached(&t.quoted, d, t.name)
}

// Schema returns the table's schema, empty for the default one.
func (t *TableClause) Schema() string { return t.schema }

// Clause returns t itself; metadata.Table promotes it so that code can
// reach the clause of a declared table explicitly.
func (t *TableClause) Clause() *TableClause { return t }

// LookupColumn returns the column named name, or nil when the table has
// none (C returns a column that fails to compile instead).
func (t *TableClause) LookupColumn(name string) *ColumnClause { return t.lookup(name) }

// lookup returns the column named name, nil for none. A short column
// list is scanned, which is faster than hashing the name; columns and
// byName always hold the same (uniquely named) columns.
func (t *TableClause) lookup(name string) *ColumnClause {
	if c := t.siteLookup(name); c != nil {
		return c
	}
	if len(t.names) <= 8 {
		for i, n := range t.names {
			// Equal string literals share their bytes in a Go binary, so
			// the usual C("id") matches by address, without comparing.
			if len(n) == len(name) && (unsafe.StringData(n) == unsafe.StringData(name) || n == name) {
				return t.columns[i]
			}
		}
		return nil
	}
	return t.byName[name]
}

// Columns returns the table's columns in declaration order. The
// slice must not be modified.
func (t *TableClause) Columns() []*ColumnClause { return t.columns }

// ColumnClause is a column of a table (or of an alias or subquery). It is
// an [Expr]: it has all the operator methods (Eq, Like, In, …).
type ColumnClause struct {
	Operators
	table *TableClause
	name  string
	from  FromClause // the alias, subquery or CTE it is read from; nil: table
	err   error      // set for a column that does not exist; see TableClause.C
	id    uint64     // interned (schema, table, name) of a table column
	kw    uint64     // its word in a fast cache key (shape.go); 0 but for a table column
	typ   types.Type // nil: untyped, values pass as the driver gives them
	// clientDefault is the INSERT default, see SetClientDefault.
	clientDefault any
	// updateDefault is the UPDATE default, see SetClientUpdateDefault.
	updateDefault any
	// cmp is the last comparison with another column made with this
	// one on the left (see compareColumns).
	cmp atomic.Pointer[BinaryExpr]
	// quoted is the name as the dialect that last wrote it writes it
	// (see compiler.cachedIdent); used for a table's own columns.
	quoted atomic.Pointer[quotedIdent]
}

// Name returns the column's name.
func (c *ColumnClause) Name() string { return c.name }

// QuotedName returns the column's name as dialect d writes it, quoted
// where d needs it (a reserved word, upper case, a space), with a
// [dialects.IdentifierError] for a name no quoting can carry. The name
// never changes, so the answer is kept for the dialect that asked last,
// the copy compiled statements use: DDL that names a column in its
// definition, its constraints and its indexes quotes it once.
func (c *ColumnClause) QuotedName(d *dialects.Dialect) (string, error) {
	return quoteCached(&c.quoted, d, c.name)
}

// Type returns the column's type, nil for an untyped column.
func (c *ColumnClause) Type() types.Type { return c.typ }

// SetType gives the column a type (see [TableClause.AddTypedColumn]);
// the schema layer calls it when a column's type becomes known after the
// column was made (a foreign key's type). Call it before the column is
// used by concurrent statements.
func (c *ColumnClause) SetType(typ types.Type) { c.typ = typ }

// Table returns the table the column belongs to: the aliased table for a
// column of an alias, nil for a column of a subquery or CTE and for a
// standalone [NewColumn].
func (c *ColumnClause) Table() *TableClause { return c.table }
