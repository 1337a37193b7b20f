package sqlexpr_test

import (
	"fmt"
	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/sqlexpr"
)

// C finds a column by the address of its name's bytes first; a name
// with the same text in other bytes, and columns that share a slot,
// must find the same column.
func TestTableCByOtherBytes(t *testing.T) {
	for _, n := range []int{1, 3, 8, 9, 40} {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("col%d", i)
		}
		tbl := sqlexpr.NewTable("t", names...)
		cols := tbl.Columns()
		if len(cols) != n {
			t.Fatalf("%d columns, want %d", len(cols), n)
		}
		for i, name := range names {
			for _, s := range []string{name, strings.Clone(name), string([]byte(name))} {
				if got := tbl.C(s); got != cols[i] {
					t.Errorf("n=%d: C(%q) = %p, want column %d %p", n, s, got, i, cols[i])
				}
				if got := tbl.LookupColumn(s); got != cols[i] {
					t.Errorf("n=%d: LookupColumn(%q) = %p, want column %d", n, s, got, i)
				}
			}
		}
		// A prefix shares the bytes' address but not the length.
		if got := tbl.LookupColumn(names[0][:3]); got != nil {
			t.Errorf("n=%d: LookupColumn(%q) = %v, want nil", n, names[0][:3], got.Name())
		}
	}
	// Literals, as programs write them.
	u := sqlexpr.NewTable("users", "id", "name", "email")
	if u.C("id") != u.Columns()[0] || u.C("name") != u.Columns()[1] || u.C("email") != u.Columns()[2] {
		t.Error("C of a literal name does not return its column")
	}
	if u.LookupColumn("") != nil || u.LookupColumn("i") != nil {
		t.Error("LookupColumn of a missing name returned a column")
	}
	// Adding a name again keeps its column.
	if u.AddColumn(strings.Clone("id")) != u.Columns()[0] || len(u.Columns()) != 3 {
		t.Error("AddColumn of an existing name made a new column")
	}
}

// A table's and its columns' quoted names are kept for the dialect that
// last wrote them; compiling for dialects in turn, and with a variant of
// a dialect that reserves another word, writes each one's quoting.
func TestQuotedNamesFollowTheDialect(t *testing.T) {
	tbl := sqlexpr.NewTable("order", "id", "Name", "rank")
	stmt := func() sqlexpr.Statement {
		return sqlexpr.Select(tbl.C("id"), tbl.C("Name"), tbl.C("rank")).Where(tbl.C("rank").Eq(1))
	}
	pg := postgresql.Dialect
	my := mysql.Dialect
	extra := pg.Clone()
	extra.ReservedWords["id"] = struct{}{}
	want := map[*dialects.Dialect]string{
		pg:    `SELECT "order".id, "order"."Name", "order".rank FROM "order" WHERE "order".rank = $1`,
		my:    "SELECT `order`.id, `order`.`Name`, `order`.`rank` FROM `order` WHERE `order`.`rank` = ?",
		extra: `SELECT "order"."id", "order"."Name", "order".rank FROM "order" WHERE "order".rank = $1`,
	}
	off := sqlexpr.NewCompiler(0)
	for round := range 2 {
		for _, d := range []*dialects.Dialect{pg, my, extra, pg, extra, my} {
			sql, _, err := off.Compile(stmt(), d)
			if err != nil || sql != want[d] {
				t.Errorf("round %d, %s: %q, %v\nwant %q", round, d.Name, sql, err, want[d])
			}
		}
	}
}
