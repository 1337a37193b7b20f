package metadata_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// inspectSchema is the schema TestInspector creates: one of each thing
// the Inspector reports, with explicit names where every catalog keeps
// them.
func inspectSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("authors",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("email", types.String(100), metadata.NotNull()),
		metadata.Column("mood", types.Enum("mood", "happy", "sad")),
		metadata.Column("active", types.Boolean()),
		metadata.UniqueConstraint([]string{"email"}),
	)
	md.Table("books",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("author_id", nil, metadata.ForeignKey("authors.id", metadata.OnDelete("CASCADE")), metadata.NotNull()),
		metadata.Column("title", types.String(200)),
		metadata.Column("pages", types.Integer()),
		metadata.Index("ix_books_title", "title"),
		metadata.CheckConstraint("pages > 0", metadata.Named("ck_books_pages")),
	)
	return md
}

// TestInspector creates inspectSchema and checks every answer of the
// Inspector against it, on each server.
func TestInspector(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		db := s.fresh(t, nil)
		if err := inspectSchema().CreateAll(ctx, db); err != nil {
			t.Fatal(err)
		}
		in, err := metadata.Inspect(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if in.Dialect() != s.d {
			t.Errorf("Dialect() = %s, want %s", in.Dialect().Name, s.d.Name)
		}
		names, err := in.TableNames(ctx, "")
		if diff := cmp.Diff([]string{"authors", "books"}, names); err != nil || diff != "" {
			t.Fatalf("TableNames: %v (-want +got):\n%s", err, diff)
		}
		for table, want := range map[string]bool{"books": true, "nope": false} {
			if has, err := in.HasTable(ctx, table); err != nil || has != want {
				t.Errorf("HasTable(%s) = %v, %v; want %v", table, has, err, want)
			}
		}
		if _, err := in.Columns(ctx, "nope"); !errors.Is(err, metadata.ErrNoSuchTable) {
			t.Errorf("Columns(nope) = %v, want ErrNoSuchTable", err)
		}

		cols, err := in.Columns(ctx, "authors")
		if err != nil {
			t.Fatal(err)
		}
		type col struct {
			Name     string
			Kind     types.Kind
			Nullable bool
		}
		var gotCols []col
		for _, c := range cols {
			gotCols = append(gotCols, col{c.Name, c.Type.Kind(), c.Nullable})
		}
		wantCols := []col{{"id", types.KindInteger, false}, {"email", types.KindString, false}, {"mood", types.KindEnum, true}, {"active", types.KindBoolean, true}}
		if diff := cmp.Diff(wantCols, gotCols); diff != "" {
			t.Errorf("Columns(authors) (-want +got):\n%s", diff)
		}
		if !cols[0].Autoincrement {
			t.Error("authors.id does not autoincrement")
		}

		pk, err := in.PrimaryKey(ctx, "books")
		if err != nil || !cmp.Equal(pk.Columns, []string{"id"}) {
			t.Errorf("PrimaryKey(books) = %+v, %v", pk, err)
		}
		fks, err := in.ForeignKeys(ctx, "books")
		if err != nil || len(fks) != 1 {
			t.Fatalf("ForeignKeys(books) = %+v, %v", fks, err)
		}
		fk := fks[0]
		if !cmp.Equal(fk.Columns, []string{"author_id"}) || fk.RefTable != "authors" || fk.RefSchema != "" ||
			!cmp.Equal(fk.RefColumns, []string{"id"}) || fk.OnDelete != "CASCADE" {
			t.Errorf("ForeignKeys(books)[0] = %+v", fk)
		}
		ixs, err := in.Indexes(ctx, "books")
		if diff := cmp.Diff([]metadata.IndexInfo{{Name: "ix_books_title", Columns: []string{"title"}}}, ixs); err != nil || diff != "" {
			t.Errorf("Indexes(books): %v (-want +got):\n%s", err, diff)
		}
		uqs, err := in.UniqueConstraints(ctx, "authors")
		if err != nil || len(uqs) != 1 || !cmp.Equal(uqs[0].Columns, []string{"email"}) {
			t.Errorf("UniqueConstraints(authors) = %+v, %v", uqs, err)
		}
		cks, err := in.CheckConstraints(ctx, "books")
		if err != nil || len(cks) != 1 || cks[0].Name != "ck_books_pages" {
			t.Errorf("CheckConstraints(books) = %+v, %v", cks, err)
		}
		// The checks CreateAll adds for Boolean and Enum are folded into
		// the types, as reflection does.
		if cks, err := in.CheckConstraints(ctx, "authors"); err != nil || len(cks) != 0 {
			t.Errorf("CheckConstraints(authors) = %+v, %v; want none", cks, err)
		}

		enums, err := in.Enums(ctx, "")
		if err != nil || len(enums) != 1 {
			t.Fatalf("Enums = %+v, %v", enums, err)
		}
		want := metadata.EnumInfo{Labels: []string{"happy", "sad"}, Table: "authors", Column: "mood"}
		switch s.name {
		case "postgresql": // a named type, not one column's
			want = metadata.EnumInfo{Name: "mood", Labels: []string{"happy", "sad"}}
		case "sqlite": // the name of its CHECK, which CreateAll names after the enum
			want.Name = "mood"
		}
		if diff := cmp.Diff(want, enums[0]); diff != "" {
			t.Errorf("Enums (-want +got):\n%s", diff)
		}

		// Answers are cached until ClearCache, and they are copies.
		cols[0].Name = "changed"
		if again, _ := in.Columns(ctx, "authors"); again[0].Name != "id" {
			t.Error("changing a returned column changed the cache")
		}
		if _, err := db.ExecContext(ctx, "DROP TABLE books"); err != nil {
			t.Fatal(err)
		}
		if has, _ := in.HasTable(ctx, "books"); !has {
			t.Error("HasTable(books) after DROP, before ClearCache: the answer was not cached")
		}
		in.ClearCache()
		if has, err := in.HasTable(ctx, "books"); err != nil || has {
			t.Errorf("HasTable(books) after DROP and ClearCache = %v, %v", has, err)
		}
		if names, _ := in.TableNames(ctx, ""); !cmp.Equal(names, []string{"authors"}) {
			t.Errorf("TableNames after DROP and ClearCache = %v", names)
		}
	})
}

// TestInspectorTargets inspects through the Engine, alchemy's Conn and a
// transaction: the same answers.
func TestInspectorTargets(t *testing.T) {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine("sqlite:///" + filepath.Join(t.TempDir(), "inspect.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if err := inspectSchema().CreateAll(ctx, eng); err != nil {
		t.Fatal(err)
	}
	conn, err := eng.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tx, err := eng.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for name, target := range map[string]metadata.Target{"engine": eng, "alchemy conn": conn, "tx": tx} {
		in, err := metadata.Inspect(ctx, target)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fks, err := in.ForeignKeys(ctx, "books")
		if err != nil || len(fks) != 1 || fks[0].RefTable != "authors" {
			t.Errorf("%s: ForeignKeys(books) = %+v, %v", name, fks, err)
		}
	}
	if _, err := metadata.Inspect(ctx, nil); err == nil {
		t.Error("Inspect(nil) succeeded")
	}
}
