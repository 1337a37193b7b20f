package postgresql_test

import (
	"context"
	"database/sql"
	"regexp"
	"testing"

	gosqlmock "github.com/DATA-DOG/go-sqlmock"

	_ "github.com/go-alchemy/alchemy/dialects/postgresql"
	_ "github.com/go-alchemy/alchemy/dialects/sqlmock"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// TestCreateAllWithoutTransactionalDDL: on CockroachDB and YugabyteDB,
// CreateAll sends each CREATE TABLE on its own, outside a transaction
// (sqlmock fails on a BEGIN that is not expected), where PostgreSQL sends
// one script inside BEGIN … COMMIT.
func TestCreateAllWithoutTransactionalDDL(t *testing.T) {
	md := metadata.New()
	md.Table("users", metadata.Column("id", types.Integer(), metadata.PrimaryKey()))
	md.Table("posts",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("user_id", nil, metadata.ForeignKey("users.id")))
	existing := regexp.QuoteMeta("SELECT 'e', '', t.typname FROM pg_catalog.pg_type t") + ".*"
	for _, tc := range []struct {
		dialect string
		tx      bool
	}{
		{"cockroachdb", false},
		{"yugabytedb", false},
		{"postgresql", true},
	} {
		t.Run(tc.dialect, func(t *testing.T) {
			dsn := testdb.UniqueName("ddl")
			mockDB, mock, err := gosqlmock.NewWithDSN(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer mockDB.Close()
			db, err := sql.Open("alchemy", tc.dialect+"+sqlmock://"+dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if tc.tx {
				mock.ExpectBegin()
			}
			mock.ExpectQuery(existing).WillReturnRows(gosqlmock.NewRows([]string{"kind", "schema", "name"}))
			if tc.tx {
				mock.ExpectExec("^CREATE TABLE users .*;\\s*CREATE TABLE posts .*").WillReturnResult(gosqlmock.NewResult(0, 0))
				mock.ExpectCommit()
			} else {
				mock.ExpectExec("^CREATE TABLE users \\(").WillReturnResult(gosqlmock.NewResult(0, 0))
				mock.ExpectExec("^CREATE TABLE posts \\(").WillReturnResult(gosqlmock.NewResult(0, 0))
			}
			if err := md.CreateAll(context.Background(), db); err != nil {
				t.Fatal(err)
			}
			if err := mock.ExpectationsWereMet(); err != nil {
				t.Error(err)
			}
		})
	}
}
