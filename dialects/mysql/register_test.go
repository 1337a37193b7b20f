package mysql_test

// This file imports the dialect package and nothing else of alchemy: it
// proves that one import is enough for sql.Open("alchemy", url).

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"

	_ "github.com/go-alchemy/alchemy/dialects/mysql"
)

func TestImportRegistersAlchemyDriver(t *testing.T) {
	// sql.Open parses the URL and resolves the dialect and its driver
	// without connecting, so this part needs no server.
	db, err := sql.Open("alchemy", "mysql://root@127.0.0.1:3306/test")
	if err != nil {
		t.Fatalf(`sql.Open("alchemy", …) with only the dialect imported: %v`, err)
	}
	defer db.Close()
	if got := fmt.Sprintf("%T", db.Driver()); got != "*alchemy.Driver" {
		t.Fatalf("driver is %s, want *alchemy.Driver", got)
	}
	url := os.Getenv("ALCHEMY_TEST_MYSQL_URL")
	if url == "" {
		t.Skip("set ALCHEMY_TEST_MYSQL_URL (for example mysql://root@127.0.0.1:3306/test) to also run a query through the one import")
	}
	live, err := sql.Open("alchemy", url)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	var n int
	if err := live.QueryRowContext(context.Background(), "SELECT 40 + 2").Scan(&n); err != nil || n != 42 {
		t.Fatalf("SELECT 40 + 2 = %d, %v", n, err)
	}
}
