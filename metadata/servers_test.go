package metadata_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/go-alchemy/alchemy" // the "alchemy" database/sql driver
	"github.com/go-alchemy/alchemy/dialects"
	_ "github.com/go-alchemy/alchemy/dialects/all"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
)

// Real-server tests run against SQLite always, and against PostgreSQL and
// MariaDB/MySQL when these variables hold a URL:
//
//	ALCHEMY_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test
//	ALCHEMY_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test
//
// Each test gets its own PostgreSQL schema (through search_path) or its
// own MySQL database, dropped afterwards.
const (
	postgresEnv = "ALCHEMY_TEST_POSTGRES_URL"
	mysqlEnv    = "ALCHEMY_TEST_MYSQL_URL"
)

// server is a database kind tests run against.
type server struct {
	name string
	d    *dialects.Dialect
	env  string // "" for SQLite
	// fresh opens an empty database of this kind for t, dropped when t
	// ends; the extra query keys go into the URL.
	fresh func(t testing.TB, query url.Values) *sql.DB
}

var servers = []server{
	{name: "sqlite", d: sqlite.Dialect, fresh: freshSQLite},
	{name: "postgresql", d: postgresql.Dialect, env: postgresEnv, fresh: freshPostgres},
	{name: "mysql", d: mysql.Dialect, env: mysqlEnv, fresh: freshMySQL},
}

// forEachServer runs fn as a subtest per server, skipping a server whose
// environment variable is unset with a message saying how to enable it.
func forEachServer(t *testing.T, fn func(t *testing.T, s server)) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			if s.env != "" && os.Getenv(s.env) == "" {
				t.Skipf("set %s to run against a real %s server (for example %s)", s.env, s.name, exampleURL(s.env))
			}
			fn(t, s)
		})
	}
}

func exampleURL(env string) string {
	if env == postgresEnv {
		return "postgresql://postgres@127.0.0.1:5432/test"
	}
	return "mysql://root@127.0.0.1:3306/test"
}

func uniqueName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

func open(t testing.TB, rawURL string) *sql.DB {
	t.Helper()
	db, err := sql.Open("alchemy", rawURL)
	if err != nil {
		t.Fatalf("open %s: %v", rawURL, err)
	}
	return db
}

func withQuery(t testing.TB, raw string, path string, query url.Values) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if path != "" {
		u.Path = "/" + path
	}
	q := u.Query()
	for k, vs := range query {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func freshSQLite(t testing.TB, query url.Values) *sql.DB {
	path := filepath.Join(t.TempDir(), "test.db")
	db := open(t, withQuery(t, "sqlite:///"+path, "", query))
	t.Cleanup(func() { db.Close() })
	return db
}

func freshPostgres(t testing.TB, query url.Values) *sql.DB {
	base := os.Getenv(postgresEnv)
	admin := open(t, base)
	schema := uniqueName("md_")
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	var db *sql.DB
	t.Cleanup(func() { // registered first: a failure below must not leak the schema
		if db != nil {
			db.Close()
		}
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
		admin.Close()
	})
	q := url.Values{"search_path": {schema}}
	for k, vs := range query {
		q[k] = vs
	}
	db = open(t, withQuery(t, base, "", q))
	return db
}

func freshMySQL(t testing.TB, query url.Values) *sql.DB {
	base := os.Getenv(mysqlEnv)
	admin := open(t, base)
	name := uniqueName("md_")
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	var db *sql.DB
	t.Cleanup(func() { // registered first: a failure below must not leak the database
		if db != nil {
			db.Close()
		}
		if _, err := admin.ExecContext(ctx, "DROP DATABASE "+name); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
		admin.Close()
	})
	db = open(t, withQuery(t, base, name, query))
	return db
}
