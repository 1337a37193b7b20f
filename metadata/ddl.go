package metadata

import (
	"errors"
	"fmt"
	"slices"
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

// columnIdent is the column's name as the dialect writes it. A schema's
// DDL names every column again in its constraints and indexes, and every
// table again in the foreign keys that refer to it; the clauses keep
// their quoted names per dialect (sqlexpr's QuotedName), so each is
// looked up among the reserved words once (a fifth of CreateAllSQL's time
// before).
func (c *compiler) columnIdent(col *ColumnDef) (string, error) { return col.QuotedName(c.d) }

// tableIdent is the table's name, without its schema, as the dialect
// writes it.
func (c *compiler) tableIdent(t *Table) (string, error) { return t.QuotedName(c.d) }

// The write methods below render into one strings.Builder per statement:
// CreateAll renders every table, key and index of a schema, and building
// each clause as a string of its own and joining them cost a third of
// its time in allocations (BenchmarkCreateAllSQL). On an error the
// builder holds a partial statement, which the caller drops.

// writeIdent writes name, quoted where the dialect needs it.
func (c *compiler) writeIdent(b *strings.Builder, name string) error {
	q, err := c.d.QuoteIdent(name)
	b.WriteString(q)
	return err
}

// tableName renders the (schema-qualified) table name.
func (c *compiler) tableName(t *Table) (string, error) {
	name, err := c.tableIdent(t)
	if err != nil || t.Schema() == "" {
		return name, err
	}
	schema, err := c.ident(t.Schema())
	return schema + "." + name, err
}

// writeTableName writes the (schema-qualified) table name. The name is
// quoted first, so that its error wins as in tableName.
func (c *compiler) writeTableName(b *strings.Builder, t *Table) error {
	name, err := c.tableIdent(t)
	if err != nil {
		return err
	}
	if t.Schema() != "" {
		if err := c.writeIdent(b, t.Schema()); err != nil {
			return err
		}
		b.WriteByte('.')
	}
	b.WriteString(name)
	return nil
}

// writeColumnList writes "(a, b)".
func (c *compiler) writeColumnList(b *strings.Builder, cols []*ColumnDef) error {
	b.WriteByte('(')
	for i, col := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		q, err := c.columnIdent(col)
		if err != nil {
			return err
		}
		b.WriteString(q)
	}
	b.WriteByte(')')
	return nil
}

// elemList writes the comma-separated elements of CREATE TABLE, one per
// line.
type elemList struct {
	b *strings.Builder
	n int
}

// next starts an element.
func (l *elemList) next() *strings.Builder {
	if l.n > 0 {
		l.b.WriteString(",\n\t")
	}
	l.n++
	return l.b
}

// createTable renders CREATE TABLE. Foreign keys for which inline
// returns false are left out (they are added with ALTER TABLE).
func (c *compiler) createTable(t *Table, inline func(*ForeignKeyDef) bool) (string, error) {
	var b strings.Builder
	// Room for a typical column and constraint, so that the builder
	// seldom grows: a few dozen bytes each.
	b.Grow(32 + len(t.Name()) + 40*len(t.columns) + 72*len(t.fks) + 24*(len(t.explicit)+len(t.uniques)))
	b.WriteString("CREATE TABLE ")
	if err := c.writeTableName(&b, t); err != nil {
		return "", c.ddlErr(t, "", err)
	}
	b.WriteString(" (\n\t")
	l := elemList{b: &b}
	for _, col := range t.columns {
		if err := c.writeColumnSpec(l.next(), t, col); err != nil {
			return "", c.ddlErr(t, col.name, err)
		}
	}
	if err := c.writeTableConstraints(&l, t, inline); err != nil {
		return "", c.ddlErr(t, "", err)
	}
	b.WriteString("\n)")
	if t.comment != "" && c.d.Features.Comments && c.d.DDL.InlineComments {
		b.WriteString(" COMMENT=")
		b.WriteString(c.d.QuoteString(t.comment))
	}
	return b.String(), nil
}

// writeTableConstraints writes the primary key, then the table-level
// constraints in declaration order, then those that columns bring, in
// column order as SQLAlchemy emits them: per column its UNIQUE, then
// the CHECK its type brings and its named CHECKs where the dialect takes
// them only at table level (MySQL), then its foreign keys.
func (c *compiler) writeTableConstraints(l *elemList, t *Table, inline func(*ForeignKeyDef) bool) error {
	if len(t.pk.columns) > 0 {
		if err := c.writePrimaryKey(l.next(), t); err != nil {
			return err
		}
	}
	for _, con := range t.explicit {
		if fk, ok := con.(*ForeignKeyDef); ok && !inline(fk) {
			continue
		}
		if err := c.writeConstraint(l.next(), t, con); err != nil {
			return err
		}
	}
	for _, col := range t.columns {
		if err := c.writeColumnConstraints(l, t, col, inline); err != nil {
			return err
		}
	}
	return nil
}

// writeColumnConstraints writes the table-level constraints that col
// brings (see writeTableConstraints for the order).
func (c *compiler) writeColumnConstraints(l *elemList, t *Table, col *ColumnDef, inline func(*ForeignKeyDef) bool) error {
	for _, u := range t.uniques {
		if u.fromColumn && len(u.columns) == 1 && u.columns[0] == col {
			if err := c.writeUnique(l.next(), t, u); err != nil {
				return err
			}
		}
	}
	tc, err := col.typeCheck(c.d)
	if err != nil {
		return err
	}
	if tc != nil && c.checkAtTableLevel(tc) {
		if err := c.writeCheck(l.next(), t, tc); err != nil {
			return err
		}
	}
	for _, ck := range col.checks {
		if c.checkAtTableLevel(ck) {
			if err := c.writeCheck(l.next(), t, ck); err != nil {
				return err
			}
		}
	}
	for _, fk := range col.fks {
		if fk.fromColumn && inline(fk) {
			if err := c.writeForeignKey(l.next(), fk); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeConstraint writes a table-level constraint the table declared.
func (c *compiler) writeConstraint(b *strings.Builder, t *Table, con constraint) error {
	switch con := con.(type) {
	case *ForeignKeyDef:
		return c.writeForeignKey(b, con)
	case *UniqueDef:
		return c.writeUnique(b, t, con)
	case *CheckDef:
		return c.writeCheck(b, t, con)
	}
	panic(fmt.Sprintf("metadata: bug: unknown constraint %T", con))
}

// writeConstraintPrefix writes "CONSTRAINT name " or nothing.
func (c *compiler) writeConstraintPrefix(b *strings.Builder, r nameRequest) error {
	name, err := c.name(r)
	if err != nil || name == "" {
		return err
	}
	b.WriteString("CONSTRAINT ")
	if err := c.writeIdent(b, name); err != nil {
		return err
	}
	b.WriteByte(' ')
	return nil
}

func (c *compiler) writePrimaryKey(b *strings.Builder, t *Table) error {
	if err := c.writeConstraintPrefix(b, nameRequest{kind: "pk", explicit: t.pk.name, table: t, columns: t.pk.columns}); err != nil {
		return err
	}
	b.WriteString("PRIMARY KEY ")
	return c.writeColumnList(b, t.pk.columns)
}

func (c *compiler) writeUnique(b *strings.Builder, t *Table, u *UniqueDef) error {
	if err := c.writeConstraintPrefix(b, nameRequest{kind: "uq", explicit: u.name, table: t, columns: u.columns}); err != nil {
		return err
	}
	b.WriteString("UNIQUE ")
	return c.writeColumnList(b, u.columns)
}

func (c *compiler) writeCheck(b *strings.Builder, t *Table, ck *CheckDef) error {
	var cols []*ColumnDef
	if ck.column != nil {
		cols = []*ColumnDef{ck.column}
	}
	if err := c.writeConstraintPrefix(b, nameRequest{kind: "ck", explicit: ck.name, table: t, columns: cols, typeBound: ck.typeBound}); err != nil {
		return err
	}
	b.WriteString("CHECK (")
	b.WriteString(ck.sql)
	b.WriteByte(')')
	return nil
}

// foreignKeyName returns the name a foreign key is created under.
func (c *compiler) foreignKeyName(fk *ForeignKeyDef) (string, error) {
	return c.name(nameRequest{kind: "fk", explicit: fk.name, table: fk.table, columns: fk.columns,
		refTable: fk.refTable, refCols: fk.refColumns, force: c.named[fk]})
}

// writeForeignKey writes "[CONSTRAINT n ]FOREIGN KEY(a) REFERENCES p (id) …".
func (c *compiler) writeForeignKey(b *strings.Builder, fk *ForeignKeyDef) error {
	name, err := c.foreignKeyName(fk)
	if err != nil {
		return err
	}
	if name != "" {
		b.WriteString("CONSTRAINT ")
		if err := c.writeIdent(b, name); err != nil {
			return err
		}
		b.WriteByte(' ')
	}
	b.WriteString("FOREIGN KEY")
	if err := c.writeColumnList(b, fk.columns); err != nil {
		return err
	}
	b.WriteString(" REFERENCES ")
	if c.d.DDL.LocalSchemaReferences {
		if fk.refTable.Schema() != fk.table.Schema() {
			return fmt.Errorf("dialect %s cannot reference a table of another schema (%s)", c.d.Name, fk.refTable.key)
		}
		var q string
		q, err = c.tableIdent(fk.refTable)
		b.WriteString(q)
	} else {
		err = c.writeTableName(b, fk.refTable)
	}
	if err != nil {
		return err
	}
	b.WriteByte(' ')
	if err := c.writeColumnList(b, fk.refColumns); err != nil {
		return err
	}
	if fk.onDelete != "" {
		b.WriteString(" ON DELETE ")
		b.WriteString(fk.onDelete)
	}
	if fk.onUpdate != "" {
		b.WriteString(" ON UPDATE ")
		b.WriteString(fk.onUpdate)
	}
	if fk.deferrable && !c.d.DDL.DeferrableConstraints {
		return fmt.Errorf("dialect %s has no deferrable foreign keys (%s)", c.d.Name, fk.target)
	}
	if fk.deferrable {
		b.WriteString(" DEFERRABLE")
	}
	if fk.initially != "" {
		b.WriteString(" INITIALLY ")
		b.WriteString(fk.initially)
	}
	return nil
}

// createIndexes appends the table's CREATE INDEX statements to dst,
// sorted by name so that the script is the same on every run
// (SQLAlchemy's order follows a hash set and changes between processes).
func (c *compiler) createIndexes(dst []string, t *Table) ([]string, error) {
	if len(t.indexes) == 0 {
		return dst, nil
	}
	table, err := c.tableName(t)
	if c.d.DDL.LocalSchemaReferences {
		table, err = c.tableIdent(t)
	}
	if err != nil {
		return nil, c.ddlErr(t, "", err)
	}
	type named struct{ name, sql string }
	var one [1]named // most tables have one index or none
	out := one[:0]
	for _, ix := range t.indexes {
		name, err := c.name(nameRequest{kind: "ix", explicit: ix.name, table: t, columns: ix.columns, force: true})
		if err != nil {
			return nil, c.ddlErr(t, "", fmt.Errorf("index: %w", err))
		}
		q, err := c.indexName(t, name)
		if err != nil {
			return nil, c.ddlErr(t, "", err)
		}
		var b strings.Builder
		b.Grow(24 + len(q) + len(table) + 16*len(ix.columns))
		if ix.unique {
			b.WriteString("CREATE UNIQUE INDEX ")
		} else {
			b.WriteString("CREATE INDEX ")
		}
		b.WriteString(q)
		b.WriteString(" ON ")
		b.WriteString(table)
		b.WriteByte(' ')
		if err := c.writeColumnList(&b, ix.columns); err != nil {
			return nil, c.ddlErr(t, "", err)
		}
		out = append(out, named{name, b.String()})
	}
	if len(out) > 1 {
		slices.SortStableFunc(out, func(a, b named) int { return strings.Compare(a.name, b.name) })
	}
	for _, n := range out {
		dst = append(dst, n.sql)
	}
	return dst, nil
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
	var b strings.Builder
	b.WriteString("ALTER TABLE ")
	b.WriteString(table)
	b.WriteString(" ADD ")
	if err := c.writeForeignKey(&b, fk); err != nil {
		return "", c.ddlErr(fk.table, "", err)
	}
	return b.String(), nil
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
