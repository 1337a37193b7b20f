package sqlexpr_test

import (
	"context"
	"testing"

	. "github.com/go-alchemy/alchemy/sqlexpr"
)

// TestLiteralBindsInlineLiteralRenders pins the meaning of the two names:
// Literal is SQLAlchemy's literal(), a bound parameter (the value is an
// argument, never in the text); InlineLiteral writes the value into the
// SQL. A SQLAlchemy user reaching for literal("x") must not get SQL text.
func TestLiteralBindsInlineLiteralRenders(t *testing.T) {
	cases := []golden{
		{"literal string binds", func() Statement { return Select(Literal("it's").Label("s")) },
			all("SELECT ? AS s", "it's")},
		{"literal in an operation binds", func() Statement { return Select(Literal(5).Add(users.C("id")).Label("n")) },
			all("SELECT ? + users.id AS n FROM users", 5)},
		{"literal nil binds", func() Statement { return Select(Literal(nil).Label("n")) },
			all("SELECT ? AS n", nil)},
		{"inline literal string renders", func() Statement { return Select(InlineLiteral("it's").Label("s")) },
			all("SELECT 'it''s' AS s")},
		{"inline literal bool renders per dialect", func() Statement { return Select(InlineLiteral(true).Label("b")) },
			[3]want{w("SELECT true AS b"), w("SELECT true AS b"), w("SELECT 1 AS b")}},
		{"inline literal nil renders NULL", func() Statement { return Select(InlineLiteral(nil).Label("n")) },
			all("SELECT NULL AS n")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i, d := range goldenDialects {
				checkCompile(t, tc.build, d, tc.want[i])
			}
		})
	}
}

// TestLiteralOnServers runs both forms on each server: the bound value and
// the inlined one come back the same, which the text alone cannot show
// (a quoting mistake in InlineLiteral, a bind the server cannot type).
func TestLiteralOnServers(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		cases := []struct {
			name string
			expr Expr
			want string
		}{
			{"bound", Literal("it's"), "it's"},
			{"inline", InlineLiteral("it's"), "it's"},
			{"bound with quotes and backslash", Literal(`a'b\c`), `a'b\c`},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var got string
				if err := QueryRow(context.Background(), s.db, Select(tc.expr.Label("v"))).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != tc.want {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			})
		}
	})
}
