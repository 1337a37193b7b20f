package sqlexpr

import (
	"strings"

	"github.com/go-alchemy/alchemy/types"
)

// The types of a statement's result columns, which decide how the rows
// are processed (process.go). They come from the SELECT list (or
// RETURNING): a typed column, a CAST, a comparison (Boolean), a
// function with a known return type, an expression of typed operands.
// An untyped item has a nil type and its values are left as the driver
// returns them.

// resultTypes returns one type per result column of stmt, nil when none
// of them is typed (or the columns cannot be told, as for a Text without
// Columns).
func resultTypes(stmt Statement) []types.Type {
	var out []types.Type
	switch s := stmt.(type) {
	case *SelectStmt:
		out = itemTypes(s.itemList())
	case *CompoundSelect:
		if len(s.parts) > 0 {
			return resultTypes(s.parts[0])
		}
	case *InsertStmt:
		out = itemTypes(s.returning)
	case *UpdateStmt:
		out = itemTypes(s.returning)
	case *DeleteStmt:
		out = itemTypes(s.returning)
	case *TextClause:
		out = s.colTypes
	}
	for _, t := range out {
		if t != nil {
			return out
		}
	}
	return nil
}

// itemTypes returns the types of a SELECT list's columns, nil while
// none is typed: the untyped statements most programs run then cost no
// allocation per query.
func itemTypes(items []SelectItem) []types.Type {
	var l typeList
	for _, it := range items {
		switch x := it.(type) {
		case *ColumnClause:
			l.add(columnType(x))
		case *TableClause: // before the interface cases: a type switch on them costs more
			if x == nil {
				continue // as canonFrom takes a nil table: no columns
			}
			for _, c := range x.columns {
				l.add(c.typ)
			}
		case Expr:
			l.add(exprType(canon(x)))
		case FromClause:
			if t, ok := canonFrom(x).(*TableClause); ok { // a table's columns, without a slice of them
				for _, c := range t.columns {
					l.add(c.typ)
				}
				continue
			}
			for _, t := range fromTypes(canonFrom(x)) {
				l.add(t)
			}
		default:
			l.add(nil)
		}
	}
	return l.out
}

// typeList collects column types, counting the untyped ones before the
// first typed one instead of storing them.
type typeList struct {
	out     []types.Type
	untyped int // columns before out was needed
}

func (l *typeList) add(t types.Type) {
	if l.out == nil {
		if t == nil {
			l.untyped++
			return
		}
		l.out = make([]types.Type, l.untyped, l.untyped+4)
	}
	l.out = append(l.out, t)
}

// fromTypes returns the types of the columns a FROM element stands for
// in a SELECT list, in the order allColumns writes them.
func fromTypes(f FromClause) []types.Type {
	switch x := f.(type) {
	case *TableClause:
		out := make([]types.Type, len(x.columns))
		for i, c := range x.columns {
			out[i] = c.typ
		}
		return out
	case *AliasClause:
		if t, ok := x.of.(*TableClause); ok {
			return fromTypes(t)
		}
		return fromTypes(canonFrom(x.of))
	case *JoinClause:
		return append(fromTypes(canonFrom(x.left)), fromTypes(canonFrom(x.right))...)
	case *Subquery:
		return queryTypes(x.q, len(columnNames(x)))
	case *CTE:
		if x.q == nil {
			return make([]types.Type, len(x.cols))
		}
		return queryTypes(x.q, len(columnNames(x)))
	}
	return nil
}

// queryTypes is resultTypes of a nested query, n types long.
func queryTypes(q SelectBase, n int) []types.Type {
	t := resultTypes(q)
	if len(t) != n {
		return make([]types.Type, n)
	}
	return t
}

// columnType returns a column's type; a column of a subquery or CTE has
// the type of the query's column of that name.
func columnType(c *ColumnClause) types.Type {
	if c == nil {
		return nil
	}
	if c.typ != nil || c.from == nil {
		return c.typ
	}
	switch f := c.from.(type) {
	case *Subquery:
		return namedType(f, c.name)
	case *CTE:
		return namedType(f, c.name)
	case *AliasClause:
		if cte, ok := f.of.(*CTE); ok {
			return namedType(cte, c.name)
		}
	}
	return nil
}

func namedType(f FromClause, name string) types.Type {
	names := columnNames(f)
	ts := fromTypes(f)
	for i, n := range names {
		if n == name && i < len(ts) {
			return ts[i]
		}
	}
	return nil
}

// exprType returns the type of an expression, nil when unknown.
func exprType(e Expr) types.Type {
	switch x := e.(type) {
	case *ColumnClause:
		return columnType(x)
	case *LabelExpr:
		return exprType(canon(x.e))
	case *CastExpr:
		return x.t
	case *BinaryExpr:
		switch {
		case x.op <= opNotRegexp:
			return types.Boolean()
		case x.op == opConcat:
			return types.Text()
		}
		if t := exprType(canon(x.left)); t != nil {
			return t
		}
		return operandType(&x.right)
	case *UnaryExpr:
		if x.op == opNeg {
			return exprType(canon(x.e))
		}
		return types.Boolean()
	case *BoolExpr, *InExpr, *BetweenExpr, *LikeExpr, *ExistsExpr:
		return types.Boolean()
	case *CollateExpr:
		return exprType(canon(x.e))
	case *CaseExpr:
		for i := range x.whens {
			if t := operandType(&x.whens[i].result); t != nil {
				return t
			}
		}
		if x.els != nil {
			return operandType(x.els)
		}
	case *FuncExpr:
		return funcType(x)
	case *OverExpr:
		return funcType(x.fn)
	case *ScalarSubquery:
		if t := resultTypes(x.q); len(t) == 1 {
			return t[0]
		}
	case *BindParamExpr:
		return x.ref.typ
	}
	return nil
}

func operandType(op *operand) types.Type {
	if e := op.expr(); e != nil {
		return exprType(canon(e))
	}
	return nil
}

// funcType is the return type of the functions whose type is known, as
// SQLAlchemy's GenericFunction classes declare them.
func funcType(f *FuncExpr) types.Type {
	if f.now {
		return types.DateTime()
	}
	name := strings.ToLower(f.name)
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	switch name {
	case "count", "row_number", "rank", "dense_rank", "ntile", "char_length", "length":
		return types.BigInteger()
	case "lower", "upper", "trim", "concat", "substr", "substring", "replace":
		return types.Text()
	case "sum", "min", "max", "coalesce", "abs", "lag", "lead", "first_value", "last_value":
		for i := range f.args {
			if t := operandType(&f.args[i]); t != nil {
				return t
			}
		}
	case "current_date":
		return types.Date()
	case "current_timestamp", "localtimestamp", "now":
		return types.DateTime()
	}
	return nil
}
