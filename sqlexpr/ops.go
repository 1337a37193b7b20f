package sqlexpr

import (
	"reflect"

	"github.com/go-alchemy/alchemy/types"
)

// The operator methods of every expression (see the Expr interface for
// their documentation). They build a new node around o.self.

func (o ops) Eq(v any) Expr {
	if isNull(v) {
		return newUnary(opIsNull, o.self)
	}
	return compare(o.self, opEq, v)
}

func (o ops) Ne(v any) Expr {
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

func (o ops) Lt(v any) Expr                { return compare(o.self, opLt, v) }
func (o ops) Le(v any) Expr                { return compare(o.self, opLe, v) }
func (o ops) Gt(v any) Expr                { return compare(o.self, opGt, v) }
func (o ops) Ge(v any) Expr                { return compare(o.self, opGe, v) }
func (o ops) Like(p any) Expr              { return newBinary(o.self, opLike, p) }
func (o ops) NotLike(p any) Expr           { return newBinary(o.self, opNotLike, p) }
func (o ops) ILike(p any) Expr             { return newBinary(o.self, opILike, p) }
func (o ops) NotILike(p any) Expr          { return newBinary(o.self, opNotILike, p) }
func (o ops) RegexpMatch(p any) Expr       { return newBinary(o.self, opRegexp, p) }
func (o ops) IsDistinctFrom(v any) Expr    { return newBinary(o.self, opDistinct, v) }
func (o ops) IsNotDistinctFrom(v any) Expr { return newBinary(o.self, opNotDistinct, v) }
func (o ops) Concat(v any) Expr            { return newBinary(o.self, opConcat, v) }
func (o ops) Add(v any) Expr               { return newBinary(o.self, opAdd, v) }
func (o ops) Sub(v any) Expr               { return newBinary(o.self, opSub, v) }
func (o ops) Mul(v any) Expr               { return newBinary(o.self, opMul, v) }
func (o ops) Div(v any) Expr               { return newBinary(o.self, opDiv, v) }
func (o ops) Mod(v any) Expr               { return newBinary(o.self, opMod, v) }
func (o ops) Neg() Expr                    { return newUnary(opNeg, o.self) }
func (o ops) IsNull() Expr                 { return newUnary(opIsNull, o.self) }
func (o ops) IsNotNull() Expr              { return newUnary(opIsNotNull, o.self) }
func (o ops) Not() Expr                    { return Not(o.self) }
func (o ops) Label(name string) *LabelExpr { return Label(name, o.self) }
func (o ops) Cast(t types.Type) *CastExpr  { return Cast(o.self, t) }
func (o ops) Asc() *Ordering               { return &Ordering{e: o.self} }
func (o ops) Desc() *Ordering              { return &Ordering{e: o.self, desc: true} }

func (o ops) Contains(s any) Expr   { return affixLike(o.self, matchContains, s, "Contains") }
func (o ops) StartsWith(s any) Expr { return affixLike(o.self, matchStartsWith, s, "StartsWith") }
func (o ops) EndsWith(s any) Expr   { return affixLike(o.self, matchEndsWith, s, "EndsWith") }

func (o ops) LikeEscape(p any, escape byte) Expr    { return likeEscape(o.self, false, p, escape) }
func (o ops) NotLikeEscape(p any, escape byte) Expr { return likeEscape(o.self, true, p, escape) }

func (o ops) Collate(collation string) Expr {
	c := &CollateExpr{e: o.self, name: collation}
	c.self = c
	return c
}

func (o ops) And(conds ...Expr) Expr {
	return boolList(false, append([]Expr{o.self}, conds...))
}

func (o ops) Or(conds ...Expr) Expr {
	return boolList(true, append([]Expr{o.self}, conds...))
}

func (o ops) In(values ...any) Expr    { return newIn(o.self, false, values) }
func (o ops) NotIn(values ...any) Expr { return newIn(o.self, true, values) }

func (o ops) Between(lo, hi any) Expr    { return newBetween(o.self, false, lo, hi) }
func (o ops) NotBetween(lo, hi any) Expr { return newBetween(o.self, true, lo, hi) }

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
	switch v.(type) {
	case nil:
		return true
	case string, int, int64, float64, bool:
		return false // the usual values, without the interface check below
	}
	e, ok := v.(Expr)
	if !ok {
		return false
	}
	c, ok := canon(e).(*constExpr)
	return ok && c.kind == constNull
}
