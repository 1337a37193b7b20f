package sqlexpr

import (
	"reflect"

	"github.com/go-alchemy/alchemy/types"
)

// The operator methods of every expression, documented once here. They
// build a new node around o.self.

// Eq is "=", or IS NULL when v is nil or Null().
func (o Operators) Eq(v any) Expr {
	if _, ok := v.(string); ok {
		return newBinary(o.self, opEq, v) // the commonest value: neither NULL nor a column
	}
	if _, ok := v.(*ColumnClause); ok {
		return compare(o.self, opEq, v) // a join's condition: not NULL either
	}
	if isNull(v) {
		return newUnary(opIsNull, o.self)
	}
	return compare(o.self, opEq, v)
}

// Ne is "<>", or IS NOT NULL when v is nil or Null().
func (o Operators) Ne(v any) Expr {
	if _, ok := v.(string); ok {
		return newBinary(o.self, opNe, v) // as in Eq
	}
	if isNull(v) {
		return newUnary(opIsNotNull, o.self)
	}
	return compare(o.self, opNe, v)
}

// compare builds left op right. A comparison of two table columns — a
// join condition, built again with every statement that joins — is
// shared: the left column keeps the last one made, and the same
// comparison asked for again returns it instead of a new node (nodes
// are never modified, so sharing one is safe).
func compare(left Expr, op binOp, right any) Expr {
	l, ok := left.(*ColumnClause)
	if !ok || l == nil || l.kw == 0 {
		return newBinary(left, op, right)
	}
	r, ok := right.(*ColumnClause)
	if !ok || r == nil || r.kw == 0 {
		return newBinary(left, op, right)
	}
	if b := l.cmp.Load(); b != nil && b.op == op && b.right.x == any(r) {
		return b
	}
	b := newBinary(left, op, right)
	l.cmp.Store(b)
	return b
}

// Lt is "<".
func (o Operators) Lt(v any) Expr { return compare(o.self, opLt, v) }

// Le is "<=".
func (o Operators) Le(v any) Expr { return compare(o.self, opLe, v) }

// Gt is ">".
func (o Operators) Gt(v any) Expr { return compare(o.self, opGt, v) }

// Ge is ">=".
func (o Operators) Ge(v any) Expr { return compare(o.self, opGe, v) }

// Like is LIKE pattern.
func (o Operators) Like(p any) Expr { return newBinary(o.self, opLike, p) }

// NotLike is NOT LIKE pattern.
func (o Operators) NotLike(p any) Expr { return newBinary(o.self, opNotLike, p) }

// ILike is case-insensitive LIKE: ILIKE where the dialect has it,
// else lower(x) LIKE lower(pattern).
func (o Operators) ILike(p any) Expr { return newBinary(o.self, opILike, p) }

// NotILike is the negation of ILike.
func (o Operators) NotILike(p any) Expr { return newBinary(o.self, opNotILike, p) }

// RegexpMatch is the dialect's regular-expression match (~ on
// PostgreSQL, REGEXP on MySQL); an error on a dialect without one.
func (o Operators) RegexpMatch(p any) Expr { return newBinary(o.self, opRegexp, p) }

// IsDistinctFrom is the NULL-safe "<>" (IS DISTINCT FROM, or the
// dialect's spelling: NOT (a <=> b) on MySQL, a IS NOT b on SQLite).
func (o Operators) IsDistinctFrom(v any) Expr { return newBinary(o.self, opDistinct, v) }

// IsNotDistinctFrom is the NULL-safe "=".
func (o Operators) IsNotDistinctFrom(v any) Expr { return newBinary(o.self, opNotDistinct, v) }

// Concat is string concatenation in the dialect's form: a || b, or
// concat(a, b) on MySQL.
func (o Operators) Concat(v any) Expr { return newBinary(o.self, opConcat, v) }

// Add is "+".
func (o Operators) Add(v any) Expr { return newBinary(o.self, opAdd, v) }

// Sub is "-".
func (o Operators) Sub(v any) Expr { return newBinary(o.self, opSub, v) }

// Mul is "*".
func (o Operators) Mul(v any) Expr { return newBinary(o.self, opMul, v) }

// Div is "/" as the server does it: integer division for two
// integers on PostgreSQL and SQLite (see the package doc).
func (o Operators) Div(v any) Expr { return newBinary(o.self, opDiv, v) }

// Mod is "%".
func (o Operators) Mod(v any) Expr { return newBinary(o.self, opMod, v) }

// Neg is unary minus, -x.
func (o Operators) Neg() Expr { return newUnary(opNeg, o.self) }

// IsNull is IS NULL.
func (o Operators) IsNull() Expr { return newUnary(opIsNull, o.self) }

// IsNotNull is IS NOT NULL.
func (o Operators) IsNotNull() Expr { return newUnary(opIsNotNull, o.self) }

// Not is NOT x (see the function Not).
func (o Operators) Not() Expr { return Not(o.self) }

// Label names the expression: expr AS name in a SELECT list.
func (o Operators) Label(name string) *LabelExpr { return Label(name, o.self) }

// Cast is CAST(expr AS t).
func (o Operators) Cast(t types.Type) *CastExpr { return Cast(o.self, t) }

// Asc makes an ascending ORDER BY item.
func (o Operators) Asc() *Ordering { return &Ordering{e: o.self} }

// Desc makes a descending ORDER BY item.
func (o Operators) Desc() *Ordering { return &Ordering{e: o.self, desc: true} }

// Contains, StartsWith and EndsWith are LIKE '%s%', 's%' and '%s',
// as SQLAlchemy's contains, startswith and endswith with
// autoescape=True. A Go string s matches literally: its %, _ and /
// are escaped and the whole pattern is built in Go and bound as one
// value, x LIKE $1 ESCAPE '/' on every dialect. An expression s (a
// column) is wrapped in '%' in SQL with the dialect's concatenation,
// x LIKE '%' || y || '%' (concat('%', y, '%') on MySQL), and its
// wildcards stay wildcards. Any other s is an error when compiling.
func (o Operators) Contains(s any) Expr { return affixLike(o.self, matchContains, s, "Contains") }

// StartsWith is LIKE 's%'; see Contains.
func (o Operators) StartsWith(s any) Expr { return affixLike(o.self, matchStartsWith, s, "StartsWith") }

// EndsWith is LIKE '%s'; see Contains.
func (o Operators) EndsWith(s any) Expr { return affixLike(o.self, matchEndsWith, s, "EndsWith") }

// LikeEscape is LIKE pattern ESCAPE 'escape': in the pattern, escape
// followed by %, _ or itself matches that character literally. The
// escape character is written into the SQL, so it must be one
// printable ASCII character other than ' " ` \ and ? (an error when
// compiling otherwise). (A method taking the escape character, rather
// than an Escape method on what Like returns, because Like returns an
// Expr, like every operator.)
func (o Operators) LikeEscape(p any, escape byte) Expr { return likeEscape(o.self, false, p, escape) }

// NotLikeEscape is NOT LIKE … ESCAPE; see LikeEscape.
func (o Operators) NotLikeEscape(p any, escape byte) Expr { return likeEscape(o.self, true, p, escape) }

// Collate is x COLLATE collation, for a comparison or an ORDER BY in
// another collation than the column's. The collation is an
// identifier, quoted where the dialect needs it: "C" and "en_US" are
// double-quoted on PostgreSQL (upper case), utf8mb4_bin is bare on
// MySQL. The server must know the collation.
func (o Operators) Collate(collation string) Expr {
	c := &CollateExpr{e: o.self, name: collation}
	c.self = c
	return c
}

// And is x AND conds…; see the function And.
func (o Operators) And(conds ...Expr) Expr {
	return boolList(false, append([]Expr{o.self}, conds...))
}

// Or is x OR conds…; see the function Or.
func (o Operators) Or(conds ...Expr) Expr {
	return boolList(true, append([]Expr{o.self}, conds...))
}

// In is IN (values…). A single slice argument (other than []byte) is
// spread; a single SelectBase is a subquery. An empty list is the
// constant false condition 1 = 0 (see the package doc).
func (o Operators) In(values ...any) Expr { return newIn(o.self, false, values) }

// NotIn is NOT IN; an empty list is the constant true condition 1 = 1.
func (o Operators) NotIn(values ...any) Expr { return newIn(o.self, true, values) }

// Between is BETWEEN lo AND hi.
func (o Operators) Between(lo, hi any) Expr { return newBetween(o.self, false, lo, hi) }

// NotBetween is NOT BETWEEN lo AND hi.
func (o Operators) NotBetween(lo, hi any) Expr { return newBetween(o.self, true, lo, hi) }

func newBetween(left Expr, not bool, lo, hi any) Expr {
	col := typedColumn(left)
	b := &BetweenExpr{left: left, not: not, lo: bindOperand(col, lo), hi: bindOperand(col, hi)}
	b.self = b
	return b
}

// newIn builds x [NOT] IN (…). The values are copied, so the caller may
// reuse its slice.
func newIn(left Expr, not bool, values []any) Expr {
	in := &InExpr{left: left, not: not}
	col := typedColumn(left)
	in.self = in
	if len(values) == 1 {
		switch v := values[0].(type) {
		case SelectBase:
			in.buf[0], in.n = operand{x: v}, inSubquery
			return in
		case []byte, Expr:
		default:
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
				vals := make([]operand, rv.Len())
				for i := range vals {
					vals[i] = bindOperand(col, rv.Index(i).Interface())
				}
				in.setValues(vals)
				return in
			}
		}
	}
	if len(values) <= len(in.buf) {
		for i, v := range values {
			in.buf[i] = bindOperand(col, v)
		}
		in.n = uint8(len(values))
		return in
	}
	in.setValues(bindOperands(col, values))
	return in
}

// setValues makes vals the list of in.
func (in *InExpr) setValues(vals []operand) {
	if len(vals) <= len(in.buf) {
		in.n = uint8(copy(in.buf[:], vals))
		return
	}
	in.long, in.n = &vals, inLong
}

// isNull reports whether v is nil or Null(): "= NULL" is never true, so
// Eq and Ne turn them into IS NULL and IS NOT NULL, as SQLAlchemy does.
func isNull(v any) bool {
	if _, ok := v.(string); ok {
		return false // the commonest value, before the switch's lookup of the type
	}
	switch v.(type) {
	case nil:
		return true
	case string, int, int64, float64, bool, *ColumnClause:
		return false // the usual values and a join's column, without the interface check below
	}
	e, ok := v.(Expr)
	if !ok {
		return false
	}
	c, ok := canon(e).(*constExpr)
	return ok && c.kind == constNull
}
