package alchemy

import (
	"context"
	"database/sql/driver"
	"errors"
)

var errStmtClosed = errors.New("alchemy: the prepared statement is closed")

// leaseStmt is the driver.Stmt database/sql holds for a statement
// prepared on a lease (db.Prepare, tx.Prepare, conn.PrepareContext, and
// the prepare database/sql makes itself for a driver that wants every
// statement with arguments prepared). database/sql keeps a driver
// statement per driver connection for as long as both live, and the
// lease outlives its pooled connections, so the statement cannot be tied
// to one: between checkouts it is only SQL text, and at its first use in
// a checkout it is bound to the pooled connection the lease then has —
// lent from that connection's statement cache (no round trip), or
// prepared on it. At checkin every bound statement is unbound while the
// connection is still the lease's: a lent one goes back to the cache, an
// uncached one is closed on the server. So the server keeps at most the
// cache's statements per connection, a closed *sql.Stmt frees its cache
// entry for the next, and a handle with statements prepared on it stays
// in database/sql's idle list like any other (before, it was closed at
// every release and the statement prepared again at the next checkout).
//
// database/sql calls a driver statement only under its driver
// connection's lock, which also orders the lease's checkouts and
// checkins, so no field needs a lock of its own.
type leaseStmt struct {
	l        *lease
	query    string
	numInput int
	bound    boundStmt   // on l.conn; nil between checkouts
	idx      int         // index in l.bound while bound
	last     *cachedStmt // the cache entry last lent to it, to lend again without the lookup by text
	closed   bool
}

// boundStmt is what the wrapper's PrepareContext returns: *stmt, or
// *textStmt for a transaction pooler.
type boundStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
	driver.NamedValueChecker
	// unbind gives the statement up at checkin: back to the cache, or
	// closed on the server unless the connection is broken (it is
	// discarded then, and its statements with it).
	unbind(broken bool)
}

// PrepareContext prepares on the lease's pooled connection and returns a
// statement that follows the lease across checkouts (see leaseStmt).
func (l *lease) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	cn := l.conn // ready, by hand: MySQL prepares every statement with arguments
	if cn == nil {
		var err error
		if cn, err = l.take(ctx); err != nil {
			return nil, err
		}
	}
	s, err := cn.prepareBound(ctx, query)
	if err != nil {
		return nil, err
	}
	ls := l.spare
	if ls != nil {
		l.spare = nil
	} else {
		ls = new(leaseStmt)
	}
	*ls = leaseStmt{l: l, query: query, numInput: s.NumInput()}
	l.bind(ls, s)
	return ls, nil
}

// Prepare implements driver.Conn.
func (l *lease) Prepare(query string) (driver.Stmt, error) {
	return l.PrepareContext(context.Background(), query)
}

func (l *lease) bind(ls *leaseStmt, s boundStmt) {
	if w, ok := s.(*stmt); ok && w.cached != nil {
		ls.last = w.cached
	}
	ls.bound = s
	ls.idx = len(l.bound)
	l.bound = append(l.bound, ls)
}

// unbindAll gives up every statement bound in this checkout; cn is the
// connection they are bound to, still the lease's.
func (l *lease) unbindAll(cn *conn) {
	if len(l.bound) == 0 {
		return
	}
	broken := cn.isBroken()
	for i, ls := range l.bound {
		ls.bound.unbind(broken)
		ls.bound = nil
		l.bound[i] = nil
	}
	l.bound = l.bound[:0]
}

// stmt returns the statement bound on the lease's current connection,
// binding it first if this checkout has not used it yet.
func (ls *leaseStmt) stmt(ctx context.Context) (boundStmt, error) {
	if ls.bound != nil {
		return ls.bound, nil
	}
	if ls.closed {
		return nil, errStmtClosed // database/sql never uses a closed statement; a Raw user may
	}
	if l := ls.l; l.bindFailed == ls {
		err := l.bindErr
		l.bindFailed, l.bindErr = nil, nil
		return nil, err
	}
	cn, err := ls.l.ready(ctx)
	if err != nil {
		return nil, err
	}
	var s boundStmt
	if last := ls.last; last != nil {
		if w := cn.lendEntry(last); w != nil {
			s = w // the same pooled connection as last time, its entry free: the usual case
		}
	}
	if s == nil {
		if s, err = cn.prepareBound(ctx, ls.query); err != nil {
			return nil, err
		}
	}
	ls.l.bind(ls, s)
	return s, nil
}

// Close implements driver.Stmt. A bound statement is given up at once
// (back to the cache, or closed on the server); an unbound one holds
// nothing.
func (ls *leaseStmt) Close() error {
	if ls.closed {
		return nil
	}
	ls.closed = true
	l := ls.l
	var err error
	if s := ls.bound; s != nil {
		// database/sql also closes statements of a connection it is
		// discarding (driver.ErrBadConn), before the lease's Close: a
		// broken connection's statements go with it, unsent.
		if cn := l.conn; cn != nil && cn.isBroken() {
			s.unbind(true)
		} else {
			err = s.Close()
		}
		ls.bound = nil
		last := len(l.bound) - 1
		moved := l.bound[last]
		l.bound[ls.idx] = moved
		moved.idx = ls.idx
		l.bound[last] = nil
		l.bound = l.bound[:last]
	}
	if l.bindFailed == ls {
		l.bindFailed, l.bindErr = nil, nil
	}
	if l.spare == nil {
		// database/sql never touches a driver statement after closing
		// it, so the next PrepareContext on this lease (for a driver
		// that prepares every statement with arguments, each query) can
		// reuse it instead of allocating.
		l.spare = ls
	}
	return err
}

// NumInput implements driver.Stmt: the count the statement was first
// prepared with (the same SQL prepares alike on every connection).
func (ls *leaseStmt) NumInput() int { return ls.numInput }

// CheckNamedValue implements driver.NamedValueChecker with the bound
// statement's rules. database/sql calls it before the execution, without
// a context: the statement is bound under the checkout's. If that fails,
// the connection's own checker decides, and the error waits for the
// execution that follows, which returns it as it is (so one execution
// makes one attempt to prepare, and the caller sees the driver's error
// rather than database/sql's "converting argument" wrapping of it).
func (ls *leaseStmt) CheckNamedValue(nv *driver.NamedValue) error {
	l := ls.l
	if ls.bound == nil && l.bindFailed != ls {
		if _, err := ls.stmt(l.checkoutCtx()); err != nil {
			l.bindFailed, l.bindErr = ls, err
		}
	}
	if s := ls.bound; s != nil {
		return s.CheckNamedValue(nv)
	}
	if cn := l.conn; cn != nil {
		return cn.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// ExecContext implements driver.StmtExecContext.
func (ls *leaseStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s, err := ls.stmt(ctx)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args)
}

// QueryContext implements driver.StmtQueryContext.
func (ls *leaseStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s, err := ls.stmt(ctx)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args)
}

// Exec implements driver.Stmt.
func (ls *leaseStmt) Exec(args []driver.Value) (driver.Result, error) {
	s, err := ls.stmt(context.Background())
	if err != nil {
		return nil, err
	}
	return s.Exec(args) //nolint:staticcheck // forwarding the legacy interface
}

// Query implements driver.Stmt.
func (ls *leaseStmt) Query(args []driver.Value) (driver.Rows, error) {
	s, err := ls.stmt(context.Background())
	if err != nil {
		return nil, err
	}
	return s.Query(args) //nolint:staticcheck // forwarding the legacy interface
}

var (
	_ driver.StmtExecContext   = (*leaseStmt)(nil)
	_ driver.StmtQueryContext  = (*leaseStmt)(nil)
	_ driver.NamedValueChecker = (*leaseStmt)(nil)
	_ boundStmt                = (*stmt)(nil)
	_ boundStmt                = (*textStmt)(nil)
)
