package sqlexpr

import (
	"encoding/binary"
	"slices"
	"sync/atomic"
	"unsafe"

	"github.com/go-alchemy/alchemy/dialects"
)

// The fast cache key of a SELECT.
//
// The compiler's key mode (compile.go) is safe by construction — it runs
// the compiling code itself — but it pays for that code on every cache
// hit: deriving the FROM list, precedence, writing every keyword. For the
// SELECTs most programs run, shapeSelect writes a much shorter key
// directly: a sequence of 64-bit words, one per node holding its tag
// and its fields, with every list preceded by its length and every
// string by its length, so that the encoding is a serialization of the
// statement's shape (equal keys, equal shapes), and it collects the
// bound values in the order the compiler writes their placeholders. A
// table column is one word, made when the column is (shapeWord).
//
// What the text depends on besides the nodes' own fields is the identity
// of FROM elements: the compiler derives the FROM list by comparing
// tables and aliases by pointer (two *TableClause values named "t" are
// two FROM elements, FROM t, t). So each reference to a table or an alias
// also writes the index of the first reference to the same pointer: the
// key holds the equality pattern of the references, which is all the
// derivation looks at.
//
// A statement holding anything outside the covered subset (subqueries,
// CTEs, CAST, literals, windows, Text, FOR UPDATE OF, errors recorded
// while building, INSERT/UPDATE/DELETE, compound SELECTs) makes
// shapeSelect report false, and Compile falls back to key mode. The two
// kinds of key cannot meet: a fast key has fastKeyMark right after the
// dialect's address, a byte key mode never writes first. FuzzCompile checks the fast path against
// the uncached compiler through a cache shared by all its inputs.

// fastKeyMark starts every fast key after the dialect address: the low
// byte of the first word.
const fastKeyMark = 0xff

// Tags of the fast key, in the low byte of a word. Their values only
// have to differ from each other within the position they are read at.
const (
	skColTable = 1 + iota
	skColAlias
	skColBare
	skBinary
	skUnary
	skBool
	skIn
	skBetween
	skLabel
	skFunc
	skNow
	skBind
	skConst
	skRaw
	skCase
	skTable
	skAlias
	skJoin
	skItemExpr
	skItemLabel
	skItemTable
	skItemAlias
	skOrdering
	skOrderLabel
	skOrderExpr
	skLike
	skCollate
)

// word packs a tag, a byte of flags (or a FROM reference) and a count,
// id or length (below 2^48) into one key word.
func word(tag, b byte, rest uint64) uint64 {
	return uint64(tag) | uint64(b)<<8 | rest<<16
}

// shapeWord returns the one-word key of a table (tag skTable) or of a
// column of a table (skColTable), made once when the table or column is
// created; 0 when id is too large to pack.
func shapeWord(tag byte, id uint64) uint64 {
	if id == 0 || id >= 1<<48 {
		return 0
	}
	return word(tag, 0, id)
}

// shapeSelect writes the fast key of s and collects its bound values in
// placeholder order; it reports false when s is outside the covered
// subset or does not fit in c.
func (c *shaper) shapeSelect(s *SelectStmt) bool {
	more := s.rare()
	if more.err != nil || len(more.ctes) > 0 || len(more.distinctOn) > 0 || len(more.lockOf) > 0 || s.nItems == 0 {
		return false // FOR UPDATE OF is rare: key mode writes its list
	}
	items, joins, where, orderBy := s.itemList(), s.joinList(), s.whereList(), s.orderList()
	if len(items)|len(more.from)|len(joins)|len(where)|len(more.groupBy)|len(more.having)|len(orderBy) > 0xff {
		return false // the counts below are one byte each
	}
	flags := boolByte(s.distinct) | byte(more.lock)<<1 | boolByte(more.nowait)<<3 |
		boolByte(more.skipLocked)<<4 | boolByte(s.hasLimit)<<5 | boolByte(s.hasOffset)<<6
	c.put8(uint64(fastKeyMark) | uint64(flags)<<8 | uint64(len(items))<<16 | uint64(len(more.from))<<24 |
		uint64(len(joins))<<32 | uint64(len(where))<<40 | uint64(len(more.groupBy))<<48 | uint64(len(more.having))<<56)
	c.put8(uint64(len(orderBy)))
	// Placeholder order: the SELECT list, the FROM list (the first
	// explicit FROM element, the joins that attach to it, the other
	// elements; derived elements hold no values), WHERE, GROUP BY,
	// HAVING, ORDER BY, LIMIT/OFFSET.
	c.refCols = true
	for _, it := range items {
		if col, ok := it.(*ColumnClause); ok && col != nil && col.kw != 0 {
			if !c.putRef(col.kw, unsafe.Pointer(col.table)) { // shapeColumn's, inlined
				return false
			}
			continue
		}
		if !c.shapeItem(it) {
			return false
		}
	}
	c.refCols = false
	if len(more.from) > 0 && !c.shapeFrom(more.from[0]) {
		return false
	}
	for _, j := range joins {
		if j.on == nil {
			return false
		}
		c.put8(word(skJoin, byte(j.kind), 0))
		if !c.shapeFrom(j.right) || !c.shapeExpr(j.on) {
			return false
		}
	}
	for i := 1; i < len(more.from); i++ {
		if !c.shapeFrom(more.from[i]) {
			return false
		}
	}
	// From WHERE on, columns add FROM elements again (compile_from.go):
	// their references are written.
	c.refCols = true
	for _, e := range where {
		if !c.shapeExpr(e) {
			return false
		}
	}
	for _, e := range more.groupBy {
		if !c.shapeOrderExpr(e) {
			return false
		}
	}
	for _, e := range more.having {
		if !c.shapeExpr(e) {
			return false
		}
	}
	for _, it := range orderBy {
		if col, ok := it.(*ColumnClause); ok && col != nil && col.kw != 0 {
			if !c.colWord(col) { // shapeOrderExpr's, inlined
				return false
			}
			continue
		}
		if !c.shapeOrderItem(it) {
			return false
		}
	}
	c.refCols = false
	return c.shapeLimit(s) && !c.full
}

// shapeLimit adds the LIMIT and OFFSET arguments as limitOffset binds
// them for the dialect.
func (c *shaper) shapeLimit(s *SelectStmt) bool {
	if !s.hasLimit && !s.hasOffset {
		return true
	}
	switch c.d.SQL.Limit {
	case dialects.LimitOffset:
		if s.hasLimit {
			c.arg(s.limit)
		}
		if s.hasOffset {
			c.arg(s.offset)
		}
	case dialects.LimitCommaOffset:
		if s.hasOffset {
			c.arg(s.offset)
		}
		if s.hasLimit {
			c.arg(s.limit)
		}
	case dialects.LimitOffsetMinusOne:
		if s.hasLimit {
			c.arg(s.limit)
		} else {
			c.arg(int64(-1))
		}
		if s.hasOffset {
			c.arg(s.offset)
		} else {
			c.arg(int64(0))
		}
	default:
		return false
	}
	return true
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// putRef writes w with, in its second byte, the index of the first
// reference to the FROM element at p (see the top of the file); c.refs
// holds the distinct references so far. Pointers, not interfaces, are
// compared: a table and an alias are distinct allocations, so their
// addresses differ.
func (c *shaper) putRef(w uint64, p unsafe.Pointer) bool {
	for i, q := range c.refs[:c.nrefs] {
		if q == p {
			c.put8(w | uint64(i)<<8)
			return true
		}
	}
	if c.nrefs == len(c.refs) {
		return false
	}
	c.put8(w | uint64(c.nrefs)<<8)
	c.refs[c.nrefs] = p
	c.nrefs++
	return true
}

// shapeTable writes a table by its interned names and its reference; a
// table without a name is an error the compiler reports.
func (c *shaper) shapeTable(t *TableClause) bool {
	if t.name == "" || t.kw == 0 {
		return false
	}
	return c.putRef(t.kw, unsafe.Pointer(t))
}

// aliasedTable returns the table of an alias of a table, nil for any
// other alias (of a CTE, or one in error).
func aliasedTable(a *AliasClause) *TableClause {
	if a.err != nil {
		return nil
	}
	t, _ := a.of.(*TableClause)
	return t
}

func (c *shaper) shapeAlias(a *AliasClause) bool {
	t := aliasedTable(a)
	if t == nil || !c.shapeTable(t) {
		return false
	}
	c.str(a.name)
	return c.putRef(word(skAlias, 0, 0), unsafe.Pointer(a))
}

// shapeFrom writes an explicit FROM element or the right side of a join.
func (c *shaper) shapeFrom(f FromClause) bool {
	if t, ok := f.(*TableClause); ok && t != nil {
		return c.shapeTable(t) // a table is its own canonical node
	}
	switch x := canonFrom(f).(type) {
	case *TableClause:
		return c.shapeTable(x)
	case *AliasClause:
		return c.shapeAlias(x)
	case *JoinClause:
		if x.on == nil {
			return false
		}
		c.put8(word(skJoin, byte(x.kind), 0))
		return c.shapeFrom(x.left) && c.shapeFrom(x.right) && c.shapeExpr(x.on)
	}
	return false
}

// shapeItem writes a SELECT-list item.
func (c *shaper) shapeItem(it SelectItem) bool {
	switch x := it.(type) {
	case *ColumnClause:
		// No item tag: a column's word starts with a tag no other item
		// starts with.
		return c.shapeColumn(x)
	case *TableClause: // before the interface cases, which cost a lookup of the type's itab
		return c.shapeFromItem(x)
	case Expr:
		switch n := canon(x).(type) {
		case nil:
			return false
		case *LabelExpr:
			c.put8(skItemLabel)
			c.str(n.name)
			return c.shapeExpr(n.e)
		default:
			// The automatic label (labels.go) depends on the node's kind,
			// its function name and its position, all in the key.
			c.put8(skItemExpr)
			return c.shapeNode(n)
		}
	case FromClause:
		return c.shapeFromItem(x)
	}
	return false
}

// shapeFromItem writes a FROM element in a SELECT list: all its
// columns, whose names are part of the text (and the table may have
// gained columns since the key was stored).
func (c *shaper) shapeFromItem(x FromClause) bool {
	var t *TableClause
	switch f := canonFrom(x).(type) {
	case *TableClause:
		c.put8(skItemTable)
		if !c.shapeTable(f) {
			return false
		}
		t = f
	case *AliasClause:
		c.put8(skItemAlias)
		if !c.shapeAlias(f) {
			return false
		}
		t = aliasedTable(f)
	default:
		return false
	}
	c.put8(uint64(len(t.columns)))
	for _, col := range t.columns {
		if col.kw == 0 {
			return false
		}
		c.put8(col.kw)
	}
	return true
}

// colWord writes a table column's word, with the reference to its table
// where columns add FROM elements.
func (c *shaper) colWord(col *ColumnClause) bool {
	// Outside those clauses, or for the first FROM element (putRef's
	// word for reference 0 is the bare word), no loop: this inlines.
	if !c.refCols || c.nrefs > 0 && c.refs[0] == unsafe.Pointer(col.table) {
		c.put8(col.kw)
		return true
	}
	return c.putRef(col.kw, unsafe.Pointer(col.table))
}

// shapeColumn writes a column: a table's by its one word, an alias's by
// the alias and the column name, a standalone one by its name. In the
// SELECT list, WHERE, GROUP BY, HAVING and ORDER BY it writes the
// reference to its table or alias: the FROM list is derived from there
// (not from a join's ON).
func (c *shaper) shapeColumn(col *ColumnClause) bool {
	if col == nil {
		return false
	}
	if col.kw != 0 { // a column of a table, as AddColumn made it
		return c.colWord(col)
	}
	if col.err != nil || col.self == nil {
		return false
	}
	switch {
	case col.from == nil && col.table == nil:
		c.put8(skColBare)
		c.str(col.name)
		return true
	case col.from == nil:
		return false // a table column without a key word
	}
	a, ok := col.from.(*AliasClause)
	if !ok || aliasedTable(a) == nil {
		return false // a column of a subquery or a CTE
	}
	if c.refCols {
		if !c.putRef(skColAlias, unsafe.Pointer(a)) {
			return false
		}
	} else {
		c.put8(skColAlias)
	}
	c.str(a.name)
	c.str(col.name)
	return true
}

// shapeExpr writes an expression operand.
func (c *shaper) shapeExpr(e Expr) bool {
	// The commonest nodes skip canon (see compiler.expr), each found by
	// one comparison of the itab (a type switch looks the type's hash
	// up first).
	if x, ok := e.(*ColumnClause); ok {
		return c.shapeColumn(x)
	}
	if x, ok := e.(*BinaryExpr); ok && x != nil && x.self != nil {
		return c.shapeBinary(x)
	}
	if x, ok := e.(*InExpr); ok && x != nil && x.self != nil {
		return c.shapeIn(x)
	}
	n := canon(e)
	if n == nil {
		return false
	}
	return c.shapeNode(n)
}

func (c *shaper) shapeBinary(x *BinaryExpr) bool {
	// The usual comparison of a table column with a value is two words.
	if col, ok := x.left.(*ColumnClause); ok && col != nil && col.kw != 0 && isPlainValue(x.right.x) {
		c.put8(word(skBinary, byte(x.op), 1))
		if !c.refCols || c.nrefs > 0 && c.refs[0] == unsafe.Pointer(col.table) {
			c.put8(col.kw) // colWord, inlined: the commonest WHERE
		} else if !c.putRef(col.kw, unsafe.Pointer(col.table)) {
			return false
		}
		c.arg(x.right.x)
		return true
	}
	// A join condition, two table columns, is three.
	if col, ok := x.left.(*ColumnClause); ok && col != nil && col.kw != 0 {
		if r, ok := x.right.x.(*ColumnClause); ok && r != nil && r.kw != 0 {
			c.put8(word(skBinary, byte(x.op), 2))
			return c.colWord(col) && c.colWord(r)
		}
	}
	c.put8(word(skBinary, byte(x.op), 0))
	return c.shapeExpr(x.left) && c.shapeOperand(&x.right)
}

// isPlainValue reports whether v is one of the usual bound values, which
// are never expressions.
func isPlainValue(v any) bool {
	// One comparison of the type word each: a type switch would look
	// the type's hash up first.
	if _, ok := v.(string); ok {
		return true
	}
	if _, ok := v.(int64); ok {
		return true
	}
	if _, ok := v.(int); ok {
		return true
	}
	return v == nil
}

// shapeOperand writes an operand: its expression, or a bound value.
func (c *shaper) shapeOperand(op *operand) bool {
	if !isPlainValue(op.x) {
		if e, ok := op.x.(Expr); ok {
			return c.shapeExpr(e)
		}
	}
	c.put8(skBind)
	c.arg(op.x)
	return true
}

// shapeNode writes a canonical expression node. Each case writes what
// the compiler's case for the node reads, and visits the operands the
// compiler writes, in its order.
func (c *shaper) shapeNode(n Expr) bool {
	switch x := n.(type) {
	case *ColumnClause:
		return c.shapeColumn(x)
	case *BinaryExpr:
		return c.shapeBinary(x)
	case *UnaryExpr:
		c.put8(word(skUnary, byte(x.op), 0))
		return c.shapeExpr(x.e)
	case *BoolExpr:
		c.put8(word(skBool, boolByte(x.or), uint64(len(x.items))))
		for _, e := range x.items {
			if !c.shapeExpr(e) {
				return false
			}
		}
		return true
	case *InExpr:
		return c.shapeIn(x)
	case *LikeExpr:
		// The ESCAPE character and the way the pattern is made are all
		// the node writes besides its operands; a bad argument is an
		// error the compiler reports.
		if x.err != nil {
			return false
		}
		c.put8(word(skLike, boolByte(x.not)|byte(x.match)<<1, uint64(x.escape)))
		return c.shapeExpr(x.left) && c.shapeOperand(&x.pattern)
	case *CollateExpr:
		c.put8(skCollate)
		c.str(x.name)
		return c.shapeExpr(x.e)
	case *BetweenExpr:
		c.put8(word(skBetween, boolByte(x.not), 0))
		return c.shapeExpr(x.left) && c.shapeOperand(&x.lo) && c.shapeOperand(&x.hi)
	case *LabelExpr:
		// Inside an expression a label is its expression.
		c.put8(skLabel)
		return c.shapeExpr(x.e)
	case *FuncExpr:
		if x.now {
			c.put8(skNow)
			c.str(x.name) // the name is the label
			return true
		}
		c.put8(word(skFunc, boolByte(x.distinct)|boolByte(x.star)<<1, uint64(len(x.args))))
		c.str(x.name)
		for i := range x.args {
			if !c.shapeOperand(&x.args[i]) {
				return false
			}
		}
		return true
	case *LiteralExpr:
		c.put8(skBind)
		c.arg(x.v)
		return true
	case *BindParamExpr:
		c.put8(skBind) // its value is given when the statement runs
		c.arg(x.ref)
		return true
	case *constExpr:
		c.put8(word(skConst, byte(x.kind), 0))
		return true
	case *RawExpr:
		c.put8(skRaw)
		c.str(x.sql)
		return true
	case *CaseExpr:
		c.put8(word(skCase, boolByte(x.value != nil)|boolByte(x.els != nil)<<1, uint64(len(x.whens))))
		if x.value != nil && !c.shapeOperand(x.value) {
			return false
		}
		for i := range x.whens {
			if !c.shapeOperand(&x.whens[i].cond) || !c.shapeOperand(&x.whens[i].result) {
				return false
			}
		}
		return x.els == nil || c.shapeOperand(x.els)
	}
	return false
}

func (c *shaper) shapeIn(x *InExpr) bool {
	if x.n == inSubquery {
		return false
	}
	values := x.values()
	// The usual list of values only: one flag instead of a word for
	// each.
	plain := true
	for i := range values {
		plain = plain && isPlainValue(values[i].x)
	}
	c.put8(word(skIn, boolByte(x.not)|boolByte(plain)<<1, uint64(len(values))))
	if len(values) == 0 {
		// A constant condition: the left side is not written, but in
		// the SELECT list its columns still add FROM elements.
		return !c.refCols
	}
	if !c.shapeExpr(x.left) {
		return false
	}
	if plain {
		c.reserve(len(values))
	}
	for i := range values {
		if plain {
			c.arg(values[i].x)
		} else if !c.shapeOperand(&values[i]) {
			return false
		}
	}
	return true
}

// shapeOrderExpr writes an ORDER BY or GROUP BY expression; a label is
// written by its name alone, its expression is not.
func (c *shaper) shapeOrderExpr(e Expr) bool {
	if col, ok := e.(*ColumnClause); ok && col != nil && col.kw != 0 {
		return c.colWord(col) // its tag tells it from skOrderLabel and skOrderExpr
	}
	n := canon(e)
	if l, ok := n.(*LabelExpr); ok {
		c.put8(skOrderLabel)
		c.str(l.name)
		return true
	}
	if n == nil {
		return false
	}
	c.put8(skOrderExpr)
	return c.shapeNode(n)
}

func (c *shaper) shapeOrderItem(it OrderItem) bool {
	switch x := it.(type) {
	case *Ordering:
		c.put8(word(skOrdering, boolByte(x.desc)|byte(x.nulls)<<1, 0))
		return c.shapeOrderExpr(x.e)
	case Expr:
		return c.shapeOrderExpr(x)
	}
	return false
}

// shaper writes the fast key of one statement. It lives on the stack of
// Compile: a fixed array for the key, so that a cache hit neither takes a
// compiler from the pool nor allocates a key.
type shaper struct {
	d       *dialects.Dialect
	refCols bool // columns write their FROM reference: where they add FROM elements
	full    bool // the key or the references did not fit
	n       int  // bytes of b written
	nrefs   int
	refs    [8]unsafe.Pointer // the distinct FROM elements referred to
	// The bound values, in placeholder order: in the argsBuf of the
	// statement being shaped while own holds it (see start), else, or
	// once they outgrow it, in a slice of the heap.
	args []any
	own  *SelectStmt
	b    [320]byte // the key: the dialect's address, then the shape
}

// start makes s's small argument buffer the shaper's, when no earlier
// compilation of s returned it: the values are then collected straight
// into the slice a hit returns, which saves an allocation per statement
// built and run once (the usual case) and a copy.
func (c *shaper) start(s *SelectStmt) {
	if atomic.CompareAndSwapUint32(&s.argsTaken, 0, 1) {
		c.args, c.own = s.argsBuf[:0:len(s.argsBuf)], s
	}
}

// release gives the statement's buffer back, for a compilation whose
// values are not returned from it.
func (c *shaper) release() {
	if c.own != nil {
		atomic.StoreUint32(&c.own.argsTaken, 0)
		c.own = nil
	}
}

// keyString returns the key written; it aliases c.
func (c *shaper) keyString() string { return unsafe.String(&c.b[0], c.n) }

// argsFor returns the bound values in a slice that belongs to the
// caller: the statement's own buffer when they are there (the buffer
// then stays taken), else a slice of the heap.
func (c *shaper) argsFor() []any {
	if c.own != nil {
		if unsafe.SliceData(c.args) == &c.own.argsBuf[0] {
			return c.args[:len(c.args):len(c.args)]
		}
		c.release() // they outgrew it
	}
	if c.args == nil {
		return []any{}
	}
	return c.args
}

// values returns the bound values collected.
func (c *shaper) values() []any { return c.args }

// arg collects a bound value.
func (c *shaper) arg(v any) {
	if len(c.args) == cap(c.args) {
		c.grow(len(SelectStmt{}.argsBuf))
	}
	c.args = append(c.args, v)
}

// grow makes room for n more values in c.args, in a slice of the heap.
func (c *shaper) grow(n int) { c.args = slices.Grow(c.args, n) }

// reserve makes room for n more values in one allocation: a long IN
// list would otherwise grow c.args by doubling, an allocation and a copy
// each time. A few more are kept for the values after the list (a LIMIT,
// other conditions).
func (c *shaper) reserve(n int) {
	if cap(c.args)-len(c.args) < n {
		c.grow(n + 4)
	}
}

// put8 writes one word.
func (c *shaper) put8(w uint64) {
	if c.n > len(c.b)-8 {
		c.full = true
		return
	}
	binary.LittleEndian.PutUint64(c.b[c.n:], w)
	c.n += 8
}

// slot returns the front slot of the cache (cache.go) for the key: a
// hash of its length, its header and its last word. Keys that share a
// slot only share it; the key itself is compared in full.
func (c *shaper) slot() int {
	h := uint64(c.n)
	if c.n >= 16 {
		h ^= binary.LittleEndian.Uint64(c.b[8:]) ^ binary.LittleEndian.Uint64(c.b[c.n-8:])<<1
	}
	return int((h * 0x9e3779b97f4a7c15) >> 58) // the top 6 bits: frontSlots is 64
}

// str writes the length of s, then s.
func (c *shaper) str(s string) {
	c.put8(uint64(len(s)))
	if len(s) > len(c.b)-c.n {
		c.full = true
		return
	}
	c.n += copy(c.b[c.n:], s)
}
