// Package testdb gives tests a database of their own on the real servers
// named by ALCHEMY_TEST_POSTGRES_URL and ALCHEMY_TEST_MYSQL_URL, and skips
// them (saying how to enable them) when the variable is unset.
//
// It talks to the servers through the underlying drivers directly, not
// through alchemy, so that alchemy's own tests can use it.
package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the admin connection
	_ "modernc.org/sqlite"             // the plain "sqlite" driver, for Plain
)

// Environment variables naming the test servers.
const (
	PostgresEnv = "ALCHEMY_TEST_POSTGRES_URL"
	MySQLEnv    = "ALCHEMY_TEST_MYSQL_URL"
)

var seq atomic.Uint64

// UniqueName returns a lower-case identifier unique to this process and
// call, starting with prefix.
func UniqueName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d_%d", prefix, os.Getpid(), time.Now().UnixNano()%1e6, seq.Add(1))
}

// ServerURL returns the alchemy URL in env, or skips the test.
func ServerURL(t testing.TB, env string) string {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		t.Skipf("set %s to run this test against a real server (for example %s); .ci/run does", env, example(env))
	}
	return v
}

func example(env string) string {
	if env == PostgresEnv {
		return PostgresEnv + "=postgresql://postgres@127.0.0.1:5432/test"
	}
	return MySQLEnv + "=mysql://root@127.0.0.1:3306/test"
}

// Postgres creates a database on the PostgreSQL test server, drops it
// when the test ends, and returns an alchemy URL for it.
func Postgres(t testing.TB) string {
	t.Helper()
	return create(t, PostgresEnv, "pgx", func(u *url.URL) string {
		c := *u
		c.Scheme = "postgres"
		return c.String()
	}, func(name string) (string, string) {
		return "CREATE DATABASE " + name, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"
	})
}

// MySQL creates a database on the MySQL/MariaDB test server, drops it
// when the test ends, and returns an alchemy URL for it.
func MySQL(t testing.TB) string {
	t.Helper()
	return create(t, MySQLEnv, "mysql", mysqlDSN, func(name string) (string, string) {
		return "CREATE DATABASE " + name, "DROP DATABASE IF EXISTS " + name
	})
}

// PostgresAdmin opens a plain pgx connection pool to the server's own
// database, for tests that inspect the server (pg_stat_activity).
func PostgresAdmin(t testing.TB) *sql.DB {
	t.Helper()
	u := parse(t, ServerURL(t, PostgresEnv))
	u.Scheme = "postgres"
	return open(t, "pgx", u.String())
}

// MySQLAdmin opens a plain go-sql-driver/mysql pool to the server.
func MySQLAdmin(t testing.TB) *sql.DB {
	t.Helper()
	return open(t, "mysql", mysqlDSN(parse(t, ServerURL(t, MySQLEnv))))
}

func mysqlDSN(u *url.URL) string {
	cfg := gomysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if !strings.Contains(cfg.Addr, ":") {
		cfg.Addr += ":3306"
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	return cfg.FormatDSN()
}

func parse(t testing.TB, raw string) *url.URL {
	t.Helper()
	// The alchemy URLs used for tests are plain enough for net/url once
	// the "+driver" part is set aside.
	u, err := parseURL(raw)
	if err != nil {
		t.Fatalf("testdb: cannot parse the test server URL: %v", err)
	}
	return u
}

func open(t testing.TB, driverName, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("testdb: the test server in %s cannot be reached: %v", driverName, err)
	}
	return db
}

func create(t testing.TB, env, driverName string, dsn func(*url.URL) string, ddl func(name string) (string, string)) string {
	t.Helper()
	raw := ServerURL(t, env)
	u := parse(t, raw)
	admin := open(t, driverName, dsn(u))
	name := UniqueName("alchemy_t")
	createSQL, dropSQL := ddl(name)
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, createSQL); err != nil {
		t.Fatalf("testdb: %s: %v", createSQL, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), dropSQL); err != nil {
			t.Errorf("testdb: %s: %v", dropSQL, err)
		}
	})
	// Keep the caller's scheme, driver, credentials and query; swap the database.
	base, _, _ := strings.Cut(raw, "?")
	q := ""
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		q = raw[i:]
	}
	slash := strings.Index(base[strings.Index(base, "://")+3:], "/")
	if slash >= 0 {
		base = base[:strings.Index(base, "://")+3+slash]
	}
	return base + "/" + name + q
}

// Plain opens the database an alchemy test URL names through its
// underlying driver directly — pgx, go-sql-driver/mysql or
// modernc.org/sqlite — never through alchemy, so that a test can check
// what the server really holds. The pool is closed when the test ends.
func Plain(t testing.TB, raw string) *sql.DB {
	t.Helper()
	u := parse(t, raw)
	switch u.Scheme {
	case "postgres", "postgresql":
		u.Scheme = "postgres"
		q := u.Query()
		for k := range q {
			if strings.HasPrefix(k, "pool_") || k == "max_overflow" {
				q.Del(k)
			}
		}
		u.RawQuery = q.Encode()
		return open(t, "pgx", u.String())
	case "mysql", "mariadb":
		u.RawQuery = ""
		return open(t, "mysql", mysqlDSN(u))
	case "sqlite":
		// sqlite:///rel.db and sqlite:////abs.db: the path after the third slash.
		_, rest, _ := strings.Cut(raw, ":///")
		path, _, _ := strings.Cut(rest, "?")
		if path == "" || path == ":memory:" {
			t.Fatalf("testdb: Plain needs a SQLite file, not a memory database: %s", raw)
		}
		return open(t, "sqlite", path)
	}
	t.Fatalf("testdb: Plain cannot open %q", u.Scheme)
	return nil
}
