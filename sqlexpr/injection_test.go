package sqlexpr_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects"
	. "github.com/go-alchemy/alchemy/sqlexpr"
)

// injectionValues are values that would break SQL if they were spliced
// into the text.
var injectionValues = []string{
	"plain",
	"it's",
	"''; DROP TABLE users; --",
	`back\slash`,
	`\'`,
	`trailing\`,
	"semi;colon",
	"-- comment",
	"/* open comment",
	"*/ close",
	"a\x00b",
	"\x00",
	"ünï©ødé 🙂 中文",
	`"double" and ` + "`back`",
	"? $1 :name %s",
	"line\nbreak\ttab\r",
}

// TestInjectionTextUnchanged: whatever the value, the SQL text is the
// same and the value travels as an argument, unchanged.
func TestInjectionTextUnchanged(t *testing.T) {
	t1 := NewTable("t", "id", "txt")
	build := func(v string) []Statement {
		return []Statement{
			Select(t1).Where(t1.C("txt").Eq(v), t1.C("txt").In(v, v), t1.C("txt").Like(v)),
			Insert(t1).Values(Values{"txt": v}),
			Update(t1).Values(Values{"txt": v}).Where(t1.C("txt").Ne(v)),
			Delete(t1).Where(t1.C("txt").Eq(v)),
			Text("SELECT id FROM t WHERE txt = ?", v),
		}
	}
	for _, d := range goldenDialects {
		base := build("x")
		for _, v := range injectionValues {
			for i, stmt := range build(v) {
				want, _, err := Compile(base[i], d)
				if err != nil {
					t.Fatal(err)
				}
				got, args, err := Compile(stmt, d)
				if err != nil {
					t.Fatalf("%s %q: %v", d.Name, v, err)
				}
				if got != want {
					t.Fatalf("%s: the value %q changed the text:\n%s\nvs\n%s", d.Name, v, got, want)
				}
				for _, a := range args {
					if a != v {
						t.Fatalf("%s: argument %#v, want %#v", d.Name, a, v)
					}
				}
			}
		}
	}
}

var injectionDDL = map[string]string{
	"postgresql": "id INTEGER PRIMARY KEY, txt VARCHAR(200), bin BYTEA",
	"mysql":      "id INTEGER PRIMARY KEY, txt VARCHAR(200), bin BLOB",
	"sqlite":     "id INTEGER PRIMARY KEY, txt VARCHAR(200), bin BLOB",
}

// TestInjectionRoundTrip inserts every value as text and as bytes and
// reads it back exactly, finding it again by equality. PostgreSQL text
// cannot hold NUL: there the NUL values are stored as bytea only, and
// the text insert is checked to fail without storing anything.
func TestInjectionRoundTrip(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		tbl := NewTable(uniqueName("inj"), "id", "txt", "bin")
		createTable(t, s, tbl.Name(), injectionDDL)
		for i, v := range injectionValues {
			id := i + 1
			txt := any(v)
			if s.d.Family == "postgresql" && strings.Contains(v, "\x00") {
				if _, err := Execute(ctx, s.db, Insert(tbl).Values(Values{"id": -id, "txt": v})); err == nil {
					t.Fatalf("PostgreSQL stored text with a NUL byte: %q", v)
				}
				txt = nil
			}
			if _, err := Execute(ctx, s.db, Insert(tbl).Values(Values{"id": id, "txt": txt, "bin": []byte(v)})); err != nil {
				t.Fatalf("insert %q: %v", v, err)
			}
			row := QueryRow(ctx, s.db, Select(tbl.C("txt"), tbl.C("bin")).Where(tbl.C("id").Eq(id)))
			var gotTxt *string
			var gotBin []byte
			if err := row.Scan(&gotTxt, &gotBin); err != nil {
				t.Fatalf("select %q: %v", v, err)
			}
			if string(gotBin) != v {
				t.Errorf("bytes %q came back as %q", v, gotBin)
			}
			if txt != nil && (gotTxt == nil || *gotTxt != v) {
				t.Errorf("text %q came back as %v", v, derefString(gotTxt))
			}
			where := tbl.C("bin").Eq([]byte(v))
			if txt != nil {
				where = tbl.C("txt").Eq(v)
			}
			got := queryRows(t, s, Select(tbl.C("id")).Where(where))
			if diff := cmp.Diff([]map[string]any{r("id", id)}, got); diff != "" {
				t.Errorf("finding %q by equality (-want +got):\n%s", v, diff)
			}
		}
		got := queryRows(t, s, Select(Count()).From(tbl))
		if diff := cmp.Diff([]map[string]any{r("count_1", len(injectionValues))}, got); diff != "" {
			t.Errorf("row count (-want +got):\n%s", diff)
		}
	})
}

func derefString(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// injectionIdents are identifiers with the same characters; servers that
// refuse some of them (MySQL: no characters outside the BMP, no trailing
// space) are not given those.
var injectionIdents = []string{
	"it's", `back\slash`, "semi;colon", "-- comment", "/* c */", "ünï©ødé",
	`"quoted"`, "`tick`", "?", "$1", "%s", "select", "Mixed Case",
}

// TestInjectionIdentifiers quotes every identifier, creates a table of
// them, and round-trips a row through sqlexpr; a NUL is rejected before
// anything reaches the server.
func TestInjectionIdentifiers(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		name := uniqueName(`tbl "x' y`)
		var defs []string
		row := Values{}
		for i, id := range injectionIdents {
			q, err := s.d.QuoteIdent(id)
			if err != nil {
				t.Fatal(err)
			}
			defs = append(defs, q+" VARCHAR(20)")
			row[id] = strings.Repeat("v", i+1)
		}
		createTable(t, s, name, map[string]string{s.d.Family: strings.Join(defs, ", ")})
		tbl := NewTable(name, injectionIdents...)
		if _, err := Execute(ctx, s.db, Insert(tbl).Values(row)); err != nil {
			t.Fatal(err)
		}
		for i, id := range injectionIdents {
			got := queryRows(t, s, Select(tbl.C(id)).Where(tbl.C(id).Eq(row[id]), tbl.C(injectionIdents[0]).Eq("v")))
			if diff := cmp.Diff([]map[string]any{r(id, strings.Repeat("v", i+1))}, got); diff != "" {
				t.Errorf("column %q (-want +got):\n%s", id, diff)
			}
		}
		bad := NewTable(name, "a\x00b")
		if _, err := Query(ctx, s.db, Select(bad)); !errors.Is(err, dialects.ErrInvalidIdentifier) {
			t.Fatalf("a NUL in an identifier: %v, want ErrInvalidIdentifier", err)
		}
	})
}
