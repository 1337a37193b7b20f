package sqlexpr

type setOp uint8

const (
	setUnion setOp = iota
	setUnionAll
	setIntersect
	setIntersectAll
	setExcept
	setExceptAll
)

var setOpText = [...]string{
	setUnion: " UNION ", setUnionAll: " UNION ALL ",
	setIntersect: " INTERSECT ", setIntersectAll: " INTERSECT ALL ",
	setExcept: " EXCEPT ", setExceptAll: " EXCEPT ALL ",
}

// CompoundSelect is a UNION, UNION ALL, INTERSECT or EXCEPT of queries.
// Its parts are written one after the other without parentheses, as
// SQLAlchemy does; a part that has its own ORDER BY, LIMIT, OFFSET or
// lock, or is itself a compound, is written as SELECT * FROM (part) AS
// anon_<n>, which every dialect accepts (SQLite rejects a parenthesised
// part). ORDER BY, LIMIT and OFFSET of the compound go at the end.
//
// Like SelectStmt, its methods modify it and return it.
type CompoundSelect struct {
	op        setOp
	parts     []SelectBase
	orderBy   []OrderItem
	limit     int64 // bound when hasLimit
	offset    int64
	hasLimit  bool
	hasOffset bool
	ctes      []*CTE
	err       error
}

func newCompound(op setOp, parts []SelectBase) *CompoundSelect {
	c := &CompoundSelect{op: op, parts: append([]SelectBase(nil), parts...)}
	if len(parts) < 2 {
		c.setErr(invalidf("%s needs at least two queries, got %d", setOpText[op][1:len(setOpText[op])-1], len(parts)))
	}
	for _, p := range parts {
		if p == nil {
			c.setErr(invalidf("nil query in a compound select"))
		}
	}
	return c
}

// Union returns q1 UNION q2 ….
func Union(queries ...SelectBase) *CompoundSelect { return newCompound(setUnion, queries) }

// UnionAll returns q1 UNION ALL q2 ….
func UnionAll(queries ...SelectBase) *CompoundSelect { return newCompound(setUnionAll, queries) }

// Intersect returns q1 INTERSECT q2 ….
func Intersect(queries ...SelectBase) *CompoundSelect { return newCompound(setIntersect, queries) }

// IntersectAll returns q1 INTERSECT ALL q2 …; SQLite lacks it.
func IntersectAll(queries ...SelectBase) *CompoundSelect {
	return newCompound(setIntersectAll, queries)
}

// Except returns q1 EXCEPT q2 ….
func Except(queries ...SelectBase) *CompoundSelect { return newCompound(setExcept, queries) }

// ExceptAll returns q1 EXCEPT ALL q2 …; SQLite lacks it.
func ExceptAll(queries ...SelectBase) *CompoundSelect { return newCompound(setExceptAll, queries) }

func (c *CompoundSelect) stmtNode()   {}
func (c *CompoundSelect) selectBase() {}

func (c *CompoundSelect) setErr(err error) {
	if c.err == nil {
		c.err = err
	}
}

// Err returns the first error recorded while building c.
func (c *CompoundSelect) Err() error { return c.err }

// OrderBy adds ORDER BY items applying to the whole compound and returns
// c. Refer to output columns by name (sqlexpr.NewColumn("name")) or by the
// columns of the first query.
func (c *CompoundSelect) OrderBy(items ...OrderItem) *CompoundSelect {
	c.orderBy = append(c.orderBy, items...)
	return c
}

// Limit sets LIMIT n on the whole compound and returns c.
func (c *CompoundSelect) Limit(n int64) *CompoundSelect {
	if n < 0 {
		c.setErr(invalidf("Limit(%d): negative limit", n))
	}
	c.limit, c.hasLimit = n, true
	return c
}

// Offset sets OFFSET n on the whole compound and returns c.
func (c *CompoundSelect) Offset(n int64) *CompoundSelect {
	if n < 0 {
		c.setErr(invalidf("Offset(%d): negative offset", n))
	}
	c.offset, c.hasOffset = n, true
	return c
}

// With declares CTEs for c and returns c (see SelectStmt.With).
func (c *CompoundSelect) With(ctes ...*CTE) *CompoundSelect {
	c.ctes = appendCTEs(c.ctes, ctes, c.setErr)
	return c
}

// Subquery returns c as a FROM element.
func (c *CompoundSelect) Subquery(name string) *Subquery { return newSubquery(c, name) }

// CTE returns c as a common table expression named name.
func (c *CompoundSelect) CTE(name string) *CTE { return &CTE{q: c, name: name} }

// Scalar returns c as a scalar subquery.
func (c *CompoundSelect) Scalar() *ScalarSubquery { return newScalar(c) }
