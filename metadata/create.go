package metadata

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// CreateAll creates the tables that do not exist yet, with their indexes,
// comments and (PostgreSQL) enum types, each table after the tables it
// references. target is an *alchemy.Engine, or a *sql.DB, *sql.Conn or
// *sql.Tx opened through the "alchemy" driver; its dialect is found
// through the connection. ctx bounds the whole call.
//
// Foreign keys that close a cycle, and UseAlter ones, are added after
// all tables with ALTER TABLE … ADD CONSTRAINT, under a name (the "fk"
// convention's, else fk_<table>_<column>_<referred table>). Only the keys
// that break the cycle are deferred, not every key of the tables on it.
// SQLite keeps every key inline: it resolves the referenced table when a
// row is written, so creation order does not matter there.
//
// With [CheckFirst] (the default) one catalog query, not one per table,
// finds the existing tables. Where the dialect has transactional DDL
// (PostgreSQL, SQLite) the whole call is one transaction unless target
// is already a *sql.Tx: a failure leaves nothing behind. MySQL commits
// each DDL statement, so a failure there leaves the tables created
// before it.
func (md *MetaData) CreateAll(ctx context.Context, target Target, opts ...Option) error {
	if err := md.Err(); err != nil {
		return err
	}
	o := buildRunOptions(opts)
	tables, err := md.selectTables(o.only)
	if err != nil {
		return err
	}
	return run(ctx, target, o, transactionalDDL, func(ctx context.Context, d *dialects.Dialect, e *executor) error {
		ex, err := md.existing(ctx, d, e, tables, o.checkFirst)
		if err != nil {
			return err
		}
		missing := slices.DeleteFunc(slices.Clone(tables), func(t *Table) bool { return ex.Tables[t.key] })
		stmts, err := md.createPlan(d, missing, ex.Types)
		if err != nil {
			return err
		}
		return e.execAll(ctx, stmts)
	})
}

// DropAll drops the tables that exist, in the reverse of the creation
// order: first the foreign keys CreateAll added with ALTER TABLE, then
// the tables, then (PostgreSQL) the enum types no remaining table uses.
// On SQLite, tables of a cycle are dropped with the foreign-key checks
// deferred to the commit. The target, checkfirst and transaction rules
// are those of [MetaData.CreateAll].
func (md *MetaData) DropAll(ctx context.Context, target Target, opts ...Option) error {
	if err := md.Err(); err != nil {
		return err
	}
	o := buildRunOptions(opts)
	tables, err := md.selectTables(o.only)
	if err != nil {
		return err
	}
	return run(ctx, target, o, transactionalDDL, func(ctx context.Context, d *dialects.Dialect, e *executor) error {
		ex, err := md.existing(ctx, d, e, md.tables, o.checkFirst)
		if err != nil {
			return err
		}
		present := tables
		if o.checkFirst {
			present = slices.DeleteFunc(slices.Clone(tables), func(t *Table) bool { return !ex.Tables[t.key] })
		}
		stmts, err := md.dropPlan(d, present, md.typeDropper(present, ex, o.checkFirst))
		if err != nil {
			return err
		}
		return e.execAll(ctx, stmts)
	})
}

// typeDropper decides which enum types DropAll drops: those that exist
// (when checked) and that no table left behind uses.
func (md *MetaData) typeDropper(dropped []*Table, ex *Existing, checked bool) func(string) bool {
	gone := map[*Table]bool{}
	for _, t := range dropped {
		gone[t] = true
	}
	return func(name string) bool {
		if checked && !ex.Types[name] {
			return false
		}
		for _, t := range md.tables {
			if gone[t] || (checked && !ex.Tables[t.key]) {
				continue
			}
			if t.usesEnum(name) {
				return false
			}
		}
		return true
	}
}

// Create creates the table with its indexes, comments and enum types.
// Every foreign key is inline, so the tables it references must exist.
// checkfirst is on by default here too (SQLAlchemy's Table.create has it
// off, unlike its create_all, so the same call fails on an existing
// table there); an existing table is left as it is.
func (t *Table) Create(ctx context.Context, target Target, opts ...Option) error {
	if err := t.md.Err(); err != nil {
		return err
	}
	o := buildRunOptions(opts)
	return run(ctx, target, o, transactionalDDL, func(ctx context.Context, d *dialects.Dialect, e *executor) error {
		ex, err := t.md.existing(ctx, d, e, []*Table{t}, o.checkFirst)
		if err != nil || ex.Tables[t.key] {
			return err
		}
		c := newCompiler(d, t.md)
		created := map[string]bool{}
		for k := range ex.Types {
			created[k] = true
		}
		stmts, err := c.createTableSteps(nil, t, func(*ForeignKeyDef) bool { return true }, created)
		if err != nil {
			return err
		}
		return e.execAll(ctx, stmts)
	})
}

// Drop drops the table (only the table: its enum types stay). With
// checkfirst (the default) a missing table is not an error.
func (t *Table) Drop(ctx context.Context, target Target, opts ...Option) error {
	if err := t.md.Err(); err != nil {
		return err
	}
	o := buildRunOptions(opts)
	return run(ctx, target, o, transactionalDDL, func(ctx context.Context, d *dialects.Dialect, e *executor) error {
		ex, err := t.md.existing(ctx, d, e, []*Table{t}, o.checkFirst)
		if err != nil || (o.checkFirst && !ex.Tables[t.key]) {
			return err
		}
		s, err := newCompiler(d, t.md).dropTable(t)
		if err != nil {
			return err
		}
		return e.execAll(ctx, []string{s})
	})
}

// existing runs the one catalog query of a call, or returns an empty
// answer without checkfirst.
func (md *MetaData) existing(ctx context.Context, d *dialects.Dialect, q Querier, tables []*Table, check bool) (*Existing, error) {
	if !check {
		return &Existing{Tables: map[string]bool{}, Types: map[string]bool{}}, nil
	}
	cat, err := catalogOf(d)
	if err != nil {
		return nil, err
	}
	var schemas []string
	for _, t := range tables {
		if !slices.Contains(schemas, t.Schema()) {
			schemas = append(schemas, t.Schema())
		}
	}
	ex, err := cat.Existing(ctx, q, schemas)
	if err != nil {
		return nil, fmt.Errorf("metadata: checking which tables exist: %w", err)
	}
	if ex.Tables == nil {
		ex.Tables = map[string]bool{}
	}
	if ex.Types == nil {
		ex.Types = map[string]bool{}
	}
	return ex, nil
}

// selectTables returns the tables named by keys (all without keys), in
// declaration order.
func (md *MetaData) selectTables(keys []string) ([]*Table, error) {
	if len(keys) == 0 {
		return md.tables, nil
	}
	want := map[string]bool{}
	for _, k := range keys {
		if md.byKey[k] == nil {
			return nil, fmt.Errorf("metadata: Only(%q): the MetaData has no such table", k)
		}
		want[k] = true
	}
	var out []*Table
	for _, t := range md.tables {
		if want[t.key] {
			out = append(out, t)
		}
	}
	return out, nil
}

// usesEnum reports whether a column of t has the enum type name.
func (t *Table) usesEnum(name string) bool {
	for _, c := range t.columns {
		if e, ok := c.typ.(*types.EnumType); ok && !c.nonNativeEnum && e.Name == name {
			return true
		}
	}
	return false
}
