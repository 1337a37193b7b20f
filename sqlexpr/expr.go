package sqlexpr

import (
	"github.com/go-alchemy/alchemy/types"
)

// binOp is a binary operator.
type binOp uint8

const (
	opEq binOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
	opLike
	opNotLike
	opILike
	opNotILike
	opDistinct
	opNotDistinct
	opRegexp
	opNotRegexp
	opConcat
	opAdd
	opSub
	opMul
	opDiv
	opMod
)

// binOpText is the standard spelling of each operator; ILIKE, IS
// DISTINCT FROM, REGEXP and concatenation have per-dialect spellings
// handled by the compiler.
var binOpText = [...]string{
	opEq: " = ", opNe: " <> ", opLt: " < ", opLe: " <= ", opGt: " > ", opGe: " >= ",
	opLike: " LIKE ", opNotLike: " NOT LIKE ", opILike: " ILIKE ", opNotILike: " NOT ILIKE ",
	opDistinct: " IS DISTINCT FROM ", opNotDistinct: " IS NOT DISTINCT FROM ",
	opConcat: " || ", opAdd: " + ", opSub: " - ", opMul: " * ", opDiv: " / ", opMod: " % ",
}

// Operator precedence, loosest first, as PostgreSQL, MySQL and SQLite
// agree on for the operators we render. A child whose precedence is
// lower than its parent's is parenthesised.
const (
	precOr = iota + 1
	precAnd
	precNot
	precCmp
	precConcat
	precAdd
	precMul
	precUnary
	precAtom
)

func (op binOp) prec() int {
	switch {
	case op <= opNotRegexp:
		return precCmp
	case op == opConcat:
		return precConcat
	case op == opAdd || op == opSub:
		return precAdd
	}
	return precMul
}

// associative operators do not need parentheses around a right operand
// that uses the same operator.
func (op binOp) associative() bool {
	return op == opAdd || op == opMul || op == opConcat
}

// BinaryExpr is a binary operation: a comparison, LIKE, IS DISTINCT FROM,
// arithmetic or concatenation. Its right operand is bound unless it is an
// expression.
type BinaryExpr struct {
	Operators
	op    binOp
	left  Expr
	right operand
}

func newBinary(left Expr, op binOp, right any) *BinaryExpr {
	var r operand
	if col := typedColumn(left); col != nil {
		r = typedOperand(col, right)
	} else {
		r = toOperand(right)
	}
	b := &BinaryExpr{op: op, left: left, right: r}
	b.self = b
	return b
}

// unOp is a unary operator.
type unOp uint8

const (
	opNot unOp = iota
	opIsNull
	opIsNotNull
	opNeg
)

// UnaryExpr is NOT x, x IS NULL, x IS NOT NULL or -x.
type UnaryExpr struct {
	Operators
	op unOp
	e  Expr
}

func newUnary(op unOp, e Expr) *UnaryExpr {
	u := &UnaryExpr{op: op, e: e}
	u.self = u
	return u
}

// BoolExpr is a conjunction (AND) or disjunction (OR) of conditions.
type BoolExpr struct {
	Operators
	or    bool
	items []Expr
}

// And returns the conjunction of conds. Nested ANDs are flattened, True()
// operands are dropped and a False() operand makes the whole False(), as
// SQLAlchemy's and_() simplifies. And() with no operand is the constant
// true condition, rendered 1 = 1. Nil operands are skipped.
func And(conds ...Expr) Expr { return boolList(false, conds) }

// Or returns the disjunction of conds, simplified like [And]: False()
// operands are dropped and a True() operand makes the whole True(). Or()
// with no operand is the constant false condition, rendered 1 = 0.
func Or(conds ...Expr) Expr { return boolList(true, conds) }

func boolList(or bool, conds []Expr) Expr {
	items := make([]Expr, 0, len(conds))
	for _, c := range conds {
		switch x := canon(c).(type) {
		case nil:
			continue
		case *constExpr:
			if x.kind == constTrue && !or || x.kind == constFalse && or {
				continue // neutral element
			}
			if x.kind == constTrue || x.kind == constFalse {
				return x // absorbing element
			}
		case *BoolExpr:
			if x.or == or {
				items = append(items, x.items...)
				continue
			}
		}
		items = append(items, c)
	}
	if len(items) == 1 {
		return items[0]
	}
	b := &BoolExpr{or: or, items: items}
	b.self = b
	return b
}

// Not returns NOT cond; Not(Not(x)) is x.
func Not(cond Expr) Expr {
	if u, ok := canon(cond).(*UnaryExpr); ok && u.op == opNot {
		return u.e
	}
	return newUnary(opNot, cond)
}

// InExpr is x IN (…) or x NOT IN (…), over a list or a subquery.
type InExpr struct {
	Operators
	left Expr
	not  bool
	// The list: buf[:n], or *long when it does not fit (n is then
	// inLong). A subquery is buf[0], with n inSubquery. The node stays
	// at 96 bytes: it is built anew with every statement.
	n    uint8
	buf  [3]operand
	long *[]operand
}

const (
	inLong     = 0xfe
	inSubquery = 0xff
)

// values returns the list of x IN (…), empty for a subquery.
func (in *InExpr) values() []operand {
	switch in.n {
	case inLong:
		return *in.long
	case inSubquery:
		return nil
	}
	return in.buf[:in.n]
}

// subquery returns the subquery of x IN (SELECT …), nil for a list.
func (in *InExpr) subquery() SelectBase {
	if in.n != inSubquery {
		return nil
	}
	q, _ := in.buf[0].x.(SelectBase)
	return q
}

// BetweenExpr is x BETWEEN lo AND hi, or NOT BETWEEN.
type BetweenExpr struct {
	Operators
	left   Expr
	not    bool
	lo, hi operand
}

// LabelExpr is an expression with a name: expr AS name in a SELECT list,
// the bare name in ORDER BY and GROUP BY, the expression elsewhere.
type LabelExpr struct {
	Operators
	name string
	e    Expr
}

// Label returns e AS name.
func Label(name string, e Expr) *LabelExpr {
	l := &LabelExpr{name: name, e: e}
	l.self = l
	return l
}

// Name returns the label's name.
func (l *LabelExpr) Name() string { return l.name }

// Ordering is an ORDER BY item with a direction and, where the dialect
// has it, a NULLS FIRST / NULLS LAST placement. Make one with
// the Asc or Desc method of an [Expr].
type Ordering struct {
	e     Expr
	desc  bool
	nulls int8 // 0 unset, 1 first, 2 last
}

func (*Ordering) orderItem() {}

// NullsFirst makes o sort NULLs first and returns o. MySQL and MariaDB
// cannot express it: compiling for them is a [*CompileError].
func (o *Ordering) NullsFirst() *Ordering { o.nulls = 1; return o }

// NullsLast makes o sort NULLs last and returns o. See NullsFirst.
func (o *Ordering) NullsLast() *Ordering { o.nulls = 2; return o }

// CastExpr is CAST(x AS type).
type CastExpr struct {
	Operators
	e operand
	t types.Type
}

// Cast returns CAST(v AS t); v is bound unless it is an expression. The
// type renders itself per dialect (types.Type.CastTarget); a type the
// dialect cannot cast to is an error, never a silently dropped CAST.
func Cast(v any, t types.Type) *CastExpr {
	c := &CastExpr{e: toOperand(v), t: t}
	c.self = c
	return c
}

// CaseExpr is a CASE expression. Build it with [Case] (searched: WHEN
// condition THEN result) or [CaseOf] (simple: CASE x WHEN value THEN
// result), then When and Else.
type CaseExpr struct {
	Operators
	value *operand
	whens []caseWhen
	els   *operand
}

type caseWhen struct {
	cond, result operand
}

// Case starts a searched CASE: CASE WHEN cond THEN result … END.
func Case() *CaseExpr {
	c := &CaseExpr{}
	c.self = c
	return c
}

// CaseOf starts a simple CASE: CASE v WHEN value THEN result … END.
func CaseOf(v any) *CaseExpr {
	c := Case()
	op := toOperand(v)
	c.value = &op
	return c
}

// When adds a WHEN … THEN to c and returns c. The condition (or the
// value, for CaseOf) and the result are bound unless they are
// expressions.
func (c *CaseExpr) When(cond, result any) *CaseExpr {
	c.whens = append(c.whens, caseWhen{toOperand(cond), toOperand(result)})
	return c
}

// Else sets the ELSE result of c and returns c.
func (c *CaseExpr) Else(result any) *CaseExpr {
	op := toOperand(result)
	c.els = &op
	return c
}

// LiteralExpr is a Go value bound as a parameter, for places where a
// plain Go value would not be taken as one (a SELECT list item, the left
// side of an operator). See [Literal]; a value given when the statement
// runs is a [BindParam], a value written into the SQL text an
// [InlineLiteral].
type LiteralExpr struct {
	Operators
	v any
}

// Literal returns v as a bound parameter, as SQLAlchemy's literal()
// does: Select(Literal(5).Add(users.C("id"))) is SELECT $1 + users.id
// with 5 among the arguments. The value never enters the SQL text; use
// [InlineLiteral] to write a trusted constant into it.
func Literal(v any) *LiteralExpr {
	b := &LiteralExpr{v: v}
	b.self = b
	return b
}

// InlineLiteralExpr is a value written into the SQL text instead of being
// bound. See [InlineLiteral]; the bound form is [Literal].
type InlineLiteralExpr struct {
	Operators
	v any
}

// InlineLiteral returns v rendered into the SQL text as a literal
// (SQLAlchemy's literal(v, literal_execute=True), rendered when the
// statement is compiled): nil as NULL,
// booleans as the dialect's true/false, integers and floats in decimal,
// strings quoted with the dialect's QuoteString (a NUL byte is an
// error). Use it only for trusted constants (a recursive CTE's seed, a
// constant PostgreSQL must type); every other value is bound. A string
// literal is part of the statement's cache key.
func InlineLiteral(v any) *InlineLiteralExpr {
	l := &InlineLiteralExpr{v: v}
	l.self = l
	return l
}

// RawExpr is a fragment of SQL written as it is. See [LiteralColumn].
type RawExpr struct {
	Operators
	sql string
}

// LiteralColumn returns sql written into the statement as it is, like
// SQLAlchemy's literal_column: LiteralColumn("1"), LiteralColumn("*").
// It is never quoted or escaped: pass only trusted text.
func LiteralColumn(sql string) *RawExpr {
	r := &RawExpr{sql: sql}
	r.self = r
	return r
}

type constKind uint8

const (
	constNull constKind = iota
	constTrue
	constFalse
)

// constExpr is NULL, true or false.
type constExpr struct {
	Operators
	kind constKind
}

func newConst(k constKind) *constExpr {
	c := &constExpr{kind: k}
	c.self = c
	return c
}

// Null returns the NULL keyword.
func Null() Expr { return newConst(constNull) }

// True returns the boolean constant true (1 on SQLite).
func True() Expr { return newConst(constTrue) }

// False returns the boolean constant false (0 on SQLite).
func False() Expr { return newConst(constFalse) }

// ScalarSubquery is a SELECT used as a value: (SELECT …).
type ScalarSubquery struct {
	Operators
	q SelectBase
}

func newScalar(q SelectBase) *ScalarSubquery {
	s := &ScalarSubquery{q: q}
	s.self = s
	return s
}

// ExistsExpr is EXISTS (SELECT …) or NOT EXISTS (SELECT …).
type ExistsExpr struct {
	Operators
	q   SelectBase
	not bool
}

// Exists returns EXISTS (q).
func Exists(q SelectBase) *ExistsExpr {
	e := &ExistsExpr{q: q}
	e.self = e
	return e
}

// NotExists returns NOT EXISTS (q).
func NotExists(q SelectBase) *ExistsExpr {
	e := Exists(q)
	e.not = true
	return e
}

// ExcludedExpr names a column of the row proposed by an upsert. See
// [Excluded].
type ExcludedExpr struct {
	Operators
	col string
}

// Excluded refers to column col of the row an INSERT … ON CONFLICT DO
// UPDATE tried to insert: excluded.col on PostgreSQL and SQLite,
// VALUES(col) on MySQL's ON DUPLICATE KEY UPDATE.
func Excluded(col string) *ExcludedExpr {
	e := &ExcludedExpr{col: col}
	e.self = e
	return e
}
