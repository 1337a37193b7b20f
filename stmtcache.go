package alchemy

import (
	"container/list"
	"database/sql/driver"
)

// stmtCacheSize bounds the prepared statements kept per pooled
// connection. database/sql re-prepares a *sql.Stmt on every connection
// it runs on, and alchemy hands database/sql a new driver connection at
// every checkout (the QueuePool is the only pool), so without the cache
// each execution of a prepared statement would prepare it on the server
// again. 64 covers the statements a service prepares at start-up; a
// program that prepares more (or prepares generated SQL) evicts the
// least recently used, closing it on the server.
const stmtCacheSize = 64

// stmtCache keeps a pooled connection's prepared statements across
// checkouts, keyed by SQL text. A statement is lent to one *sql.Stmt at
// a time; a second Prepare of the same text while it is lent prepares a
// statement of its own, which is closed on the server when database/sql
// closes it (unless the cache has room). Only the goroutine that has the
// connection checked out touches it, and the pool closes it with the
// connection (closeAll).
type stmtCache struct {
	byQuery map[string]*list.Element // of *cachedStmt
	lru     list.List                // front: most recently returned
}

type cachedStmt struct {
	query string
	raw   driver.Stmt
	lent  bool
	w     stmt          // the wrapper lent with raw (see lendCached)
	owner *conn         // the connection whose cache holds it; nil once evicted
	elem  *list.Element // its place in owner's LRU list
}

// lendCached is PrepareContext's path for SQL the connection has cached:
// it returns the cached statement, lent, or nil when the full path must
// run (nothing cached or free for query, statement caching off, or the
// busy rule to answer). Only SQL that is not transaction control is ever
// cached, so the text needs no second scan, and the wrapper is the one
// kept in the entry: database/sql closes the driver statement it got
// before the entry can be lent again (at the latest when it closes the
// driver connection at checkin), and never uses a closed one, so a
// checkout allocates no wrapper of its own.
func (cn *conn) lendCached(query string) *stmt {
	if cn.noStmts || cn.open > 0 && cn.oneAtATime {
		return nil
	}
	cs := cn.stmts.get(query)
	if cs == nil {
		return nil
	}
	cs.w = stmt{cn: cn, raw: cs.raw, query: cs.query, cached: cs}
	return &cs.w
}

// lendEntry lends cs, an entry of this connection's cache found without
// the lookup by text (a statement bound to it at an earlier checkout, see
// leaseStmt), or returns nil when lendCached's rules say no.
func (cn *conn) lendEntry(cs *cachedStmt) *stmt {
	if cs.owner != cn || cs.lent || cn.noStmts || cn.open > 0 && cn.oneAtATime {
		return nil
	}
	cs.lent = true
	cn.stmts.lru.MoveToFront(cs.elem)
	cs.w = stmt{cn: cn, raw: cs.raw, query: cs.query, cached: cs}
	return &cs.w
}

// get returns the cached statement for query, marked lent, or nil.
func (c *stmtCache) get(query string) *cachedStmt {
	if c.byQuery == nil {
		return nil
	}
	e, ok := c.byQuery[query]
	if !ok {
		return nil
	}
	cs := e.Value.(*cachedStmt)
	if cs.lent {
		return nil
	}
	cs.lent = true
	c.lru.MoveToFront(e)
	return cs
}

// put takes a new statement into the cache, lent, if there is no entry
// for its text; it reports whether it did. It may evict (and close) the
// least recently used statement that is not lent.
func (c *stmtCache) put(owner *conn, query string, raw driver.Stmt) *cachedStmt {
	if c.byQuery == nil {
		c.byQuery = map[string]*list.Element{}
	}
	if _, dup := c.byQuery[query]; dup {
		return nil
	}
	if len(c.byQuery) >= stmtCacheSize {
		for e := c.lru.Back(); e != nil; e = e.Prev() {
			if old := e.Value.(*cachedStmt); !old.lent {
				c.lru.Remove(e)
				delete(c.byQuery, old.query)
				old.raw.Close()
				old.evict()
				break
			}
		}
		if len(c.byQuery) >= stmtCacheSize {
			return nil // every cached statement is lent
		}
	}
	cs := &cachedStmt{query: query, raw: raw, lent: true, owner: owner}
	cs.elem = c.lru.PushFront(cs)
	c.byQuery[query] = cs.elem
	return cs
}

// evict drops the entry's references to its connection: a leaseStmt may
// keep the entry (to find it again without the lookup by text) long after
// the connection is gone.
func (cs *cachedStmt) evict() {
	cs.owner, cs.raw, cs.elem, cs.w = nil, nil, nil, stmt{}
}

// closeAll closes every cached statement (the connection is closing).
func (c *stmtCache) closeAll() {
	for e := c.lru.Front(); e != nil; e = e.Next() {
		cs := e.Value.(*cachedStmt)
		cs.raw.Close()
		cs.evict()
	}
	c.byQuery = nil
	c.lru.Init()
}

// len returns the number of cached statements.
func (c *stmtCache) len() int { return len(c.byQuery) }

// DriverConn returns the underlying driver's own connection from the
// value (*sql.Conn).Raw passes to its function — alchemy's wrapper, or
// a driver connection already — following Unwrap() driver.Conn methods:
//
//	err := sqlConn.Raw(func(dc any) error {
//		pgxConn := alchemy.DriverConn(dc).(*stdlib.Conn).Conn()
//		_, err := pgxConn.CopyFrom(ctx, pgx.Identifier{"t"}, cols, rows)
//		return err
//	})
//
// It returns nil when dc is not a driver.Conn. Work done directly on the
// driver connection is outside alchemy's tracking, so the connection gets
// a ROLLBACK when it goes back to the pool.
func DriverConn(dc any) driver.Conn {
	c, ok := dc.(driver.Conn)
	if !ok {
		return nil
	}
	for range 16 {
		u, ok := c.(interface{ Unwrap() driver.Conn })
		if !ok {
			return c
		}
		c = u.Unwrap()
	}
	return c
}
