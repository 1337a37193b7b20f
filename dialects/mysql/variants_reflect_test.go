package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"testing"

	gosqlmock "github.com/DATA-DOG/go-sqlmock"
	"github.com/google/go-cmp/cmp"

	_ "github.com/go-alchemy/alchemy/dialects/sqlmock"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/metadata"
)

// prefixOrEqual matches a query equal to the expectation, or starting
// with it when the expectation ends with "…" (for the long queries of the
// base catalog, which other tests pin down).
var prefixOrEqual = gosqlmock.QueryMatcherFunc(func(expected, actual string) error {
	if head, ok := strings.CutSuffix(expected, "…"); ok && strings.HasPrefix(actual, head) {
		return nil
	}
	if expected == actual {
		return nil
	}
	return fmt.Errorf("query %q, expected %q", actual, expected)
})

// expectBase sets the answers to the queries the MySQL catalog sends
// before and after the CHECK constraints: the table row, its columns
// (extra lists more), its primary key, and (after the checks) no index.
func expectBase(mock gosqlmock.Sqlmock, version string, extra ...[]driver.Value) {
	mock.ExpectQuery("SELECT TABLE_COMMENT, VERSION() FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?…").
		WithArgs("orders").WillReturnRows(gosqlmock.NewRows([]string{"comment", "version"}).AddRow("", version))
	cols := gosqlmock.NewRows([]string{"name", "data_type", "column_type", "nullable", "default", "extra", "comment", "len", "prec", "scale"}).
		AddRow("id", "bigint", "bigint", "NO", nil, "auto_increment", "", 0, 19, 0).
		AddRow("qty", "int", "int", "NO", nil, "", "", 0, 10, 0)
	for _, e := range extra {
		cols.AddRow(e...)
	}
	mock.ExpectQuery("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE…").WithArgs("orders").WillReturnRows(cols)
	mock.ExpectQuery("SELECT tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.COLUMN_NAME…").WithArgs("orders").WillReturnRows(
		gosqlmock.NewRows([]string{"name", "kind", "col", "rs", "rt", "rc", "upd", "del", "schema"}).
			AddRow("PRIMARY", "PRIMARY KEY", "id", "", "", "", "", "", "shop"))
}

func expectNoIndexes(mock gosqlmock.Sqlmock) {
	mock.ExpectQuery("SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS…").WithArgs("orders").
		WillReturnRows(gosqlmock.NewRows([]string{"index", "column"}))
}

// TestVitessChecksFromShowCreate: the Vitess catalog never sends the
// CHECK_CONSTRAINTS query (sqlmock fails on any query not expected); it
// reads the checks from SHOW CREATE TABLE as a MySQL 8 tablet prints it.
func TestVitessChecksFromShowCreate(t *testing.T) {
	db, mock, err := gosqlmock.New(gosqlmock.QueryMatcherOption(prefixOrEqual))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	expectBase(mock, "8.0.30-Vitess")
	mock.ExpectQuery("SHOW CREATE TABLE `orders`").WillReturnRows(gosqlmock.NewRows([]string{"Table", "Create Table"}).AddRow("orders",
		"CREATE TABLE `orders` (\n"+
			"  `id` bigint NOT NULL AUTO_INCREMENT,\n"+
			"  `qty` int NOT NULL,\n"+
			"  PRIMARY KEY (`id`),\n"+
			"  CONSTRAINT `orders_chk_1` CHECK ((`qty` > 0)),\n"+
			"  CONSTRAINT `qty``cap` CHECK ((`qty` < 1000)) /*!80016 NOT ENFORCED */\n"+
			") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"))
	expectNoIndexes(mock)
	info, err := Vitess.DDL.Catalog.(metadata.Catalog).ReflectTable(context.Background(), db, "", "orders")
	if err != nil {
		t.Fatal(err)
	}
	if err := mock.ExpectationsWereMet(); err != nil {
		t.Fatal(err)
	}
	want := []metadata.CheckInfo{{Name: "orders_chk_1", SQL: "(`qty` > 0)"}, {Name: "qty`cap", SQL: "(`qty` < 1000)"}}
	if diff := cmp.Diff(want, info.Checks); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	if len(info.Columns) != 2 || !info.Columns[0].Autoincrement || len(info.PrimaryKey.Columns) != 1 {
		t.Errorf("the rest of the table was not read as on MySQL: %+v", info)
	}
}

// TestVitessShowCreateSchema: a named schema (a keyspace) is qualified
// in SHOW CREATE TABLE, quoted.
func TestVitessShowCreateSchema(t *testing.T) {
	db, mock, err := gosqlmock.New(gosqlmock.QueryMatcherOption(prefixOrEqual))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := &reader{q: db, schema: "commerce", checks: checksFromShowCreate, info: &metadata.TableInfo{Name: "orders"}}
	mock.ExpectQuery("SHOW CREATE TABLE `commerce`.`orders`").WillReturnRows(gosqlmock.NewRows([]string{"Table", "Create Table"}).
		AddRow("orders", "CREATE TABLE `orders` (\n  `id` int NOT NULL\n) ENGINE=InnoDB"))
	if err := r.readChecks(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := mock.ExpectationsWereMet(); err != nil {
		t.Fatal(err)
	}
	if len(r.info.Checks) != 0 {
		t.Errorf("checks %v from a table without any", r.info.Checks)
	}
}

// TestTiDBReflect: a TiDB without information_schema.CHECK_CONSTRAINTS
// (it answers 1146) reflects with no checks instead of failing, and the
// hidden _tidb_rowid never becomes a column.
func TestTiDBReflect(t *testing.T) {
	db, mock, err := gosqlmock.New(gosqlmock.QueryMatcherOption(prefixOrEqual))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	expectBase(mock, "8.0.11-TiDB-v6.5.0", []driver.Value{"_tidb_rowid", "bigint", "bigint", "NO", nil, "", "", 0, 19, 0})
	mock.ExpectQuery("SELECT cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, '' FROM information_schema.CHECK_CONSTRAINTS cc…").WithArgs("orders").
		WillReturnError(myErr(1146, "Table 'information_schema.check_constraints' doesn't exist"))
	expectNoIndexes(mock)
	info, err := TiDB.DDL.Catalog.(metadata.Catalog).ReflectTable(context.Background(), db, "", "orders")
	if err != nil {
		t.Fatal(err)
	}
	if err := mock.ExpectationsWereMet(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range info.Columns {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"id", "qty"}, names); diff != "" || len(info.Checks) != 0 {
		t.Errorf("columns (-want +got):\n%s\nchecks %v", diff, info.Checks)
	}

	// The MySQL dialect itself still fails on the same answer: only the
	// variant treats the view as optional.
	db2, mock2, _ := gosqlmock.New(gosqlmock.QueryMatcherOption(prefixOrEqual))
	defer db2.Close()
	expectBase(mock2, "8.0.11-TiDB-v6.5.0")
	mock2.ExpectQuery("SELECT cc.CONSTRAINT_NAME…").WithArgs("orders").WillReturnError(myErr(1146, "no such table"))
	if _, err := Dialect.DDL.Catalog.(metadata.Catalog).ReflectTable(context.Background(), db2, "", "orders"); err == nil {
		t.Error("the mysql catalog ignored a missing CHECK_CONSTRAINTS view")
	}
}

// TestShowCreateChecksOnServer reads the same table through the MySQL
// catalog (information_schema) and the Vitess one (SHOW CREATE TABLE) on
// the MySQL/MariaDB test server: the CHECK constraints must agree, so the
// parser reads what the server prints.
func TestShowCreateChecksOnServer(t *testing.T) {
	url := testdb.MySQL(t)
	db := testdb.Plain(t, url)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE orders (id INT PRIMARY KEY, qty INT NOT NULL, price DECIMAL(10,2),"+
		" CONSTRAINT qty_positive CHECK (qty > 0), CONSTRAINT `price``ok` CHECK (price >= 0 AND price < 1e6))"); err != nil {
		t.Fatal(err)
	}
	base, err := Dialect.DDL.Catalog.(metadata.Catalog).ReflectTable(ctx, db, "", "orders")
	if err != nil {
		t.Fatal(err)
	}
	vt, err := Vitess.DDL.Catalog.(metadata.Catalog).ReflectTable(ctx, db, "", "orders")
	if err != nil {
		t.Fatal(err)
	}
	if len(base.Checks) != 2 {
		t.Fatalf("information_schema lists %d checks, want 2: %v", len(base.Checks), base.Checks)
	}
	if diff := cmp.Diff(base.Checks, vt.Checks); diff != "" {
		t.Errorf("checks, information_schema (-) against SHOW CREATE TABLE (+):\n%s", diff)
	}
}

// TestVitessInspectorFromURL: the catalog follows the URL's scheme. An
// Inspector on a database opened as vitess+sqlmock reads CHECK
// constraints with SHOW CREATE TABLE; sqlmock fails on any other query.
func TestVitessInspectorFromURL(t *testing.T) {
	dsn := testdb.UniqueName("vitess")
	mockDB, mock, err := gosqlmock.NewWithDSN(dsn, gosqlmock.QueryMatcherOption(prefixOrEqual))
	if err != nil {
		t.Fatal(err)
	}
	defer mockDB.Close()
	db, err := sql.Open("alchemy", "vitess+sqlmock://"+dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	expectBase(mock, "8.0.30-Vitess")
	mock.ExpectQuery("SHOW CREATE TABLE `orders`").WillReturnRows(gosqlmock.NewRows([]string{"Table", "Create Table"}).
		AddRow("orders", "CREATE TABLE `orders` (\n  `qty` int NOT NULL,\n  CONSTRAINT `orders_chk_1` CHECK ((`qty` > 0))\n) ENGINE=InnoDB"))
	expectNoIndexes(mock)
	ctx := context.Background()
	in, err := metadata.Inspect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if in.Dialect() != Vitess {
		t.Fatalf("inspector dialect %s, want vitess", in.Dialect())
	}
	checks, err := in.CheckConstraints(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if err := mock.ExpectationsWereMet(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]metadata.CheckInfo{{Name: "orders_chk_1", SQL: "(`qty` > 0)"}}, checks); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
}
