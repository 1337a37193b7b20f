package sqlexpr_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects"
	. "github.com/go-alchemy/alchemy/sqlexpr"
)

// treeReader turns fuzz input into choices; past the end it answers 0,
// which always picks a leaf, so every input builds a finite tree.
type treeReader struct {
	data []byte
	cols []*ColumnClause
}

func (r *treeReader) next(n int) int {
	if len(r.data) == 0 || n <= 0 {
		return 0
	}
	b := r.data[0]
	r.data = r.data[1:]
	return int(b) % n
}

var fuzzStrings = []string{"", "john", "it's", `back\slash`, "semi;colon", "-- comment", "/* c */", "a\x00b", "ünï©ødé 🙂", `"quoted"`, "`tick`", "?", "$1", "%_"}

func (r *treeReader) value() any {
	switch r.next(4) {
	case 0:
		return r.next(1000) - 500
	case 1:
		return fuzzStrings[r.next(len(fuzzStrings))]
	case 2:
		return nil
	}
	return 1.5
}

func (r *treeReader) operand(depth int) any {
	if r.next(2) == 0 {
		return r.value()
	}
	return r.expr(depth)
}

var fuzzBinary = []func(Expr, any) Expr{
	Expr.Eq, Expr.Ne, Expr.Lt, Expr.Ge, Expr.Like, Expr.ILike, Expr.Concat, Expr.Add,
	Expr.Sub, Expr.Mul, Expr.Div, Expr.IsDistinctFrom, Expr.IsNotDistinctFrom, Expr.RegexpMatch,
	Expr.Contains, Expr.StartsWith, Expr.EndsWith,
}

// fuzzEscapes are LikeEscape characters, valid and not.
var fuzzEscapes = []byte{'/', '#', '!', '%', '\'', '\\', '?', 0, '\n', 0xe9}

// fuzzCollations are Collate names: bare, quoted where needed, invalid.
var fuzzCollations = []string{"C", "utf8mb4_bin", "nocase", "en_US", "select", "", "a\x00b", `x"y`}

// expr builds a random expression; depth bounds the nesting.
func (r *treeReader) expr(depth int) Expr {
	kind := r.next(20)
	if depth <= 0 {
		kind %= 3
	}
	d := depth - 1
	switch kind {
	case 0:
		return r.cols[r.next(len(r.cols))]
	case 1:
		return Literal(r.value())
	case 2:
		return InlineLiteral(r.value())
	case 3:
		return fuzzBinary[r.next(len(fuzzBinary))](r.expr(d), r.operand(d))
	case 4:
		items := make([]Expr, r.next(4))
		for i := range items {
			items[i] = r.expr(d)
		}
		if r.next(2) == 0 {
			return And(items...)
		}
		return Or(items...)
	case 5:
		return Not(r.expr(d))
	case 6:
		vals := make([]any, r.next(5))
		for i := range vals {
			vals[i] = r.operand(d)
		}
		if r.next(2) == 0 {
			return r.expr(d).In(vals...)
		}
		return r.expr(d).NotIn(vals...)
	case 7:
		return r.expr(d).Between(r.operand(d), r.operand(d))
	case 8:
		return r.expr(d).IsNull()
	case 9:
		names := []string{"lower", "coalesce", "bad name", "x.y"}
		args := make([]any, r.next(3))
		for i := range args {
			args[i] = r.operand(d)
		}
		return Func(names[r.next(len(names))], args...)
	case 10:
		return Case().When(r.expr(d), r.operand(d)).Else(r.operand(d))
	case 11:
		return r.expr(d).Label(fuzzStrings[r.next(len(fuzzStrings))])
	case 12:
		return Select(r.expr(d)).Where(r.expr(d)).Scalar()
	case 13:
		return Exists(Select(r.expr(d)).From(addresses).Where(r.expr(d)))
	case 14:
		return Cast(r.operand(d), intType)
	case 15:
		return Text("? = ?", r.value(), r.value())
	case 16:
		return Count(r.expr(d)).Over(Window{PartitionBy: []Expr{r.expr(d)}, OrderBy: []OrderItem{r.expr(d).Desc()}})
	case 17:
		esc := fuzzEscapes[r.next(len(fuzzEscapes))]
		if r.next(2) == 0 {
			return r.expr(d).LikeEscape(r.operand(d), esc)
		}
		return r.expr(d).NotLikeEscape(r.operand(d), esc)
	case 18:
		return r.expr(d).Collate(fuzzCollations[r.next(len(fuzzCollations))])
	}
	return r.expr(d).Neg()
}

// statement builds a random statement around random expressions.
func (r *treeReader) statement() Statement {
	switch r.next(5) {
	case 0:
		return Insert(users).Values(Values{"name": r.operand(2), "age": r.operand(2)})
	case 1:
		return Update(users).Values(Values{"email": r.operand(2)}).Where(r.expr(3))
	case 2:
		return Delete(users).Where(r.expr(3))
	case 3:
		return Union(Select(r.expr(2)), Select(r.expr(2)).Where(r.expr(2))).Limit(int64(r.next(5)))
	}
	if r.next(2) == 0 {
		return r.richSelect()
	}
	s := Select(r.expr(3), users.C("id")).Where(r.expr(4)).OrderBy(r.expr(2))
	if r.next(2) == 0 {
		s.Limit(int64(r.next(10)))
	}
	if r.next(2) == 0 {
		s.Offset(int64(r.next(10)))
	}
	return s
}

// usersTwin has the name and columns of users but is another table: a
// statement naming both reads two FROM elements (FROM users, users).
var usersTwin = NewTable("users", "id", "name", "email", "age", "active")

// richSelect builds a SELECT with every clause the compiler's fast cache
// key covers (shape.go) and the FROM elements that make its derivation
// subtle: a twin table, aliases built per statement, two aliases that
// may share a name, explicit FROM lists and joins.
func (r *treeReader) richSelect() Statement {
	aliasNames := []string{"u", "v", "select"}
	ua := users.Alias(aliasNames[r.next(len(aliasNames))])
	ub := users.Alias(aliasNames[r.next(len(aliasNames))])
	aa := addresses.Alias("a")
	froms := []FromClause{users, addresses, usersTwin, ua, ub, aa}
	saved := r.cols
	defer func() { r.cols = saved }()
	r.cols = append(append([]*ColumnClause(nil), saved...),
		usersTwin.C("id"), usersTwin.C("name"), ua.C("id"), ua.C("age"), ub.C("name"), aa.C("city"), aa.C("nope"))
	from := func() FromClause {
		f := froms[r.next(len(froms))]
		switch r.next(4) {
		case 0:
			return Join(f, froms[r.next(len(froms))], r.expr(1))
		case 1:
			return LeftJoin(f, froms[r.next(len(froms))], r.expr(1))
		}
		return f
	}
	items := make([]SelectItem, 1+r.next(3))
	for i := range items {
		switch r.next(5) {
		case 0:
			items[i] = r.cols[r.next(len(r.cols))]
		case 1:
			items[i] = r.expr(2).Label(fuzzStrings[r.next(len(fuzzStrings))])
		case 2:
			items[i] = froms[r.next(len(froms))]
		default:
			items[i] = r.expr(2)
		}
	}
	s := Select(items...)
	if r.next(3) == 0 {
		s.Distinct()
	}
	for range r.next(3) {
		s.From(from())
	}
	for range r.next(3) {
		if r.next(2) == 0 {
			s.Join(from(), r.expr(2))
		} else {
			s.LeftJoin(froms[r.next(len(froms))], r.expr(2))
		}
	}
	for range r.next(3) {
		s.Where(r.expr(3))
	}
	for range r.next(3) {
		if l, ok := items[0].(*LabelExpr); ok && r.next(2) == 0 {
			s.GroupBy(l)
		} else {
			s.GroupBy(r.expr(1))
		}
	}
	for range r.next(2) {
		s.Having(r.expr(2))
	}
	for range r.next(3) {
		switch o := r.expr(1); r.next(4) {
		case 0:
			s.OrderBy(o.Desc().NullsLast())
		case 1:
			s.OrderBy(o.Asc())
		default:
			s.OrderBy(o)
		}
	}
	if r.next(2) == 0 {
		s.Limit(int64(r.next(10)))
	}
	if r.next(2) == 0 {
		s.Offset(int64(r.next(10)))
	}
	switch r.next(8) {
	case 0:
		s.ForUpdate()
	case 1:
		s.ForShare().SkipLocked()
	case 2:
		of := []FromClause{froms[r.next(len(froms))]}
		if r.next(2) == 0 {
			of = append(of, froms[r.next(len(froms))])
		}
		s.ForUpdateOf(of...).NoWait()
	}
	return s
}

// countPlaceholders counts $n or ? outside quoted identifiers and string
// literals, and checks that $n are numbered 1, 2, … in order.
func countPlaceholders(t *testing.T, sql string, d *dialects.Dialect) int {
	n := 0
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == '\'' || c == '"' || c == '`':
			i = skipQuote(sql, i, c, d.BackslashEscapes && c == '\'') - 1
		case c == '?' && d.Placeholder == dialects.Question:
			n++
		case c == '$' && d.Placeholder == dialects.Dollar:
			j := i + 1
			for j < len(sql) && sql[j] >= '0' && sql[j] <= '9' {
				j++
			}
			if num, err := strconv.Atoi(sql[i+1 : j]); err != nil || num != n+1 {
				t.Fatalf("placeholder %q at %d is not $%d in %q", sql[i:j], i, n+1, sql)
			}
			n++
		}
	}
	return n
}

func skipQuote(sql string, i int, q byte, backslash bool) int {
	for j := i + 1; j < len(sql); j++ {
		switch {
		case backslash && sql[j] == '\\':
			j++
		case sql[j] == q && j+1 < len(sql) && sql[j+1] == q:
			j++
		case sql[j] == q:
			return j + 1
		}
	}
	return len(sql)
}

// fuzzCache outlives fuzz iterations, so that a statement whose key
// collided with an earlier, different one would get the earlier text.
var fuzzCache = NewCompiler(4096)

// FuzzCompile builds random statements: compiling never panics, the text
// has as many placeholders as there are arguments, and the cached path —
// through a fresh cache and through one shared with every earlier input —
// returns exactly what the direct one does.
func FuzzCompile(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{4, 3, 3, 0, 1, 6, 1, 4, 1, 1})
	f.Add([]byte("the quick brown fox jumps over the lazy dog"))
	f.Add([]byte{3, 12, 12, 15, 16, 9, 9, 1, 13, 2, 200, 100, 50, 25})
	cols := append(append([]*ColumnClause(nil), users.Columns()...), addresses.Columns()...)
	f.Fuzz(func(t *testing.T, data []byte) {
		build := func() Statement { return (&treeReader{data: data, cols: cols}).statement() }
		for _, d := range goldenDialects {
			sql, args, err := Render(build(), d)
			c := NewCompiler(4)
			for pass := 0; pass < 3; pass++ {
				compile := c.Compile
				if pass == 2 {
					compile = fuzzCache.Compile
				}
				csql, cargs, cerr := compile(build(), d)
				if (err == nil) != (cerr == nil) || csql != sql || !cmp.Equal(cargs, args) {
					t.Fatalf("%s pass %d: cached %q %v %v, direct %q %v %v", d.Name, pass, csql, cargs, cerr, sql, args, err)
				}
			}
			if err != nil {
				if strings.Contains(err.Error(), "panic") {
					t.Fatal(err)
				}
				continue
			}
			if n := countPlaceholders(t, sql, d); n != len(args) {
				t.Fatalf("%s: %d placeholders, %d args: %q %v", d.Name, n, len(args), sql, args)
			}
		}
	})
}
