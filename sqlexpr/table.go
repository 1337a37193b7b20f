package sqlexpr

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
	byName  map[string]*ColumnClause
}

// NewTable returns a table clause named name with the given columns.
func NewTable(name string, columns ...string) *TableClause {
	t := &TableClause{name: name, byName: make(map[string]*ColumnClause, len(columns))}
	for _, c := range columns {
		t.AddColumn(c)
	}
	return t
}

// NewSchemaTable is NewTable for a table inside a schema.
func NewSchemaTable(schema, name string, columns ...string) *TableClause {
	t := NewTable(name, columns...)
	t.schema = schema
	return t
}

// AddColumn appends a column named name and returns it. Adding a name
// twice returns the existing column.
func (t *TableClause) AddColumn(name string) *ColumnClause {
	if c, ok := t.byName[name]; ok {
		return c
	}
	c := &ColumnClause{table: t, name: name}
	t.columns = append(t.columns, c)
	if t.byName == nil {
		t.byName = map[string]*ColumnClause{}
	}
	t.byName[name] = c
	return c
}

// TableName returns the table's name.
func (t *TableClause) TableName() string { return t.name }

// Schema returns the table's schema, empty for the default one.
func (t *TableClause) Schema() string { return t.schema }

// Clause returns t itself; metadata.Table promotes it so that code can
// reach the clause of a declared table explicitly.
func (t *TableClause) Clause() *TableClause { return t }

// Column returns the column named name, or nil when the table has none.
func (t *TableClause) Column(name string) *ColumnClause { return t.byName[name] }

// ColumnClauses returns the table's columns in declaration order. The
// slice must not be modified.
func (t *TableClause) ColumnClauses() []*ColumnClause { return t.columns }

// ColumnClause is a column of a table (or of an alias or subquery).
type ColumnClause struct {
	table *TableClause
	name  string
}

// ColumnName returns the column's name.
func (c *ColumnClause) ColumnName() string { return c.name }

// Table returns the table the column belongs to.
func (c *ColumnClause) Table() *TableClause { return c.table }
