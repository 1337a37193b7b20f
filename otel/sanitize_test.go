package alchemyotel

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT ?"},
		{"SELECT * FROM t WHERE a = 'x''y' AND b = 42", "SELECT * FROM t WHERE a = ? AND b = ?"},
		{"SELECT * FROM t2 WHERE c = $1 AND d = 3.5e-3", "SELECT * FROM t2 WHERE c = $1 AND d = ?"},
		{`SELECT "col1", ` + "`c2`" + ` FROM t WHERE e = 'it\'s'`, `SELECT "col1", ` + "`c2`" + ` FROM t WHERE e = ?`},
		{"SELECT $$body 'x'$$, $tag$ y $tag$", "SELECT ?, ?"},
		{"SELECT a -- 5 stays in a comment\n, 6", "SELECT a -- 5 stays in a comment\n, ?"},
		{"INSERT INTO t VALUES (?, ?), (.5, 'x')", "INSERT INTO t VALUES (?, ?), (?, ?)"},
		{"SELECT 'unterminated", "SELECT ?"},
	} {
		if got := Sanitize(tc.in); got != tc.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct{ in, op, coll string }{
		{"SELECT * FROM users WHERE id = 1", "SELECT", "users"},
		{"select a from app.users;", "SELECT", "app.users"},
		{"SELECT * FROM a, b", "SELECT", ""},
		{"SELECT * FROM a JOIN b ON a.x = b.x", "SELECT", ""},
		{"SELECT * FROM (SELECT 1) s", "SELECT", ""},
		{"INSERT INTO orders (id) VALUES (1)", "INSERT", "orders"},
		{"UPDATE t SET a = 1", "UPDATE", "t"},
		{"DELETE FROM t WHERE a = 1", "DELETE", "t"},
		{"/* hint */ CREATE TABLE x (a INT)", "CREATE", ""},
		{"BEGIN", "BEGIN", ""},
		{"", "", ""},
		{"(SELECT 1)", "", ""},
	} {
		op, coll := Summarize(tc.in)
		if op != tc.op || coll != tc.coll {
			t.Errorf("Summarize(%q) = %q, %q; want %q, %q", tc.in, op, coll, tc.op, tc.coll)
		}
	}
}

// FuzzSanitize: no panic, and no digit outside identifiers, placeholders,
// quoted identifiers and comments survives; the output never grows.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"SELECT 1", "a = 'x''", "$$ $1 $a$ '", "/* 1 */ -- 2\n 3", `"9" 9`, "x1 1x 1e+5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out := Sanitize(q)
		if len(out) > len(q)+1 {
			t.Fatalf("Sanitize(%q) = %q grew", q, out)
		}
		if !strings.ContainsAny(q, "'") && !strings.ContainsAny(q, "$") && strings.Count(out, "?") < strings.Count(q, "?") {
			t.Fatalf("Sanitize(%q) = %q lost a placeholder", q, out)
		}
		Summarize(q)
	})
}
