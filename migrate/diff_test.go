package migrate_test

import (
	"context"
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/migrate"
	"github.com/go-alchemy/alchemy/types"
)

// A schema created by CreateAll diffs to nothing: reflected types,
// defaults and constraints are normalised like the declared ones.
func TestDiffFreshSchemaIsEmpty(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			db := open(t, s.url(t))
			ctx := context.Background()
			md := richSchema()
			if err := md.CreateAll(ctx, db); err != nil {
				t.Fatal(err)
			}
			plan, err := migrate.Diff(ctx, md, db)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range plan.Ops {
				t.Errorf("unexpected op: %s", o.Describe())
			}
			for _, w := range plan.Warnings {
				t.Errorf("unexpected warning: %s", w)
			}
		})
	}
}

// richSchema2 changes richSchema in every way Diff knows.
func richSchema2() *metadata.MetaData {
	md := metadata.New()
	md.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(80), metadata.NotNull(), metadata.Indexed()),
		metadata.Column("email", types.String(100)),
		metadata.Column("active", types.Boolean(), metadata.NotNull(), metadata.ServerDefaultBool(false)),
		metadata.Column("status", types.String(20), metadata.ServerDefault("new")),
		metadata.Column("score", types.Integer(), metadata.ServerDefaultExpr("10")),
		metadata.Column("balance", types.Numeric(12, 2)),
		metadata.Column("created", types.DateTime()),
		metadata.Column("nickname", types.String(30)),
		metadata.Column("age", types.Integer(), metadata.CheckConstraint("age >= 18", metadata.Named("ck_users_adult"))),
	)
	md.Table("posts",
		metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
		metadata.Column("user_id", types.Integer(), metadata.NotNull(), metadata.ForeignKey("users.id")),
		metadata.Column("title", types.String(200), metadata.NotNull(), metadata.Indexed()),
		metadata.Column("slug", types.String(200)),
		metadata.Column("body", types.Text()),
		metadata.Column("kind", types.Enum("post_kind", "article", "note"), metadata.NotNull(), metadata.ServerDefault("note")),
		metadata.UniqueConstraint([]string{"slug"}, metadata.Named("uq_posts_slug")),
	)
	md.Table("comments",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("post_id", types.BigInteger(), metadata.NotNull(), metadata.ForeignKey("posts.id", metadata.Named("fk_comments_post"))),
		metadata.Column("text", types.Text(), metadata.NotNull()),
	)
	return md
}

func withLegacy(md *metadata.MetaData) *metadata.MetaData {
	md.Table("legacy",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("user_id", types.Integer(), metadata.ForeignKey("users.id", metadata.Named("fk_legacy_user"))),
	)
	return md
}

// Every kind of change, up and down, on data: after the upgrade the
// database matches the new MetaData, after the downgrade the old one.
func TestDiffUpAndDown(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			ctx := context.Background()
			url := s.url(t)
			db := open(t, url)
			dir := t.TempDir()
			v1, v2 := withLegacy(richSchema()), richSchema2()
			mustRun(t, v1, url, dir, "revision", "--autogenerate", "-m", "v1")
			mustRun(t, v1, url, dir, "upgrade")
			for _, q := range []string{
				"INSERT INTO users (id, name, email, age) VALUES (1, 'ann', 'a@x', 30), (2, 'bob', NULL, 40)",
				"INSERT INTO posts (id, user_id, title, slug) VALUES (10, 1, 'hello', 'hello'), (11, 2, 'world', 'world')",
				"INSERT INTO legacy (id, user_id) VALUES (100, 1)",
			} {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			plan, err := migrate.Diff(ctx, v2, db)
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Warnings) == 0 {
				t.Error("no warning for users.bio dropped and users.nickname added (a possible rename)")
			}
			for _, o := range plan.Ops {
				t.Log(o.Describe())
			}
			mustRun(t, v2, url, dir, "revision", "--autogenerate", "-m", "v2")
			mustRun(t, v2, url, dir, "upgrade")
			if out, err := run(t, v2, url, dir, "check"); err != nil {
				t.Fatalf("check v2: %v\n%s", err, out)
			}
			expectRows(t, db, "SELECT id, name, email, age FROM users ORDER BY id",
				[][]string{{"1", "ann", "a@x", "30"}, {"2", "bob", "NULL", "40"}})
			expectRows(t, db, "SELECT id, user_id, title, slug FROM posts ORDER BY id",
				[][]string{{"10", "1", "hello", "hello"}, {"11", "2", "world", "world"}})
			// Foreign keys are kept (and, on SQLite, enforced again after
			// the rebuild).
			if _, err := db.Exec("INSERT INTO posts (id, user_id, title) VALUES (12, 999, 'orphan')"); err == nil {
				t.Fatal("a post referencing a missing user was accepted after the upgrade")
			}
			mustRun(t, v2, url, dir, "downgrade", "-1")
			if out, err := run(t, v1, url, dir, "check"); err != nil {
				t.Fatalf("check v1 after downgrade: %v\n%s", err, out)
			}
			expectRows(t, db, "SELECT id, name, email, age FROM users ORDER BY id",
				[][]string{{"1", "ann", "a@x", "30"}, {"2", "bob", "NULL", "40"}})
			mustRun(t, v1, url, dir, "downgrade", "base")
			if got := liveTables(t, db); len(got) != 1 {
				t.Fatalf("tables after downgrade base: %v", got)
			}
			if d, _ := dialects.Of(ctx, db); d.DDL.EnumStyle == types.EnumNamed {
				expectRows(t, db, "SELECT count(*) FROM pg_type WHERE typtype = 'e'", [][]string{{"0"}})
			}
		})
	}
}
