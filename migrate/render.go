package migrate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
)

// SQL renders ops as SQL statements (without the trailing ";") for
// dialect d, in order.
//
// The rendering reads the dialect's fields, never its name:
//   - Features.Alter false (SQLite): column changes and constraint changes
//     are only possible through a [RecreateTable] (batch mode); the
//     remaining operations are CREATE/DROP TABLE, CREATE/DROP INDEX and
//     ALTER TABLE … ADD COLUMN.
//   - DDL.InlineComments true (MySQL, MariaDB: a column definition carries
//     everything about the column): a type or nullability change restates
//     the column with ALTER TABLE … MODIFY; otherwise ALTER COLUMN … TYPE /
//     SET NOT NULL / DROP NOT NULL (PostgreSQL).
//   - DDL.DropIndexOnTable (MySQL): DROP INDEX … ON table, and a unique
//     constraint, which is an index there, is dropped with DROP INDEX.
//   - DDL.DropForeignKeyClause: DROP CONSTRAINT or DROP FOREIGN KEY.
func SQL(d *dialects.Dialect, ops ...Op) ([]string, error) {
	r := renderer{d: d}
	var out []string
	for _, o := range ops {
		stmts, err := r.op(o)
		if err != nil {
			return nil, fmt.Errorf("migrate: %s on dialect %s: %w", o.Describe(), d.Name, err)
		}
		out = append(out, stmts...)
	}
	return out, nil
}

type renderer struct{ d *dialects.Dialect }

// needsAlter reports the operations only ALTER TABLE … ALTER/ADD/DROP
// CONSTRAINT can express; without Features.Alter they go through a
// batch rebuild of the table instead.
func needsAlter(o Op) bool {
	switch o.(type) {
	case AlterColumn, AddUnique, DropUnique, AddForeignKey, DropForeignKey, AddCheck, DropCheck:
		return true
	}
	return false
}

func (r renderer) op(o Op) ([]string, error) {
	if !r.d.Features.Alter && needsAlter(o) {
		return nil, errNeedsBatch
	}
	switch o := o.(type) {
	case CreateTable:
		return r.createTable(o.Table)
	case DropTable:
		t, err := r.table(o.Table)
		return one("DROP TABLE "+t, err)
	case AddColumn:
		return r.addColumn(o)
	case DropColumn:
		if !r.d.Features.Alter && !simpleDrop(o.Table, o.Column) {
			return nil, errNeedsBatch
		}
		t, err := r.table(o.Table)
		if err != nil {
			return nil, err
		}
		c, err := r.d.QuoteIdent(o.Column.Name())
		return one("ALTER TABLE "+t+" DROP COLUMN "+c, err)
	case AlterColumn:
		return r.alterColumn(o)
	case CreateIndex:
		return r.createIndex(o.Index)
	case DropIndex:
		return r.dropIndex(o.Index)
	case AddUnique:
		return r.addUnique(o.Unique)
	case DropUnique:
		return r.dropUnique(o.Unique)
	case AddForeignKey:
		return r.addForeignKey(o.ForeignKey)
	case DropForeignKey:
		t, err := r.table(o.ForeignKey.Parent())
		if err != nil {
			return nil, err
		}
		n, err := r.fkName(o.ForeignKey)
		return one("ALTER TABLE "+t+" "+r.d.DDL.DropForeignKeyClause+" "+n, err)
	case AddCheck:
		t, err := r.table(o.Table)
		if err != nil {
			return nil, err
		}
		n, err := r.checkName(o.Check)
		if err != nil {
			return nil, err
		}
		return []string{"ALTER TABLE " + t + " ADD CONSTRAINT " + n + " CHECK (" + o.Check.SQL() + ")"}, nil
	case DropCheck:
		t, err := r.table(o.Table)
		if err != nil {
			return nil, err
		}
		n, err := r.checkName(o.Check)
		return one("ALTER TABLE "+t+" DROP CONSTRAINT "+n, err)
	case CreateEnum:
		return r.enum(o.Enum, true)
	case DropEnum:
		return r.enum(o.Enum, false)
	case ReplaceEnum:
		return r.replaceEnum(o)
	case RecreateTable:
		if !r.d.Features.Alter {
			return r.batch(o.From, o.To, o.Changes)
		}
		var out []string
		for _, c := range o.Changes {
			s, err := r.op(c)
			if err != nil {
				return nil, err
			}
			out = append(out, s...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown operation %T", o)
}

// errNeedsBatch is returned for a constraint change rendered alone on a
// dialect without ALTER; Diff wraps such changes in a RecreateTable.
var errNeedsBatch = errors.New("the dialect cannot ALTER this; wrap the change in a migrate.RecreateTable (batch mode)")

func one(s string, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// table renders a table's (schema-qualified) quoted name.
func (r renderer) table(t *metadata.Table) (string, error) {
	n, err := r.d.QuoteIdent(t.Name())
	if err != nil || t.Schema() == "" {
		return n, err
	}
	s, err := r.d.QuoteIdent(t.Schema())
	return s + "." + n, err
}

func (r renderer) quoteAll(cols []*metadata.ColumnDef) (string, error) {
	q := make([]string, len(cols))
	for i, c := range cols {
		var err error
		if q[i], err = r.d.QuoteIdent(c.Name()); err != nil {
			return "", err
		}
	}
	return strings.Join(q, ", "), nil
}

// createTable is metadata.CreateTableSQL split into its statements.
func (r renderer) createTable(t *metadata.Table) ([]string, error) {
	s, err := metadata.CreateTableSQL(t, r.d)
	if err != nil {
		return nil, err
	}
	return splitScript(s), nil
}

// splitScript splits a metadata script ("stmt;\n\nstmt;\n").
func splitScript(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.TrimSpace(s), ";\n\n") {
		p = strings.TrimSuffix(strings.TrimSpace(p), ";")
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// columnSpec renders a column definition for ADD COLUMN or MODIFY: name,
// type, server default, NOT NULL, and the CHECK a type implies on
// dialects without a native boolean or enum.
func (r renderer) columnSpec(c *metadata.ColumnDef, modify bool) (string, error) {
	name, err := r.d.QuoteIdent(c.Name())
	if err != nil {
		return "", err
	}
	typ, err := c.TypeDDL(r.d)
	if err != nil {
		return "", err
	}
	auto := ""
	if c.Autoincrements() {
		// Restating an existing autoincrement column (MODIFY) keeps the
		// keyword; other styles cannot be written in a column change.
		if !modify || r.d.DDL.AutoincrementStyle != "auto_increment" {
			return "", fmt.Errorf("column %s: adding an autoincrement column is not supported", c.Name())
		}
		auto = "AUTO_INCREMENT"
	}
	def, notNull := "", ""
	if sd := c.ServerDefault(); sd != nil {
		def = "DEFAULT " + sd.SQL(r.d)
	}
	if !c.Nullable() {
		notNull = "NOT NULL"
	}
	parts := []string{name, typ, def, notNull, auto}
	if r.d.DDL.NotNullBeforeDefault {
		parts = []string{name, typ, notNull, auto, def}
	}
	if c.Comment() != "" && r.d.Features.Comments && r.d.DDL.InlineComments {
		parts = append(parts, "COMMENT "+r.d.QuoteString(c.Comment()))
	}
	ck, err := c.TypeCheck(r.d)
	if err != nil {
		return "", err
	}
	if ck != nil {
		// Inline, named where it has a name, except a named one on a
		// dialect that takes names only at table level (MySQL): addColumn
		// adds that one as a clause of its own, and MODIFY leaves the
		// table's existing one alone.
		n, err := ck.NameOn(r.d)
		if err != nil {
			return "", err
		}
		switch {
		case n == "":
			parts = append(parts, "CHECK ("+ck.SQL()+")")
		case !r.d.DDL.NamedChecksAtTableLevel:
			q, err := r.d.QuoteIdent(n)
			if err != nil {
				return "", err
			}
			parts = append(parts, "CONSTRAINT "+q+" CHECK ("+ck.SQL()+")")
		}
	}
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " "), nil
}

func (r renderer) addColumn(o AddColumn) ([]string, error) {
	if !r.d.Features.Alter && !simpleAdd(r.d, o.Column) {
		return nil, errNeedsBatch
	}
	t, err := r.table(o.Table)
	if err != nil {
		return nil, err
	}
	spec, err := r.columnSpec(o.Column, false)
	if err != nil {
		return nil, err
	}
	named, err := r.tableLevelTypeCheck(o.Column)
	return one("ALTER TABLE "+t+" ADD COLUMN "+spec+named, err)
}

// tableLevelTypeCheck renders ", ADD CONSTRAINT name CHECK (…)" for the
// named CHECK a column's type brings on a dialect that takes named
// checks only at table level (MySQL), else "".
func (r renderer) tableLevelTypeCheck(c *metadata.ColumnDef) (string, error) {
	if !r.d.DDL.NamedChecksAtTableLevel {
		return "", nil
	}
	ck, err := c.TypeCheck(r.d)
	if err != nil || ck == nil {
		return "", err
	}
	n, err := ck.NameOn(r.d)
	if err != nil || n == "" {
		return "", err
	}
	q, err := r.d.QuoteIdent(n)
	return ", ADD CONSTRAINT " + q + " CHECK (" + ck.SQL() + ")", err
}

// simpleAdd reports whether SQLite's ALTER TABLE … ADD COLUMN can add c:
// not part of a key, index or constraint, a default that is not an
// expression in parentheses or the current time, and NOT NULL only with
// a default.
func simpleAdd(d *dialects.Dialect, c *metadata.ColumnDef) bool {
	if c.IsPrimaryKey() || c.IsUnique() || c.IsIndexed() || len(c.ForeignKeys()) > 0 {
		return false
	}
	sd := c.ServerDefault()
	if sd != nil && (sd.Kind == metadata.DefaultNow || strings.Contains(sd.SQL(d), "(")) {
		return false
	}
	return c.Nullable() || sd != nil
}

// simpleDrop reports whether SQLite's ALTER TABLE … DROP COLUMN can drop
// c from t: it is not part of a key, constraint or index, and no check
// constraint mentions it.
func simpleDrop(t *metadata.Table, c *metadata.ColumnDef) bool {
	if c.IsPrimaryKey() || c.IsUnique() || c.IsIndexed() || len(c.ForeignKeys()) > 0 {
		return false
	}
	has := func(cols []*metadata.ColumnDef) bool {
		for _, x := range cols {
			if x.Name() == c.Name() {
				return true
			}
		}
		return false
	}
	for _, ix := range t.Indexes() {
		if has(ix.Columns()) {
			return false
		}
	}
	for _, u := range t.UniqueConstraints() {
		if has(u.Columns()) {
			return false
		}
	}
	for _, fk := range t.ForeignKeys() {
		if has(fk.Columns()) {
			return false
		}
	}
	for _, ck := range t.CheckConstraints() {
		if ck.Column() == c || strings.Contains(strings.ToLower(ck.SQL()), strings.ToLower(c.Name())) {
			return false
		}
	}
	return true
}

func (r renderer) alterColumn(o AlterColumn) ([]string, error) {
	t, err := r.table(o.To.Parent())
	if err != nil {
		return nil, err
	}
	c, err := r.d.QuoteIdent(o.To.Name())
	if err != nil {
		return nil, err
	}
	prefix := "ALTER TABLE " + t + " "
	if r.d.DDL.InlineComments && (o.Type || o.Nullable) {
		spec, err := r.columnSpec(o.To, true)
		return one(prefix+"MODIFY "+spec, err)
	}
	var out []string
	if o.Type {
		typ, err := o.To.TypeDDL(r.d)
		if err != nil {
			return nil, err
		}
		out = append(out, prefix+"ALTER COLUMN "+c+" TYPE "+typ)
	}
	if o.Nullable {
		if o.To.Nullable() {
			out = append(out, prefix+"ALTER COLUMN "+c+" DROP NOT NULL")
		} else {
			out = append(out, prefix+"ALTER COLUMN "+c+" SET NOT NULL")
		}
	}
	if o.Default {
		if sd := o.To.ServerDefault(); sd != nil {
			out = append(out, prefix+"ALTER COLUMN "+c+" SET DEFAULT "+sd.SQL(r.d))
		} else {
			out = append(out, prefix+"ALTER COLUMN "+c+" DROP DEFAULT")
		}
	}
	return out, nil
}

func (r renderer) indexName(ix *metadata.IndexDef) (string, error) {
	n, err := ix.NameOn(r.d)
	if err != nil {
		return "", err
	}
	return r.d.QuoteIdent(n)
}

func (r renderer) createIndex(ix *metadata.IndexDef) ([]string, error) {
	n, err := r.indexName(ix)
	if err != nil {
		return nil, err
	}
	t, err := r.table(ix.Columns()[0].Parent())
	if err != nil {
		return nil, err
	}
	cols, err := r.quoteAll(ix.Columns())
	kw := "CREATE INDEX "
	if ix.Unique() {
		kw = "CREATE UNIQUE INDEX "
	}
	return one(kw+n+" ON "+t+" ("+cols+")", err)
}

func (r renderer) dropIndex(ix *metadata.IndexDef) ([]string, error) {
	n, err := r.indexName(ix)
	if err != nil {
		return nil, err
	}
	tbl := ix.Columns()[0].Parent()
	if r.d.DDL.DropIndexOnTable {
		t, err := r.table(tbl)
		return one("DROP INDEX "+n+" ON "+t, err)
	}
	if tbl.Schema() != "" {
		s, err := r.d.QuoteIdent(tbl.Schema())
		return one("DROP INDEX "+s+"."+n, err)
	}
	return []string{"DROP INDEX " + n}, nil
}

// uniqueName is the constraint's name, or for an unnamed one the name
// migrate gives it, uq_<table>_<columns>, so that the down step can drop
// what the up step added.
func (r renderer) uniqueName(u *metadata.UniqueDef) (string, error) {
	n, err := u.NameOn(r.d)
	if err != nil {
		return "", err
	}
	if n == "" {
		n = truncate(r.d, "uq_"+u.Columns()[0].Parent().Name()+"_"+strings.Join(names(u.Columns()), "_"))
	}
	return r.d.QuoteIdent(n)
}

func (r renderer) addUnique(u *metadata.UniqueDef) ([]string, error) {
	t, err := r.table(u.Columns()[0].Parent())
	if err != nil {
		return nil, err
	}
	n, err := r.uniqueName(u)
	if err != nil {
		return nil, err
	}
	cols, err := r.quoteAll(u.Columns())
	return one("ALTER TABLE "+t+" ADD CONSTRAINT "+n+" UNIQUE ("+cols+")", err)
}

func (r renderer) dropUnique(u *metadata.UniqueDef) ([]string, error) {
	t, err := r.table(u.Columns()[0].Parent())
	if err != nil {
		return nil, err
	}
	n, err := r.uniqueName(u)
	if err != nil {
		return nil, err
	}
	if r.d.DDL.DropIndexOnTable {
		return []string{"ALTER TABLE " + t + " DROP INDEX " + n}, nil
	}
	return []string{"ALTER TABLE " + t + " DROP CONSTRAINT " + n}, nil
}

// fkName is the foreign key's name, or for an unnamed one the name
// migrate gives it, fk_<table>_<column>_<referred table> (the metadata
// package's default), so that the down step can drop what the up step
// added.
func (r renderer) fkName(fk *metadata.ForeignKeyDef) (string, error) {
	n, err := fk.NameOn(r.d)
	if err != nil {
		return "", err
	}
	if n == "" {
		ref := ""
		if fk.RefTable() != nil {
			ref = fk.RefTable().Name()
		}
		n = truncate(r.d, "fk_"+fk.Parent().Name()+"_"+fk.Columns()[0].Name()+"_"+ref)
	}
	return r.d.QuoteIdent(n)
}

func truncate(d *dialects.Dialect, n string) string {
	if m := d.MaxIdentifierLength; m > 0 && len(n) > m {
		return n[:m]
	}
	return n
}

func (r renderer) addForeignKey(fk *metadata.ForeignKeyDef) ([]string, error) {
	t, err := r.table(fk.Parent())
	if err != nil {
		return nil, err
	}
	if fk.RefTable() == nil {
		return nil, fmt.Errorf("foreign key target %s is not resolved", fk.Target())
	}
	n, err := r.fkName(fk)
	if err != nil {
		return nil, err
	}
	cols, err := r.quoteAll(fk.Columns())
	if err != nil {
		return nil, err
	}
	rt, err := r.table(fk.RefTable())
	if err != nil {
		return nil, err
	}
	rcols, err := r.quoteAll(fk.RefColumns())
	if err != nil {
		return nil, err
	}
	s := "ALTER TABLE " + t + " ADD CONSTRAINT " + n + " FOREIGN KEY (" + cols + ") REFERENCES " + rt + " (" + rcols + ")"
	if a := fk.OnDelete(); a != "" {
		s += " ON DELETE " + a
	}
	if a := fk.OnUpdate(); a != "" {
		s += " ON UPDATE " + a
	}
	if fk.Deferrable() {
		if !r.d.DDL.DeferrableConstraints {
			return nil, fmt.Errorf("dialect %s has no deferrable foreign keys", r.d.Name)
		}
		s += " DEFERRABLE"
		if fk.Initially() != "" {
			s += " INITIALLY " + fk.Initially()
		}
	}
	return []string{s}, nil
}

func (r renderer) checkName(ck *metadata.CheckDef) (string, error) {
	n, err := ck.NameOn(r.d)
	if err != nil {
		return "", err
	}
	if n == "" {
		return "", errors.New("a check constraint needs a name to be added or dropped")
	}
	return r.d.QuoteIdent(n)
}
