package metadata_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // the plain "pgx" driver

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/metadata"
)

// TestTargets runs CreateAll, Reflect and DropAll through each kind of
// target: the Engine, a *sql.DB, a *sql.Conn and a *sql.Tx.
func TestTargets(t *testing.T) {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine("sqlite:///" + filepath.Join(t.TempDir(), "eng.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	conn, err := eng.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for name, target := range map[string]metadata.Target{"engine": eng, "db": eng.DB(), "conn": conn} {
		t.Run(name, func(t *testing.T) {
			var sent []string
			md := seedSchema()
			if err := md.CreateAll(ctx, target, metadata.Echo(func(s string) { sent = append(sent, s) })); err != nil {
				t.Fatal(err)
			}
			if len(sent) != 3 || !strings.HasPrefix(sent[0], "SELECT") {
				t.Errorf("sent %q, want the catalog query and two CREATE TABLE", sent)
			}
			got := metadata.New()
			if err := got.Reflect(ctx, target); err != nil || len(got.Keys()) != 2 {
				t.Fatalf("reflected %v, %v", got.Keys(), err)
			}
			if err := md.DropAll(ctx, target); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("alchemy conn", func(t *testing.T) {
		c, err := eng.Connect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		md := seedSchema()
		if err := md.CreateAll(ctx, c); err != nil { // runs in c's own (commit as you go) transaction
			t.Fatal(err)
		}
		got := metadata.New()
		if err := got.Reflect(ctx, c); err != nil || len(got.Keys()) != 2 {
			t.Fatalf("reflected %v, %v", got.Keys(), err)
		}
		if err := md.DropAll(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := c.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("tx", func(t *testing.T) {
		tx, err := eng.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := seedSchema().CreateAll(ctx, tx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil { // the caller's transaction: rolled back, nothing stays
			t.Fatal(err)
		}
		left := metadata.New()
		if err := left.Reflect(ctx, eng); err != nil || len(left.Keys()) != 0 {
			t.Errorf("after rollback: %v, %v", left.Keys(), err)
		}
	})
}

// TestTargetNotOpenedWithAlchemy opens each server with its own driver
// (pgx, go-sql-driver/mysql), as a program that has not moved to alchemy
// does, and checks that CreateAll says what is wrong and how to fix it,
// rather than repeating the driver's answer to the dialect probe.
func TestTargetNotOpenedWithAlchemy(t *testing.T) {
	for _, tc := range []struct {
		name, env, driver, driverType string
		dsn                           func(u *url.URL) string
	}{
		{"postgresql", postgresEnv, "pgx", "*stdlib.Driver", func(u *url.URL) string { return u.String() }},
		{"mysql", mysqlEnv, "mysql", "*mysql.MySQLDriver", func(u *url.URL) string {
			c := gomysql.NewConfig()
			c.User, c.Net, c.Addr, c.DBName = u.User.Username(), "tcp", u.Host, strings.TrimPrefix(u.Path, "/")
			return c.FormatDSN()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := os.Getenv(tc.env)
			if raw == "" {
				t.Skipf("set %s to run against a real %s server (for example %s)", tc.env, tc.name, exampleURL(tc.env))
			}
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open(tc.driver, tc.dsn(u))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.PingContext(context.Background()); err != nil {
				t.Fatalf("the plain driver cannot reach the server: %v", err)
			}
			checkNotAlchemy(t, seedSchema().CreateAll(context.Background(), db), tc.driverType)
			t.Logf("CreateAll on a plain %s *sql.DB: %v", tc.driver, seedSchema().CreateAll(context.Background(), db))
		})
	}
}
