package metadata

import (
	"maps"
	"sort"
)

// MetaData is a registry of tables, keyed by name, or by "schema.name" for
// a table in a schema (its own or the MetaData's default schema). It is
// SQLAlchemy's MetaData; the name is kept because its users look for it.
//
// Declaring tables is not safe for concurrent use; once the tables are
// declared, a MetaData may be read, rendered and created from any number
// of goroutines.
type MetaData struct {
	schema string
	naming map[string]string
	tables []*Table
	byKey  map[string]*Table
	err    error // the first declaration error
}

// MetaDataOption configures [New].
type MetaDataOption func(*MetaData)

// DefaultSchema puts every table declared without its own [Schema] in
// schema (SQLAlchemy's MetaData(schema=…)); unqualified foreign-key
// targets are looked up there too.
func DefaultSchema(schema string) MetaDataOption {
	return func(md *MetaData) { md.schema = schema }
}

// NamingConvention sets the templates that name constraints and indexes
// declared without a name, keyed by "pk", "fk", "uq", "ck" and "ix", in
// SQLAlchemy's syntax:
//
//	metadata.NamingConvention(map[string]string{
//		"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
//		"uq": "uq_%(table_name)s_%(column_0_name)s",
//	})
//
// The tokens are table_name, column_0_name, column_0_label
// (table_column), column_0N_name (all columns run together),
// column_0_N_name (all columns joined by "_"), referred_table_name,
// referred_column_0_name and constraint_name (the explicit name; using it
// on an unnamed constraint is an error). The entries are merged over the
// default {"ix": "ix_%(column_0_label)s"}.
func NamingConvention(convention map[string]string) MetaDataOption {
	return func(md *MetaData) { maps.Copy(md.naming, convention) }
}

// New returns an empty MetaData.
func New(opts ...MetaDataOption) *MetaData {
	md := &MetaData{
		naming: map[string]string{"ix": "ix_%(column_0_label)s"},
		byKey:  map[string]*Table{},
	}
	for _, o := range opts {
		o(md)
	}
	return md
}

// Schema returns the default schema, empty for none.
func (md *MetaData) Schema() string { return md.schema }

// Tables returns the tables in the order they were declared, as
// iterating SQLAlchemy's metadata.tables does; [MetaData.Lookup] finds
// one by key, [MetaData.Keys] lists the keys sorted, and
// [MetaData.SortedTables] gives the foreign-key order. The slice is the
// caller's.
func (md *MetaData) Tables() []*Table {
	return append([]*Table(nil), md.tables...)
}

// Keys returns the table keys, sorted.
func (md *MetaData) Keys() []string {
	keys := make([]string, 0, len(md.byKey))
	for k := range md.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Lookup returns the table with key ("users" or "schema.users"), or nil.
func (md *MetaData) Lookup(key string) *Table { return md.byKey[key] }

// Err returns the first error in the declarations: a duplicate table or
// column, an invalid option, or — once every table is declared — a
// foreign key whose target cannot be found. SortedTables, CreateAll,
// DropAll and CreateAllSQL return it too, so checking Err is optional.
func (md *MetaData) Err() error {
	if md.err != nil {
		return md.err
	}
	return md.resolveErr()
}

// setErr keeps the first declaration error.
func (md *MetaData) setErr(err error) {
	if md.err == nil {
		md.err = err
	}
}

// tableKey is the registry key of a table named name in schema.
func tableKey(schema, name string) string {
	if schema == "" {
		return name
	}
	return schema + "." + name
}
