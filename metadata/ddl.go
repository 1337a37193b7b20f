package metadata

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// compiler renders DDL statements for one dialect. It is pure: the
// statements are executed elsewhere (create.go).
type compiler struct {
	d  *dialects.Dialect
	md *MetaData
	// named are the foreign keys that must have a name on this dialect:
	// those that may be added or dropped with ALTER TABLE.
	named map[*ForeignKeyDef]bool
}

func newCompiler(d *dialects.Dialect, md *MetaData) *compiler {
	c := &compiler{d: d, md: md, named: map[*ForeignKeyDef]bool{}}
	if d.Features.Alter {
		c.named = cycleKeys(md.tables)
		for _, t := range md.tables {
			for _, fk := range t.fks {
				if fk.useAlter {
					c.named[fk] = true
				}
			}
		}
	}
	return c
}

// ddlErr wraps err with the table, column and dialect it concerns.
func (c *compiler) ddlErr(t *Table, column string, err error) error {
	var de *DDLError
	if errors.As(err, &de) {
		return err
	}
	return &DDLError{Dialect: c.d.Name, Table: t.key, Column: column, Err: err}
}

// ident quotes one identifier where the dialect needs it.
func (c *compiler) ident(name string) (string, error) { return c.d.QuoteIdent(name) }

// tableName renders the (schema-qualified) table name.
func (c *compiler) tableName(t *Table) (string, error) {
	name, err := c.ident(t.Name())
	if err != nil || t.Schema() == "" {
		return name, err
	}
	schema, err := c.ident(t.Schema())
	return schema + "." + name, err
}

// columnList renders "(a, b)".
func (c *compiler) columnList(cols []*ColumnDef) (string, error) {
	q := make([]string, len(cols))
	for i, col := range cols {
		var err error
		if q[i], err = c.ident(col.name); err != nil {
			return "", err
		}
	}
	return "(" + strings.Join(q, ", ") + ")", nil
}

// createTable renders CREATE TABLE. Foreign keys for which inline
// returns false are left out (they are added with ALTER TABLE).
func (c *compiler) createTable(t *Table, inline func(*ForeignKeyDef) bool) (string, error) {
	name, err := c.tableName(t)
	if err != nil {
		return "", c.ddlErr(t, "", err)
	}
	var elems []string
	for _, col := range t.columns {
		spec, err := c.columnSpec(t, col)
		if err != nil {
			return "", c.ddlErr(t, col.name, err)
		}
		elems = append(elems, spec)
	}
	cons, err := c.tableConstraints(t, inline)
	if err != nil {
		return "", c.ddlErr(t, "", err)
	}
	elems = append(elems, cons...)
	s := "CREATE TABLE " + name + " (\n\t" + strings.Join(elems, ",\n\t") + "\n)"
	if t.comment != "" && c.d.Features.Comments && c.d.DDL.InlineComments {
		s += " COMMENT=" + c.d.QuoteString(t.comment)
	}
	return s, nil
}

// tableConstraints renders the primary key, then the table-level
// constraints in declaration order, then those that columns bring, in
// column order as SQLAlchemy emits them: per column its UNIQUE, then
// the CHECK its type brings and its named CHECKs where the dialect takes
// them only at table level (MySQL), then its foreign keys.
func (c *compiler) tableConstraints(t *Table, inline func(*ForeignKeyDef) bool) ([]string, error) {
	var out []string
	add := func(s string, err error) error {
		if err == nil && s != "" {
			out = append(out, s)
		}
		return err
	}
	if len(t.pk.columns) > 0 {
		if err := add(c.primaryKey(t)); err != nil {
			return nil, err
		}
	}
	for _, con := range t.explicit {
		if err := add(c.constraint(t, con, inline)); err != nil {
			return nil, err
		}
	}
	for _, col := range t.columns {
		if err := c.columnConstraints(t, col, inline, add); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// columnConstraints renders, through add, the table-level constraints
// that col brings (see tableConstraints for the order).
func (c *compiler) columnConstraints(t *Table, col *ColumnDef, inline func(*ForeignKeyDef) bool, add func(string, error) error) error {
	for _, u := range t.uniques {
		if u.fromColumn && len(u.columns) == 1 && u.columns[0] == col {
			if err := add(c.unique(t, u)); err != nil {
				return err
			}
		}
	}
	tc, err := col.TypeCheck(c.d)
	if err != nil {
		return err
	}
	checks := col.checks
	if tc != nil {
		checks = append([]*CheckDef{tc}, checks...)
	}
	for _, ck := range checks {
		if c.checkAtTableLevel(ck) {
			if err := add(c.check(t, ck)); err != nil {
				return err
			}
		}
	}
	for _, fk := range col.fks {
		if fk.fromColumn && inline(fk) {
			if err := add(c.foreignKey(fk)); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *compiler) constraint(t *Table, con constraint, inline func(*ForeignKeyDef) bool) (string, error) {
	switch con := con.(type) {
	case *ForeignKeyDef:
		if !inline(con) {
			return "", nil
		}
		return c.foreignKey(con)
	case *UniqueDef:
		return c.unique(t, con)
	case *CheckDef:
		return c.check(t, con)
	}
	panic(fmt.Sprintf("metadata: bug: unknown constraint %T", con))
}

// constraintPrefix renders "CONSTRAINT name " or nothing.
func (c *compiler) constraintPrefix(r nameRequest) (string, error) {
	name, err := c.name(r)
	if err != nil || name == "" {
		return "", err
	}
	q, err := c.ident(name)
	return "CONSTRAINT " + q + " ", err
}

func (c *compiler) primaryKey(t *Table) (string, error) {
	prefix, err := c.constraintPrefix(nameRequest{kind: "pk", explicit: t.pk.name, table: t, columns: t.pk.columns})
	if err != nil {
		return "", err
	}
	cols, err := c.columnList(t.pk.columns)
	return prefix + "PRIMARY KEY " + cols, err
}

func (c *compiler) unique(t *Table, u *UniqueDef) (string, error) {
	prefix, err := c.constraintPrefix(nameRequest{kind: "uq", explicit: u.name, table: t, columns: u.columns})
	if err != nil {
		return "", err
	}
	cols, err := c.columnList(u.columns)
	return prefix + "UNIQUE " + cols, err
}

func (c *compiler) check(t *Table, ck *CheckDef) (string, error) {
	var cols []*ColumnDef
	if ck.column != nil {
		cols = []*ColumnDef{ck.column}
	}
	prefix, err := c.constraintPrefix(nameRequest{kind: "ck", explicit: ck.name, table: t, columns: cols, typeBound: ck.typeBound})
	return prefix + "CHECK (" + ck.sql + ")", err
}

// foreignKeyName returns the name a foreign key is created under.
func (c *compiler) foreignKeyName(fk *ForeignKeyDef) (string, error) {
	return c.name(nameRequest{kind: "fk", explicit: fk.name, table: fk.table, columns: fk.columns,
		refTable: fk.refTable, refCols: fk.refColumns, force: c.named[fk]})
}

// foreignKey renders "[CONSTRAINT n ]FOREIGN KEY(a) REFERENCES p (id) …".
func (c *compiler) foreignKey(fk *ForeignKeyDef) (string, error) {
	name, err := c.foreignKeyName(fk)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if name != "" {
		q, err := c.ident(name)
		if err != nil {
			return "", err
		}
		b.WriteString("CONSTRAINT " + q + " ")
	}
	local, err := c.columnList(fk.columns)
	if err != nil {
		return "", err
	}
	ref, err := c.tableName(fk.refTable)
	if c.d.DDL.LocalSchemaReferences {
		if fk.refTable.Schema() != fk.table.Schema() {
			return "", fmt.Errorf("dialect %s cannot reference a table of another schema (%s)", c.d.Name, fk.refTable.key)
		}
		ref, err = c.ident(fk.refTable.Name())
	}
	if err != nil {
		return "", err
	}
	refCols, err := c.columnList(fk.refColumns)
	if err != nil {
		return "", err
	}
	b.WriteString("FOREIGN KEY" + local + " REFERENCES " + ref + " " + refCols)
	for _, opt := range [][2]string{{"ON DELETE ", fk.onDelete}, {"ON UPDATE ", fk.onUpdate}} {
		if opt[1] != "" {
			b.WriteString(" " + opt[0] + opt[1])
		}
	}
	if fk.deferrable && !c.d.DDL.DeferrableConstraints {
		return "", fmt.Errorf("dialect %s has no deferrable foreign keys (%s)", c.d.Name, fk.target)
	}
	if fk.deferrable {
		b.WriteString(" DEFERRABLE")
	}
	if fk.initially != "" {
		b.WriteString(" INITIALLY " + fk.initially)
	}
	return b.String(), nil
}

// createIndexes renders the table's CREATE INDEX statements, sorted by
// name so that the script is the same on every run (SQLAlchemy's order
// follows a hash set and changes between processes).
func (c *compiler) createIndexes(t *Table) ([]string, error) {
	type named struct{ name, sql string }
	var out []named
	table, err := c.tableName(t)
	if c.d.DDL.LocalSchemaReferences {
		table, err = c.ident(t.Name())
	}
	if err != nil {
		return nil, c.ddlErr(t, "", err)
	}
	for _, ix := range t.indexes {
		name, err := c.name(nameRequest{kind: "ix", explicit: ix.name, table: t, columns: ix.columns, force: true})
		if err != nil {
			return nil, c.ddlErr(t, "", fmt.Errorf("index: %w", err))
		}
		q, err := c.indexName(t, name)
		if err != nil {
			return nil, c.ddlErr(t, "", err)
		}
		cols, err := c.columnList(ix.columns)
		if err != nil {
			return nil, c.ddlErr(t, "", err)
		}
		kw := "CREATE INDEX "
		if ix.unique {
			kw = "CREATE UNIQUE INDEX "
		}
		out = append(out, named{name, kw + q + " ON " + table + " " + cols})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	stmts := make([]string, len(out))
	for i, n := range out {
		stmts[i] = n.sql
	}
	return stmts, nil
}

// comments renders COMMENT ON statements where comments are separate
// statements (PostgreSQL). MySQL writes them inline; SQLite has none.
func (c *compiler) comments(t *Table) ([]string, error) {
	if !c.d.Features.Comments || c.d.DDL.InlineComments {
		return nil, nil
	}
	table, err := c.tableName(t)
	if err != nil {
		return nil, c.ddlErr(t, "", err)
	}
	var out []string
	if t.comment != "" {
		out = append(out, "COMMENT ON TABLE "+table+" IS "+c.d.QuoteString(t.comment))
	}
	for _, col := range t.columns {
		if col.comment == "" {
			continue
		}
		q, err := c.ident(col.name)
		if err != nil {
			return nil, c.ddlErr(t, col.name, err)
		}
		out = append(out, "COMMENT ON COLUMN "+table+"."+q+" IS "+c.d.QuoteString(col.comment))
	}
	return out, nil
}

// indexName renders an index's name, schema-qualified where the dialect
// puts the schema there.
func (c *compiler) indexName(t *Table, name string) (string, error) {
	q, err := c.ident(name)
	if err != nil || !c.d.DDL.LocalSchemaReferences || t.Schema() == "" {
		return q, err
	}
	schema, err := c.ident(t.Schema())
	return schema + "." + q, err
}

// addForeignKey renders ALTER TABLE … ADD CONSTRAINT for a deferred key.
func (c *compiler) addForeignKey(fk *ForeignKeyDef) (string, error) {
	table, err := c.tableName(fk.table)
	if err != nil {
		return "", c.ddlErr(fk.table, "", err)
	}
	clause, err := c.foreignKey(fk)
	if err != nil {
		return "", c.ddlErr(fk.table, "", err)
	}
	return "ALTER TABLE " + table + " ADD " + clause, nil
}

// dropForeignKey renders ALTER TABLE … DROP CONSTRAINT (DROP FOREIGN KEY
// on MySQL) for a deferred key.
func (c *compiler) dropForeignKey(fk *ForeignKeyDef) (string, error) {
	table, err := c.tableName(fk.table)
	if err != nil {
		return "", c.ddlErr(fk.table, "", err)
	}
	name, err := c.foreignKeyName(fk)
	if err == nil && name == "" {
		err = errors.New("bug: a deferred foreign key has no name")
	}
	if err != nil {
		return "", c.ddlErr(fk.table, "", err)
	}
	q, err := c.ident(name)
	if err != nil {
		return "", c.ddlErr(fk.table, "", err)
	}
	clause := c.d.DDL.DropForeignKeyClause
	if clause == "" {
		clause = "DROP CONSTRAINT"
	}
	return "ALTER TABLE " + table + " " + clause + " " + q, nil
}

// dropTable renders DROP TABLE.
func (c *compiler) dropTable(t *Table) (string, error) {
	name, err := c.tableName(t)
	if err != nil {
		return "", c.ddlErr(t, "", err)
	}
	return "DROP TABLE " + name, nil
}

// createEnum renders CREATE TYPE … AS ENUM for the named enum style.
func (c *compiler) createEnum(t *Table, col *ColumnDef, e *types.EnumType) (string, error) {
	name, err := e.DDL(c.d)
	if err != nil {
		return "", c.ddlErr(t, col.name, err)
	}
	return "CREATE TYPE " + name + " AS ENUM (" + e.Labels(c.d, ", ") + ")", nil
}

// dropEnum renders DROP TYPE.
func (c *compiler) dropEnum(e *types.EnumType) (string, error) {
	name, err := c.ident(e.Name)
	if err != nil {
		return "", &DDLError{Dialect: c.d.Name, Err: err}
	}
	return "DROP TYPE " + name, nil
}
