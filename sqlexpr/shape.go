package sqlexpr

import (
	"encoding/binary"
	"unsafe"

	"github.com/go-alchemy/alchemy/dialects"
)

// The fast cache key of a SELECT.
//
// The compiler's key mode (compile.go) is safe by construction — it runs
// the compiling code itself — but it pays for that code on every cache
// hit: deriving the FROM list, precedence, writing every keyword. For the
// SELECTs most programs run, shapeSelect writes a much shorter key
// directly: one tag per node followed by the node's fields, with every
// list preceded by its length, so that the encoding is a serialization
// of the statement's shape (equal keys, equal shapes), and it collects
// the bound values in the order the compiler writes their placeholders.
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
// CTEs, CAST, literals, windows, Text, errors recorded while building,
// INSERT/UPDATE/DELETE, compound SELECTs) makes shapeSelect report false,
// and Compile falls back to key mode. The two kinds of key cannot meet:
// a fast key has fastKeyMark right after the dialect's address, a byte
// key mode never writes first. FuzzCompile checks the fast path against
// the uncached compiler through a cache shared by all its inputs.

// fastKeyMark starts every fast key after the dialect address.
const fastKeyMark = 0xff

// Tags of the fast key. Their values only have to differ from each other
// within the position they are read at.
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
	skItemColumn
	skItemExpr
	skItemLabel
	skItemTable
	skItemAlias
	skOrdering
	skOrderLabel
	skOrderExpr
)

// shapeSelect writes the fast key of s and collects its bound values in
// placeholder order; it reports false when s is outside the covered
// subset or does not fit in c.
func (c *shaper) shapeSelect(s *SelectStmt) bool {
	more := s.rare()
	if more.err != nil || len(more.ctes) > 0 || len(more.distinctOn) > 0 || len(s.items) == 0 {
		return false
	}
	c.put2(fastKeyMark, boolByte(s.distinct)|byte(more.lock)<<1|boolByte(more.nowait)<<3|
		boolByte(more.skipLocked)<<4|boolByte(s.hasLimit)<<5|boolByte(s.hasOffset)<<6)
	for _, n := range [...]int{len(s.items), len(more.from), len(s.joins), len(s.where),
		len(more.groupBy), len(more.having), len(s.orderBy)} {
		if n < 0x80 {
			c.put(byte(n))
		} else {
			c.uvarint(uint64(n))
		}
	}
	// Placeholder order: the SELECT list, the FROM list (the first
	// explicit FROM element, the joins that attach to it, the other
	// elements; derived elements hold no values), WHERE, GROUP BY,
	// HAVING, ORDER BY, LIMIT/OFFSET.
	c.refCols = true
	for _, it := range s.items {
		if !c.shapeItem(it) {
			return false
		}
	}
	c.refCols = false
	if len(more.from) > 0 && !c.shapeFrom(more.from[0]) {
		return false
	}
	for _, j := range s.joins {
		if j.on == nil {
			return false
		}
		c.put2(skJoin, byte(j.kind))
		if !c.shapeFrom(j.right) || !c.shapeExpr(j.on) {
			return false
		}
	}
	for i := 1; i < len(more.from); i++ {
		if !c.shapeFrom(more.from[i]) {
			return false
		}
	}
	for _, e := range s.where {
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
	for _, it := range s.orderBy {
		if !c.shapeOrderItem(it) {
			return false
		}
	}
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

// shapeFromRef writes the index of the first reference to the FROM
// element at p (see the top of the file); c.refs holds the distinct
// references so far. Pointers, not interfaces, are compared: a table and
// an alias are distinct allocations, so their addresses differ.
func (c *shaper) shapeFromRef(p unsafe.Pointer) bool {
	for i, q := range c.refs[:c.nrefs] {
		if q == p {
			c.put(byte(i))
			return true
		}
	}
	if c.nrefs == len(c.refs) {
		return false
	}
	c.put(byte(c.nrefs))
	c.refs[c.nrefs] = p
	c.nrefs++
	return true
}

// shapeTable writes a table by its interned names; a table without a
// name is an error the compiler reports.
func (c *shaper) shapeTable(t *TableClause) bool {
	if t.name == "" || t.id == 0 {
		return false
	}
	c.varint(skTable, t.id)
	return c.shapeFromRef(unsafe.Pointer(t))
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
	c.str(skAlias, a.name)
	return c.shapeFromRef(unsafe.Pointer(a))
}

// shapeFrom writes an explicit FROM element or the right side of a join.
func (c *shaper) shapeFrom(f FromClause) bool {
	switch x := canonFrom(f).(type) {
	case *TableClause:
		return c.shapeTable(x)
	case *AliasClause:
		return c.shapeAlias(x)
	case *JoinClause:
		if x.on == nil {
			return false
		}
		c.put2(skJoin, byte(x.kind))
		return c.shapeFrom(x.left) && c.shapeFrom(x.right) && c.shapeExpr(x.on)
	}
	return false
}

// shapeItem writes a SELECT-list item.
func (c *shaper) shapeItem(it SelectItem) bool {
	switch x := it.(type) {
	case *ColumnClause:
		c.put(skItemColumn)
		return c.shapeColumn(x)
	case Expr:
		switch n := canon(x).(type) {
		case nil:
			return false
		case *LabelExpr:
			c.str(skItemLabel, n.name)
			return c.shapeExpr(n.e)
		default:
			// The automatic label (labels.go) depends on the node's kind,
			// its function name and its position, all in the key.
			c.put(skItemExpr)
			return c.shapeNode(n)
		}
	case FromClause:
		// All the columns of the element: their names are part of the
		// text, and the table may have gained columns since the key was
		// stored.
		var t *TableClause
		switch f := canonFrom(x).(type) {
		case *TableClause:
			c.put(skItemTable)
			if !c.shapeTable(f) {
				return false
			}
			t = f
		case *AliasClause:
			c.put(skItemAlias)
			if !c.shapeAlias(f) {
				return false
			}
			t = aliasedTable(f)
		default:
			return false
		}
		c.varint(0, uint64(len(t.columns)))
		for _, col := range t.columns {
			c.varint(0, col.id)
		}
		return true
	}
	return false
}

// shapeColumn writes a column: a table's by its interned names, an
// alias's by the alias and the column name, a standalone one by name.
// Only in the SELECT list does it write the reference to its table or
// alias: the FROM list is derived from there alone.
func (c *shaper) shapeColumn(col *ColumnClause) bool {
	if col.err != nil || col.self == nil {
		return false
	}
	switch {
	case col.from == nil && col.table == nil:
		c.str(skColBare, col.name)
		return true
	case col.from == nil:
		if col.id == 0 {
			return false
		}
		c.varint(skColTable, col.id)
		return !c.refCols || c.shapeFromRef(unsafe.Pointer(col.table))
	}
	a, ok := col.from.(*AliasClause)
	if !ok || aliasedTable(a) == nil {
		return false // a column of a subquery or a CTE
	}
	c.str(skColAlias, a.name)
	c.str(0, col.name)
	return !c.refCols || c.shapeFromRef(unsafe.Pointer(a))
}

// shapeExpr writes an expression operand.
func (c *shaper) shapeExpr(e Expr) bool {
	// The commonest nodes skip canon (see compiler.expr).
	switch x := e.(type) {
	case *ColumnClause:
		return c.shapeColumn(x)
	case *BinaryExpr:
		if x.self != nil {
			c.put2(skBinary, byte(x.op))
			return c.shapeExpr(x.left) && c.shapeOperand(&x.right)
		}
	}
	n := canon(e)
	if n == nil {
		return false
	}
	return c.shapeNode(n)
}

// shapeOperand writes an operand: its expression, or a bound value.
func (c *shaper) shapeOperand(op *operand) bool {
	switch op.x.(type) {
	case string, int, int64, nil: // the usual values, without the interface assertion below
	default:
		if e, ok := op.x.(Expr); ok {
			return c.shapeExpr(e)
		}
	}
	c.put(skBind)
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
		c.put2(skBinary, byte(x.op))
		return c.shapeExpr(x.left) && c.shapeOperand(&x.right)
	case *UnaryExpr:
		c.put2(skUnary, byte(x.op))
		return c.shapeExpr(x.e)
	case *BoolExpr:
		c.varint(skBool, uint64(len(x.items)))
		c.put(boolByte(x.or))
		for _, e := range x.items {
			if !c.shapeExpr(e) {
				return false
			}
		}
		return true
	case *InExpr:
		if x.subquery() != nil || x.values == nil {
			return false
		}
		c.varint(skIn, uint64(len(x.values)))
		c.put(boolByte(x.not))
		if len(x.values) == 0 {
			// A constant condition: the left side is not written, but in
			// the SELECT list its columns still add FROM elements.
			return !c.refCols
		}
		if !c.shapeExpr(x.left) {
			return false
		}
		for i := range x.values {
			if !c.shapeOperand(&x.values[i]) {
				return false
			}
		}
		return true
	case *BetweenExpr:
		c.put2(skBetween, boolByte(x.not))
		return c.shapeExpr(x.left) && c.shapeOperand(&x.lo) && c.shapeOperand(&x.hi)
	case *LabelExpr:
		// Inside an expression a label is its expression.
		c.put(skLabel)
		return c.shapeExpr(x.e)
	case *FuncExpr:
		if x.now {
			c.str(skNow, x.name) // the name is the label
			return true
		}
		c.str(skFunc, x.name)
		c.varint(boolByte(x.distinct)|boolByte(x.star)<<1, uint64(len(x.args)))
		for i := range x.args {
			if !c.shapeOperand(&x.args[i]) {
				return false
			}
		}
		return true
	case *BindParam:
		c.put(skBind)
		c.arg(x.v)
		return true
	case *constExpr:
		c.put2(skConst, byte(x.kind))
		return true
	case *RawExpr:
		c.str(skRaw, x.sql)
		return true
	case *CaseExpr:
		c.varint(skCase, uint64(len(x.whens)))
		c.put(boolByte(x.value != nil) | boolByte(x.els != nil)<<1)
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

// shapeOrderExpr writes an ORDER BY or GROUP BY expression; a label is
// written by its name alone, its expression is not.
func (c *shaper) shapeOrderExpr(e Expr) bool {
	n := canon(e)
	if l, ok := n.(*LabelExpr); ok {
		c.str(skOrderLabel, l.name)
		return true
	}
	if n == nil {
		return false
	}
	c.put(skOrderExpr)
	return c.shapeNode(n)
}

func (c *shaper) shapeOrderItem(it OrderItem) bool {
	switch x := it.(type) {
	case *Ordering:
		c.put2(skOrdering, boolByte(x.desc))
		c.put(byte(x.nulls))
		return c.shapeOrderExpr(x.e)
	case Expr:
		return c.shapeOrderExpr(x)
	}
	return false
}

// shaper writes the fast key of one statement. It lives on the stack of
// Compile: fixed arrays instead of slices, so that a cache hit neither
// takes a compiler from the pool nor stores slice headers.
type shaper struct {
	d       *dialects.Dialect
	refCols bool // columns write their FROM reference: in the SELECT list
	full    bool // the key, the values or the references did not fit
	n       int  // bytes of b written
	nargs   int
	nrefs   int
	refs    [16]unsafe.Pointer // the distinct FROM elements referred to
	args    [16]any            // the bound values, in placeholder order
	b       [200]byte          // the key: the dialect's address, then the shape
}

// keyString returns the key written; it aliases c.
func (c *shaper) keyString() string { return unsafe.String(&c.b[0], c.n) }

// argsCopy returns the bound values in a new slice that belongs to the
// caller.
func (c *shaper) argsCopy() []any {
	args := make([]any, c.nargs)
	copy(args, c.args[:c.nargs])
	return args
}

func (c *shaper) arg(v any) {
	if c.nargs == len(c.args) {
		c.full = true
		return
	}
	c.args[c.nargs] = v
	c.nargs++
}

func (c *shaper) put(x byte) {
	if c.n == len(c.b) {
		c.full = true
		return
	}
	c.b[c.n] = x
	c.n++
}

func (c *shaper) put2(x, y byte) {
	if c.n+2 > len(c.b) {
		c.full = true
		return
	}
	c.b[c.n], c.b[c.n+1] = x, y
	c.n += 2
}

// uvarint writes x as a uvarint.
func (c *shaper) uvarint(x uint64) {
	if c.n+binary.MaxVarintLen64 > len(c.b) {
		c.full = true
		return
	}
	c.n += binary.PutUvarint(c.b[c.n:], x)
}

// varint writes tag, then x as a uvarint.
func (c *shaper) varint(tag byte, x uint64) {
	if x < 0x80 {
		c.put2(tag, byte(x))
		return
	}
	c.put(tag)
	c.uvarint(x)
}

// str writes tag, the length of s and s.
func (c *shaper) str(tag byte, s string) {
	c.varint(tag, uint64(len(s)))
	if c.n+len(s) > len(c.b) {
		c.full = true
		return
	}
	c.n += copy(c.b[c.n:], s)
}
