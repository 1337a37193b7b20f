package sqlexpr

import (
	"unsafe"

	"github.com/go-alchemy/alchemy/types"
)

// The node interfaces are sealed: their marker methods are unexported, so
// only this package defines node kinds (the compiler's one type switch
// knows them all), while types of other packages that embed a node —
// metadata.Table embeds *TableClause, metadata.ColumnDef embeds
// *ColumnClause — satisfy them through promotion. The markers return the
// canonical node, which is what the compiler switches on: for a
// metadata.ColumnDef that is its embedded *ColumnClause.

// Expr is a SQL value expression: a column, a bound value, an operation,
// a function call, a CASE, a CAST, a scalar subquery, …
//
// Every expression type embeds [Operators], where the operator methods
// below are documented once: comparisons (Eq, Lt, …), LIKE and its
// relatives, IN, BETWEEN, NULL tests, arithmetic, And/Or/Not, Asc/Desc,
// Label and Cast.
type Expr interface {
	SelectItem
	OrderItem

	Eq(v any) Expr
	Ne(v any) Expr
	Lt(v any) Expr
	Le(v any) Expr
	Gt(v any) Expr
	Ge(v any) Expr
	Like(pattern any) Expr
	NotLike(pattern any) Expr
	LikeEscape(pattern any, escape byte) Expr
	NotLikeEscape(pattern any, escape byte) Expr
	Contains(s any) Expr
	StartsWith(s any) Expr
	EndsWith(s any) Expr
	Collate(collation string) Expr
	ILike(pattern any) Expr
	NotILike(pattern any) Expr
	RegexpMatch(pattern any) Expr
	In(values ...any) Expr
	NotIn(values ...any) Expr
	Between(lo, hi any) Expr
	NotBetween(lo, hi any) Expr
	IsNull() Expr
	IsNotNull() Expr
	IsDistinctFrom(v any) Expr
	IsNotDistinctFrom(v any) Expr
	Concat(v any) Expr
	Add(v any) Expr
	Sub(v any) Expr
	Mul(v any) Expr
	Div(v any) Expr
	Mod(v any) Expr
	Neg() Expr
	And(conds ...Expr) Expr
	Or(conds ...Expr) Expr
	Not() Expr
	Asc() *Ordering
	Desc() *Ordering
	Label(name string) *LabelExpr
	Cast(t types.Type) *CastExpr

	exprNode() Expr
}

// SelectItem is what a SELECT list holds: an [Expr], or a [FromClause]
// (a table, alias, subquery or CTE) that stands for all its columns.
type SelectItem interface {
	selectItem()
}

// OrderItem is what ORDER BY, GROUP BY and a window's ORDER BY hold: an
// [Expr], or an [*Ordering] made by Asc or Desc.
type OrderItem interface {
	orderItem()
}

// FromClause is something a SELECT reads from: a table, an alias, a
// subquery, a CTE or a join of those.
type FromClause interface {
	SelectItem
	fromNode() FromClause
}

// Statement is a complete SQL statement: [*SelectStmt],
// [*CompoundSelect], [*InsertStmt], [*UpdateStmt], [*DeleteStmt] or
// [*TextClause].
type Statement interface {
	stmtNode()
}

// SelectBase is a statement that returns rows and can be nested: a
// [*SelectStmt] or a [*CompoundSelect].
type SelectBase interface {
	Statement
	// Subquery returns the query as a named FROM element.
	Subquery(name string) *Subquery
	// CTE returns the query as a named common table expression.
	CTE(name string) *CTE
	// Scalar returns the query as a scalar subquery expression.
	Scalar() *ScalarSubquery
	selectBase()
}

// Operators carries the operator methods that every expression has
// ([Expr]): each expression type of this package embeds it, so
// users.C("age").Gt(18), Lower(users.C("name")).Like("j%") and
// Count().Over(…).Label("n") all read the same way.
//
// The methods take Go values or expressions: a value that is not an
// [Expr] is bound (a placeholder in the text, the value in the
// arguments); a [SelectBase] is used as a scalar subquery. They never
// modify the receiver: they return a new node, or for a comparison of two
// table columns (a join condition) the one made the last time (nodes are
// never modified, so they can be shared).
//
// Build expressions with this package's functions and methods; the zero
// Operators belongs to no expression and compiles to an error.
type Operators struct {
	self Expr
}

func (o Operators) exprNode() Expr { return o.self }
func (Operators) selectItem()      {}
func (Operators) orderItem()       {}

// operand is one input of an operation: an expression, or a value that
// is bound. It is one interface word pair: x holds either an [Expr] (a
// canonical or embedding expression) or the value to bind, which is
// never an Expr (toOperand turns every Expr into an expression operand),
// so the dynamic type tells which it is.
type operand struct {
	x any
}

// expr returns the operand's expression, nil for a bound value.
func (op *operand) expr() Expr {
	e, _ := op.x.(Expr)
	return e
}

// value returns the bound value, nil for an expression.
func (op *operand) value() any {
	if _, ok := op.x.(Expr); ok {
		return nil
	}
	return op.x
}

// toOperand coerces an argument: expressions stay expressions, SELECTs
// become scalar subqueries, anything else is a value to bind.
func toOperand(v any) operand {
	if _, ok := v.(string); ok {
		return operand{x: v} // the commonest value, before the switch's lookup of the type
	}
	switch x := v.(type) {
	case string, int, int64, float64, bool, nil:
		// The usual values, decided without the interface checks below.
		return operand{x: v}
	case Expr:
		return operand{x: x}
	case SelectBase:
		return operand{x: x.Scalar()}
	}
	return operand{x: v}
}

// toOperands coerces each argument with toOperand.
func toOperands(vs []any) []operand {
	if len(vs) == 0 {
		return nil
	}
	out := make([]operand, len(vs))
	for i, v := range vs {
		out[i] = toOperand(v)
	}
	return out
}

// canon returns the canonical node of e (nil for the zero Operators or a nil
// interface).
func canon(e Expr) Expr {
	if e == nil || nilPointer(e) {
		return nil
	}
	return e.exprNode()
}

// canonFrom returns the canonical node of f.
func canonFrom(f FromClause) FromClause {
	if f == nil || nilPointer(f) {
		return nil
	}
	return f.fromNode()
}

// nilPointer reports whether the interface value x holds a nil pointer,
// such as Table.Column's answer for a name the table lacks: calling a
// node method through it would panic, so the compiler treats it as a
// missing node and reports an error. Every node type of this package is
// a pointer; an interface holds a pointer in its data word as it is.
func nilPointer(x any) bool {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&x))[1] == nil
}

// bindOperands is toOperands for values of the column col (see
// bindOperand).
func bindOperands(col *ColumnClause, vs []any) []operand {
	if col == nil {
		return toOperands(vs)
	}
	out := make([]operand, len(vs))
	for i, v := range vs {
		out[i] = bindOperand(col, v)
	}
	return out
}
