package sqlexpr_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// The three dialects of the golden tables, in column order.
var goldenDialects = []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect}

// fakeType is a types.Type for CAST tests that does not depend on the
// types package's concrete types. An empty target means "cannot cast".
type fakeType map[string]string

func (f fakeType) Kind() types.Kind                        { return "fake" }
func (f fakeType) DDL(d *dialects.Dialect) (string, error) { return f.CastTarget(d) }
func (f fakeType) CastTarget(d *dialects.Dialect) (string, error) {
	if t := f[d.Name]; t != "" {
		return t, nil
	}
	return "", errors.New("no CAST target for " + d.Name)
}

var (
	varcharType = fakeType{"postgresql": "VARCHAR", "mysql": "CHAR", "sqlite": "VARCHAR"}
	intType     = fakeType{"postgresql": "INTEGER", "mysql": "SIGNED INTEGER", "sqlite": "INTEGER"}
	floatType   = fakeType{"postgresql": "FLOAT", "sqlite": "FLOAT"} // MySQL cannot CAST to FLOAT
)

// want is the expected compilation on one dialect: SQL and args, or an
// error whose message contains err.
type want struct {
	sql  string
	args []any
	err  string
}

func w(sql string, args ...any) want { return want{sql: sql, args: args} }
func fails(msg string) want          { return want{err: msg} }

// all expects the same SQL on the three dialects, written with "?";
// PostgreSQL's placeholders are numbered from it.
func all(sql string, args ...any) [3]want {
	return [3]want{w(dollars(sql), args...), w(sql, args...), w(sql, args...)}
}

// dollars numbers the "?" of sql as $1, $2, …
func dollars(sql string) string {
	var b strings.Builder
	n := 0
	for _, r := range sql {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// checkCompile compiles stmt for d three ways — without cache, through a
// cold cache and through a warm one — and compares each with w.
func checkCompile(t *testing.T, build func() sqlexpr.Statement, d *dialects.Dialect, w want) {
	t.Helper()
	cached := sqlexpr.NewCompiler(16)
	for i, compile := range []func(sqlexpr.Statement, *dialects.Dialect) (string, []any, error){
		sqlexpr.Render, cached.Compile, cached.Compile,
	} {
		sql, args, err := compile(build(), d)
		if w.err != "" {
			if err == nil || !strings.Contains(err.Error(), w.err) {
				t.Fatalf("%s pass %d: error = %v, want one containing %q (sql %q)", d.Name, i, err, w.err, sql)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s pass %d: %v", d.Name, i, err)
		}
		if diff := cmp.Diff(w.sql, sql); diff != "" {
			t.Fatalf("%s pass %d: SQL mismatch (-want +got):\n%s", d.Name, i, diff)
		}
		if diff := cmp.Diff(w.args, args, cmp.Comparer(func(a, b []any) bool { return cmp.Equal(a, b) })); diff != "" && !(len(w.args) == 0 && len(args) == 0) {
			t.Fatalf("%s pass %d: args mismatch (-want +got):\n%s", d.Name, i, diff)
		}
	}
	if w.err == "" {
		if s := cached.Stats(); s.Hits != 1 || s.Misses != 1 {
			t.Fatalf("%s: cache stats %+v, want one miss then one hit", d.Name, s)
		}
	}
}
