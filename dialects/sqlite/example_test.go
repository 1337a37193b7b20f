package sqlite_test

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
)

// The database part of a URL follows SQLAlchemy: empty or ":memory:" is
// a memory database, as is SQLite's own mode=memory.
func ExampleIsMemory() {
	for _, c := range []struct {
		db string
		q  url.Values
	}{{"", nil}, {":memory:", nil}, {"app.db", nil}, {"file:shared", url.Values{"mode": {"memory"}}}} {
		fmt.Printf("%q %v\n", c.db, sqlite.IsMemory(c.db, c.q))
	}
	// Output:
	// "" true
	// ":memory:" true
	// "app.db" false
	// "file:shared" true
}

// DSN is what the binding hands to modernc.org/sqlite: alchemy's
// defaults (foreign keys on, a busy timeout for a pool sharing one file)
// become pragmas unless the URL sets them.
func ExampleDSN() {
	dsn, err := sqlite.DSN(dialects.ConnParams{Dialect: sqlite.Dialect, Database: "app.db", Query: url.Values{"journal_mode": {"wal"}}})
	fmt.Println(dsn, err)

	mem, _ := sqlite.DSN(dialects.ConnParams{Dialect: sqlite.Dialect})
	fmt.Println(strings.Contains(mem, "vfs=memdb")) // one named memory database per engine
	// Output:
	// file:app.db?_pragma=journal_mode%28wal%29&_pragma=foreign_keys%281%29&_pragma=busy_timeout%285000%29 <nil>
	// true
}
