package sqlexpr

// This file writes UNION, INTERSECT and EXCEPT.

import "strconv"

func (c *compiler) compound(s *CompoundSelect, correlate bool) {
	if s.err != nil {
		c.setErr(s.err)
		return
	}
	c.checkSetOp(s.op)
	ctes := len(c.ctes)
	c.with(s.ctes)
	for i, p := range s.parts {
		if i > 0 {
			c.kw(setOpText[s.op])
		}
		c.compoundPart(p, i, correlate)
	}
	if len(s.orderBy) > 0 {
		c.kw(" ORDER BY ")
		c.compoundOrder(s.orderBy)
	}
	c.limitOffset(s.limit, s.offset, s.hasLimit, s.hasOffset)
	c.ctes = c.ctes[:ctes]
}

func (c *compiler) checkSetOp(op setOp) {
	f := c.d.Features
	switch op {
	case setIntersect:
		if !f.Intersect {
			c.fail("INTERSECT")
		}
	case setExcept:
		if !f.Except {
			c.fail("EXCEPT")
		}
	case setIntersectAll:
		if !f.Intersect || !c.d.SQL.IntersectExceptAll {
			c.fail("INTERSECT ALL")
		}
	case setExceptAll:
		if !f.Except || !c.d.SQL.IntersectExceptAll {
			c.fail("EXCEPT ALL")
		}
	}
}

// compoundPart writes one query of a compound, wrapped in a subquery when
// it has clauses of its own that would otherwise apply to the whole.
func (c *compiler) compoundPart(p SelectBase, i int, correlate bool) {
	wrap := false
	switch x := p.(type) {
	case *CompoundSelect:
		wrap = true
	case *SelectStmt:
		wrap = x.nOrder > 0 || x.hasLimit || x.hasOffset || x.rare().lock != lockNone || len(x.rare().ctes) > 0
	}
	if !wrap {
		c.query(p, correlate)
		return
	}
	c.kw("SELECT * FROM (")
	c.query(p, correlate)
	c.kw(") AS anon_")
	c.kw(strconv.Itoa(i + 1))
}

// compoundOrder writes a compound's ORDER BY: columns by their bare name,
// which is how the result of a UNION is addressed.
func (c *compiler) compoundOrder(items []OrderItem) {
	for i, it := range items {
		if i > 0 {
			c.kw(", ")
		}
		o, ok := it.(*Ordering)
		e := Expr(nil)
		if ok {
			e = o.e
		} else if x, isExpr := it.(Expr); isExpr {
			e = x
		}
		if col, isCol := canon(e).(*ColumnClause); isCol {
			c.ident(col.name)
		} else {
			c.orderExpr(e)
		}
		if ok {
			c.orderSuffix(o)
		}
	}
}
