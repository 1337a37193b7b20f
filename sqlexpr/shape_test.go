package sqlexpr

import (
	"fmt"
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
)

// TestShapeCoversCommonSelects keeps the usual SELECTs on the fast cache
// key (shape.go): a change that sent them back to key mode would still
// compile correctly, only slower, so no other test would notice.
func TestShapeCoversCommonSelects(t *testing.T) {
	users := NewTable("users", "id", "name", "email")
	addresses := NewTable("addresses", "id", "user_id", "city")
	u, a := users.Alias("u"), addresses.Alias("a")
	d := &dialects.Dialect{Name: "test"}
	d.SQL.Limit = dialects.LimitOffset
	covered := map[string]*SelectStmt{
		"join, where, order, limit": Select(users.C("id"), users.C("name"), addresses.C("city")).
			Join(addresses, users.C("id").Eq(addresses.C("user_id"))).
			Where(users.C("name").Eq("john"), addresses.C("city").In("Berlin", "Paris")).
			OrderBy(users.C("id")).Limit(10),
		"aliases and explicit FROM": Select(u.C("id"), a.C("city")).From(u).
			LeftJoin(a, u.C("id").Eq(a.C("user_id"))).Where(Or(u.C("name").Like("j%"), a.C("city").IsNull())),
		"aggregates": Select(users.C("name"), Count().Label("n"), Max(users.C("id"))).
			GroupBy(users.C("name")).Having(Count().Gt(1)).OrderBy(Count().Desc()),
		"table, distinct, lock": Select(users).Distinct().Where(users.C("id").Between(1, 9)).
			ForUpdate().SkipLocked().Offset(5),
		"case and functions": Select(Case().When(users.C("id").Gt(3), "big").Else("small").Label("size"),
			Lower(users.C("name")), Now()).Where(Not(users.C("email").Ne(nil))),
		"contains, like escape, collate": Select(users.C("name").StartsWith("j")).
			Where(users.C("name").Contains("50%"), users.C("email").EndsWith(users.C("name")),
				users.C("name").NotLikeEscape("a#_", '#')).
			OrderBy(users.C("name").Collate("C").Desc()),
	}
	for name, s := range covered {
		c := shaper{d: d}
		if !c.shapeSelect(s) {
			t.Errorf("%s: not covered by the fast key", name)
		}
	}
	// Outside the subset: key mode.
	sub := Select(users.C("id")).Where(users.C("name").Eq("x"))
	for name, s := range map[string]*SelectStmt{
		"IN subquery":    Select(addresses.C("city")).Where(addresses.C("user_id").In(sub)),
		"CTE":            Select(users.C("id")).With(sub.CTE("c")),
		"literal":        Select(InlineLiteral(1)),
		"unknown column": Select(users.C("nope")),
		"FOR UPDATE OF":  Select(users.C("id")).ForUpdateOf(users),
		"bad Contains":   Select(users.C("id")).Where(users.C("name").Contains(1)),
	} {
		c := shaper{d: d}
		if c.shapeSelect(s) {
			t.Errorf("%s: covered by the fast key, want key mode", name)
		}
	}
}

// TestSelectListsSpill grows every list of a SELECT past its inline
// array and checks the text, and that Clone keeps the two apart.
func TestSelectListsSpill(t *testing.T) {
	u := NewTable("u", "a", "b", "c", "d", "e", "f")
	v := NewTable("v", "a")
	w := NewTable("w", "a")
	s := Select(u.C("a"), u.C("b"), u.C("c"), u.C("d")).Columns(u.C("e"), u.C("f")).
		Join(v, v.C("a").Eq(u.C("a"))).Join(w, w.C("a").Eq(u.C("b"))).
		Where(u.C("a").Eq(1), u.C("b").Eq(2)).Where(u.C("c").Eq(3)).
		OrderBy(u.C("a"), u.C("b").Desc())
	c := s.Clone().Where(u.C("d").Eq(4)).OrderBy(u.C("c"))
	d := &dialects.Dialect{Name: "test", Placeholder: dialects.Question}
	d.SQL.InnerJoinKeyword = "JOIN"
	for _, tc := range []struct {
		s    *SelectStmt
		want string
	}{
		{s, "SELECT u.a, u.b, u.c, u.d, u.e, u.f FROM u JOIN v ON v.a = u.a JOIN w ON w.a = u.b WHERE u.a = ? AND u.b = ? AND u.c = ? ORDER BY u.a, u.b DESC"},
		{c, "SELECT u.a, u.b, u.c, u.d, u.e, u.f FROM u JOIN v ON v.a = u.a JOIN w ON w.a = u.b WHERE u.a = ? AND u.b = ? AND u.c = ? AND u.d = ? ORDER BY u.a, u.b DESC, u.c"},
	} {
		sql, _, err := render(tc.s, d)
		if err != nil || sql != tc.want {
			t.Errorf("got %q, %v\nwant %q", sql, err, tc.want)
		}
	}
}

// TestShapeManyValues: a statement with more values than the shaper
// holds in place still takes the fast key, and compiles like the direct
// compiler, hit after hit.
func TestShapeManyValues(t *testing.T) {
	u := NewTable("u", "a", "b")
	build := func(base int) *SelectStmt {
		ids := make([]any, 20)
		for i := range ids {
			ids[i] = base + i
		}
		return Select(u.C("a")).Where(u.C("a").In(ids...), u.C("b").Eq("x")).Limit(3)
	}
	d := &dialects.Dialect{Name: "test", Placeholder: dialects.Question}
	d.SQL.Limit = dialects.LimitOffset
	if c := (shaper{d: d}); !c.shapeSelect(build(0)) {
		t.Fatal("not covered by the fast key")
	}
	comp := NewCompiler(10)
	for base := range 3 {
		want, wantArgs, err := render(build(base*100), d)
		if err != nil {
			t.Fatal(err)
		}
		got, args, err := comp.Compile(build(base*100), d)
		if err != nil || got != want || fmt.Sprint(args) != fmt.Sprint(wantArgs) {
			t.Fatalf("round %d: %q %v %v, want %q %v", base, got, args, err, want, wantArgs)
		}
	}
	if s := comp.Stats(); s.Hits != 2 || s.Misses != 1 {
		t.Fatalf("stats %+v, want 1 miss then 2 hits", s)
	}
}

// TestForUpdateOfKey: FOR UPDATE and FOR UPDATE OF t of the same SELECT
// share everything the fast key encodes but the OF list, so a cache must
// keep them apart (shapeSelect leaves such a statement to key mode).
func TestForUpdateOfKey(t *testing.T) {
	users := NewTable("users", "id", "name")
	accounts := NewTable("accounts", "id")
	d := &dialects.Dialect{Name: "test", Placeholder: dialects.Question}
	d.Features.ForUpdate, d.Features.ForUpdateOf = true, true
	comp := NewCompiler(10)
	for _, tc := range []struct {
		s    *SelectStmt
		want string
	}{
		{Select(users.C("id")).Where(users.C("name").Eq("x")).ForUpdate(), "SELECT users.id FROM users WHERE users.name = ? FOR UPDATE"},
		{Select(users.C("id")).Where(users.C("name").Eq("x")).ForUpdateOf(users), "SELECT users.id FROM users WHERE users.name = ? FOR UPDATE OF users"},
		{Select(users.C("id")).Where(users.C("name").Eq("x")).ForUpdateOf(accounts), "SELECT users.id FROM users WHERE users.name = ? FOR UPDATE OF accounts"},
		{Select(users.C("id")).Where(users.C("name").Eq("x")).ForUpdateOf(users), "SELECT users.id FROM users WHERE users.name = ? FOR UPDATE OF users"},
		{Select(users.C("id")).Where(users.C("name").Eq("x")).ForUpdate(), "SELECT users.id FROM users WHERE users.name = ? FOR UPDATE"},
	} {
		got, _, err := comp.Compile(tc.s, d)
		if err != nil || got != tc.want {
			t.Fatalf("got %q, %v; want %q", got, err, tc.want)
		}
	}
	if s := comp.Stats(); s.Hits != 2 || s.Misses != 3 {
		t.Fatalf("stats %+v, want 3 misses then 2 hits", s)
	}
}

// TestLikeKey: the escape character, NOT and the way a pattern is made
// are in the fast key: statements differing only there get their own
// text from a shared cache.
func TestLikeKey(t *testing.T) {
	u := NewTable("u", "a", "b")
	d := &dialects.Dialect{Name: "test", Placeholder: dialects.Question, IdentQuote: '"'}
	comp := NewCompiler(20)
	for _, tc := range []struct {
		e    Expr
		want string
	}{
		{u.C("a").Like("x"), "SELECT u.a FROM u WHERE u.a LIKE ?"},
		{u.C("a").Contains("x"), "SELECT u.a FROM u WHERE u.a LIKE ? ESCAPE '/'"},
		{u.C("a").LikeEscape("x", '#'), "SELECT u.a FROM u WHERE u.a LIKE ? ESCAPE '#'"},
		{u.C("a").NotLikeEscape("x", '#'), "SELECT u.a FROM u WHERE u.a NOT LIKE ? ESCAPE '#'"},
		{u.C("a").Contains(u.C("b")), "SELECT u.a FROM u WHERE u.a LIKE '%' || u.b || '%'"},
		{u.C("a").StartsWith(u.C("b")), "SELECT u.a FROM u WHERE u.a LIKE u.b || '%'"},
		{u.C("a").EndsWith(u.C("b")), "SELECT u.a FROM u WHERE u.a LIKE '%' || u.b"},
		{u.C("a").Collate("C").Eq("x"), `SELECT u.a FROM u WHERE u.a COLLATE "C" = ?`},
		{u.C("a").Collate("D").Eq("x"), `SELECT u.a FROM u WHERE u.a COLLATE "D" = ?`},
	} {
		for range 2 {
			got, _, err := comp.Compile(Select(u.C("a")).Where(tc.e), d)
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		}
	}
}

// TestShapeColumnComparisons: the three-word form of a comparison of two
// table columns keeps apart the operator, either column and the side a
// column is on.
func TestShapeColumnComparisons(t *testing.T) {
	u := NewTable("u", "a", "b", "c")
	d := &dialects.Dialect{Name: "test", Placeholder: dialects.Question}
	comp := NewCompiler(10)
	seen := map[string]bool{}
	for _, cond := range []Expr{
		u.C("a").Eq(u.C("b")), u.C("a").Eq(u.C("c")), u.C("b").Eq(u.C("a")),
		u.C("a").Lt(u.C("b")), u.C("a").Eq("b"),
	} {
		s := Select(u.C("a")).Where(cond).OrderBy(u.C("b"))
		want, _, err := render(s, d)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := comp.Compile(s, d)
		if err != nil || got != want {
			t.Fatalf("cached %q %v, direct %q", got, err, want)
		}
		if seen[got] {
			t.Fatalf("two conditions share the text %q", got)
		}
		seen[got] = true
	}
	if s := comp.Stats(); s.Misses != 5 || s.Hits != 0 {
		t.Fatalf("stats %+v, want 5 distinct entries", s)
	}
}
