package migrate_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/all"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// server is one database the integration tests run against.
type server struct {
	name string
	url  func(t *testing.T) string
}

var servers = []server{
	{"sqlite", func(t *testing.T) string { return "sqlite:///" + filepath.Join(t.TempDir(), "test.db") }},
	{"postgresql", func(t *testing.T) string { return testdb.Postgres(t) }},
	{"mysql", func(t *testing.T) string { return testdb.MySQL(t) }},
}

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("alchemy", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// richSchema exercises every kind of thing Diff compares.
func richSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50), metadata.NotNull()),
		metadata.Column("email", types.String(100), metadata.Unique()),
		metadata.Column("active", types.Boolean(), metadata.NotNull(), metadata.ServerDefaultBool(true)),
		metadata.Column("status", types.String(20), metadata.NotNull(), metadata.ServerDefault("new")),
		metadata.Column("score", types.Integer(), metadata.ServerDefaultExpr("0")),
		metadata.Column("balance", types.Numeric(10, 2)),
		metadata.Column("created", types.DateTime(), metadata.ServerDefaultNow()),
		metadata.Column("bio", types.Text()),
		metadata.Column("mood", types.Enum("mood", "happy", "sad")),
		metadata.Column("age", types.Integer(), metadata.CheckConstraint("age >= 0", metadata.Named("ck_users_age"))),
	)
	md.Table("posts",
		metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
		metadata.Column("user_id", types.Integer(), metadata.NotNull(), metadata.ForeignKey("users.id", metadata.OnDelete("CASCADE"))),
		metadata.Column("title", types.String(200), metadata.NotNull(), metadata.Indexed()),
		metadata.Column("slug", types.String(200)),
		metadata.Column("body", types.Text()),
		metadata.UniqueConstraint([]string{"user_id", "slug"}, metadata.Named("uq_posts_user_slug")),
		metadata.Index("ix_posts_user_title", "user_id", "title"),
	)
	return md
}

// gooseVersion builds step n of a small chain whose changes never
// rebuild a table on SQLite (compat/goose runs the same chain with goose).
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
