package sqlexpr

import "github.com/go-alchemy/alchemy/dialects"

func (c *compiler) selectStmt(s *SelectStmt, correlate bool) {
	if err := s.rare().err; err != nil {
		c.setErr(err)
		return
	}
	if s.nItems == 0 {
		c.setErr(invalidf("SELECT without columns"))
		return
	}
	more := s.rare()
	ctes, items, leaves := len(c.ctes), len(c.items), len(c.leaves)
	c.with(more.ctes)
	// The FROM list is derived before the SELECT list is written, so that
	// subqueries in the SELECT list can correlate to it.
	c.deriveFroms(s, correlate)
	itemsEnd := len(c.items)
	c.kw("SELECT ")
	c.distinct(s)
	c.selectList(s.itemList())
	switch {
	case itemsEnd > items:
		c.kw(" FROM ")
		c.fromList(s, items, itemsEnd)
	case s.nJoins > 0:
		c.setErr(invalidf("Join without a FROM element to join to"))
	case s.nWhere > 0:
		c.kw(c.d.SQL.SelectWithoutFromSuffix)
	}
	c.conds(" WHERE ", s.whereList())
	if len(more.groupBy) > 0 {
		c.kw(" GROUP BY ")
		for i, e := range more.groupBy {
			if i > 0 {
				c.kw(", ")
			}
			c.orderExpr(e)
		}
	}
	c.conds(" HAVING ", more.having)
	if s.nOrder > 0 {
		c.kw(" ORDER BY ")
		c.orderItems(s.orderList())
	}
	c.limitOffset(s.limit, s.offset, s.hasLimit, s.hasOffset)
	c.lock(more)
	clear(c.items[items:])
	clear(c.leaves[leaves:])
	c.ctes, c.items, c.leaves = c.ctes[:ctes], c.items[:items], c.leaves[:leaves]
}

func (c *compiler) distinct(s *SelectStmt) {
	if !s.distinct {
		return
	}
	distinctOn := s.rare().distinctOn
	if len(distinctOn) == 0 {
		c.kw("DISTINCT ")
		return
	}
	if !c.d.Features.DistinctOn {
		c.fail("SELECT DISTINCT ON")
		return
	}
	c.kw("DISTINCT ON (")
	for i, e := range distinctOn {
		if i > 0 {
			c.kw(", ")
		}
		c.expr(e, 0)
	}
	c.kw(") ")
}

// conds writes a WHERE or HAVING clause: the conditions joined by AND.
func (c *compiler) conds(keyword string, conds []Expr) {
	if len(conds) == 0 {
		return
	}
	c.kw(keyword)
	if len(conds) == 1 {
		c.expr(conds[0], 0)
		return
	}
	for i, e := range conds {
		if i > 0 {
			c.kw(" AND ")
		}
		c.expr(e, precAnd)
	}
}

// with writes the WITH clause and brings the CTEs into scope for the rest
// of the statement (the caller truncates c.ctes when it is done).
func (c *compiler) with(ctes []*CTE) {
	if len(ctes) == 0 {
		return
	}
	if !c.d.Features.CTE {
		c.fail("WITH (common table expressions)")
		return
	}
	c.ctes = append(c.ctes, ctes...)
	c.kw("WITH ")
	for _, x := range ctes {
		if x.recursive {
			if !c.d.Features.RecursiveCTE {
				c.fail("WITH RECURSIVE")
			}
			c.kw("RECURSIVE ")
			break
		}
	}
	for i, x := range ctes {
		if i > 0 {
			c.kw(", ")
		}
		c.cteDef(x)
	}
	c.kw(" ")
}

func (c *compiler) cteDef(x *CTE) {
	if x.q == nil {
		c.setErr(invalidf("CTE %q has no query (call As)", x.name))
		return
	}
	c.ident(x.name)
	if len(x.cols) > 0 {
		c.kw("(")
		for i, col := range x.cols {
			if i > 0 {
				c.kw(", ")
			}
			c.ident(col)
		}
		c.kw(")")
	}
	c.kw(" AS (")
	c.query(x.q, false)
	c.kw(")")
}

// selectList writes the SELECT list, labelling what needs a name.
func (c *compiler) selectList(items []SelectItem) {
	var labels labelCounter
	for i, it := range items {
		if i > 0 {
			c.kw(", ")
		}
		switch x := it.(type) {
		case *ColumnClause:
			c.column(x)
		case Expr:
			c.selectExpr(canon(x), &labels)
		case FromClause:
			c.allColumns(canonFrom(x))
		default:
			c.setErr(invalidf("unknown SELECT item %T", it))
		}
	}
}

func (c *compiler) selectExpr(n Expr, labels *labelCounter) {
	switch x := n.(type) {
	case *LabelExpr:
		c.expr(x.e, 0)
		c.kw(" AS ")
		c.ident(x.name)
		return
	case nil:
		c.setErr(invalidf("nil expression"))
		return
	}
	label := labels.next(n)
	c.expr(n, 0)
	if label != "" {
		c.kw(" AS ")
		c.ident(label)
	}
}

// allColumns writes every column of a FROM element, for a FROM element
// in the SELECT list.
func (c *compiler) allColumns(f FromClause) {
	switch x := f.(type) {
	case *TableClause:
		if len(x.columns) == 0 {
			c.tableName(x)
			c.kw(".*")
			return
		}
		for i, col := range x.columns {
			if i > 0 {
				c.kw(", ")
			}
			c.column(col)
		}
	case *JoinClause:
		c.allColumns(canonFrom(x.left))
		c.kw(", ")
		c.allColumns(canonFrom(x.right))
	default:
		names := columnNames(f)
		if len(names) == 0 {
			c.qualifier(f)
			c.kw(".*")
			return
		}
		for i, name := range names {
			if i > 0 {
				c.kw(", ")
			}
			c.qualifier(f)
			c.kw(".")
			c.ident(name)
		}
	}
}

// limitOffset writes LIMIT and OFFSET in the dialect's style; both are
// bound.
func (c *compiler) limitOffset(limit, offset int64, hasLimit, hasOffset bool) {
	switch c.d.SQL.Limit {
	case dialects.LimitOffset:
		if hasLimit {
			c.kw(" LIMIT ")
			c.bind(limit)
		}
		if hasOffset {
			if !hasLimit {
				c.kw(" LIMIT ALL")
			}
			c.kw(" OFFSET ")
			c.bind(offset)
		}
	case dialects.LimitCommaOffset:
		switch {
		case hasOffset:
			c.kw(" LIMIT ")
			c.bind(offset)
			c.kw(", ")
			if hasLimit {
				c.bind(limit)
			} else {
				c.kw("18446744073709551615") // the largest row count MySQL takes
			}
		case hasLimit:
			c.kw(" LIMIT ")
			c.bind(limit)
		}
	case dialects.LimitOffsetMinusOne:
		if !hasLimit && !hasOffset {
			return
		}
		c.kw(" LIMIT ")
		if hasLimit {
			c.bind(limit)
		} else {
			c.bindConst(-1)
		}
		c.kw(" OFFSET ")
		if hasOffset {
			c.bind(offset)
		} else {
			c.bindConst(0)
		}
	default:
		if hasLimit || hasOffset {
			c.fail("LIMIT / OFFSET")
		}
	}
}

func (c *compiler) lock(s *selectMore) {
	switch s.lock {
	case lockNone:
		if s.nowait || s.skipLocked {
			c.setErr(invalidf("NoWait or SkipLocked without ForUpdate or ForShare"))
		}
		return
	case lockUpdate:
		if !c.d.Features.ForUpdate {
			c.fail("SELECT … FOR UPDATE")
			return
		}
		c.kw(" FOR UPDATE")
		c.lockOf(s.lockOf)
	case lockShare:
		if len(s.lockOf) > 0 {
			c.setErr(invalidf("ForUpdateOf followed by ForShare: FOR SHARE OF is not supported"))
			return
		}
		if !c.d.Features.ForShare || c.d.SQL.ShareLockClause == "" {
			c.fail("SELECT … FOR SHARE")
			return
		}
		c.kw(" ")
		c.kw(c.d.SQL.ShareLockClause)
	}
	if s.nowait {
		if !c.d.Features.NoWait {
			c.fail("FOR UPDATE NOWAIT")
		}
		c.kw(" NOWAIT")
	}
	if s.skipLocked {
		if !c.d.Features.SkipLocked {
			c.fail("FOR UPDATE SKIP LOCKED")
		}
		c.kw(" SKIP LOCKED")
	}
}

// lockOf writes the OF list of FOR UPDATE: tables by their unqualified
// name (PostgreSQL rejects a schema there), aliases by their alias.
func (c *compiler) lockOf(of []FromClause) {
	if len(of) == 0 {
		return
	}
	if !c.d.Features.ForUpdateOf {
		c.fail("SELECT … FOR UPDATE OF")
		return
	}
	c.kw(" OF ")
	for i, f := range of {
		if i > 0 {
			c.kw(", ")
		}
		switch x := canonFrom(f).(type) {
		case *TableClause:
			c.ident(x.name)
		case *AliasClause:
			c.ident(x.name)
		default:
			c.setErr(invalidf("ForUpdateOf: %T is not a table or an alias of one", f))
		}
	}
}
