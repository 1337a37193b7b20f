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
	selectDef

	// The arguments of the first cache hit that compiles s are returned
	// in argsBuf (see shaper.argsFor); argsTaken, set atomically, says
	// it is in use. They are not part of selectDef, so that Clone, which
	// may run while another goroutine compiles s, never reads them.
	argsBuf   [4]any
	argsTaken uint32
}

// selectDef is what a SELECT says: everything of a SelectStmt but the
// buffer its arguments may be returned in.
type selectDef struct {
	// The lists live in the inline arrays below while they fit (a
	// typical statement is then one allocation, and a small one: every
	// byte of it costs allocation and GC time on each build), and in
	// selectMore once they outgrow them; see push and itemList.
	nItems, nJoins, nWhere, nOrder uint8 // lengths in the arrays, or spilled

	distinct  bool
	hasLimit  bool
	hasOffset bool
	limit     int64       // bound when hasLimit
	offset    int64       // bound when hasOffset
	more      *selectMore // the clauses most statements lack, and the error; nil: none

	itemsBuf [4]SelectItem
	joinsBuf [1]joinSpec
	whereBuf [2]Expr
	orderBuf [1]OrderItem
}

// spilled is the length of an inline list that has moved to selectMore.
const spilled = 0xff

// push appends v to the list held in buf[:*n], moving it to *spill when
// buf is full.
func push[T any](buf []T, n *uint8, spill *[]T, v T) {
	if *n != spilled {
		if int(*n) < len(buf) {
			buf[*n] = v
			*n++
			return
		}
		*spill = append(make([]T, 0, 2*len(buf)+4), buf...)
		clear(buf)
		*n = spilled
	}
	*spill = append(*spill, v)
}

func (s *SelectStmt) itemList() []SelectItem {
	if s.nItems == spilled {
		return s.more.items
	}
	return s.itemsBuf[:s.nItems]
}

func (s *SelectStmt) joinList() []joinSpec {
	if s.nJoins == spilled {
		return s.more.joins
	}
	return s.joinsBuf[:s.nJoins]
}

func (s *SelectStmt) whereList() []Expr {
	if s.nWhere == spilled {
		return s.more.where
	}
	return s.whereBuf[:s.nWhere]
}

func (s *SelectStmt) orderList() []OrderItem {
	if s.nOrder == spilled {
		return s.more.orderBy
	}
	return s.orderBuf[:s.nOrder]
}

func (s *SelectStmt) addItem(it SelectItem) {
	if s.nItems < uint8(len(s.itemsBuf)) {
		s.itemsBuf[s.nItems] = it
		s.nItems++
		return
	}
	push(s.itemsBuf[:], &s.nItems, &s.ensureMore().items, it)
}

func (s *SelectStmt) addWhere(e Expr) {
	if s.nWhere < uint8(len(s.whereBuf)) {
		s.whereBuf[s.nWhere] = e
		s.nWhere++
		return
	}
	push(s.whereBuf[:], &s.nWhere, &s.ensureMore().where, e)
}

// selectMore holds the rarer clauses of a SELECT (and an explicit FROM
// list, and the building error), so that the common statement stays
// small: it is allocated by the first builder call that needs it.
type selectMore struct {
	// The lists of SelectStmt that outgrew its arrays.
	items   []SelectItem
	joins   []joinSpec
	where   []Expr
	orderBy []OrderItem

	from       []FromClause // what From names
	distinctOn []Expr
	groupBy    []Expr
	having     []Expr
	ctes       []*CTE
	lock       lockMode
	lockOf     []FromClause // FOR UPDATE OF: what ForUpdateOf names
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
		// The usual short list, straight into the array.
		for i, it := range items {
			if it == nil {
				s.setErr(invalidf("Select: nil item"))
			}
			s.itemsBuf[i] = it
		}
		s.nItems = uint8(len(items))
		return s
	}
	for _, it := range items {
		if it == nil {
			s.setErr(invalidf("Select: nil item"))
		}
		s.addItem(it)
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
	c := &SelectStmt{selectDef: s.selectDef} // the inline lists are arrays: copied with it
	if s.more != nil {
		m := *s.more
		m.items = append([]SelectItem(nil), m.items...)
		m.joins = append([]joinSpec(nil), m.joins...)
		m.where = append([]Expr(nil), m.where...)
		m.orderBy = append([]OrderItem(nil), m.orderBy...)
		m.from = append([]FromClause(nil), m.from...)
		m.distinctOn = append([]Expr(nil), m.distinctOn...)
		m.groupBy = append([]Expr(nil), m.groupBy...)
		m.having = append([]Expr(nil), m.having...)
		m.ctes = append([]*CTE(nil), m.ctes...)
		m.lockOf = append([]FromClause(nil), m.lockOf...)
		c.more = &m
	}
	return c
}

// Columns adds items to the SELECT list and returns s.
func (s *SelectStmt) Columns(items ...SelectItem) *SelectStmt {
	for _, it := range items {
		s.addItem(it)
	}
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
	j := joinSpec{right: right, on: on, kind: kind}
	if s.nJoins < uint8(len(s.joinsBuf)) {
		s.joinsBuf[s.nJoins] = j
		s.nJoins++
		return s
	}
	push(s.joinsBuf[:], &s.nJoins, &s.ensureMore().joins, j)
	return s
}

// Where adds conditions, joined with AND to those already there, and
// returns s. Nil conditions are skipped.
func (s *SelectStmt) Where(conds ...Expr) *SelectStmt {
	if n := int(s.nWhere); n+len(conds) <= len(s.whereBuf) {
		// They fit in the array (nWhere is not spilled, which is
		// larger): no call per condition.
		for _, c := range conds {
			if c != nil {
				s.whereBuf[n] = c
				n++
			}
		}
		s.nWhere = uint8(n)
		return s
	}
	for _, c := range conds {
		if c != nil {
			s.addWhere(c)
		}
	}
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
	for _, it := range items {
		if s.nOrder < uint8(len(s.orderBuf)) {
			s.orderBuf[s.nOrder] = it
			s.nOrder++
			continue
		}
		push(s.orderBuf[:], &s.nOrder, &s.ensureMore().orderBy, it)
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

// ForUpdateOf adds FOR UPDATE OF tables… and returns s: only the rows of
// the named tables (or aliases, by their alias name) are locked, as with
// SQLAlchemy's with_for_update(of=…). It is ForUpdate plus the OF list,
// and combines with NoWait and SkipLocked: FOR UPDATE OF t NOWAIT. A
// method of its own rather than an Of method for any lock, because
// MySQL's shared lock (LOCK IN SHARE MODE) takes no OF list. PostgreSQL
// and MySQL 8 have it; on MariaDB (which locks every table read) and
// SQLite compiling is a [*CompileError], never a wider lock than asked.
// Tables are written by their unqualified name, as PostgreSQL requires.
// With no tables it is ForUpdate.
func (s *SelectStmt) ForUpdateOf(tables ...FromClause) *SelectStmt {
	m := s.ensureMore()
	m.lock = lockUpdate
	for _, t := range tables {
		if t == nil {
			s.setErr(invalidf("ForUpdateOf: nil table"))
			continue
		}
		m.lockOf = append(m.lockOf, t)
	}
	return s
}

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
