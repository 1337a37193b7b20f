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

// TestClientDefaultCompile compiles INSERTs on a lightweight table with
// client defaults on the three dialects, uncached and through a cold and
// a warm cache: the filled-in columns are part of the cached text, the
// defaults' values are arguments like any other.
func TestClientDefaultCompile(t *testing.T) {
	jobs := NewTable("jobs", "id", "status", "at")
	jobs.C("status").SetClientDefault("queued")
	jobs.C("at").SetClientDefault(Now())
	plain := NewTable("plain", "id", "status")
	cases := []golden{
		{"missing columns get their defaults", func() Statement { return Insert(jobs).Values(Values{"id": 1}) },
			[3]want{w("INSERT INTO jobs (id, status, at) VALUES ($1, $2, now())", 1, "queued"),
				w("INSERT INTO jobs (id, status, at) VALUES (?, ?, now())", 1, "queued"),
				w("INSERT INTO jobs (id, status, at) VALUES (?, ?, CURRENT_TIMESTAMP)", 1, "queued")}},
		{"explicit nil wins", func() Statement { return Insert(jobs).Values(Values{"id": 1, "status": nil, "at": nil}) },
			all("INSERT INTO jobs (id, status, at) VALUES (?, ?, ?)", 1, nil, nil)},
		{"upsert rows get them too", func() Statement {
			return Insert(jobs).Values(Values{"id": 1, "at": nil}).OnConflictDoNothing("id")
		}, [3]want{w("INSERT INTO jobs (id, status, at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING", 1, "queued", nil),
			w("INSERT INTO jobs (id, status, at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE id = id", 1, "queued", nil),
			w("INSERT INTO jobs (id, status, at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING", 1, "queued", nil)}},
		{"a table without defaults is unchanged", func() Statement { return Insert(plain).Values(Values{"id": 1}) },
			all("INSERT INTO plain (id) VALUES (?)", 1)},
		{"a table without defaults and no values", func() Statement { return Insert(plain) },
			[3]want{w("INSERT INTO plain DEFAULT VALUES"), w("INSERT INTO plain () VALUES ()"), w("INSERT INTO plain DEFAULT VALUES")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i, d := range goldenDialects {
				checkCompile(t, tc.build, d, tc.want[i])
			}
		})
	}
}
