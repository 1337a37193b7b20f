package metadata

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// Querier runs a catalog query; *sql.DB, *sql.Conn, *sql.Tx and the
// Engine all have this method.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Catalog reads a database's catalog. Each dialect package implements it
// over its own catalog (pg_catalog, information_schema, sqlite_master and
// PRAGMAs) and sets it as dialects.DDLOptions.Catalog; a variant dialect
// made with Clone inherits it.
type Catalog interface {
	// Existing returns the tables and named types that exist, in one
	// query for the whole call: CreateAll and DropAll check existence
	// with it. schemas lists the schemas of interest, "" standing for
	// the connection's default schema.
	Existing(ctx context.Context, q Querier, schemas []string) (*Existing, error)
	// TableNames returns the names of the base tables of schema ("" for
	// the default), sorted.
	TableNames(ctx context.Context, q Querier, schema string) ([]string, error)
	// ReflectTable describes one table, or returns nil and no error when
	// it does not exist.
	ReflectTable(ctx context.Context, q Querier, schema, name string) (*TableInfo, error)
}

// Existing is the answer to [Catalog.Existing].
type Existing struct {
	// Tables holds the keys of the existing tables: "name" for a table
	// of the default schema, "schema.name" for one of a named schema.
	Tables map[string]bool
	// Types holds the names of the existing enum types of the default
	// schema (PostgreSQL); empty elsewhere.
	Types map[string]bool
}

// TableInfo describes a table as the catalog knows it; a dialect's
// Catalog returns it, and reflection turns it into a [Table].
type TableInfo struct {
	Schema, Name string
	Comment      string
	Columns      []ColumnInfo
	PrimaryKey   ConstraintInfo // Columns empty for a table without one
	ForeignKeys  []ForeignKeyInfo
	Uniques      []ConstraintInfo
	Indexes      []IndexInfo
	Checks       []CheckInfo
}

// ColumnInfo describes a column.
type ColumnInfo struct {
	Name          string
	Type          types.Type
	Nullable      bool
	Default       *ServerDefaultDef // nil for none
	Autoincrement bool
	Comment       string
}

// ConstraintInfo describes a primary key or unique constraint. Name is
// empty where the catalog does not keep constraint names (SQLite).
type ConstraintInfo struct {
	Name    string
	Columns []string
}

// ForeignKeyInfo describes a foreign key.
type ForeignKeyInfo struct {
	Name       string
	Columns    []string
	RefSchema  string // empty for the default schema
	RefTable   string
	RefColumns []string
	OnDelete   string // empty for the default (NO ACTION)
	OnUpdate   string
	Deferrable bool
	Initially  string
}

// IndexInfo describes an index that is not the implementation of a
// primary key or unique constraint.
type IndexInfo struct {
	Name    string
	Columns []string
	Unique  bool
}

// CheckInfo describes a CHECK constraint. Column is set when the check
// belongs to one column.
type CheckInfo struct {
	Name   string
	Column string
	SQL    string
}

// catalogOf returns the dialect's catalog.
func catalogOf(d *dialects.Dialect) (Catalog, error) {
	c, ok := d.DDL.Catalog.(Catalog)
	if !ok {
		return nil, fmt.Errorf("%w: dialect %s (DDLOptions.Catalog is %T, not a metadata.Catalog)", ErrNoCatalog, d.Name, d.DDL.Catalog)
	}
	return c, nil
}

// QueryStrings runs a one-column query and returns its values, a NULL as
// the empty string. The dialects' catalogs use it for lists of names.
func QueryStrings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s.String)
	}
	return out, rows.Err()
}
