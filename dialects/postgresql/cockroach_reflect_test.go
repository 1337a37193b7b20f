package postgresql

import (
	"context"
	"fmt"
	"strings"
	"testing"

	gosqlmock "github.com/DATA-DOG/go-sqlmock"
	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// prefixOrEqual matches a query equal to the expectation, or starting
// with it when the expectation ends with "…" (for a query built inline
// whose head is enough to tell it apart).
var prefixOrEqual = gosqlmock.QueryMatcherFunc(func(expected, actual string) error {
	if head, ok := strings.CutSuffix(expected, "…"); ok && strings.HasPrefix(actual, head) {
		return nil
	}
	if expected == actual {
		return nil
	}
	return fmt.Errorf("query %q, expected %q", actual, expected)
})

// TestCockroachReflectHidden reflects, from the catalog rows CockroachDB
// returns, a table declared without a primary key and with a
// hash-sharded index:
//
//	CREATE TABLE events (id INT8 NOT NULL DEFAULT unique_rowid(), kind STRING NOT NULL,
//	  at TIMESTAMPTZ, CONSTRAINT events_kind_check CHECK (kind <> ''),
//	  INDEX events_kind_idx (kind) USING HASH WITH (bucket_count = 8))
//
// CockroachDB adds rowid (with the primary key on it) and
// crdb_internal_kind_shard_8 (with a CHECK on its range, and first in the
// index); neither may reach the reflected table.
func TestCockroachReflectHidden(t *testing.T) {
	db, mock, err := gosqlmock.New(gosqlmock.QueryMatcherOption(prefixOrEqual))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const shard = "crdb_internal_kind_shard_8"
	mock.ExpectQuery("SELECT c.oid::int8, COALESCE(pg_catalog.obj_description(c.oid, 'pg_class'), '')…").WithArgs("events").
		WillReturnRows(gosqlmock.NewRows([]string{"oid", "comment"}).AddRow(int64(104), ""))
	mock.ExpectQuery(columnsQuery).WithArgs(int64(104)).WillReturnRows(gosqlmock.NewRows(
		[]string{"attname", "format", "typtype", "typname", "notnull", "default", "identity", "comment", "labels"}).
		AddRow("id", "bigint", "b", "int8", true, "unique_rowid()", "", "", "").
		AddRow("kind", "text", "b", "text", true, "", "", "", "").
		AddRow("at", "timestamp with time zone", "b", "timestamptz", false, "", "", "", "").
		AddRow(shard, "bigint", "b", "int8", true, "mod(fnv32(crdb_internal.datums_to_bytes(kind)), 8:::INT8)", "", "", "").
		AddRow("rowid", "bigint", "b", "int8", true, "unique_rowid()", "", "", ""))
	cols := []string{"conname", "contype", "cols", "refschema", "reftable", "refcols", "del", "upd", "deferrable", "deferred", "def"}
	mock.ExpectQuery(constraintsQuery).WithArgs(int64(104)).WillReturnRows(gosqlmock.NewRows(cols).
		AddRow("events_pkey", "p", "rowid", "", "", "", " ", " ", false, false, "PRIMARY KEY (rowid ASC)").
		AddRow("check_"+shard, "c", shard, "", "", "", " ", " ", false, false,
			"CHECK (("+shard+" IN (0:::INT8, 1:::INT8, 2:::INT8, 3:::INT8, 4:::INT8, 5:::INT8, 6:::INT8, 7:::INT8)))").
		AddRow("events_kind_check", "c", "kind", "", "", "", " ", " ", false, false, "CHECK ((kind != '':::STRING))"))
	mock.ExpectQuery(indexesQuery).WithArgs(int64(104)).WillReturnRows(gosqlmock.NewRows([]string{"relname", "unique", "cols", "expr"}).
		AddRow("events_kind_idx", false, shard+sep+"kind", false))
	mock.ExpectQuery("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()" +
		" AND table_name = $1 AND is_hidden = 'YES' ORDER BY ordinal_position").WithArgs("events").
		WillReturnRows(gosqlmock.NewRows([]string{"column_name"}).AddRow(shard).AddRow("rowid"))

	info, err := CockroachDB.DDL.Catalog.(metadata.Catalog).ReflectTable(context.Background(), db, "", "events")
	if err != nil {
		t.Fatal(err)
	}
	if err := mock.ExpectationsWereMet(); err != nil {
		t.Fatal(err)
	}
	want := &metadata.TableInfo{
		Name: "events",
		Columns: []metadata.ColumnInfo{
			{Name: "id", Type: types.BigInteger(), Autoincrement: true},
			{Name: "kind", Type: types.Text()},
			{Name: "at", Type: types.DateTimeTZ(), Nullable: true},
		},
		Checks:  []metadata.CheckInfo{{Name: "events_kind_check", Column: "kind", SQL: "(kind != '':::STRING)"}},
		Indexes: []metadata.IndexInfo{{Name: "events_kind_idx", Columns: []string{"kind"}}},
	}
	if diff := cmp.Diff(want, info, cmp.Comparer(func(a, b types.Type) bool { return fmt.Sprint(a) == fmt.Sprint(b) })); diff != "" {
		t.Errorf("reflected table (-want +got):\n%s", diff)
	}
}

// TestDropHidden: a declared primary key stays; a hash-sharded one loses
// only its shard column; a named schema's query names it.
func TestDropHidden(t *testing.T) {
	info := &metadata.TableInfo{
		Columns:    []metadata.ColumnInfo{{Name: "crdb_internal_id_shard_16", Type: types.BigInteger()}, {Name: "id", Type: types.BigInteger()}},
		PrimaryKey: metadata.ConstraintInfo{Name: "t_pkey", Columns: []string{"crdb_internal_id_shard_16", "id"}},
		Uniques:    []metadata.ConstraintInfo{{Name: "t_id_key", Columns: []string{"id"}}},
		Checks:     []metadata.CheckInfo{{Name: "ck", SQL: "crdb_internal_id_shard_16 < 16"}, {Name: "ck2", SQL: "x_crdb_internal_id_shard_16 > crdb_internal_id_shard_160"}},
	}
	dropHidden(info, []string{"crdb_internal_id_shard_16"})
	if len(info.Columns) != 1 || info.Columns[0].Name != "id" {
		t.Errorf("columns %v", info.Columns)
	}
	if diff := cmp.Diff(metadata.ConstraintInfo{Name: "t_pkey", Columns: []string{"id"}}, info.PrimaryKey); diff != "" {
		t.Errorf("primary key (-want +got):\n%s", diff)
	}
	if len(info.Uniques) != 1 || len(info.Checks) != 1 || info.Checks[0].Name != "ck2" {
		t.Errorf("uniques %v, checks %v: want the unique and ck2 (which only looks like the hidden name) kept", info.Uniques, info.Checks)
	}
	if q := hiddenColumnsQuery("audit"); !strings.Contains(q, "table_schema = 'audit'") {
		t.Errorf("hidden columns query for schema audit: %s", q)
	}
}
