package metadata_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// FuzzEnumReflect round-trips an Enum column through SQLite, where it is
// a VARCHAR with a CHECK (col IN (…)): reflection reads the CHECK text
// back (parentheses, quotes and the label list) and must fold it into the
// same Enum, whatever the labels hold — quotes, commas, parentheses, the
// word IN. A Boolean column beside it must stay a Boolean.
func FuzzEnumReflect(f *testing.F) {
	f.Add("happy\x00sad", "mood")
	f.Add("it's\x00a, b\x00(x)\x00) IN ('", "weird name")
	f.Add("ü\x00日本", "e")
	f.Fuzz(func(t *testing.T, joined, name string) {
		labels := strings.Split(joined, "\x00")
		seen := map[string]bool{}
		for _, l := range labels {
			if l == "" || !utf8.ValidString(l) || seen[l] {
				return // labels are distinct, non-empty text
			}
			seen[l] = true
		}
		if name == "" || strings.ContainsRune(name, 0) || !utf8.ValidString(name) {
			return
		}
		ctx := context.Background()
		db, err := sql.Open("alchemy", "sqlite://")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		md := metadata.New()
		md.Table("t",
			metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
			metadata.Column("e", types.Enum(name, labels...)),
			metadata.Column("b", types.Boolean()))
		if err := md.CreateAll(ctx, db); err != nil {
			t.Fatalf("CreateAll: %v", err)
		}
		in, err := metadata.Inspect(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := in.Columns(ctx, "t")
		if err != nil {
			t.Fatal(err)
		}
		e, ok := cols[1].Type.(*types.EnumType)
		if !ok || !slices.Equal(e.Values, labels) {
			t.Fatalf("Enum(%q) reflected as %v", labels, cols[1].Type)
		}
		if cols[2].Type.Kind() != types.KindBoolean {
			t.Fatalf("Boolean reflected as %v", cols[2].Type)
		}
		checks, _ := in.CheckConstraints(ctx, "t")
		if len(checks) != 0 {
			t.Fatalf("the type checks were left as constraints too: %+v", checks)
		}
	})
}
