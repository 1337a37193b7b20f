package sqlexpr

import (
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
		"literal":        Select(Literal(1)),
		"unknown column": Select(users.C("nope")),
	} {
		c := shaper{d: d}
		if c.shapeSelect(s) {
			t.Errorf("%s: covered by the fast key, want key mode", name)
		}
	}
}
