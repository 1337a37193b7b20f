package sqlexpr

// This file derives a SELECT's FROM list and writes FROM elements and
// joins.

// deriveFroms pushes onto c.items the FROM list of s — the explicit
// FROM elements, then the FROM elements of SELECT-list columns not
// already covered — and onto c.leaves the elements they cover. With
// correlate, a derived element that an enclosing SELECT already reads
// is left out (correlated), unless that would leave no FROM at all.
func (c *compiler) deriveFroms(s *SelectStmt, correlate bool) {
	enclosing, items := len(c.leaves), len(c.items)
	for _, f := range s.rare().from {
		f = canonFrom(f)
		c.items = append(c.items, f)
		c.addLeaves(f)
	}
	for _, j := range s.joinList() {
		c.addLeaves(canonFrom(j.right))
	}
	d := fromDeriver{c: c, enclosing: enclosing, correlate: correlate}
	d.clauses(s)
	if d.correlated && len(c.items) == items {
		d.correlate = false
		d.clauses(s)
	}
}

// clauses collects the FROM elements of the columns of the SELECT list,
// WHERE, GROUP BY, HAVING and ORDER BY, in that order, as SQLAlchemy
// adds a table that only WHERE names (an ORDER BY or GROUP BY label is
// written by its name: its expression adds nothing).
func (d *fromDeriver) clauses(s *SelectStmt) {
	d.items(s.itemList())
	for _, e := range s.whereList() {
		d.expr(canon(e))
	}
	more := s.rare()
	for _, e := range more.groupBy {
		d.orderItem(e)
	}
	for _, e := range more.having {
		d.expr(canon(e))
	}
	for _, o := range s.orderList() {
		d.orderItem(o)
	}
}

// fromDeriver collects the FROM elements of SELECT-list columns.
type fromDeriver struct {
	c          *compiler
	enclosing  int // c.leaves[:enclosing] belong to enclosing SELECTs
	correlate  bool
	correlated bool
}

func (d *fromDeriver) items(items []SelectItem) {
	for _, it := range items {
		switch x := it.(type) {
		case *ColumnClause: // the common case, without an interface conversion
			if x != nil {
				d.add(x.qualifier())
			}
		case Expr:
			d.expr(canon(x))
		case FromClause:
			d.add(canonFrom(x))
		}
	}
}

func (d *fromDeriver) add(f FromClause) {
	c := d.c
	if f == nil || hasLeaf(c.leaves[d.enclosing:], f) {
		return
	}
	if d.correlate && hasLeaf(c.leaves[:d.enclosing], f) {
		d.correlated = true
		return
	}
	c.items = append(c.items, f)
	c.addLeaves(f)
}

// expr visits the columns of a SELECT-list expression, not those of the
// subqueries inside it (they have their own FROM).
func (d *fromDeriver) expr(n Expr) {
	switch x := n.(type) {
	case *ColumnClause:
		d.add(x.qualifier())
	case *BinaryExpr:
		d.expr(canon(x.left))
		d.operand(&x.right)
	case *UnaryExpr:
		d.expr(canon(x.e))
	case *BoolExpr:
		for _, e := range x.items {
			d.expr(canon(e))
		}
	case *InExpr:
		d.expr(canon(x.left))
		values := x.values()
		for i := range values {
			d.operand(&values[i])
		}
	case *BetweenExpr:
		d.expr(canon(x.left))
		d.operand(&x.lo)
		d.operand(&x.hi)
	case *LikeExpr:
		d.expr(canon(x.left))
		d.operand(&x.pattern)
	case *CollateExpr:
		d.expr(canon(x.e))
	case *LabelExpr:
		d.expr(canon(x.e))
	case *CastExpr:
		d.operand(&x.e)
	case *CaseExpr:
		d.caseExpr(x)
	case *FuncExpr:
		for i := range x.args {
			d.operand(&x.args[i])
		}
	case *OverExpr:
		d.expr(x.fn)
		for _, e := range x.w.PartitionBy {
			d.expr(canon(e))
		}
		for _, o := range x.w.OrderBy {
			d.orderItem(o)
		}
	}
}

func (d *fromDeriver) caseExpr(x *CaseExpr) {
	if x.value != nil {
		d.operand(x.value)
	}
	for i := range x.whens {
		d.operand(&x.whens[i].cond)
		d.operand(&x.whens[i].result)
	}
	if x.els != nil {
		d.operand(x.els)
	}
}

func (d *fromDeriver) orderItem(o OrderItem) {
	var e Expr
	switch x := o.(type) {
	case *Ordering:
		e = canon(x.e)
	case Expr:
		e = canon(x)
	}
	if _, label := e.(*LabelExpr); !label {
		d.expr(e)
	}
}

func (d *fromDeriver) operand(op *operand) {
	if isPlainValue(op.x) {
		return // a value: no FROM element, and no lookup of an itab
	}
	if e, ok := op.x.(Expr); ok {
		d.expr(canon(e))
	}
}

// addLeaves records the elements a FROM element covers: itself, or both
// sides of a join.
func (c *compiler) addLeaves(f FromClause) {
	if j, ok := f.(*JoinClause); ok {
		c.addLeaves(canonFrom(j.left))
		c.addLeaves(canonFrom(j.right))
		return
	}
	c.leaves = append(c.leaves, f)
}

func hasLeaf(leaves []FromClause, f FromClause) bool {
	if t, ok := f.(*TableClause); ok {
		// The usual leaf: comparing pointers of one type, instead of
		// interfaces (which calls the runtime when the types match),
		// gives the same answer.
		for _, l := range leaves {
			if lt, ok := l.(*TableClause); ok && lt == t {
				return true
			}
		}
		return false
	}
	for _, l := range leaves {
		if l == f {
			return true
		}
	}
	return false
}

// fromList writes c.items[start:end], the joins of s following the first.
func (c *compiler) fromList(s *SelectStmt, start, end int) {
	for i := start; i < end; i++ {
		if i > start {
			c.kw(", ")
		}
		c.fromItem(c.items[i])
		if i == start {
			for _, j := range s.joinList() {
				c.join(j.right, j.on, j.kind)
			}
		}
	}
}

func (c *compiler) fromItem(f FromClause) {
	switch x := f.(type) {
	case *TableClause:
		if x.name == "" {
			c.setErr(invalidf("table without a name"))
			return
		}
		c.tableName(x)
	case *AliasClause:
		c.alias(x)
	case *Subquery:
		if x.name == "" {
			c.setErr(invalidf("subquery without a name"))
			return
		}
		c.kw("(")
		c.query(x.q, false)
		c.kw(") AS ")
		c.ident(x.name)
	case *CTE:
		c.cteRef(x)
	case *JoinClause:
		c.fromItem(canonFrom(x.left))
		c.join(x.right, x.on, x.kind)
	default:
		c.setErr(invalidf("unknown FROM element %T", f))
	}
}

func (c *compiler) alias(a *AliasClause) {
	if a.err != nil {
		c.setErr(a.err)
		return
	}
	switch x := a.of.(type) {
	case *TableClause:
		c.tableName(x)
	case *CTE:
		c.cteRef(x)
	}
	c.kw(" AS ")
	c.ident(a.name)
}

// cteRef writes a reference to a CTE, which an enclosing statement must
// declare: a CTE is never hoisted implicitly (see the package doc).
func (c *compiler) cteRef(x *CTE) {
	for _, d := range c.ctes {
		if d == x {
			c.ident(x.name)
			return
		}
	}
	c.setErr(invalidf("CTE %q is used but not declared: add it with With", x.name))
}

func (c *compiler) join(right FromClause, on Expr, kind joinKind) {
	switch kind {
	case innerJoin:
		c.kw(" ")
		c.kw(c.d.SQL.InnerJoinKeyword)
		c.kw(" ")
	case leftJoin:
		c.kw(" LEFT OUTER JOIN ")
	case rightJoin:
		if !c.d.Features.RightJoin {
			c.fail("RIGHT OUTER JOIN")
		}
		c.kw(" RIGHT OUTER JOIN ")
	case fullJoin:
		if !c.d.Features.FullOuterJoin {
			c.fail("FULL OUTER JOIN")
		}
		c.kw(" FULL OUTER JOIN ")
	}
	r := canonFrom(right)
	if _, nested := r.(*JoinClause); nested {
		c.kw("(")
		c.fromItem(r)
		c.kw(")")
	} else {
		c.fromItem(r)
	}
	if on == nil {
		c.setErr(invalidf("join without ON (no foreign keys are inferred)"))
		return
	}
	c.kw(" ON ")
	c.expr(on, 0)
}
