package testdb

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

func TestStatusLine(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	ctx := context.Background()
	line, ok := StatusLine(ctx, env(nil), time.Second)
	want := "alchemy server tests: SKIPPING the tests of PostgreSQL (export ALCHEMY_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test)" +
		" and MySQL/MariaDB (export ALCHEMY_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test); SQLite tests always run."
	if line != want || !ok {
		t.Errorf("nothing configured:\n got %q, %v\nwant %q", line, ok, want)
	}
	// Port 1 refuses connections: configured but unreachable, and the
	// password does not appear.
	line, ok = StatusLine(ctx, env(map[string]string{PostgresEnv: "postgresql+pgx://u:s3cret@127.0.0.1:1/db"}), 2*time.Second)
	if ok || !strings.Contains(line, "PostgreSQL at postgresql+pgx://u:xxxxx@127.0.0.1:1/db UNREACHABLE") || strings.Contains(line, "s3cret") ||
		!strings.Contains(line, "SKIPPING the tests of MySQL/MariaDB") {
		t.Errorf("unreachable PostgreSQL: %q, %v", line, ok)
	}
	if os.Getenv(PostgresEnv) != "" && os.Getenv(MySQLEnv) != "" {
		line, ok = StatusLine(ctx, os.Getenv, 5*time.Second)
		if !ok || strings.Contains(line, "SKIPPING") || !strings.HasPrefix(line, "alchemy server tests: running against PostgreSQL at ") {
			t.Errorf("both servers configured: %q, %v", line, ok)
		}
	}
}
