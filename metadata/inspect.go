package metadata

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// Inspector answers questions about the schema of a live database, as
// SQLAlchemy's inspect(engine) does: the tables of a schema, and for one
// table its columns, primary key, foreign keys, indexes, unique and
// check constraints; the enums of a schema. Its answers are the ones
// [MetaData.Reflect] builds tables from, read through the dialect's
// [Catalog], so a CHECK constraint CreateAll added for a Boolean or an
// Enum is folded back into the column's type here too.
//
// Tables are named as in [Only]: "users" for the connection's default
// schema, "schema.users" for another one.
//
// Like SQLAlchemy's Inspector it remembers what it has read: the first
// question about a table reads the whole table (one catalog round trip
// per kind of object), later ones are answered from memory until
// [Inspector.ClearCache]. An Inspector is safe for concurrent use; its
// target must stay open while it is used.
type Inspector struct {
	target Target
	d      *dialects.Dialect
	cat    Catalog

	mu     sync.Mutex
	tables map[string]*TableInfo // by key; guarded by mu
	names  map[string][]string   // table names by schema; guarded by mu
}

// Inspect returns an Inspector for target, finding its dialect (ctx
// bounds that). target is anything CreateAll accepts ([Target]).
func Inspect(ctx context.Context, target Target) (*Inspector, error) {
	if target == nil {
		return nil, errors.New("metadata: Inspect of a nil target")
	}
	d, err := dialects.Of(ctx, target)
	if err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	cat, err := catalogOf(d)
	if err != nil {
		return nil, err
	}
	return &Inspector{target: target, d: d, cat: cat, tables: map[string]*TableInfo{}, names: map[string][]string{}}, nil
}

// Dialect returns the target's dialect.
func (in *Inspector) Dialect() *dialects.Dialect { return in.d }

// ClearCache forgets every answer, so that the next question reads the
// catalog again (after DDL, say).
func (in *Inspector) ClearCache() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.tables = map[string]*TableInfo{}
	in.names = map[string][]string{}
}

// TableNames returns the names of the base tables of schema ("" for the
// connection's default schema), sorted; views are not included.
func (in *Inspector) TableNames(ctx context.Context, schema string) ([]string, error) {
	in.mu.Lock()
	cached, ok := in.names[schema]
	in.mu.Unlock()
	if ok {
		return slices.Clone(cached), nil
	}
	names, err := in.cat.TableNames(ctx, in.target, schema)
	if err != nil {
		return nil, fmt.Errorf("metadata: listing the tables of %s: %w", schemaLabel(schema), err)
	}
	sort.Strings(names)
	in.mu.Lock()
	in.names[schema] = names
	in.mu.Unlock()
	return slices.Clone(names), nil
}

func schemaLabel(schema string) string {
	if schema == "" {
		return "the default schema"
	}
	return "schema " + schema
}

// HasTable reports whether table exists as a base table.
func (in *Inspector) HasTable(ctx context.Context, table string) (bool, error) {
	_, err := in.Table(ctx, table)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, ErrNoSuchTable) {
		return false, nil
	}
	return false, err
}

// Table describes table as a whole; every other per-table method returns
// a part of this. A missing table is an error matching [ErrNoSuchTable].
// The result is the caller's to change.
func (in *Inspector) Table(ctx context.Context, table string) (*TableInfo, error) {
	schema, name := splitTableKey(table)
	key := tableKey(schema, name)
	in.mu.Lock()
	info, ok := in.tables[key]
	in.mu.Unlock()
	if !ok {
		var err error
		if info, err = readTableInfo(ctx, in.d, in.cat, in.target, "", schema, name); err != nil {
			return nil, err
		}
		in.mu.Lock()
		in.tables[key] = info
		in.mu.Unlock()
	}
	return info.clone(), nil
}

// Columns returns table's columns in their order in the table.
func (in *Inspector) Columns(ctx context.Context, table string) ([]ColumnInfo, error) {
	info, err := in.Table(ctx, table)
	if err != nil {
		return nil, err
	}
	return info.Columns, nil
}

// PrimaryKey returns table's primary key; its Columns are empty for a
// table without one.
func (in *Inspector) PrimaryKey(ctx context.Context, table string) (ConstraintInfo, error) {
	info, err := in.Table(ctx, table)
	if err != nil {
		return ConstraintInfo{}, err
	}
	return info.PrimaryKey, nil
}

// ForeignKeys returns table's foreign keys. RefSchema is empty for a
// referenced table of the default schema.
func (in *Inspector) ForeignKeys(ctx context.Context, table string) ([]ForeignKeyInfo, error) {
	info, err := in.Table(ctx, table)
	if err != nil {
		return nil, err
	}
	return info.ForeignKeys, nil
}

// Indexes returns table's indexes, leaving out those that implement its
// primary key and unique constraints (and, on MySQL, those InnoDB adds
// for foreign keys).
func (in *Inspector) Indexes(ctx context.Context, table string) ([]IndexInfo, error) {
	info, err := in.Table(ctx, table)
	if err != nil {
		return nil, err
	}
	return info.Indexes, nil
}

// UniqueConstraints returns table's unique constraints.
func (in *Inspector) UniqueConstraints(ctx context.Context, table string) ([]ConstraintInfo, error) {
	info, err := in.Table(ctx, table)
	if err != nil {
		return nil, err
	}
	return info.Uniques, nil
}

// CheckConstraints returns table's CHECK constraints, except those that a
// column's type implies (see [Inspector]).
func (in *Inspector) CheckConstraints(ctx context.Context, table string) ([]CheckInfo, error) {
	info, err := in.Table(ctx, table)
	if err != nil {
		return nil, err
	}
	return info.Checks, nil
}

// EnumInfo describes an enum: a named type (PostgreSQL's CREATE TYPE …
// AS ENUM), or the enum of one column where enums are written inline
// (MySQL's ENUM(…), SQLite's VARCHAR restricted by a CHECK).
type EnumInfo struct {
	// Schema is the schema asked about ("" for the default one).
	Schema string
	// Name is the type's name; empty for an inline enum, which has none
	// in the catalog.
	Name string
	// Labels are the labels in their declared order.
	Labels []string
	// Table and Column name the column of an inline enum; empty for a
	// named type, which any number of columns may use.
	Table, Column string
}

// EnumCatalog is implemented by the [Catalog] of a dialect whose enums
// are named types (PostgreSQL); [Inspector.Enums] uses it.
type EnumCatalog interface {
	// Enums returns the enum types of schema ("" for the default),
	// sorted by name.
	Enums(ctx context.Context, q Querier, schema string) ([]EnumInfo, error)
}

// Enums returns the enums of schema ("" for the default schema): the
// named enum types where the dialect has them (PostgreSQL), sorted by
// name; elsewhere one entry per enum column of the schema's tables, in
// table order then column order.
func (in *Inspector) Enums(ctx context.Context, schema string) ([]EnumInfo, error) {
	if ec, ok := in.cat.(EnumCatalog); ok {
		enums, err := ec.Enums(ctx, in.target, schema)
		if err != nil {
			return nil, fmt.Errorf("metadata: listing the enums of %s: %w", schemaLabel(schema), err)
		}
		return enums, nil
	}
	names, err := in.TableNames(ctx, schema)
	if err != nil {
		return nil, err
	}
	var out []EnumInfo
	for _, n := range names {
		info, err := in.Table(ctx, tableKey(schema, n))
		if err != nil {
			return nil, err
		}
		for _, c := range info.Columns {
			if e, ok := c.Type.(*types.EnumType); ok {
				out = append(out, EnumInfo{Schema: schema, Name: e.Name, Labels: slices.Clone(e.Values), Table: n, Column: c.Name})
			}
		}
	}
	return out, nil
}

// splitTableKey splits "schema.name"; a bare name is in the default
// schema ("").
func splitTableKey(key string) (schema, name string) {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '.' {
			return key[:i], key[i+1:]
		}
	}
	return "", key
}

// readTableInfo reads one table through the catalog and normalises it
// the way reflection needs: the schema filled in, foreign keys to the
// table's own (non-default) schema qualified, the checks implied by
// types folded into the types. defaultSchema is the schema unqualified
// names stand for.
func readTableInfo(ctx context.Context, d *dialects.Dialect, cat Catalog, q Querier, defaultSchema, schema, name string) (*TableInfo, error) {
	info, err := cat.ReflectTable(ctx, q, schema, name)
	if err != nil {
		return nil, fmt.Errorf("metadata: reflecting %s: %w", tableKey(schema, name), err)
	}
	if info == nil {
		return nil, fmt.Errorf("%w: %s", ErrNoSuchTable, tableKey(schema, name))
	}
	info.Schema = schema
	for i := range info.ForeignKeys {
		if info.ForeignKeys[i].RefSchema == "" && schema != defaultSchema {
			info.ForeignKeys[i].RefSchema = schema
		}
	}
	foldTypeChecks(d, info)
	foldBoolDefaults(info)
	return info, nil
}

// clone copies info deeply enough that changing the copy's slices does
// not change info (types are immutable values and are shared).
func (info *TableInfo) clone() *TableInfo {
	c := *info
	c.Columns = slices.Clone(info.Columns)
	c.PrimaryKey.Columns = slices.Clone(info.PrimaryKey.Columns)
	c.ForeignKeys = slices.Clone(info.ForeignKeys)
	for i := range c.ForeignKeys {
		c.ForeignKeys[i].Columns = slices.Clone(c.ForeignKeys[i].Columns)
		c.ForeignKeys[i].RefColumns = slices.Clone(c.ForeignKeys[i].RefColumns)
	}
	c.Uniques = slices.Clone(info.Uniques)
	for i := range c.Uniques {
		c.Uniques[i].Columns = slices.Clone(c.Uniques[i].Columns)
	}
	c.Indexes = slices.Clone(info.Indexes)
	for i := range c.Indexes {
		c.Indexes[i].Columns = slices.Clone(c.Indexes[i].Columns)
	}
	c.Checks = slices.Clone(info.Checks)
	return &c
}
