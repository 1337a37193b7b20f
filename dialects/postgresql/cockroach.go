package postgresql

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
)

// CockroachDB SQLSTATEs that PostgreSQL itself never sends in answer to
// COMMIT, and which do not mean "rolled back".
const (
	// crdbAmbiguous is statement_completion_unknown: the gateway node lost
	// touch with a range while committing ("result is ambiguous"); the
	// transaction may or may not have been applied.
	crdbAmbiguous = "40003"
	// crdbCommittedSchemaChangeFailed is
	// transaction_committed_with_schema_change_failure: the writes of the
	// transaction were committed but its schema change was rolled back.
	crdbCommittedSchemaChangeFailed = "XXA00"
)

// CockroachDB is the CockroachDB variant of the PostgreSQL dialect, under
// the URL scheme "cockroachdb" (the name sqlalchemy-cockroachdb
// registers), with pgx as its driver and 26257 as its default port.
//
// What differs from PostgreSQL:
//   - A COMMIT answered with 40003 ("result is ambiguous") or XXA00
//     ("committed, but the schema change failed") is not a definite
//     rollback: alchemy reports it as a *CommitUnknownError, and
//     BeginRetry runs the transaction again only under
//     RetryPolicy.Idempotent. 40001 ("restart transaction",
//     RETRY_SERIALIZABLE, RETRY_WRITE_TOO_OLD, …) is a serialization
//     failure, retried by BeginRetry; 57P01 (a node draining or shutting
//     down) is a disconnect, as on PostgreSQL.
//   - DDL is not transactional in the PostgreSQL sense: schema changes run
//     asynchronously and a transaction that mixes them with writes is not
//     atomic. Features.TransactionalDDL is false, so metadata's CreateAll
//     and DropAll, and migrate's steps, send one statement at a time
//     outside a transaction, and a failed migration step reports which
//     statements were already applied.
//   - Foreign keys cannot be DEFERRABLE.
//   - Reflection leaves out hidden columns (the rowid of a table declared
//     without a primary key, the shard column of a hash-sharded index)
//     and what is built on them, and reads an integer column whose
//     default is unique_rowid() (CockroachDB's SERIAL) as autoincrement.
var CockroachDB = func() *dialects.Dialect {
	d := Dialect.Clone()
	d.Name = "cockroachdb"
	d.DefaultPort = 26257
	d.Features.TransactionalDDL = false
	d.DDL.BatchDDL = false
	d.DDL.DeferrableConstraints = false
	d.DDL.Catalog = cockroachCatalog{}
	d.Classify = cockroachClassify
	d.IsServerError = cockroachIsServerError
	return d
}()

// cockroachClassify is PostgreSQL's classification; the two codes of an
// unknown outcome stay KindUnknown on purpose (not retryable).
func cockroachClassify(err error) dialects.ErrorKind {
	if code := sqlState(err); code == crdbAmbiguous || code == crdbCommittedSchemaChangeFailed {
		return dialects.KindUnknown
	}
	return classify(err)
}

// cockroachIsServerError: an ErrorResponse, except the two that leave the
// transaction's outcome open. alchemy takes a server's answer to COMMIT
// as a definite "not applied"; for these it must not.
func cockroachIsServerError(err error) bool {
	if code := sqlState(err); code == crdbAmbiguous || code == crdbCommittedSchemaChangeFailed {
		return false
	}
	return isServerError(err)
}

// sqlState returns the SQLSTATE of a server error, "" for anything else.
func sqlState(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// cockroachCatalog is PostgreSQL's pg_catalog reader with CockroachDB's
// hidden columns taken out.
type cockroachCatalog struct{ catalog }

var (
	_ metadata.Catalog     = cockroachCatalog{}
	_ metadata.EnumCatalog = cockroachCatalog{}
)

// hiddenColumnsQuery lists the columns CockroachDB adds on its own; they
// are in pg_attribute like any other, and only information_schema's
// CockroachDB-specific is_hidden tells them apart.
func hiddenColumnsQuery(schema string) string {
	cond := "table_schema = current_schema()"
	if schema != "" {
		cond = "table_schema = " + Dialect.QuoteString(schema)
	}
	return "SELECT column_name FROM information_schema.columns WHERE " + cond +
		" AND table_name = $1 AND is_hidden = 'YES' ORDER BY ordinal_position"
}

// ReflectTable reads the table as PostgreSQL's catalog does, then removes
// the hidden columns.
func (c cockroachCatalog) ReflectTable(ctx context.Context, q metadata.Querier, schema, name string) (*metadata.TableInfo, error) {
	info, err := c.catalog.ReflectTable(ctx, q, schema, name)
	if err != nil || info == nil {
		return info, err
	}
	hidden, err := metadata.QueryStrings(ctx, q, hiddenColumnsQuery(schema), name)
	if err != nil {
		return nil, err
	}
	dropHidden(info, hidden)
	return info, nil
}

// uniqueRowID is the default of CockroachDB's SERIAL (serial_normalization
// = rowid, the default): a unique, increasing but not dense INT8.
const uniqueRowID = "unique_rowid()"

// dropHidden removes hidden columns from info: the columns themselves,
// their places in the primary key, unique constraints and indexes (a
// hash-sharded index leads with its shard column), and the CHECK
// constraints that CockroachDB puts on them. A key left with no column
// (the primary key on rowid of a table declared without one) goes.
func dropHidden(info *metadata.TableInfo, hidden []string) {
	for i := range info.Columns {
		c := &info.Columns[i]
		if c.Default != nil && c.Default.Kind == metadata.DefaultExpr && c.Default.Text == uniqueRowID &&
			c.Type != nil && c.Type.Kind().IsInteger() {
			c.Autoincrement, c.Default = true, nil
		}
	}
	if len(hidden) == 0 {
		return
	}
	isHidden := func(col string) bool { return slices.Contains(hidden, col) }
	info.Columns = slices.DeleteFunc(info.Columns, func(c metadata.ColumnInfo) bool { return isHidden(c.Name) })
	strip := func(cols []string) []string { return slices.DeleteFunc(slices.Clone(cols), isHidden) }
	info.PrimaryKey.Columns = strip(info.PrimaryKey.Columns)
	if len(info.PrimaryKey.Columns) == 0 {
		info.PrimaryKey = metadata.ConstraintInfo{}
	}
	var uniques []metadata.ConstraintInfo
	for _, u := range info.Uniques {
		if u.Columns = strip(u.Columns); len(u.Columns) > 0 {
			uniques = append(uniques, u)
		}
	}
	info.Uniques = uniques
	var indexes []metadata.IndexInfo
	for _, ix := range info.Indexes {
		if ix.Columns = strip(ix.Columns); len(ix.Columns) > 0 {
			indexes = append(indexes, ix)
		}
	}
	info.Indexes = indexes
	info.Checks = slices.DeleteFunc(info.Checks, func(ck metadata.CheckInfo) bool {
		if isHidden(ck.Column) {
			return true
		}
		for _, h := range hidden {
			if mentions(ck.SQL, h) {
				return true
			}
		}
		return false
	})
	info.ForeignKeys = slices.DeleteFunc(info.ForeignKeys, func(fk metadata.ForeignKeyInfo) bool {
		return slices.ContainsFunc(fk.Columns, isHidden)
	})
}

// mentions reports whether the SQL text names the column as a whole word
// (quoted or not).
func mentions(sqlText, col string) bool {
	for i := 0; ; {
		j := strings.Index(sqlText[i:], col)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(col)
		if (start == 0 || !identChar(sqlText[start-1])) && (end == len(sqlText) || !identChar(sqlText[end])) {
			return true
		}
		i = end
	}
}

func identChar(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
