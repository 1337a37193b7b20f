package migrate

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// DefaultVersionTable is the table that records the current revision,
// Alembic's alembic_version.
const DefaultVersionTable = "alchemy_version"

// Plan is the result of [Diff]: the operations that bring the database to
// the MetaData, in a safe order, and warnings about what autogenerate
// cannot know.
type Plan struct {
	Dialect *dialects.Dialect
	Ops     []Op
	// Warnings are for a person to review (a renamed column or table looks
	// like a drop plus an add and would lose its data).
	Warnings []string
}

// Empty reports whether the database matches the MetaData.
func (p *Plan) Empty() bool { return len(p.Ops) == 0 }

// Up renders the operations for the plan's dialect.
func (p *Plan) Up() ([]string, error) { return SQL(p.Dialect, p.Ops...) }

// Down renders the reverse operations, which undo Up.
func (p *Plan) Down() ([]string, error) { return SQL(p.Dialect, Reverse(p.Ops)...) }

// DiffOption configures [Diff].
type DiffOption func(*diffOptions)

type diffOptions struct {
	versionTable string
	ignore       []string
}

// IgnoreTables makes Diff leave the named tables alone, as if neither the
// MetaData nor the database had them (tables of another tool, like
// goose_db_version).
func IgnoreTables(names ...string) DiffOption {
	return func(o *diffOptions) { o.ignore = append(o.ignore, names...) }
}

// VersionTable names the version table Diff ignores (default
// [DefaultVersionTable]).
func VersionTable(name string) DiffOption { return func(o *diffOptions) { o.versionTable = name } }

// Diff compares md with the database target (a *sql.DB, *sql.Conn or
// *sql.Tx opened through alchemy) by reflecting the database, and returns
// the operations that make the database match md.
//
// Compared: tables, columns (type, nullability, server default), indexes
// (by name), unique constraints (by columns), foreign keys (by columns,
// target and actions), check constraints that have a name, and enum
// labels. Not compared: primary key changes (a warning), comments, check
// constraints without a name (see the package documentation). Types are
// compared by their DDL on the dialect, defaults by their normalised SQL.
//
// The order is safe: foreign keys and indexes that go are dropped first,
// named enum types are created or rebuilt, new tables are created with
// referenced tables first, columns are added
// and altered, tables and columns that go are dropped, then new indexes,
// unique constraints, checks and foreign keys are added (enum types that
// go are dropped after the tables and columns). On dialects
// without ALTER (SQLite) the changes to one table that need ALTER are
// gathered into one [RecreateTable].
func Diff(ctx context.Context, md *metadata.MetaData, target metadata.Target, opts ...DiffOption) (*Plan, error) {
	o := diffOptions{versionTable: DefaultVersionTable}
	for _, f := range opts {
		f(&o)
	}
	if err := md.Err(); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	d, err := dialects.Of(ctx, target)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	live := metadata.New(metadata.DefaultSchema(md.Schema()))
	if err := live.Reflect(ctx, target); err != nil {
		return nil, fmt.Errorf("migrate: reflecting the database: %w", err)
	}
	return Compare(d, md, live, append([]string{o.versionTable}, o.ignore...)...)
}

// Compare is Diff on a MetaData already reflected from the database
// (live): the operations that turn live into md on dialect d. Tables
// named ignore are left out.
func Compare(d *dialects.Dialect, md, live *metadata.MetaData, ignore ...string) (*Plan, error) {
	c := &comparer{d: d, plan: &Plan{Dialect: d}}
	want, err := md.SortedTables()
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	have, err := live.SortedTables()
	if err != nil {
		return nil, fmt.Errorf("migrate: reflected schema: %w", err)
	}
	skip := func(t *metadata.Table) bool { return slices.Contains(ignore, t.Name()) }
	var created, dropped []*metadata.Table
	for _, t := range want {
		if skip(t) {
			continue
		}
		if lt := live.Lookup(t.Key()); lt == nil {
			created = append(created, t)
		} else {
			c.table(lt, t)
		}
	}
	for i := len(have) - 1; i >= 0; i-- {
		t := have[i]
		if !skip(t) && md.Lookup(t.Key()) == nil {
			// Referencing tables first: have is sorted referenced first.
			dropped = append(dropped, t)
		}
	}
	if !d.DDL.LateForeignKeyTargets {
		c.warnCycles(created)
	}
	if len(created) > 0 && len(dropped) > 0 {
		c.warn("tables %s are created and tables %s dropped: if a table was renamed, edit the revision (a rename looks like a drop plus a create, and the rows would be lost)", keys(created), keys(dropped))
	}
	createEnums, dropEnums := c.compareEnums(d, md, live, ignore)
	var ops []Op
	ops = append(ops, c.dropFKs...)
	ops = append(ops, c.dropIdx...)
	ops = append(ops, createEnums...)
	for _, t := range created {
		ops = append(ops, CreateTable{t})
	}
	ops = append(ops, c.addCols...)
	ops = append(ops, c.alters...)
	ops = append(ops, c.batches...)
	for _, t := range dropped {
		ops = append(ops, DropTable{t})
	}
	ops = append(ops, c.dropCols...)
	ops = append(ops, dropEnums...)
	ops = append(ops, c.addIdx...)
	ops = append(ops, c.addFKs...)
	c.plan.Ops = ops
	return c.plan, nil
}

func keys(ts []*metadata.Table) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.Key()
	}
	return strings.Join(s, ", ")
}

type comparer struct {
	d    *dialects.Dialect
	plan *Plan

	dropFKs, dropIdx, addCols, alters, batches, dropCols, addIdx, addFKs []Op
}

func (c *comparer) warn(format string, args ...any) {
	c.plan.Warnings = append(c.plan.Warnings, fmt.Sprintf(format, args...))
}

// tableOps are the changes to one existing table, by phase.
type tableOps struct {
	dropFKs, dropIdx, addCols, alters, dropCols, addIdx, addFKs []Op
	// needBatch is set when a change needs ALTER on a dialect without it.
	needBatch bool
}

func (c *comparer) table(old, new *metadata.Table) {
	var to tableOps
	batch := !c.d.Features.Alter
	var added, removed []string
	for _, col := range new.Columns() {
		oc := old.LookupColumn(col.Name())
		if oc == nil {
			to.addCols = append(to.addCols, AddColumn{Table: new, Column: col})
			added = append(added, col.Name())
			// The down step drops it again: both must be possible
			// without ALTER, or the table is rebuilt.
			if batch && (!simpleAdd(c.d, col) || !simpleDrop(new, col)) {
				to.needBatch = true
			}
			continue
		}
		if a, ok := c.column(oc, col); ok {
			to.alters = append(to.alters, a)
			to.needBatch = to.needBatch || batch
		}
	}
	for _, oc := range old.Columns() {
		if new.LookupColumn(oc.Name()) == nil {
			to.dropCols = append(to.dropCols, DropColumn{Table: old, Column: oc})
			if !oc.Nullable() && oc.ServerDefault() == nil {
				c.warn("table %s: column %s is dropped; it is NOT NULL without a server default, so the down step cannot add it back while the table has rows (edit the down step to add it nullable, fill it, then set NOT NULL)", new.Key(), oc.Name())
			}
			removed = append(removed, oc.Name())
			if batch && (!simpleDrop(old, oc) || !simpleAdd(c.d, oc)) {
				to.needBatch = true
			}
		}
	}
	if len(added) > 0 && len(removed) > 0 {
		c.warn("table %s: columns %s are added and %s dropped: if a column was renamed, edit the revision (a rename looks like a drop plus an add, and the values would be lost)",
			new.Key(), strings.Join(added, ", "), strings.Join(removed, ", "))
	}
	if !samePK(old, new) {
		c.warn("table %s: the primary key differs (%s in the database, %s declared); primary key changes are not generated", new.Key(),
			pkString(old), pkString(new))
	}
	c.indexes(old, new, &to)
	c.uniques(old, new, &to)
	c.foreignKeys(old, new, &to)
	c.checks(old, new, &to)
	if batch && to.needBatch {
		var changes []Op
		for _, g := range [][]Op{to.dropFKs, to.dropIdx, to.addCols, to.alters, to.dropCols, to.addIdx, to.addFKs} {
			changes = append(changes, g...)
		}
		c.batches = append(c.batches, RecreateTable{From: old, To: new, Changes: changes})
		return
	}
	c.dropFKs = append(c.dropFKs, to.dropFKs...)
	c.dropIdx = append(c.dropIdx, to.dropIdx...)
	c.addCols = append(c.addCols, to.addCols...)
	c.alters = append(c.alters, to.alters...)
	c.dropCols = append(c.dropCols, to.dropCols...)
	c.addIdx = append(c.addIdx, to.addIdx...)
	c.addFKs = append(c.addFKs, to.addFKs...)
}

func samePK(a, b *metadata.Table) bool {
	return pkString(a) == pkString(b)
}

func pkString(t *metadata.Table) string {
	if t.PrimaryKey() == nil {
		return "()"
	}
	return colNames(t.PrimaryKey().Columns())
}

// column compares a reflected column with its declaration.
func (c *comparer) column(old, new *metadata.ColumnDef) (AlterColumn, bool) {
	a := AlterColumn{From: old, To: new}
	ot, err1 := old.TypeDDL(c.d)
	nt, err2 := new.TypeDDL(c.d)
	if err1 != nil || err2 != nil {
		a.Type = typeString(old) != typeString(new)
	} else {
		a.Type = normType(ot) != normType(nt)
	}
	if oe, ok := old.Type().(*types.EnumType); ok && c.d.DDL.EnumStyle != types.EnumNamed {
		// Inline and check-style enums: the labels are part of the
		// column (a named type's labels are compared by compareEnums).
		if ne, ok := new.Type().(*types.EnumType); ok && !slices.Equal(oe.Values, ne.Values) {
			a.Type = true
		}
	}
	if new.Autoincrements() && c.d.DDL.AutoincrementStyle == "rowid" {
		// SQLite's INTEGER PRIMARY KEY: every integer kind is INTEGER.
		a.Type = !old.Type().Kind().IsInteger()
	}
	a.Nullable = old.Nullable() != new.Nullable()
	if !new.Autoincrements() && !old.Autoincrements() {
		a.Default = normDefault(c.d, old.ServerDefault()) != normDefault(c.d, new.ServerDefault())
	}
	return a, a.Type || a.Nullable || a.Default
}

func normType(s string) string {
	return strings.Join(strings.Fields(strings.ToUpper(s)), " ")
}

var (
	pgCast    = regexp.MustCompile(`::[a-zA-Z_ ]+(\(\d+\))?(\[\])?`)
	outerPars = regexp.MustCompile(`^\((.*)\)$`)
)

// normDefault is a server default's SQL on d, normalised for comparison:
// casts that the server adds (PostgreSQL's 'x'::character varying) and
// outer parentheses removed, case folded outside literals.
func normDefault(d *dialects.Dialect, sd *metadata.ServerDefaultDef) string {
	if sd == nil {
		return ""
	}
	s := strings.TrimSpace(sd.SQL(d))
	for {
		s = pgCast.ReplaceAllString(s, "")
		m := outerPars.FindStringSubmatch(s)
		if m == nil {
			break
		}
		s = strings.TrimSpace(m[1])
	}
	if strings.HasPrefix(s, "'") {
		return s
	}
	s = strings.ToLower(s)
	switch s {
	case "now()", "current_timestamp", "current_timestamp()", "current_timestamp(6)", "now(6)", "localtimestamp":
		return "now"
	case "null":
		return ""
	}
	return s
}

func (c *comparer) indexes(old, new *metadata.Table, to *tableOps) {
	// On dialects where a unique constraint or a foreign key is backed by
	// an index (MySQL), the reflected indexes include those; they are
	// compared as constraints, not as indexes.
	backing := map[string]bool{}
	for _, u := range old.UniqueConstraints() {
		backing[u.Name()] = true
	}
	for _, fk := range old.ForeignKeys() {
		backing[fk.Name()] = true
	}
	newIx := map[string]*metadata.IndexDef{}
	for _, ix := range new.Indexes() {
		n, err := ix.NameOn(c.d)
		if err != nil {
			c.warn("table %s: index: %v", new.Key(), err)
			continue
		}
		newIx[n] = ix
	}
	oldIx := map[string]*metadata.IndexDef{}
	for _, ix := range old.Indexes() {
		if backing[ix.Name()] && newIx[ix.Name()] == nil {
			continue
		}
		if ix.Unique() && newIx[ix.Name()] == nil && c.matchesUnique(ix, new) {
			continue
		}
		oldIx[ix.Name()] = ix
	}
	for _, n := range sortedKeys(oldIx) {
		oi := oldIx[n]
		ni := newIx[n]
		if ni == nil || ni.Unique() != oi.Unique() || !slices.Equal(names(ni.Columns()), names(oi.Columns())) {
			to.dropIdx = append(to.dropIdx, DropIndex{oi})
		}
	}
	for _, n := range sortedKeys(newIx) {
		ni := newIx[n]
		oi := oldIx[n]
		if oi == nil || ni.Unique() != oi.Unique() || !slices.Equal(names(ni.Columns()), names(oi.Columns())) {
			to.addIdx = append(to.addIdx, CreateIndex{ni})
		}
	}
}

// matchesUnique reports whether a reflected unique index stands for a
// unique constraint declared on the same columns.
func (c *comparer) matchesUnique(ix *metadata.IndexDef, t *metadata.Table) bool {
	k := colSet(ix.Columns())
	for _, u := range t.UniqueConstraints() {
		if colSet(u.Columns()) == k {
			return true
		}
	}
	return false
}

func colSet(cols []*metadata.ColumnDef) string {
	n := names(cols)
	sort.Strings(n)
	return strings.Join(n, "\x00")
}

func (c *comparer) uniques(old, new *metadata.Table, to *tableOps) {
	have := map[string]*metadata.UniqueDef{}
	for _, u := range old.UniqueConstraints() {
		have[colSet(u.Columns())] = u
	}
	// A unique index reflected for a unique constraint (MySQL, SQLite).
	haveIx := map[string]bool{}
	declaredIx := map[string]bool{}
	for _, ix := range new.Indexes() {
		if n, err := ix.NameOn(c.d); err == nil {
			declaredIx[n] = true
		}
	}
	for _, ix := range old.Indexes() {
		if ix.Unique() && !declaredIx[ix.Name()] {
			haveIx[colSet(ix.Columns())] = true
		}
	}
	want := map[string]*metadata.UniqueDef{}
	for _, u := range new.UniqueConstraints() {
		want[colSet(u.Columns())] = u
	}
	for _, k := range sortedKeys(have) {
		if want[k] == nil {
			to.dropIdx = append(to.dropIdx, DropUnique{have[k]})
			to.needBatch = to.needBatch || !c.d.Features.Alter
		}
	}
	for _, k := range sortedKeys(want) {
		if have[k] == nil && !haveIx[k] {
			to.addIdx = append(to.addIdx, AddUnique{want[k]})
			to.needBatch = to.needBatch || !c.d.Features.Alter
		}
	}
}

func fkKey(fk *metadata.ForeignKeyDef) string {
	ref := ""
	if fk.RefTable() != nil {
		ref = fk.RefTable().Key()
	}
	norm := func(a string) string {
		if a == "NO ACTION" {
			return ""
		}
		return a
	}
	return strings.Join(names(fk.Columns()), ",") + "->" + ref + "(" + strings.Join(names(fk.RefColumns()), ",") + ") " +
		norm(fk.OnDelete()) + "/" + norm(fk.OnUpdate())
}

func (c *comparer) foreignKeys(old, new *metadata.Table, to *tableOps) {
	have := map[string]*metadata.ForeignKeyDef{}
	for _, fk := range old.ForeignKeys() {
		have[fkKey(fk)] = fk
	}
	want := map[string]*metadata.ForeignKeyDef{}
	for _, fk := range new.ForeignKeys() {
		want[fkKey(fk)] = fk
	}
	for _, k := range sortedKeys(have) {
		if want[k] == nil {
			to.dropFKs = append(to.dropFKs, DropForeignKey{have[k]})
			to.needBatch = to.needBatch || !c.d.Features.Alter
		}
	}
	for _, k := range sortedKeys(want) {
		if have[k] == nil {
			to.addFKs = append(to.addFKs, AddForeignKey{want[k]})
			to.needBatch = to.needBatch || !c.d.Features.Alter
		}
	}
}

// checks compares check constraints by name, for those the MetaData
// names. A reflected check is dropped only when its name is not declared
// and the table declares no unnamed check (whose name the database
// chose and which would otherwise look like a stranger).
func (c *comparer) checks(old, new *metadata.Table, to *tableOps) {
	want := map[string]*metadata.CheckDef{}
	unnamed := false
	for _, ck := range new.CheckConstraints() {
		n, err := ck.NameOn(c.d)
		if err != nil || n == "" {
			unnamed = true
			continue
		}
		want[n] = ck
	}
	// The checks the columns' types bring (a NativeEnum(false) enum on
	// PostgreSQL or MySQL, which reflection reads as a VARCHAR with a
	// named CHECK) are the columns' business, not strangers to drop.
	typeChecks := map[string]bool{}
	for _, col := range new.Columns() {
		if ck, err := col.TypeCheck(c.d); err == nil && ck != nil {
			if n, err := ck.NameOn(c.d); err == nil && n != "" {
				typeChecks[n] = true
			}
		}
	}
	have := map[string]*metadata.CheckDef{}
	for _, ck := range old.CheckConstraints() {
		if ck.Name() != "" && !typeChecks[ck.Name()] {
			have[ck.Name()] = ck
		}
	}
	if !unnamed {
		for _, n := range sortedKeys(have) {
			if want[n] == nil {
				to.dropIdx = append(to.dropIdx, DropCheck{Table: old, Check: have[n]})
				to.needBatch = to.needBatch || !c.d.Features.Alter
			}
		}
	}
	for _, n := range sortedKeys(want) {
		if have[n] == nil {
			to.addIdx = append(to.addIdx, AddCheck{Table: new, Check: want[n]})
			to.needBatch = to.needBatch || !c.d.Features.Alter
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

// warnCycles warns about a created table whose foreign key references a
// table created after it (a cycle): CREATE TABLE writes every foreign key
// inline, so the statement would fail on a dialect that resolves the
// target at once.
func (c *comparer) warnCycles(created []*metadata.Table) {
	pos := map[*metadata.Table]int{}
	for i, t := range created {
		pos[t] = i
	}
	for i, t := range created {
		for _, fk := range t.ForeignKeys() {
			if j, ok := pos[fk.RefTable()]; ok && j > i {
				c.warn("table %s references %s, which is created after it (a foreign key cycle): the CREATE TABLE fails as generated; move the foreign key out of it into an ALTER TABLE … ADD CONSTRAINT after both tables",
					t.Key(), fk.RefTable().Key())
			}
		}
	}
}
