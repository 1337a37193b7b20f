package metadata

import (
	"slices"
	"sort"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// createPlan renders the statements that create tables (in declaration
// order, already filtered by checkfirst): per table in dependency order
// its enum types, CREATE TABLE, CREATE INDEX and COMMENT ON; then the
// deferred foreign keys. existingTypes names the enum types that exist.
func (md *MetaData) createPlan(d *dialects.Dialect, tables []*Table, existingTypes map[string]bool) ([]string, error) {
	c := newCompiler(d, md)
	res := sortTables(tables, d.Features.Alter)
	if err := c.checkCycles(res); err != nil {
		return nil, err
	}
	deferred := map[*ForeignKeyDef]bool{}
	if d.Features.Alter {
		for _, fk := range res.deferred {
			deferred[fk] = true
		}
	}
	inline := func(fk *ForeignKeyDef) bool { return !deferred[fk] }
	created := make(map[string]bool, len(existingTypes))
	for k, v := range existingTypes {
		created[k] = v
	}
	// A table and an index each, as a start.
	out := make([]string, 0, 2*len(res.order)+len(res.deferred))
	for _, t := range res.order {
		var err error
		if out, err = c.createTableSteps(out, t, inline, created); err != nil {
			return nil, err
		}
	}
	for _, fk := range res.deferred {
		if !deferred[fk] {
			continue
		}
		s, err := c.addForeignKey(fk)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// checkCycles rejects a cycle on a dialect that can neither ALTER nor
// name a table that does not exist yet.
func (c *compiler) checkCycles(res sortResult) error {
	if len(res.cyclic) == 0 || c.d.Features.Alter || c.d.DDL.LateForeignKeyTargets {
		return nil
	}
	var names []string
	for _, t := range res.cyclic {
		names = append(names, t.key)
		for _, fk := range res.deferred {
			if fk.table == t && fk.refTable != nil && !slices.Contains(names, fk.refTable.key) {
				names = append(names, fk.refTable.key)
			}
		}
	}
	sort.Strings(names)
	return &CircularDependencyError{Dialect: c.d.Name, Tables: slices.Compact(names)}
}

// createTableSteps appends one table's statements to out; created
// tracks the enum types created so far (and those that exist).
func (c *compiler) createTableSteps(out []string, t *Table, inline func(*ForeignKeyDef) bool, created map[string]bool) ([]string, error) {
	if created != nil && c.d.DDL.EnumStyle == types.EnumNamed {
		for _, col := range t.columns {
			e, ok := col.typ.(*types.EnumType)
			if !ok || col.nonNativeEnum || created[e.Name] {
				continue
			}
			s, err := c.createEnum(t, col, e)
			if err != nil {
				return nil, err
			}
			created[e.Name] = true
			out = append(out, s)
		}
	}
	s, err := c.createTable(t, inline)
	if err != nil {
		return nil, err
	}
	out = append(out, s)
	if out, err = c.createIndexes(out, t); err != nil {
		return nil, err
	}
	cm, err := c.comments(t)
	if err != nil {
		return nil, err
	}
	return append(out, cm...), nil
}

// dropPlan renders the statements that drop tables (in declaration
// order, already filtered by checkfirst): the deferred foreign keys
// between them, the tables in reverse dependency order, then the enum
// types they used for which dropType returns true (it exists, and no
// table left behind uses it).
func (md *MetaData) dropPlan(d *dialects.Dialect, tables []*Table, dropType func(name string) bool) ([]string, error) {
	c := newCompiler(d, md)
	res := sortTables(tables, d.Features.Alter)
	if err := c.checkCycles(res); err != nil {
		return nil, err
	}
	inSet := map[*Table]bool{}
	for _, t := range tables {
		inSet[t] = true
	}
	var out []string
	switch {
	case d.Features.Alter:
		for _, fk := range res.deferred {
			if !inSet[fk.refTable] || fk.refTable == fk.table {
				continue // dropped with its table
			}
			s, err := c.dropForeignKey(fk)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
	case (len(res.cyclic) > 0 || linksByUseAlter(tables, inSet)) && d.DDL.DeferForeignKeys != "":
		// A UseAlter key stays inline without ALTER but does not order the
		// drop, so its check must wait for the commit too.
		out = append(out, d.DDL.DeferForeignKeys)
	}
	for i := len(res.order) - 1; i >= 0; i-- {
		s, err := c.dropTable(res.order[i])
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	enums, err := c.dropEnums(tables, dropType)
	return append(out, enums...), err
}

// dropEnums renders DROP TYPE for the named enum types the tables use,
// in order of first use.
func (c *compiler) dropEnums(tables []*Table, dropType func(string) bool) ([]string, error) {
	if c.d.DDL.EnumStyle != types.EnumNamed {
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range tables {
		for _, col := range t.columns {
			e, ok := col.typ.(*types.EnumType)
			if !ok || col.nonNativeEnum || seen[e.Name] || !dropType(e.Name) {
				continue
			}
			seen[e.Name] = true
			s, err := c.dropEnum(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// CreateAllSQL returns the script CreateAll would run on dialect d
// against an empty database, without connecting: each statement followed
// by ";" and a blank line. It is SQLAlchemy's CreateTable(t).compile()
// for the whole MetaData, for review and golden tests.
func (md *MetaData) CreateAllSQL(d *dialects.Dialect) (string, error) {
	if err := md.Err(); err != nil {
		return "", err
	}
	stmts, err := md.createPlan(d, md.tables, map[string]bool{})
	if err != nil {
		return "", err
	}
	return script(stmts), nil
}

// DropAllSQL returns the script DropAll would run on dialect d when
// every table exists.
func (md *MetaData) DropAllSQL(d *dialects.Dialect) (string, error) {
	if err := md.Err(); err != nil {
		return "", err
	}
	stmts, err := md.dropPlan(d, md.tables, func(string) bool { return true })
	if err != nil {
		return "", err
	}
	return script(stmts), nil
}

// CreateTableSQL returns CREATE TABLE for t on dialect d, followed by its
// CREATE INDEX and COMMENT ON statements, as a script. Every foreign key
// is inline; enum types are not created (see [Table.Create]).
func CreateTableSQL(t *Table, d *dialects.Dialect) (string, error) {
	if err := t.md.Err(); err != nil {
		return "", err
	}
	c := newCompiler(d, t.md)
	stmts, err := c.createTableSteps(nil, t, func(*ForeignKeyDef) bool { return true }, nil)
	if err != nil {
		return "", err
	}
	return script(stmts), nil
}

func script(stmts []string) string {
	if len(stmts) == 0 {
		return ""
	}
	return strings.Join(stmts, ";\n\n") + ";\n"
}

// linksByUseAlter reports whether a UseAlter foreign key joins two
// different tables that are both dropped.
func linksByUseAlter(tables []*Table, inSet map[*Table]bool) bool {
	for _, t := range tables {
		for _, fk := range t.fks {
			if fk.useAlter && fk.refTable != t && inSet[fk.refTable] {
				return true
			}
		}
	}
	return false
}
