package sqlexpr

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-alchemy/alchemy/dialects"
)

// compiler renders one statement for one dialect. It runs in one of two
// modes over the same code path:
//
//   - render mode writes the SQL text into buf and the arguments into
//     args;
//   - key mode writes a cheap encoding of the same sequence of writes into
//     buf — keywords as they are, identifiers and user text length-prefixed
//     behind a tag byte, one tag per bound value — and the bound values
//     into args.
//
// Because both modes run the same code, equal keys mean equal write
// sequences, hence equal SQL text, and the values collected in key mode
// are the arguments in text order. That is what makes the cache safe
// (cache.go): the key cannot forget a field that the text depends on.
// Control flow must therefore never depend on the mode; only the write
// primitives below (ident, userText, bind, bindConst, literal) look at it.
type compiler struct {
	d       *dialects.Dialect
	keyMode bool
	buf     []byte
	args    []any
	err     error

	// Scratch stacks, reused across compilations through compilerPool.
	items  []FromClause // the FROM list of each SELECT being compiled
	leaves []FromClause // the tables etc. those FROM lists cover
	ctes   []*CTE       // the CTEs declared by enclosing statements
	// The distinct FROM elements a fast key refers to (shape.go).
	// bareColumns writes columns without their qualifier (RETURNING on
	// SQLite).
	bareColumns bool
}

// Tags of key-mode tokens. Keywords never contain bytes below 0x20, so a
// key parses back into one sequence of writes.
const (
	tagIdent = 1 + iota
	tagText
	tagBind
	tagConst
	tagNamed // an interned table or column name (intern.go)
)

var compilerPool = sync.Pool{New: func() any { return &compiler{} }}

func getCompiler(d *dialects.Dialect, keyMode bool) *compiler {
	c := compilerPool.Get().(*compiler)
	c.d, c.keyMode, c.err, c.bareColumns = d, keyMode, nil, false
	c.buf, c.args = c.buf[:0], c.args[:0]
	return c
}

func putCompiler(c *compiler) {
	if cap(c.buf) > 64<<10 {
		c.buf = nil // do not pin a huge buffer in the pool
	}
	clear(c.args) // do not keep the caller's values alive
	if cap(c.args) > 1024 {
		c.args = nil
	}
	c.d, c.args = nil, c.args[:0]
	clear(c.items)
	clear(c.leaves)
	clear(c.ctes)
	c.items, c.leaves, c.ctes = c.items[:0], c.leaves[:0], c.ctes[:0]
	compilerPool.Put(c)
}

// render compiles stmt for d without the cache.
func render(stmt Statement, d *dialects.Dialect) (string, []any, error) {
	if d == nil {
		return "", nil, invalidf("Compile: nil dialect")
	}
	stmt = withClientDefaults(stmt)
	c := getCompiler(d, false)
	c.statement(stmt)
	if err := c.err; err != nil {
		putCompiler(c)
		return "", nil, err
	}
	sql, args := string(c.buf), c.argsCopy()
	putCompiler(c)
	return sql, args, nil
}

// argsCopy returns the collected arguments in a new slice of their
// exact length, which belongs to the caller (never nil).
func (c *compiler) argsCopy() []any {
	args := make([]any, len(c.args))
	for i, a := range c.args { // cheaper than copy for a few values
		args[i] = a
	}
	return args
}

// renderText is render without the arguments.
func renderText(stmt Statement, d *dialects.Dialect) (string, error) {
	c := getCompiler(d, false)
	c.statement(stmt)
	sql, err := string(c.buf), c.err
	putCompiler(c)
	if err != nil {
		return "", err
	}
	return sql, nil
}

func (c *compiler) setErr(err error) {
	if c.err == nil {
		c.err = err
	}
}

// fail records a CompileError for a construct d cannot express.
func (c *compiler) fail(construct string) {
	c.setErr(&CompileError{Dialect: c.d.Name, Construct: construct})
}

// kw writes SQL text that comes from the compiler or the dialect, never
// from the user.
func (c *compiler) kw(s string) {
	// Reslicing in place stores only the length: append would store the
	// buffer pointer too, a write barrier while the GC runs.
	if n := len(c.buf); len(s) <= cap(c.buf)-n {
		c.buf = c.buf[:n+len(s)]
		copy(c.buf[n:], s)
		return
	}
	c.buf = append(c.buf, s...)
}

// ident writes an identifier, quoted where the dialect needs it.
func (c *compiler) ident(name string) {
	if c.keyMode {
		c.token(tagIdent, name)
		return
	}
	q, err := c.d.QuoteIdent(name)
	if err != nil {
		c.setErr(fmt.Errorf("sqlexpr: %w", err))
		return
	}
	c.buf = append(c.buf, q...)
}

// quotedIdent is a name as a dialect writes it.
type quotedIdent struct {
	d *dialects.Dialect
	s string
}

// cachedIdent is ident for the name of a table or of a table's column,
// which never changes: p keeps the name as the dialect that last wrote
// it writes it, so that compiling the table's statements again quotes
// nothing (deciding to quote looks the name up among the reserved
// words, most of an uncached compilation's time). Dialects are not
// modified once used, so the text depends on the dialect's address and
// the name alone.
func (c *compiler) cachedIdent(p *atomic.Pointer[quotedIdent], name string) {
	if c.keyMode {
		c.token(tagIdent, name)
		return
	}
	q, err := quoteCached(p, c.d, name)
	if err != nil {
		c.setErr(fmt.Errorf("sqlexpr: %w", err))
		return
	}
	c.kw(q)
}

// quoteCached returns name as d writes it, from p when d wrote it last.
func quoteCached(p *atomic.Pointer[quotedIdent], d *dialects.Dialect, name string) (string, error) {
	if q := p.Load(); q != nil && q.d == d {
		return q.s, nil
	}
	q, err := d.QuoteIdent(name)
	if err != nil {
		return "", err
	}
	p.Store(&quotedIdent{d: d, s: q})
	return q, nil
}

// userText writes SQL text the user supplied (Text, LiteralColumn, a
// function name, a type's CAST target).
func (c *compiler) userText(s string) {
	if c.keyMode {
		c.token(tagText, s)
		return
	}
	c.buf = append(c.buf, s...)
}

func (c *compiler) token(tag byte, s string) {
	c.varint(tag, uint64(len(s)))
	c.kw(s)
}

// varint writes tag and then x as a uvarint, in place when the buffer
// has room (see kw).
func (c *compiler) varint(tag byte, x uint64) {
	const most = 1 + binary.MaxVarintLen64
	if n := len(c.buf); x < 0x80 && cap(c.buf)-n >= 2 { // one byte
		c.buf = c.buf[:n+2]
		c.buf[n], c.buf[n+1] = tag, byte(x)
		return
	}
	if cap(c.buf)-len(c.buf) < most {
		c.buf = slices.Grow(c.buf, most)
	}
	n := len(c.buf)
	c.buf = c.buf[:n+most]
	c.buf[n] = tag
	k := binary.PutUvarint(c.buf[n+1:], x)
	c.buf = c.buf[:n+1+k]
}

// named writes, in key mode, the interned number of a table or column
// name in place of the names, and reports whether it did.
func (c *compiler) named(id uint64) bool {
	if !c.keyMode || id == 0 {
		return false
	}
	c.varint(tagNamed, id)
	return true
}

// bind writes a placeholder for v and adds v to the arguments.
func (c *compiler) bind(v any) {
	c.args = append(c.args, v)
	if c.keyMode {
		c.buf = append(c.buf, tagBind)
		return
	}
	c.placeholder()
}

// bindConst binds a value the compiler chose (SQLite's LIMIT -1): it is
// part of the key, so a hit returns it among the arguments.
func (c *compiler) bindConst(v int64) {
	c.args = append(c.args, v)
	if c.keyMode {
		c.buf = append(c.buf, tagConst)
		c.buf = strconv.AppendInt(c.buf, v, 10)
		c.buf = append(c.buf, ':')
		return
	}
	c.placeholder()
}

func (c *compiler) placeholder() {
	if c.d.Placeholder == dialects.Dollar {
		c.buf = append(c.buf, '$')
		c.buf = strconv.AppendInt(c.buf, int64(len(c.args)), 10)
		return
	}
	c.buf = append(c.buf, '?')
}

// literal writes v as a SQL literal (see Literal).
func (c *compiler) literal(v any) {
	s, err := c.literalText(v)
	if err != nil {
		c.setErr(err)
		return
	}
	c.userText(s)
}

func (c *compiler) literalText(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "NULL", nil
	case bool:
		if x {
			return c.d.SQL.TrueLiteral, nil
		}
		return c.d.SQL.FalseLiteral, nil
	case string:
		if strings.IndexByte(x, 0) >= 0 {
			return "", invalidf("Literal: a string with a NUL byte cannot be written as a literal; bind it")
		}
		return c.d.QuoteString(x), nil
	case int:
		return strconv.FormatInt(int64(x), 10), nil
	case int8:
		return strconv.FormatInt(int64(x), 10), nil
	case int16:
		return strconv.FormatInt(int64(x), 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case float32:
		return floatLiteral(float64(x))
	case float64:
		return floatLiteral(x)
	}
	return "", invalidf("Literal: no literal form for a value of type %T; bind it", v)
}

func floatLiteral(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", invalidf("Literal: %v has no SQL literal form", f)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0" // keep it a float: 2 / 1.0
	}
	return s, nil
}

// statement dispatches on the statement kind.
func (c *compiler) statement(stmt Statement) {
	if nilStatement(stmt) {
		c.setErr(invalidf("Compile: nil %T", stmt))
		return
	}
	switch s := stmt.(type) {
	case *SelectStmt:
		c.selectStmt(s, false)
	case *CompoundSelect:
		c.compound(s, false)
	case *InsertStmt:
		c.insert(s)
	case *UpdateStmt:
		c.update(s)
	case *DeleteStmt:
		c.delete(s)
	case *TextClause:
		c.text(s)
	case nil:
		c.setErr(invalidf("Compile: nil statement"))
	default:
		c.setErr(invalidf("Compile: unknown statement %T", stmt))
	}
}

// nilStatement reports whether stmt is a nil pointer of a statement type
// (a nil interface is reported by the callers' own case).
func nilStatement(stmt Statement) bool {
	switch s := stmt.(type) {
	case *SelectStmt:
		return s == nil
	case *CompoundSelect:
		return s == nil
	case *InsertStmt:
		return s == nil
	case *UpdateStmt:
		return s == nil
	case *DeleteStmt:
		return s == nil
	case *TextClause:
		return s == nil
	}
	return false
}

// query compiles a nested SELECT or compound. correlate says whether
// it may correlate to the enclosing SELECTs (a scalar, EXISTS or IN
// subquery may; a FROM subquery or a CTE may not).
func (c *compiler) query(q SelectBase, correlate bool) {
	bare := c.bareColumns
	c.bareColumns = false
	defer func() { c.bareColumns = bare }()
	if nilStatement(q) {
		c.setErr(invalidf("nil subquery %T", q))
		return
	}
	switch s := q.(type) {
	case *SelectStmt:
		c.selectStmt(s, correlate)
	case *CompoundSelect:
		c.compound(s, correlate)
	case nil:
		c.setErr(invalidf("nil subquery"))
	default:
		c.setErr(invalidf("unknown query %T", q))
	}
}

// text writes a TextClause, numbering its placeholders.
func (c *compiler) text(t *TextClause) {
	if c.keyMode && t.values == nil && strings.IndexByte(t.sql, ':') < 0 {
		// The text, the dialect and the argument count determine the
		// rendering below; splitting here would only cost time. A text
		// that may have :name parameters is split in both modes, so that
		// the arguments are collected alike.
		c.userText(t.sql)
		for _, a := range t.args {
			c.bind(a)
		}
		return
	}
	parts := splitText(t.sql, c.d.BackslashEscapes)
	n := 0
	for _, p := range parts {
		if p.ph {
			n++
		}
	}
	if n != len(t.args) {
		c.setErr(invalidf("Text has %d placeholders but %d arguments: %q (write one ? per argument, "+
			"or :name parameters with their values in a Params)", n, len(t.args), t.sql))
		return
	}
	i := 0
	for _, p := range parts {
		c.userText(p.sql)
		switch {
		case p.ph:
			c.bind(t.args[i])
			i++
		case p.name != "":
			typ := t.binds[p.name]
			if v, ok := t.values[p.name]; ok {
				if typ != nil {
					v = bindValue(typ, v)
				}
				c.bind(v)
			} else {
				c.bind(paramRef{name: p.name, typ: typ})
			}
		}
	}
}
