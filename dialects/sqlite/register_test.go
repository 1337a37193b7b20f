package sqlite_test

// This file imports the dialect package and nothing else of alchemy: it
// proves that one import is enough for sql.Open("alchemy", url).

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	_ "github.com/go-alchemy/alchemy/dialects/sqlite"
)

func TestImportRegistersAlchemyDriver(t *testing.T) {
	db, err := sql.Open("alchemy", "sqlite://")
	if err != nil {
		t.Fatalf(`sql.Open("alchemy", "sqlite://") with only the dialect imported: %v`, err)
	}
	defer db.Close()
	if got := fmt.Sprintf("%T", db.Driver()); got != "*alchemy.Driver" {
		t.Fatalf("driver is %s, want *alchemy.Driver", got)
	}
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT 40 + 2").Scan(&n); err != nil || n != 42 {
		t.Fatalf("SELECT 40 + 2 = %d, %v", n, err)
	}
}
