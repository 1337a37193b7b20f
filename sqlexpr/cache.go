package sqlexpr

import (
	"encoding/binary"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/go-alchemy/alchemy/dialects"
)

// DefaultCacheSize is the number of compiled statements the default
// [Compiler] keeps, SQLAlchemy's query_cache_size.
const DefaultCacheSize = 500

// Compiler compiles statements through a bounded cache of compiled SQL,
// keyed by the dialect and the statement's shape: everything but the
// bound values. Two statements that differ only in values — the name
// compared, the LIMIT, the rows inserted — share one entry and compile
// to the same text, each with its own arguments.
//
// An IN list is part of the shape with its length: x IN ($1, $2) and
// x IN ($1, $2, $3) are two entries (SQLAlchemy expands the list after
// the cache instead; we keep the cached text final, so a hit does no
// string work). The LRU bound keeps lists of many lengths from growing
// the cache.
//
// The key is exact, never a hash: equal keys mean equal shapes. For the
// SELECTs most programs run it is a serialization of the statement
// written straight from its nodes (shape.go); for everything else it is
// the compiler's own sequence of writes, with the values left out
// (compile.go). A hit renders nothing and, for a SELECT compiled once,
// allocates nothing: its arguments are returned in a small buffer inside
// the statement.
//
// A Compiler is safe for concurrent use. The zero value has no cache.
// Dialects must not be modified once used (the dialects package already
// requires it): the cache assumes a *Dialect's fields never change.
type Compiler struct {
	cache atomic.Pointer[lru]
	lint  atomic.Pointer[lintConfig] // nil: LintWarn to slog.Default()
}

// NewCompiler returns a Compiler whose cache holds up to size statements;
// 0 disables the cache.
func NewCompiler(size int) *Compiler {
	c := &Compiler{}
	c.SetCacheSize(size)
	return c
}

var defaultCompiler = NewCompiler(DefaultCacheSize)

// DefaultCompiler returns the Compiler used by [Compile], [Execute], [Query]
// and [QueryRow] (unless the target provides its own; see [Execute]).
func DefaultCompiler() *Compiler { return defaultCompiler }

// SetCacheSize sets how many statements the default compiler's cache
// holds and empties it; 0 turns caching off.
func SetCacheSize(size int) { defaultCompiler.SetCacheSize(size) }

// SetCacheSize replaces c's cache with an empty one of the given size; 0
// turns caching off.
func (c *Compiler) SetCacheSize(size int) {
	if size <= 0 {
		c.cache.Store(nil)
		return
	}
	c.cache.Store(newLRU(size))
}

// CacheStats are counters of a Compiler's cache.
type CacheStats struct {
	Size      int    // entries held now
	Capacity  int    // the most entries held; 0 when caching is off
	Hits      uint64 // compilations answered from the cache
	Misses    uint64 // compilations that rendered and stored the SQL
	Evictions uint64 // entries dropped to stay within Capacity
}

// Stats returns the counters of c's current cache.
func (c *Compiler) Stats() CacheStats {
	l := c.cache.Load()
	if l == nil {
		return CacheStats{}
	}
	return l.stats()
}

// Compile compiles stmt for dialect d with the default compiler: the SQL
// text with the dialect's placeholders ($1, $2, … or ?) and the arguments
// in placeholder order. Values are always bound, never written into the
// text, except those given to [InlineLiteral]. A construct the dialect cannot
// express is a [*CompileError]; a malformed statement is an error
// matching [ErrInvalid]; the first error recorded while the statement
// was built is returned as it is.
func Compile(stmt Statement, d *dialects.Dialect) (sql string, args []any, err error) {
	return defaultCompiler.Compile(stmt, d)
}

// Compile is [Compile] with c's cache. The returned args slice belongs to
// the caller.
func (c *Compiler) Compile(stmt Statement, d *dialects.Dialect) (string, []any, error) {
	l := c.cache.Load()
	s, isSelect := stmt.(*SelectStmt)
	if !isSelect {
		stmt = withClientDefaults(stmt) // an INSERT's; a SELECT has none
	}
	if l == nil || d == nil {
		return c.renderLinted(stmt, d)
	}
	// A key starts with the dialect's address, so that the cache is one
	// map with string keys (hashed by the fast string path); each entry
	// keeps its dialect alive, so the address cannot be reused by another
	// dialect while the entry exists.
	addr := uint64(uintptr(unsafe.Pointer(d)))
	if isSelect && s != nil {
		sh := shaper{d: d}
		sh.start(s)
		sh.put8(addr)
		if sh.shapeSelect(s) {
			key, slot := sh.keyString(), sh.slot()
			if sql, ok := l.getFront(key, slot); ok {
				return sql, sh.argsFor(), nil
			}
			if e := l.getEntry(key); e != nil {
				return e.sql, sh.argsFor(), nil
			}
			sql, rargs, err := c.renderLinted(stmt, d)
			if err == nil && sameArgs(sh.values(), rargs) {
				l.put(d, strings.Clone(key), sql, slot)
			}
			sh.release() // the compiler's arguments are returned
			return sql, rargs, err
		}
		sh.release()
	}
	k := getCompiler(d, true)
	k.buf = binary.LittleEndian.AppendUint64(k.buf, addr)
	k.statement(stmt)
	if k.err != nil {
		err := k.err
		putCompiler(k)
		return "", nil, err
	}
	args := k.argsCopy()
	if sql, ok := l.get(unsafe.String(unsafe.SliceData(k.buf), len(k.buf))); ok {
		putCompiler(k)
		return sql, args, nil
	}
	sql, err := renderText(stmt, d)
	if err == nil {
		err = c.lintStatement(stmt, d)
	}
	if err == nil {
		l.put(d, string(k.buf), sql, -1)
	}
	putCompiler(k)
	if err != nil {
		return "", nil, err
	}
	return sql, args, nil
}

// sameArgs reports whether the values a fast key collected are the
// compiler's, in its order. It is a guard on a miss against a fast key
// that visits values in another order than the compiler (a bug): such
// a key is not stored. Values that cannot be compared with == are
// assumed equal (the fuzz test checks the order with plain ones).
func sameArgs(fast, compiled []any) bool {
	if len(fast) != len(compiled) {
		return false
	}
	for i, a := range fast {
		b := compiled[i]
		if a == nil || b == nil {
			if a != b {
				return false
			}
			continue
		}
		ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
		if ta != tb {
			return false
		}
		if plainKind(ta.Kind()) && a != b {
			return false
		}
	}
	return true
}

// frontSlots is the number of slots in front of an lru (shaper.slot
// depends on it).
const frontSlots = 64

// lru is a least-recently-used map from statement keys to SQL text,
// guarded by one mutex; entries form a doubly linked list, most recent
// at head.
//
// In front of it, for the fast keys of shape.go, a small direct-mapped
// table of recently used entries is read without the lock: a hit there
// is one atomic load and one comparison of keys. The entries it holds
// are not moved to the head of the list on each hit; they are marked
// used, and eviction gives a used entry a second chance instead (CLOCK's
// approximation of LRU). An evicted entry leaves its slot, so the cache
// never holds more than its capacity.
type lru struct {
	front     [frontSlots]atomic.Pointer[entry]
	mu        sync.Mutex
	capacity  int
	entries   map[string]*entry // guarded by mu; keys: see Compile
	head      *entry            // guarded by mu
	tail      *entry            // guarded by mu
	hits      atomic.Uint64
	misses    atomic.Uint64
	evictions atomic.Uint64
}

// entry is a cached statement. Its key begins with the address of its
// dialect; d holds the dialect pointer, which keeps the dialect alive,
// so that its address cannot be reused by another dialect while the
// entry refers to it.
type entry struct {
	key        string
	d          *dialects.Dialect
	sql        string
	prev, next *entry
	slot       int         // its front slot, -1 for a key-mode key
	used       atomic.Bool // hit in the front since it last moved in the list
}

func newLRU(capacity int) *lru {
	return &lru{capacity: capacity, entries: make(map[string]*entry, capacity)}
}

// get looks key up; key may alias a reused buffer, so it is never
// stored.
func (l *lru) get(key string) (string, bool) {
	if e := l.getEntry(key); e != nil {
		return e.sql, true
	}
	return "", false
}

// getEntry is get returning the entry, nil for none.
func (l *lru) getEntry(key string) *entry {
	l.mu.Lock()
	e := l.entries[key]
	if e == nil {
		l.mu.Unlock()
		l.misses.Add(1)
		return nil
	}
	l.moveToFrontLocked(e)
	if e.slot >= 0 {
		l.front[e.slot].Store(e) // under the lock: eviction clears it under the lock too
	}
	l.mu.Unlock()
	l.hits.Add(1)
	return e
}

// getFront looks key up in the front slot given, without the lock.
func (l *lru) getFront(key string, slot int) (string, bool) {
	if e := l.front[slot].Load(); e != nil && e.key == key {
		if !e.used.Load() { // read first: no write to a shared line on every hit
			e.used.Store(true)
		}
		l.hits.Add(1)
		return e.sql, true
	}
	return "", false
}

// put stores sql under key, which begins with the address of d, and
// returns its entry; slot is the key's front slot, -1 for none.
func (l *lru) put(d *dialects.Dialect, key, sql string, slot int) *entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.entries[key]; e != nil {
		l.moveToFrontLocked(e) // another goroutine stored it meanwhile
		return e
	}
	e := &entry{key: key, d: d, sql: sql, slot: slot}
	l.entries[key] = e
	l.pushFrontLocked(e)
	for len(l.entries) > l.capacity {
		old := l.tail
		if old.used.Load() && old != e {
			// Hit in the front since it was last moved: a second
			// chance, as if each of those hits had moved it.
			old.used.Store(false)
			l.moveToFrontLocked(old)
			continue
		}
		l.unlinkLocked(old)
		delete(l.entries, old.key)
		if old.slot >= 0 {
			l.front[old.slot].CompareAndSwap(old, nil)
		}
		l.evictions.Add(1)
	}
	if slot >= 0 {
		l.front[slot].Store(e)
	}
	return e
}

func (l *lru) moveToFrontLocked(e *entry) {
	if l.head == e {
		return
	}
	l.unlinkLocked(e)
	l.pushFrontLocked(e)
}

func (l *lru) pushFrontLocked(e *entry) {
	e.prev, e.next = nil, l.head
	if l.head != nil {
		l.head.prev = e
	}
	l.head = e
	if l.tail == nil {
		l.tail = e
	}
}

func (l *lru) unlinkLocked(e *entry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (l *lru) stats() CacheStats {
	l.mu.Lock()
	n := len(l.entries)
	l.mu.Unlock()
	return CacheStats{Size: n, Capacity: l.capacity, Hits: l.hits.Load(), Misses: l.misses.Load(), Evictions: l.evictions.Load()}
}

// plainKind reports whether values of kind k compare with == without
// a panic (a struct may hold an interface holding a slice).
func plainKind(k reflect.Kind) bool {
	return k >= reflect.Bool && k <= reflect.Complex128 || k == reflect.String || k == reflect.Pointer
}

// renderLinted is render followed by the FROM linter (lint.go).
func (c *Compiler) renderLinted(stmt Statement, d *dialects.Dialect) (string, []any, error) {
	sql, args, err := render(stmt, d)
	if err == nil {
		err = c.lintStatement(stmt, d)
	}
	if err != nil {
		return "", nil, err
	}
	return sql, args, nil
}
