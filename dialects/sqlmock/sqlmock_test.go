package sqlmock_test

import (
	"context"
	"strings"
	"testing"

	gosqlmock "github.com/DATA-DOG/go-sqlmock"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/all"
	_ "github.com/go-alchemy/alchemy/dialects/sqlmock"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// TestSQLPerDialect: the same statement reaches the mock compiled for
// the URL's dialect, exactly.
func TestSQLPerDialect(t *testing.T) {
	users := sqlexpr.NewTable("users", "id", "name")
	stmt := sqlexpr.Select(users.C("id")).Where(users.C("name").Eq("john")).Limit(1)
	tests := []struct{ dialect, want string }{
		{"postgresql", "SELECT users.id FROM users WHERE users.name = $1 LIMIT $2"},
		{"mysql", "SELECT users.id FROM users WHERE users.name = ? LIMIT ?"},
		{"sqlite", "SELECT users.id FROM users WHERE users.name = ? LIMIT ? OFFSET ?"},
	}
	for _, tt := range tests {
		t.Run(tt.dialect, func(t *testing.T) {
			dsn := testdb.UniqueName("mock")
			db, mock, err := gosqlmock.NewWithDSN(dsn, gosqlmock.QueryMatcherOption(gosqlmock.QueryMatcherEqual))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			eng, err := alchemy.CreateEngine(tt.dialect + "+sqlmock://" + dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			mock.ExpectQuery(tt.want).WillReturnRows(gosqlmock.NewRows([]string{"id"}).AddRow(7))
			var id int
			if err := eng.QueryRow(context.Background(), stmt).Scan(&id); err != nil {
				t.Fatalf("query: %v", err)
			}
			if id != 7 {
				t.Errorf("id = %d", id)
			}
			if err := mock.ExpectationsWereMet(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestMissingDSN: the URL must name the sqlmock DSN.
func TestMissingDSN(t *testing.T) {
	_, err := alchemy.CreateEngine("postgresql+sqlmock://")
	if err == nil || !strings.Contains(err.Error(), "NewWithDSN") {
		t.Errorf("err = %v, want a hint about sqlmock.NewWithDSN", err)
	}
}
