// Package goose checks that goose v3 runs alchemy's revision files as
// they are. It is in the compat module so that goose stays out of the
// library's go.mod.
package goose_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pressly/goose/v3"

	_ "github.com/go-alchemy/alchemy/dialects/all"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/migrate"
	"github.com/go-alchemy/alchemy/types"
)

// gooseVersion builds the schemas of the test: none of the changes
// rebuilds a table on SQLite (a rebuild needs foreign keys off outside
// goose's transaction).
func gooseVersion(n int) *metadata.MetaData {
	md := metadata.New()
	items := []metadata.TableItem{
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50), metadata.NotNull()),
	}
	if n >= 2 {
		items = append(items, metadata.Column("email", types.String(100)))
	}
	if n >= 3 {
		items = append(items, metadata.Index("ix_users_name", "name"))
	}
	md.Table("users", items...)
	return md
}

var servers = []struct {
	name  string
	dia   goose.Dialect
	fresh func(t *testing.T) string
}{
	{"sqlite", goose.DialectSQLite3, func(t *testing.T) string { return "sqlite:///" + filepath.Join(t.TempDir(), "test.db") }},
	{"postgresql", goose.DialectPostgres, func(t *testing.T) string { return testdb.Postgres(t) }},
	{"mysql", goose.DialectMySQL, func(t *testing.T) string { return testdb.MySQL(t) }},
}

func mustRun(t *testing.T, md *metadata.MetaData, url, dir string, args ...string) {
	t.Helper()
	var out bytes.Buffer
	if err := migrate.Run(context.Background(), md, append([]string{"-url", url, "-dir", dir}, args...), &out); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out.String())
	}
}

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("alchemy", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// goose runs the revision files as they are: written by revision
// --autogenerate against one database, applied and rolled back by goose
// on another.
func TestGooseRunsRevisions(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			genURL, runURL := s.fresh(t), s.fresh(t)
			dir := filepath.Join(t.TempDir(), "migrations")
			for n := 1; n <= 3; n++ {
				md := gooseVersion(n)
				mustRun(t, md, genURL, dir, "revision", "--autogenerate", "-m", "step")
				mustRun(t, md, genURL, dir, "upgrade")
			}
			db := open(t, runURL)
			p, err := goose.NewProvider(s.dia, db, os.DirFS(dir))
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Up(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 3 {
				t.Fatalf("goose applied %d revisions, want 3", len(res))
			}
			plan, err := migrate.Diff(ctx, gooseVersion(3), db, migrate.IgnoreTables("goose_db_version"))
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range plan.Ops {
				t.Errorf("after goose up: %s", o.Describe())
			}
			if _, err := p.DownTo(ctx, 0); err != nil {
				t.Fatal(err)
			}
			in, err := metadata.Inspect(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := in.TableNames(ctx, ""); err != nil || !reflect.DeepEqual(got, []string{"goose_db_version"}) {
				t.Fatalf("tables after goose down: %v, %v", got, err)
			}
		})
	}
}
