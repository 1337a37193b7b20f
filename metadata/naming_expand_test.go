package metadata

import (
	"regexp"
	"testing"
)

// TestExpandMatchesRegexp: expand scans templates by hand; it must fill
// exactly what the regular expression %\((\w+)\)s matches, and leave
// everything else as written.
func TestExpandMatchesRegexp(t *testing.T) {
	token := regexp.MustCompile(`%\((\w+)\)s`)
	md := New()
	parent := md.Table("parent", Column("id", nil, PrimaryKey()))
	child := md.Table("child", Column("id", nil, PrimaryKey()), Column("parent_id", nil))
	r := nameRequest{kind: "fk", table: child, columns: child.columns[1:], refTable: parent, refCols: parent.columns}
	for _, tmpl := range []string{
		"", "plain", "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
		"%(table_name)s", "%(table_name)s%(referred_column_0_name)s", "%%(table_name)s",
		"%(table_name)", "%(table_name)x", "%()s", "%(%(table_name)s", "%(ab%(table_name)s",
		"x%(", "%(table_name)s%", "%(table name)s", "%(table_name)ss", "%(tablé)s %(table_name)s",
		"%(column_0N_name)s-%(column_0_label)s",
	} {
		want := token.ReplaceAllStringFunc(tmpl, func(tok string) string {
			v, _ := tokenValue(token.FindStringSubmatch(tok)[1], r)
			return v
		})
		got, _ := expand(tmpl, r)
		if got != want {
			t.Errorf("expand(%q) = %q, the regexp gives %q", tmpl, got, want)
		}
	}
	if _, err := expand("a_%(nope)s", r); err == nil {
		t.Error("an unknown token is not an error")
	}
}

// FuzzExpandMatchesRegexp: for any template, expand fills exactly what
// the regular expression it replaced fills (unknown tokens aside, which
// are errors for both).
func FuzzExpandMatchesRegexp(f *testing.F) {
	token := regexp.MustCompile(`%\((\w+)\)s`)
	md := New()
	parent := md.Table("parent", Column("id", nil, PrimaryKey()))
	child := md.Table("child", Column("id", nil, PrimaryKey()), Column("parent_id", nil))
	r := nameRequest{kind: "fk", table: child, columns: child.columns[1:], refTable: parent, refCols: parent.columns}
	for _, s := range []string{"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "%(%(table_name)s", "x%(", "%(tablé)s %(table_name)s", "%%(column_0_label)s)s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		var wantErr error
		want := token.ReplaceAllStringFunc(tmpl, func(tok string) string {
			v, err := tokenValue(token.FindStringSubmatch(tok)[1], r)
			if err != nil && wantErr == nil {
				wantErr = err
			}
			return v
		})
		got, err := expand(tmpl, r)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("expand(%q): error %v, the regexp's %v", tmpl, err, wantErr)
		}
		if err == nil && got != want {
			t.Fatalf("expand(%q) = %q, the regexp gives %q", tmpl, got, want)
		}
	})
}
