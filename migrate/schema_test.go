package migrate_test

import (
	"path/filepath"
	"testing"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

func appSchema(n int) *metadata.MetaData {
	md := metadata.New(metadata.DefaultSchema("app"))
	items := []metadata.TableItem{
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50+n*10), metadata.NotNull()),
	}
	if n >= 2 {
		items = append(items, metadata.Column("email", types.String(100), metadata.Unique()), metadata.Index("ix_users_name", "name"))
	}
	md.Table("users", items...)
	if n >= 2 {
		md.Table("posts",
			metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
			metadata.Column("user_id", types.Integer(), metadata.ForeignKey("users.id")),
		)
	}
	return md
}

// A MetaData whose tables live in a PostgreSQL schema (namespace) other
// than the connection's default.
func TestNonDefaultSchema(t *testing.T) {
	url := servers[1].url(t)
	db := open(t, url)
	if _, err := db.Exec("CREATE SCHEMA app"); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "migrations")
	for n := 1; n <= 2; n++ {
		md := appSchema(n)
		mustRun(t, md, url, dir, "revision", "--autogenerate", "-m", "step")
		mustRun(t, md, url, dir, "upgrade")
		if out, err := run(t, md, url, dir, "check"); err != nil {
			t.Fatalf("step %d: check: %v\n%s", n, err, out)
		}
	}
	mustRun(t, appSchema(2), url, dir, "downgrade", "base")
	expectRows(t, db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'app'", [][]string{{"0"}})
}
