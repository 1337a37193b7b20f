package sqlexpr

import (
	"unsafe"

	"github.com/go-alchemy/alchemy/types"
)

// The node interfaces are sealed: their marker methods are unexported, so
// only this package defines node kinds (STYLE §6), while types of other
// packages that embed a node — metadata.Table embeds *TableClause,
// metadata.Column embeds *ColumnClause — satisfy them through promotion.
// The markers return the canonical node, which is what the compiler
// switches on: for a metadata.Column that is its embedded *ColumnClause.

// Expr is a SQL value expression: a column, a bound value, an operation,
// a function call, a CASE, a CAST, a scalar subquery, …
//
// The operator methods take Go values or expressions: a value that is
// not an [Expr] is bound (a placeholder in the text, the value in the
// arguments); a [SelectBase] is used as a scalar subquery. The methods
// never modify the receiver: they return a new node, or for a comparison
// of two table columns (a join condition) the one made the last time
// (nodes are never modified, so they can be shared).
type Expr interface {
	SelectItem
	OrderItem

	// Eq is "=", or IS NULL when v is nil or Null().
	Eq(v any) Expr
	// Ne is "<>", or IS NOT NULL when v is nil or Null().
	Ne(v any) Expr
	Lt(v any) Expr // <
	Le(v any) Expr // <=
	Gt(v any) Expr // >
	Ge(v any) Expr // >=
	// Like is LIKE pattern; NotLike is NOT LIKE.
	Like(pattern any) Expr
	NotLike(pattern any) Expr
	// LikeEscape is LIKE pattern ESCAPE 'escape': in the pattern, escape
	// followed by %, _ or itself matches that character literally. The
	// escape character is written into the SQL, so it must be one
	// printable ASCII character other than ' " ` \ and ? (an error when
	// compiling otherwise). NotLikeEscape is NOT LIKE … ESCAPE. (A method
	// taking the escape character, rather than an Escape method on what
	// Like returns, because Like returns an Expr, like every operator.)
	LikeEscape(pattern any, escape byte) Expr
	NotLikeEscape(pattern any, escape byte) Expr
	// Contains, StartsWith and EndsWith are LIKE '%s%', 's%' and '%s',
	// as SQLAlchemy's contains, startswith and endswith with
	// autoescape=True. A Go string s matches literally: its %, _ and /
	// are escaped and the whole pattern is built in Go and bound as one
	// value, x LIKE $1 ESCAPE '/' on every dialect. An expression s (a
	// column) is wrapped in '%' in SQL with the dialect's concatenation,
	// x LIKE '%' || y || '%' (concat('%', y, '%') on MySQL), and its
	// wildcards stay wildcards. Any other s is an error when compiling.
	Contains(s any) Expr
	StartsWith(s any) Expr
	EndsWith(s any) Expr
	// Collate is x COLLATE collation, for a comparison or an ORDER BY in
	// another collation than the column's. The collation is an
	// identifier, quoted where the dialect needs it: "C" and "en_US" are
	// double-quoted on PostgreSQL (upper case), utf8mb4_bin is bare on
	// MySQL. The server must know the collation.
	Collate(collation string) Expr
	// ILike is case-insensitive LIKE: ILIKE where the dialect has it,
	// else lower(x) LIKE lower(pattern).
	ILike(pattern any) Expr
	NotILike(pattern any) Expr
	// RegexpMatch is the dialect's regular-expression match (~ on
	// PostgreSQL, REGEXP on MySQL); an error on a dialect without one.
	RegexpMatch(pattern any) Expr
	// In is IN (values…). A single slice argument (other than []byte) is
	// spread; a single SelectBase is a subquery. An empty list is the
	// constant false condition 1 = 0 (see the package doc).
	In(values ...any) Expr
	// NotIn is NOT IN; an empty list is the constant true condition 1 = 1.
	NotIn(values ...any) Expr
	Between(lo, hi any) Expr
	NotBetween(lo, hi any) Expr
	IsNull() Expr
	IsNotNull() Expr
	// IsDistinctFrom is the NULL-safe "<>" (IS DISTINCT FROM, or the
	// dialect's spelling: NOT (a <=> b) on MySQL, a IS NOT b on SQLite).
	IsDistinctFrom(v any) Expr
	// IsNotDistinctFrom is the NULL-safe "=".
	IsNotDistinctFrom(v any) Expr
	// Concat is string concatenation in the dialect's form: a || b, or
	// concat(a, b) on MySQL.
	Concat(v any) Expr
	Add(v any) Expr // +
	Sub(v any) Expr // -
	Mul(v any) Expr // *
	// Div is "/" as the server does it: integer division for two
	// integers on PostgreSQL and SQLite (see the package doc).
	Div(v any) Expr
	Mod(v any) Expr // %
	Neg() Expr      // -x
	// And, Or and Not combine conditions; see the functions And, Or, Not.
	And(conds ...Expr) Expr
	Or(conds ...Expr) Expr
	Not() Expr
	// Asc and Desc make ORDER BY items.
	Asc() *Ordering
	Desc() *Ordering
	// Label names the expression: expr AS name in a SELECT list.
	Label(name string) *LabelExpr
	// Cast is CAST(expr AS t).
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

// ops carries the operator methods of an expression (ops.go). Every
// expression node embeds it with self pointing at the node. The zero ops
// belongs to no expression: it compiles to an error.
type ops struct {
	self Expr
}

func (o ops) exprNode() Expr { return o.self }
func (ops) selectItem()      {}
func (ops) orderItem()       {}

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

// canon returns the canonical node of e (nil for the zero ops or a nil
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
