package sqlexpr_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
	_ "github.com/go-alchemy/alchemy/dialects/all"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// server is one database the conformance suite runs on.
type server struct {
	name string
	db   *sql.DB
	d    *dialects.Dialect
}

// serverURLs lists the servers of the suite: SQLite in memory always,
// PostgreSQL and MariaDB/MySQL when their environment variable is set.
func serverURLs() []struct{ name, env, url string } {
	return []struct{ name, env, url string }{
		{"sqlite", "", "sqlite://"},
		{"postgresql", "ALCHEMY_TEST_POSTGRES_URL", os.Getenv("ALCHEMY_TEST_POSTGRES_URL")},
		{"mysql", "ALCHEMY_TEST_MYSQL_URL", os.Getenv("ALCHEMY_TEST_MYSQL_URL")},
	}
}

// forEachServer runs fn as a subtest on every configured server; a
// server whose URL is not set is a skipped subtest that says how to
// enable it.
func forEachServer(t *testing.T, fn func(t *testing.T, s server)) {
	for _, u := range serverURLs() {
		t.Run(u.name, func(t *testing.T) {
			if u.url == "" {
				t.Skipf("set %s to run against a real server, e.g. %s=%s", u.env, u.env, exampleURL(u.name))
			}
			fn(t, openServer(t, u.name, u.url))
		})
	}
}

func exampleURL(name string) string {
	if name == "postgresql" {
		return "postgresql://postgres@127.0.0.1:5432/test"
	}
	return "mysql://root@127.0.0.1:3306/test"
}

func openServer(t *testing.T, name, url string) server {
	t.Helper()
	db, err := sql.Open("alchemy", url)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("ping %s (%s): %v", name, url, err)
	}
	d, err := dialects.Of(ctx, db)
	if err != nil {
		t.Fatalf("dialect of %s: %v", name, err)
	}
	return server{name: name, db: db, d: d}
}

var tableSeq atomic.Int64

// uniqueName returns a table name no other test uses.
func uniqueName(base string) string {
	return fmt.Sprintf("sx%d_%d_%s", time.Now().UnixNano()%1e8, tableSeq.Add(1), base)
}

// createTable runs a CREATE TABLE written for s's dialect family, with
// the given column definitions, and drops the table when the test ends.
// cols maps a family ("postgresql", "mysql", "sqlite") to the columns.
func createTable(t *testing.T, s server, name string, cols map[string]string) {
	t.Helper()
	q, err := s.d.QuoteIdent(name)
	if err != nil {
		t.Fatal(err)
	}
	stmt := "CREATE TABLE " + q + " (" + cols[s.d.Family] + ")"
	if s.d.Family == "mysql" {
		stmt += " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
	}
	ctx := context.Background()
	if _, err := s.db.ExecContext(ctx, stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	t.Cleanup(func() {
		if _, err := s.db.ExecContext(context.Background(), "DROP TABLE "+q); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
}

// fixture is the users/addresses data every conformance case reads.
type fixture struct {
	users, addresses *sqlexpr.TableClause
}

var (
	usersDDL = map[string]string{
		"postgresql": "id SERIAL PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100), age INTEGER, active BOOLEAN",
		"mysql":      "id INTEGER AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, email VARCHAR(100), age INTEGER, active BOOLEAN",
		"sqlite":     "id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(50) NOT NULL, email VARCHAR(100), age INTEGER, active BOOLEAN",
	}
	addressesDDL = map[string]string{
		"postgresql": "id SERIAL PRIMARY KEY, user_id INTEGER NOT NULL, city VARCHAR(50)",
		"mysql":      "id INTEGER AUTO_INCREMENT PRIMARY KEY, user_id INTEGER NOT NULL, city VARCHAR(50)",
		"sqlite":     "id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, city VARCHAR(50)",
	}
)

// newFixture creates and fills the two tables through sqlexpr itself:
//
//	1 john  john@x  30 true    addresses: 1 Berlin, 1 Paris
//	2 mary  mary@x  25 false              2 Paris
//	3 bob   NULL    NULL true
//	4 alice alice@x 41 false              4 Rome
//	5 Zed   zed@x   30 true
func newFixture(t *testing.T, s server) fixture {
	t.Helper()
	f := fixture{
		users:     sqlexpr.NewTable(uniqueName("users"), "id", "name", "email", "age", "active").SetPrimaryKey("id"),
		addresses: sqlexpr.NewTable(uniqueName("addresses"), "id", "user_id", "city").SetPrimaryKey("id"),
	}
	createTable(t, s, f.users.Name(), usersDDL)
	createTable(t, s, f.addresses.Name(), addressesDDL)
	ctx := context.Background()
	people := []sqlexpr.Values{
		{"name": "john", "email": "john@x", "age": 30, "active": true},
		{"name": "mary", "email": "mary@x", "age": 25, "active": false},
		{"name": "bob", "email": nil, "age": nil, "active": true},
		{"name": "alice", "email": "alice@x", "age": 41, "active": false},
		{"name": "Zed", "email": "zed@x", "age": 30, "active": true},
	}
	for i, p := range people {
		res, err := sqlexpr.Execute(ctx, s.db, sqlexpr.Insert(f.users).Values(p))
		if err != nil {
			t.Fatalf("insert %v: %v", p, err)
		}
		if pk := res.InsertedPrimaryKey(); len(pk) != 1 || normalize(pk[0]) != int64(i+1) {
			t.Fatalf("InsertedPrimaryKey of row %d = %v", i+1, pk)
		}
	}
	_, err := sqlexpr.Execute(ctx, s.db, sqlexpr.Insert(f.addresses).Values(
		sqlexpr.Values{"user_id": 1, "city": "Berlin"}, sqlexpr.Values{"user_id": 1, "city": "Paris"},
		sqlexpr.Values{"user_id": 2, "city": "Paris"}, sqlexpr.Values{"user_id": 4, "city": "Rome"}))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// normalize makes values from different drivers comparable: text as
// string, booleans and integers as int64.
func normalize(v any) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}

// queryRows runs stmt and returns its rows as maps of normalized values.
func queryRows(t *testing.T, s server, stmt sqlexpr.Statement) []map[string]any {
	t.Helper()
	rows, err := sqlexpr.Query(context.Background(), s.db, stmt)
	if err != nil {
		sqlText, _, _ := sqlexpr.Compile(stmt, s.d)
		t.Fatalf("query %s: %v", sqlText, err)
	}
	defer rows.Close()
	var out []map[string]any
	for rows.Next() {
		m := rows.Map()
		for k, v := range m {
			m[k] = normalize(v)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// r builds an expected row from alternating names and values.
func r(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = normalize(kv[i+1])
	}
	return m
}

func isMySQL(s server) bool { return strings.HasPrefix(s.d.Family, "mysql") }
