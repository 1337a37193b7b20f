package migrate_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/migrate"
	"github.com/go-alchemy/alchemy/types"
)

// gooseVersion builds the schemas of the goose test: none of the changes
// rebuilds a table on SQLite.
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

// goose runs the revision files as they are: written by revision
// --autogenerate against one database, applied and rolled back by goose
// on another.
func TestGooseRunsRevisions(t *testing.T) {
	dialects := map[string]goose.Dialect{
		"sqlite": goose.DialectSQLite3, "postgresql": goose.DialectPostgres, "mysql": goose.DialectMySQL,
	}
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			genURL, runURL := s.url(t), s.url(t)
			dir := filepath.Join(t.TempDir(), "migrations")
			for n := 1; n <= 3; n++ {
				md := gooseVersion(n)
				mustRun(t, md, genURL, dir, "revision", "--autogenerate", "-m", "step")
				mustRun(t, md, genURL, dir, "upgrade")
			}
			db := open(t, runURL)
			p, err := goose.NewProvider(dialects[s.name], db, os.DirFS(dir))
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
			if got := liveTables(t, db); !reflect.DeepEqual(got, []string{"goose_db_version"}) {
				t.Fatalf("tables after goose down: %v", got)
			}
		})
	}
}
