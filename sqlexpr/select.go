package sqlexpr

// SelectStmt is a SELECT statement. Build it with [Select] and its
// methods, which modify the statement and return it (so that a chain
// allocates little); use Clone to branch a statement into two. A
// statement that is no longer modified is safe to compile and execute
// from many goroutines.
//
// The FROM list is what From and Join name, plus the FROM element of
// every column in the SELECT list that these do not already cover, in
// order (SQLAlchemy also adds the tables of WHERE-clause columns; see the
// package doc).
type SelectStmt struct {
	items     []SelectItem
	distinct  bool
	hasLimit  bool
	hasOffset bool
	joins     []joinSpec
	where     []Expr
	orderBy   []OrderItem
	limit     int64       // bound when hasLimit
	offset    int64       // bound when hasOffset
	more      *selectMore // the clauses most statements lack, and the error; nil: none

	// Inline storage for the usual short lists: a typical statement is
	// then one allocation instead of five.
	itemsBuf [4]SelectItem
	joinsBuf [1]joinSpec
	whereBuf [2]Expr
	orderBuf [1]OrderItem

	// The arguments of the first cache hit that compiles s are returned
	// in argsBuf (see shaper.argsFor); argsTaken, set atomically, says
	// it is in use.
	argsBuf   [4]any
	argsTaken uint32
}

// selectMore holds the rarer clauses of a SELECT (and an explicit FROM
// list, and the building error), so that the common statement stays
// small: it is allocated by the first builder call that needs it.
type selectMore struct {
	from       []FromClause // what From names
	distinctOn []Expr
	groupBy    []Expr
	having     []Expr
	ctes       []*CTE
	lock       lockMode
	nowait     bool
	skipLocked bool
	err        error // the first error recorded while building
}

var noMore = &selectMore{}

// rare returns the rarer clauses for reading; never nil.
func (s *SelectStmt) rare() *selectMore {
	if s.more == nil {
		return noMore
	}
	return s.more
}

// ensureMore returns the rarer clauses for writing.
func (s *SelectStmt) ensureMore() *selectMore {
	if s.more == nil {
		s.more = &selectMore{}
	}
	return s.more
}

// joinSpec is a join added with SelectStmt.Join: it applies to the first
// FROM element.
type joinSpec struct {
	right FromClause
	on    Expr
	kind  joinKind
}

type lockMode uint8

const (
	lockNone lockMode = iota
	lockUpdate
	lockShare
)

// Select starts a SELECT of items: columns and other expressions, or
// tables (and aliases, subqueries, CTEs) standing for all their columns.
func Select(items ...SelectItem) *SelectStmt {
	s := &SelectStmt{}
	if len(items) <= len(s.itemsBuf) {
		// Element by element: cheaper than a copy for a few items.
		for i, it := range items {
			s.itemsBuf[i] = it
		}
		s.items = s.itemsBuf[:len(items):len(s.itemsBuf)]
	} else {
		s.items = append([]SelectItem(nil), items...)
	}
	s.joins = s.joinsBuf[:0:len(s.joinsBuf)]
	s.where = s.whereBuf[:0:len(s.whereBuf)]
	s.orderBy = s.orderBuf[:0:len(s.orderBuf)]
	for _, it := range items {
		if it == nil {
			s.setErr(invalidf("Select: nil item"))
		}
	}
	return s
}

func (s *SelectStmt) stmtNode()   {}
func (s *SelectStmt) selectBase() {}

// setErr keeps the first error: later builder calls do not overwrite it,
// and Compile reports it.
func (s *SelectStmt) setErr(err error) {
	if m := s.ensureMore(); m.err == nil {
		m.err = err
	}
}

// Err returns the first error recorded while building s.
func (s *SelectStmt) Err() error { return s.rare().err }

// Clone returns a copy of s that can be modified without changing s.
func (s *SelectStmt) Clone() *SelectStmt {
	c := *s
	c.itemsBuf, c.joinsBuf, c.whereBuf, c.orderBuf = [4]SelectItem{}, [1]joinSpec{}, [2]Expr{}, [1]OrderItem{}
	c.argsBuf, c.argsTaken = [4]any{}, 0
	c.items = append([]SelectItem(nil), s.items...)
	c.joins = append([]joinSpec(nil), s.joins...)
	c.where = append([]Expr(nil), s.where...)
	c.orderBy = append([]OrderItem(nil), s.orderBy...)
	if s.more != nil {
		m := *s.more
		m.from = append([]FromClause(nil), m.from...)
		m.distinctOn = append([]Expr(nil), m.distinctOn...)
		m.groupBy = append([]Expr(nil), m.groupBy...)
		m.having = append([]Expr(nil), m.having...)
		m.ctes = append([]*CTE(nil), m.ctes...)
		c.more = &m
	}
	return &c
}

// Columns adds items to the SELECT list and returns s.
func (s *SelectStmt) Columns(items ...SelectItem) *SelectStmt {
	s.items = append(s.items, items...)
	return s
}

// Distinct makes s a SELECT DISTINCT and returns s.
func (s *SelectStmt) Distinct() *SelectStmt { s.distinct = true; return s }

// DistinctOn makes s a SELECT DISTINCT ON (exprs…) and returns s; only
// PostgreSQL has it, elsewhere compiling is a [*CompileError] (SQLAlchemy
// falls back to a plain DISTINCT, which returns other rows).
func (s *SelectStmt) DistinctOn(exprs ...Expr) *SelectStmt {
	s.distinct = true
	m := s.ensureMore()
	m.distinctOn = append(m.distinctOn, exprs...)
	return s
}

// From adds FROM elements and returns s.
func (s *SelectStmt) From(froms ...FromClause) *SelectStmt {
	for _, f := range froms {
		if f == nil {
			s.setErr(invalidf("From: nil FROM element"))
			continue
		}
		m := s.ensureMore()
		m.from = append(m.from, f)
	}
	return s
}

// Join joins right to the first FROM element — the first one given to
// From, else the FROM element of the first SELECT-list column — and
// returns s: FROM users JOIN addresses ON … (INNER JOIN on MySQL).
func (s *SelectStmt) Join(right FromClause, on Expr) *SelectStmt {
	return s.addJoin(right, on, innerJoin)
}

// LeftJoin is Join with LEFT OUTER JOIN.
func (s *SelectStmt) LeftJoin(right FromClause, on Expr) *SelectStmt {
	return s.addJoin(right, on, leftJoin)
}

// RightJoin is Join with RIGHT OUTER JOIN.
func (s *SelectStmt) RightJoin(right FromClause, on Expr) *SelectStmt {
	return s.addJoin(right, on, rightJoin)
}

// FullJoin is Join with FULL OUTER JOIN.
func (s *SelectStmt) FullJoin(right FromClause, on Expr) *SelectStmt {
	return s.addJoin(right, on, fullJoin)
}

func (s *SelectStmt) addJoin(right FromClause, on Expr, kind joinKind) *SelectStmt {
	if right == nil {
		s.setErr(invalidf("Join: nil FROM element"))
		return s
	}
	s.joins = append(s.joins, joinSpec{right: right, on: on, kind: kind})
	return s
}

// Where adds conditions, joined with AND to those already there, and
// returns s. Nil conditions are skipped.
func (s *SelectStmt) Where(conds ...Expr) *SelectStmt {
	s.where = appendConds(s.where, conds)
	return s
}

// GroupBy adds GROUP BY expressions and returns s. A [*LabelExpr] of the
// SELECT list is written by its name.
func (s *SelectStmt) GroupBy(exprs ...Expr) *SelectStmt {
	m := s.ensureMore()
	m.groupBy = append(m.groupBy, exprs...)
	return s
}

// Having adds HAVING conditions, joined with AND, and returns s.
func (s *SelectStmt) Having(conds ...Expr) *SelectStmt {
	m := s.ensureMore()
	m.having = appendConds(m.having, conds)
	return s
}

// OrderBy adds ORDER BY items (expressions, or their Asc/Desc) and
// returns s.
func (s *SelectStmt) OrderBy(items ...OrderItem) *SelectStmt {
	for _, it := range items { // cheaper than a copy for a few items
		s.orderBy = append(s.orderBy, it)
	}
	return s
}

// Limit sets LIMIT n and returns s. The value is bound (it does not
// change the cache key); each dialect writes it in its own form (see
// the package doc).
func (s *SelectStmt) Limit(n int64) *SelectStmt {
	if n < 0 {
		s.setErr(invalidf("Limit(%d): negative limit", n))
	}
	s.limit, s.hasLimit = n, true
	return s
}

// Offset sets OFFSET n and returns s; bound like Limit.
func (s *SelectStmt) Offset(n int64) *SelectStmt {
	if n < 0 {
		s.setErr(invalidf("Offset(%d): negative offset", n))
	}
	s.offset, s.hasOffset = n, true
	return s
}

// ForUpdate adds FOR UPDATE and returns s. SQLite has no row locks:
// compiling for it is a [*CompileError] (SQLAlchemy omits the clause
// silently).
func (s *SelectStmt) ForUpdate() *SelectStmt { s.ensureMore().lock = lockUpdate; return s }

// ForShare adds the dialect's shared lock (FOR SHARE, or MySQL's LOCK IN
// SHARE MODE) and returns s.
func (s *SelectStmt) ForShare() *SelectStmt { s.ensureMore().lock = lockShare; return s }

// NoWait adds NOWAIT to the lock clause and returns s.
func (s *SelectStmt) NoWait() *SelectStmt { s.ensureMore().nowait = true; return s }

// SkipLocked adds SKIP LOCKED to the lock clause and returns s.
func (s *SelectStmt) SkipLocked() *SelectStmt { s.ensureMore().skipLocked = true; return s }

// With declares CTEs that s (or any statement nested in it) refers to,
// and returns s: WITH name AS (…) SELECT …. A recursive one makes it WITH
// RECURSIVE.
func (s *SelectStmt) With(ctes ...*CTE) *SelectStmt {
	m := s.ensureMore()
	m.ctes = appendCTEs(m.ctes, ctes, s.setErr)
	return s
}

// Subquery returns s as a FROM element: (SELECT …) AS name.
func (s *SelectStmt) Subquery(name string) *Subquery { return newSubquery(s, name) }

// CTE returns s as a common table expression named name.
func (s *SelectStmt) CTE(name string) *CTE { return &CTE{q: s, name: name} }

// Scalar returns s as a scalar subquery, a value: (SELECT …).
func (s *SelectStmt) Scalar() *ScalarSubquery { return newScalar(s) }

func appendConds(list, conds []Expr) []Expr {
	for _, c := range conds {
		if c != nil {
			list = append(list, c)
		}
	}
	return list
}

func appendCTEs(list, ctes []*CTE, setErr func(error)) []*CTE {
	for _, c := range ctes {
		if c == nil {
			setErr(invalidf("With: nil CTE"))
			continue
		}
		list = append(list, c)
	}
	return list
}
