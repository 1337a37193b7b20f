package metadata_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// currentSchema returns the name of the schema (PostgreSQL), database
// (MySQL) or attached database (SQLite) a fresh test database lives in.
func currentSchema(t *testing.T, s server, db dbQuerier) string {
	query := map[string]string{"postgresql": "SELECT current_schema()", "mysql": "SELECT DATABASE()"}[s.name]
	if query == "" {
		return "main"
	}
	var name string
	if err := db.QueryRowContext(context.Background(), query).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestExplicitSchema declares the tables in a named schema: DDL, the
// existence check and reflection all use qualified names.
func TestExplicitSchema(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		db := s.fresh(t, nil)
		schema := currentSchema(t, s, db)
		declare := func() *metadata.MetaData {
			md := metadata.New(metadata.DefaultSchema(schema))
			md.Table("users", metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
				metadata.Column("name", types.String(20), metadata.Indexed()))
			md.Table("posts", metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
				metadata.Column("user_id", nil, metadata.ForeignKey("users.id")))
			return md
		}
		md := declare()
		if err := md.CreateAll(ctx, db); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := md.CreateAll(ctx, db, metadata.Echo(func(string) { n++ })); err != nil || n != 1 {
			t.Fatalf("second CreateAll: %d statements, %v", n, err)
		}
		reflected := metadata.New(metadata.DefaultSchema(schema))
		if err := reflected.Reflect(ctx, db); err != nil {
			t.Fatal(err)
		}
		want := []string{schema + ".posts", schema + ".users"}
		if diff := cmp.Diff(want, reflected.Keys()); diff != "" {
			t.Fatalf("keys (-want +got):\n%s", diff)
		}
		if fk := reflected.Lookup(schema + ".posts").ForeignKeys()[0]; fk.RefTable() != reflected.Lookup(schema+".users") {
			t.Errorf("the reflected foreign key does not resolve to the reflected users table")
		}
		if err := declare().DropAll(ctx, db); err != nil {
			t.Fatal(err)
		}
		assertEmpty(t, s, db)
	})
}

// TestReflectTable reads one table and, so that its foreign keys
// resolve, the tables it references; an unknown table is ErrNoSuchTable.
func TestReflectTable(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		db := s.fresh(t, nil)
		if err := blogSchema().CreateAll(ctx, db); err != nil {
			t.Fatal(err)
		}
		md := metadata.New()
		comments, err := metadata.ReflectTable(ctx, db, md, "comments")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"authors", "comments", "posts"}, md.Keys()); diff != "" {
			t.Errorf("reflected tables (-want +got):\n%s", diff)
		}
		if c := comments.C("created_at"); c.ServerDefault() == nil || c.ServerDefault().Kind != metadata.DefaultNow || c.Nullable() {
			t.Errorf("created_at: default %v, nullable %v", c.ServerDefault(), c.Nullable())
		}
		if !comments.C("id").Autoincrements() {
			t.Error("comments.id does not autoincrement")
		}
		if _, err := metadata.ReflectTable(ctx, db, md, "nope"); !errors.Is(err, metadata.ErrNoSuchTable) {
			t.Errorf("err = %v, want ErrNoSuchTable", err)
		}
		only := metadata.New()
		if err := only.Reflect(ctx, db, metadata.Only("tags")); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"tags"}, only.Keys()); diff != "" {
			t.Errorf("Only(tags) (-want +got):\n%s", diff)
		}
	})
}
