package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Server is one real server the tests can run against.
type Server struct {
	Name    string // "PostgreSQL", "MySQL/MariaDB"
	Env     string // the variable naming it
	Example string // a value for Env that .ci/run uses
}

// Servers lists the real servers, in the order the status line names
// them.
var Servers = []Server{
	{"PostgreSQL", PostgresEnv, "postgresql://postgres@127.0.0.1:5432/test"},
	{"MySQL/MariaDB", MySQLEnv, "mysql://root@127.0.0.1:3306/test"},
}

// StatusLine returns one line saying, for each server, whether its tests
// will run: not configured (and how to configure it), configured and
// reachable, or configured and unreachable (then ok is false: its tests
// would fail). getenv reads the environment (os.Getenv); each configured
// server is pinged within timeout through its own driver. A password in
// a URL is masked.
func StatusLine(ctx context.Context, getenv func(string) string, timeout time.Duration) (line string, ok bool) {
	ok = true
	var off, on []string
	for _, s := range Servers {
		raw := getenv(s.Env)
		if raw == "" {
			off = append(off, fmt.Sprintf("%s (export %s=%s)", s.Name, s.Env, s.Example))
			continue
		}
		shown := redact(raw)
		if err := ping(ctx, s.Env, raw, timeout); err != nil {
			ok = false
			on = append(on, fmt.Sprintf("%s at %s UNREACHABLE (%v)", s.Name, shown, err))
			continue
		}
		on = append(on, fmt.Sprintf("%s at %s", s.Name, shown))
	}
	var parts []string
	if len(on) > 0 {
		parts = append(parts, "running against "+strings.Join(on, " and "))
	}
	if len(off) > 0 {
		parts = append(parts, "SKIPPING the tests of "+strings.Join(off, " and "))
	}
	return "alchemy server tests: " + strings.Join(parts, "; ") + "; SQLite tests always run.", ok
}

// redact masks the password of a URL.
func redact(raw string) string {
	scheme, rest, found := strings.Cut(raw, "://")
	if !found {
		return raw
	}
	base, _, _ := strings.Cut(scheme, "+")
	u, err := url.Parse(base + "://" + rest)
	if err != nil {
		return scheme + "://…" // unparsable: show nothing that may be secret
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return scheme + strings.TrimPrefix(u.String(), base)
}

func ping(ctx context.Context, env, raw string, timeout time.Duration) error {
	u, err := parseURL(raw)
	if err != nil {
		return err
	}
	driverName, dsn := "pgx", ""
	if env == PostgresEnv {
		c := *u
		c.Scheme = "postgres"
		dsn = c.String()
	} else {
		driverName, dsn = "mysql", mysqlDSN(u)
	}
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return db.PingContext(ctx)
}

// parseURL is parse without a testing.TB.
func parseURL(raw string) (*url.URL, error) {
	scheme, rest, _ := strings.Cut(raw, "://")
	scheme, _, _ = strings.Cut(scheme, "+")
	return url.Parse(scheme + "://" + rest)
}
