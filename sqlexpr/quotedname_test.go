package sqlexpr_test

import (
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// TestQuotedNameAcrossDialects asks the same clauses on the dialects in
// turns, and between compilations that use the same kept name: each
// answer must be the one the dialect gives for the bare name.
func TestQuotedNameAcrossDialects(t *testing.T) {
	tbl := sqlexpr.NewTable("select", "order", "plain", "Mixed")
	all := []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect}
	for round := range 3 {
		for _, d := range all {
			got, err := tbl.QuotedName(d)
			want, _ := d.QuoteIdent("select")
			if err != nil || got != want {
				t.Errorf("round %d, %s: table %q, %v; want %q", round, d.Name, got, err, want)
			}
			for _, name := range []string{"order", "plain", "Mixed"} {
				got, err := tbl.C(name).QuotedName(d)
				want, _ := d.QuoteIdent(name)
				if err != nil || got != want {
					t.Errorf("round %d, %s: column %q, %v; want %q", round, d.Name, got, err, want)
				}
			}
			if _, _, err := sqlexpr.Compile(sqlexpr.Select(tbl.C("order")).From(tbl), d); err != nil {
				t.Fatal(err)
			}
		}
	}
}
