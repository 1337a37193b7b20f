package alchemy

import (
	"strings"
	"testing"
)

// FuzzRedactSQL: RedactSQL never panics, never grows a statement that
// sets no password, and leaves no password literal readable after
// PASSWORD or IDENTIFIED BY.
func FuzzRedactSQL(f *testing.F) {
	for _, s := range []string{
		"ALTER USER a PASSWORD 'pw'", "CREATE USER 'a'@'%' IDENTIFIED BY 'pw'", "SET PASSWORD = PASSWORD('pw')",
		"SELECT 'password'", "password 'it''s'", "IDENTIFIED WITH mysql_native_password BY 'pw'", "SELECT 1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out := RedactSQL(q)
		if !setsPassword(q) && out != q {
			t.Fatalf("RedactSQL(%q) = %q changed a statement without a password", q, out)
		}
		if m := passwordSQL.FindStringSubmatch(out); m != nil && m[2] != "'***'" {
			t.Fatalf("RedactSQL(%q) = %q still shows %s", q, out, m[2])
		}
		if strings.Count(out, "'***'") < strings.Count(q, "'***'") {
			t.Fatalf("RedactSQL(%q) = %q lost text", q, out)
		}
	})
}
