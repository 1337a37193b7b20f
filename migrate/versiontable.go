package migrate

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects"
)

// The version table has one column, version_num, and at most one row:
// the id of the revision the database is at (no row: at base). It is
// Alembic's alembic_version.

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type versionTable struct {
	d    *dialects.Dialect
	name string // quoted
}

func newVersionTable(d *dialects.Dialect, name string) (versionTable, error) {
	q, err := d.QuoteIdent(name)
	if err != nil {
		return versionTable{}, fmt.Errorf("migrate: version table: %w", err)
	}
	return versionTable{d: d, name: q}, nil
}

func (v versionTable) createSQL() string {
	s := "CREATE TABLE "
	if v.d.Features.IfNotExists {
		s += "IF NOT EXISTS "
	}
	return s + v.name + " (version_num VARCHAR(64) NOT NULL, PRIMARY KEY (version_num))"
}

// ensure creates the table when it does not exist.
func (v versionTable) ensure(ctx context.Context, q querier) error {
	if !v.d.Features.IfNotExists {
		if _, err := v.current(ctx, q); err == nil {
			return nil
		}
	}
	if _, err := q.ExecContext(ctx, v.createSQL()); err != nil {
		return fmt.Errorf("migrate: creating the version table: %w", err)
	}
	return nil
}

// current returns the recorded revision, "" for base.
func (v versionTable) current(ctx context.Context, q querier) (string, error) {
	ids, err := v.ids(ctx, q)
	if err != nil {
		return "", err
	}
	switch len(ids) {
	case 0:
		return "", nil
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("migrate: the version table holds %d rows (%v); branches are not supported", len(ids), ids)
}

// ids returns every row of the table (one, or none, unless edited by hand).
func (v versionTable) ids(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT version_num FROM "+v.name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// setSQL is the statement that moves the version from from to to ("" is
// base), or "" when they are equal.
func (v versionTable) setSQL(from, to string) string {
	switch {
	case from == to:
		return ""
	case to == "":
		return "DELETE FROM " + v.name
	case from == "":
		return "INSERT INTO " + v.name + " (version_num) VALUES (" + v.d.QuoteString(to) + ")"
	}
	return "UPDATE " + v.name + " SET version_num = " + v.d.QuoteString(to) + " WHERE version_num = " + v.d.QuoteString(from)
}
