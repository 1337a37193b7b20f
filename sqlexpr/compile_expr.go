package sqlexpr

import (
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
)

// expr writes e, parenthesised when its precedence is below minPrec.
func (c *compiler) expr(e Expr, minPrec int) {
	// The commonest canonical nodes skip canon, precOf and node: a node
	// of this package is canonical unless it is a zero value (self nil).
	switch x := e.(type) {
	case *ColumnClause:
		if x != nil && x.self != nil { // an atom: never parenthesised
			c.column(x)
			return
		}
	case *BinaryExpr:
		if x != nil && x.self != nil && x.op.prec() >= minPrec {
			c.binary(x)
			return
		}
	}
	n := canon(e)
	if n == nil {
		c.setErr(invalidf("nil expression"))
		return
	}
	if precOf(n) < minPrec {
		c.kw("(")
		c.node(n)
		c.kw(")")
		return
	}
	c.node(n)
}

// operand writes an operand: its expression, or a placeholder.
func (c *compiler) operand(op *operand, minPrec int) {
	if isPlainValue(op.x) {
		c.bind(op.x) // the usual value, without the lookup of an itab below
		return
	}
	if e, ok := op.x.(Expr); ok {
		c.expr(e, minPrec)
		return
	}
	c.bind(op.x)
}

// precOf returns the precedence of a canonical node.
func precOf(n Expr) int {
	switch x := n.(type) {
	case *BinaryExpr:
		return x.op.prec()
	case *UnaryExpr:
		switch x.op {
		case opNot:
			return precNot
		case opNeg:
			return precUnary
		}
		return precCmp
	case *BoolExpr:
		switch {
		case len(x.items) == 0:
			return precCmp
		case x.or:
			return precOr
		}
		return precAnd
	case *InExpr, *BetweenExpr, *LikeExpr:
		return precCmp
	case *CollateExpr:
		return precUnary
	case *ExistsExpr:
		if x.not {
			return precNot
		}
	case *LabelExpr:
		if n := canon(x.e); n != nil {
			return precOf(n)
		}
	case *TextClause:
		return 0 // unknown text: parenthesise it inside any operator
	}
	return precAtom
}

// node is the dispatch over expression kinds: one type switch, one
// method per kind, so that adding a kind means adding one case here.
func (c *compiler) node(n Expr) {
	switch x := n.(type) {
	case *ColumnClause:
		c.column(x)
	case *BinaryExpr:
		c.binary(x)
	case *UnaryExpr:
		c.unary(x)
	case *BoolExpr:
		c.boolExpr(x)
	case *InExpr:
		c.in(x)
	case *BetweenExpr:
		c.between(x)
	case *LikeExpr:
		c.like(x)
	case *CollateExpr:
		c.collate(x)
	case *LabelExpr:
		c.expr(x.e, 0)
	case *CastExpr:
		c.cast(x)
	case *CaseExpr:
		c.caseExpr(x)
	case *FuncExpr:
		c.function(x)
	case *OverExpr:
		c.over(x)
	case *LiteralExpr:
		c.bind(x.v)
	case *BindParamExpr:
		c.bind(x.ref)
	case *InlineLiteralExpr:
		c.literal(x.v)
	case *RawExpr:
		c.userText(x.sql)
	case *constExpr:
		c.constant(x.kind)
	case *ScalarSubquery:
		c.kw("(")
		c.query(x.q, true)
		c.kw(")")
	case *ExistsExpr:
		c.exists(x)
	case *ExcludedExpr:
		c.excluded(x)
	case *TextClause:
		c.text(x)
	default:
		c.setErr(invalidf("unknown expression %T", n))
	}
}

// column writes a column qualified by its table, alias, subquery or CTE.
func (c *compiler) column(col *ColumnClause) {
	if col == nil {
		c.setErr(invalidf("nil column (Table.Column returns nil for a name the table lacks)"))
		return
	}
	if col.err != nil {
		c.setErr(col.err)
		return
	}
	if col.from == nil && !c.bareColumns && c.named(col.id) {
		return
	}
	if q := col.qualifier(); q != nil && !c.bareColumns {
		c.qualifier(q)
		c.kw(".")
	}
	if col.from == nil && col.table != nil {
		c.cachedIdent(&col.quoted, col.name) // a table's own column, made once
		return
	}
	c.ident(col.name)
}

// qualifier writes the name that qualifies a column of f.
func (c *compiler) qualifier(f FromClause) {
	switch x := f.(type) {
	case *TableClause:
		c.tableName(x)
	case *AliasClause:
		c.ident(x.name)
	case *Subquery:
		c.ident(x.name)
	case *CTE:
		c.ident(x.name)
	default:
		c.setErr(invalidf("a column cannot be qualified by %T", f))
	}
}

func (c *compiler) tableName(t *TableClause) {
	if c.named(t.id) {
		return
	}
	if t.schema != "" {
		c.ident(t.schema)
		c.kw(".")
	}
	c.cachedIdent(&t.quoted, t.name)
}

func (c *compiler) binary(b *BinaryExpr) {
	p := b.op.prec()
	switch b.op {
	case opILike, opNotILike:
		if !c.d.Features.ILike {
			c.lowerLike(b)
			return
		}
	case opDistinct, opNotDistinct:
		if !c.d.Features.IsDistinctFrom {
			c.distinctFrom(b)
			return
		}
	case opRegexp:
		c.regexp(b)
		return
	case opConcat:
		if c.d.SQL.Concat == dialects.ConcatFunc {
			c.concatFunc(b)
			return
		}
	}
	left := p
	if p == precCmp {
		left = p + 1 // comparisons do not chain: (a = b) = c
	}
	c.expr(b.left, left)
	c.kw(binOpText[b.op])
	c.operand(&b.right, p+1)
}

// lowerLike emulates ILIKE as lower(x) LIKE lower(pattern).
func (c *compiler) lowerLike(b *BinaryExpr) {
	c.kw("lower(")
	c.expr(b.left, 0)
	if b.op == opNotILike {
		c.kw(") NOT LIKE lower(")
	} else {
		c.kw(") LIKE lower(")
	}
	c.operand(&b.right, 0)
	c.kw(")")
}

// distinctFrom writes IS [NOT] DISTINCT FROM in the dialect's spelling,
// a format with two %s operands.
func (c *compiler) distinctFrom(b *BinaryExpr) {
	format, construct := c.d.SQL.IsDistinctFrom, "IS DISTINCT FROM"
	if b.op == opNotDistinct {
		format, construct = c.d.SQL.IsNotDistinctFrom, "IS NOT DISTINCT FROM"
	}
	before, rest, ok1 := strings.Cut(format, "%s")
	middle, after, ok2 := strings.Cut(rest, "%s")
	if !ok1 || !ok2 {
		c.fail(construct)
		return
	}
	c.kw(before)
	c.expr(b.left, precCmp+1)
	c.kw(middle)
	c.operand(&b.right, precCmp+1)
	c.kw(after)
}

func (c *compiler) regexp(b *BinaryExpr) {
	op := c.d.SQL.RegexpOperator
	if op == "" {
		c.fail("regular-expression match")
		return
	}
	c.expr(b.left, precCmp+1)
	c.kw(" ")
	c.kw(op)
	c.kw(" ")
	c.operand(&b.right, precCmp+1)
}

// concatFunc writes a chain a.Concat(b).Concat(c) as concat(a, b, c).
func (c *compiler) concatFunc(b *BinaryExpr) {
	c.kw("concat(")
	c.concatArgs(b)
	c.kw(")")
}

func (c *compiler) concatArgs(b *BinaryExpr) {
	if l, ok := canon(b.left).(*BinaryExpr); ok && l.op == opConcat {
		c.concatArgs(l)
	} else {
		c.expr(b.left, 0)
	}
	c.kw(", ")
	c.operand(&b.right, 0)
}

func (c *compiler) unary(u *UnaryExpr) {
	switch u.op {
	case opNot:
		c.kw("NOT ")
		c.expr(u.e, precAtom)
	case opIsNull:
		c.expr(u.e, precCmp+1)
		c.kw(" IS NULL")
	case opIsNotNull:
		c.expr(u.e, precCmp+1)
		c.kw(" IS NOT NULL")
	case opNeg:
		// Only a column or a placeholder follows the minus bare: "-" before
		// a negative literal would start a "--" comment.
		c.kw("-")
		switch canon(u.e).(type) {
		case *ColumnClause, *LiteralExpr:
			c.expr(u.e, 0)
		default:
			c.kw("(")
			c.expr(u.e, 0)
			c.kw(")")
		}
	}
}

func (c *compiler) boolExpr(b *BoolExpr) {
	if len(b.items) == 0 {
		c.constCond(b.or)
		return
	}
	sep, p := " AND ", precAnd
	if b.or {
		sep, p = " OR ", precOr
	}
	for i, e := range b.items {
		if i > 0 {
			c.kw(sep)
		}
		c.expr(e, p)
	}
}

// constCond writes the constant condition false (1 = 0) or true (1 = 1).
func (c *compiler) constCond(truth bool) {
	if truth {
		c.kw("1 = 1")
	} else {
		c.kw("1 = 0")
	}
}

func (c *compiler) in(in *InExpr) {
	if sub := in.subquery(); sub != nil {
		c.expr(in.left, precCmp+1)
		c.inKeyword(in.not)
		c.query(sub, true)
		c.kw(")")
		return
	}
	values := in.values()
	if len(values) == 0 {
		// x IN () is false and x NOT IN () is true, even for a NULL x.
		c.constCond(in.not)
		return
	}
	c.expr(in.left, precCmp+1)
	c.inKeyword(in.not)
	for i := range values {
		if i > 0 {
			c.kw(", ")
		}
		c.operand(&values[i], 0)
	}
	c.kw(")")
}

func (c *compiler) inKeyword(not bool) {
	if not {
		c.kw(" NOT IN (")
	} else {
		c.kw(" IN (")
	}
}

func (c *compiler) between(b *BetweenExpr) {
	c.expr(b.left, precCmp+1)
	if b.not {
		c.kw(" NOT BETWEEN ")
	} else {
		c.kw(" BETWEEN ")
	}
	c.operand(&b.lo, precCmp+1)
	c.kw(" AND ")
	c.operand(&b.hi, precCmp+1)
}

func (c *compiler) cast(x *CastExpr) {
	if x.t == nil {
		c.setErr(invalidf("Cast: nil type"))
		return
	}
	target, err := x.t.CastTarget(c.d)
	if err != nil {
		c.setErr(&castError{dialect: c.d.Name, err: err})
		return
	}
	c.kw("CAST(")
	c.operand(&x.e, 0)
	c.kw(" AS ")
	c.userText(target)
	c.kw(")")
}

func (c *compiler) caseExpr(x *CaseExpr) {
	if len(x.whens) == 0 {
		c.setErr(invalidf("CASE without WHEN"))
		return
	}
	c.kw("CASE")
	if x.value != nil {
		c.kw(" ")
		c.operand(x.value, 0)
	}
	for i := range x.whens {
		c.kw(" WHEN ")
		c.operand(&x.whens[i].cond, 0)
		c.kw(" THEN ")
		c.operand(&x.whens[i].result, 0)
	}
	if x.els != nil {
		c.kw(" ELSE ")
		c.operand(x.els, 0)
	}
	c.kw(" END")
}

func (c *compiler) function(f *FuncExpr) {
	if f.now {
		if c.d.SQL.NowFunc != "" {
			c.kw(c.d.SQL.NowFunc)
		} else {
			c.kw("now()")
		}
		return
	}
	if !validFuncName(f.name) {
		c.setErr(invalidf("function name %q is not a plain identifier", f.name))
		return
	}
	c.userText(f.name)
	c.kw("(")
	if f.distinct {
		c.kw("DISTINCT ")
	}
	if f.star {
		c.kw("*")
	}
	for i := range f.args {
		if i > 0 {
			c.kw(", ")
		}
		c.operand(&f.args[i], 0)
	}
	c.kw(")")
}

// validFuncName accepts [A-Za-z_][A-Za-z0-9_$]* parts joined by dots:
// function names are written unquoted, so nothing else may pass.
func validFuncName(name string) bool {
	start := true
	for i := 0; i < len(name); i++ {
		ch := name[i]
		switch {
		case ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z':
		case (ch >= '0' && ch <= '9' || ch == '$') && !start:
		case ch == '.' && !start && i < len(name)-1:
			start = true
			continue
		default:
			return false
		}
		start = false
	}
	return name != ""
}

func (c *compiler) over(o *OverExpr) {
	if !c.d.Features.WindowFunctions {
		c.fail("window functions (OVER)")
		return
	}
	c.function(o.fn)
	c.kw(" OVER (")
	sep := ""
	if len(o.w.PartitionBy) > 0 {
		c.kw("PARTITION BY ")
		for i, e := range o.w.PartitionBy {
			if i > 0 {
				c.kw(", ")
			}
			c.expr(e, 0)
		}
		sep = " "
	}
	if len(o.w.OrderBy) > 0 {
		c.kw(sep)
		c.kw("ORDER BY ")
		c.orderItems(o.w.OrderBy)
		sep = " "
	}
	if o.w.Frame != nil {
		c.kw(sep)
		c.frame(o.w.Frame)
	}
	c.kw(")")
}

func (c *compiler) frame(f *Frame) {
	if int(f.Mode) >= len(frameModeText) || f.Start.kind == boundNone {
		c.setErr(invalidf("window frame without a mode or a start"))
		return
	}
	c.kw(frameModeText[f.Mode])
	if f.End.kind == boundNone {
		c.kw(" ")
		c.frameBound(f.Start)
		return
	}
	c.kw(" BETWEEN ")
	c.frameBound(f.Start)
	c.kw(" AND ")
	c.frameBound(f.End)
}

func (c *compiler) frameBound(b FrameBound) {
	switch b.kind {
	case boundUnboundedPreceding:
		c.kw("UNBOUNDED PRECEDING")
	case boundCurrentRow:
		c.kw("CURRENT ROW")
	case boundUnboundedFollowing:
		c.kw("UNBOUNDED FOLLOWING")
	case boundPreceding, boundFollowing:
		if b.n < 0 {
			c.setErr(invalidf("window frame offset %d is negative", b.n))
			return
		}
		c.buf = strconv.AppendInt(c.buf, b.n, 10)
		if b.kind == boundPreceding {
			c.kw(" PRECEDING")
		} else {
			c.kw(" FOLLOWING")
		}
	}
}

func (c *compiler) constant(k constKind) {
	switch k {
	case constNull:
		c.kw("NULL")
	case constTrue:
		c.kw(c.d.SQL.TrueLiteral)
	case constFalse:
		c.kw(c.d.SQL.FalseLiteral)
	}
}

func (c *compiler) exists(x *ExistsExpr) {
	if x.not {
		c.kw("NOT ")
	}
	c.kw("EXISTS (")
	c.query(x.q, true)
	c.kw(")")
}

// excluded writes the proposed row's column in an upsert.
func (c *compiler) excluded(x *ExcludedExpr) {
	if p := c.d.SQL.ExcludedRowPrefix; p != "" {
		c.kw(p)
		c.ident(x.col)
		return
	}
	c.kw("VALUES(")
	c.ident(x.col)
	c.kw(")")
}

// orderItems writes ORDER BY (or GROUP BY) items.
func (c *compiler) orderItems(items []OrderItem) {
	for i, it := range items {
		if i > 0 {
			c.kw(", ")
		}
		switch x := it.(type) {
		case *Ordering:
			c.ordering(x)
		case Expr:
			c.orderExpr(x)
		default:
			c.setErr(invalidf("unknown ORDER BY item %T", it))
		}
	}
}

// orderExpr writes an ORDER BY or GROUP BY expression; a label stands
// for itself by name.
func (c *compiler) orderExpr(e Expr) {
	if l, ok := canon(e).(*LabelExpr); ok {
		c.ident(l.name)
		return
	}
	c.expr(e, 0)
}

func (c *compiler) ordering(o *Ordering) {
	c.orderExpr(o.e)
	c.orderSuffix(o)
}

// orderSuffix writes ASC or DESC and the NULLS placement.
func (c *compiler) orderSuffix(o *Ordering) {
	if o.desc {
		c.kw(" DESC")
	} else {
		c.kw(" ASC")
	}
	if o.nulls == 0 {
		return
	}
	if !c.d.Features.NullsOrdering {
		c.fail("NULLS FIRST / NULLS LAST")
		return
	}
	if o.nulls == 1 {
		c.kw(" NULLS FIRST")
	} else {
		c.kw(" NULLS LAST")
	}
}
