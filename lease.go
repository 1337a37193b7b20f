package alchemy

import (
	"context"
	"database/sql/driver"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-alchemy/alchemy/dialects"
)

// lease is the driver.Conn database/sql holds: a handle that has a pooled
// connection (its wrapper, conn) only while database/sql has it checked
// out. At release database/sql asks IsValid; the lease checks the
// connection into the QueuePool there and answers true, so database/sql
// keeps the empty handle in its idle list, and the next checkout of that
// handle takes a connection from the QueuePool in ResetSession. The
// QueuePool stays the only pool of server connections — an idle handle
// holds none — while database/sql no longer builds and tears down its
// per-connection bookkeeping at every query (about 3,000 instructions
// and four allocations per checkout, measured with callgrind; see the
// Benchmarks section of the README).
//
// Statements prepared on a handle follow it from one pooled connection
// to the next (see leaseStmt).
//
// The statement methods are the wrapper's, reached through the embedded
// pointer once the handle has a connection; database/sql calls them only
// while the handle is checked out, under its own per-connection lock,
// which also orders the swaps of conn. Those database/sql calls first
// check for a connection (ready): a handle database/sql passes from one
// waiter to the next without marking it for reset (a caller that gave up
// while a new connection was being opened for it) gets no ResetSession
// before its next use.
type lease struct {
	*conn
	c *Connector

	ctx   context.Context // the checkout's, from ResetSession, for binding statements in CheckNamedValue
	bound []*leaseStmt    // statements bound to conn in this checkout
	spare *leaseStmt      // a closed statement to reuse (see leaseStmt.Close)

	// A bind that failed in CheckNamedValue, for the execution that
	// follows in the same checkout to return.
	bindFailed *leaseStmt
	bindErr    error
}

// IsValid checks the connection in and keeps the handle (see the type's
// doc).
func (l *lease) IsValid() bool {
	cn := l.conn
	if cn == nil {
		return true
	}
	l.checkin(cn)
	return true
}

// checkin gives up the statements bound to cn and checks it in.
func (l *lease) checkin(cn *conn) {
	l.unbindAll(cn)
	l.conn, l.ctx, l.bindFailed, l.bindErr = nil, nil, nil, nil
	_ = cn.Close() // a failed reset discards the pooled connection; the handle is still good
}

// ready returns the handle's connection, taking one from the QueuePool
// if it has none (see the type's doc).
func (l *lease) ready(ctx context.Context) (*conn, error) {
	if cn := l.conn; cn != nil {
		return cn, nil
	}
	return l.take(ctx)
}

// take is ready's slow path.
func (l *lease) take(ctx context.Context) (*conn, error) {
	if err := l.ResetSession(ctx); err != nil {
		return nil, err
	}
	return l.conn, nil
}

// ResetSession takes a connection from the QueuePool for a handle that
// database/sql takes from its idle list, waiting under the caller's
// context like any checkout. database/sql ignores a ResetSession error
// other than driver.ErrBadConn, and on that one closes the handle and
// tries again — up to twice more on other idle handles, then once with a
// new connection (Connect). So a failed checkout answers ErrBadConn and
// leaves its error for the same context to pick up: the retries on idle
// handles fail at once, and Connect returns the error itself (a pool
// timeout, a dial error) instead of waiting for it again.
func (l *lease) ResetSession(ctx context.Context) error {
	if l.conn != nil {
		return l.conn.ResetSession(ctx)
	}
	l.ctx = ctx
	if err := l.c.failures.pending(ctx, false); err != nil {
		return &checkoutError{err}
	}
	cn, err := l.c.checkout(ctx)
	if err != nil {
		l.c.failures.add(ctx, err)
		l.ctx = nil
		return &checkoutError{err}
	}
	l.conn = cn
	return nil
}

// checkoutError is ResetSession's failure: driver.ErrBadConn to
// database/sql, so that it drops the handle and tries again, and the
// checkout's own error to errors.Is/As and in its text, for the one path
// where database/sql returns it to the caller (with SetMaxOpenConns, a
// handle passed to a caller queued in database/sql).
type checkoutError struct{ err error }

func (e *checkoutError) Error() string   { return e.err.Error() }
func (e *checkoutError) Unwrap() []error { return []error{e.err, driver.ErrBadConn} }

// Close checks in the connection the handle has, if any.
func (l *lease) Close() error {
	cn := l.conn
	if cn == nil {
		return nil
	}
	l.checkin(cn)
	return nil
}

// checkoutFailures keeps, for a moment, the error of a checkout that
// failed inside ResetSession, keyed by the caller's context (see
// lease.ResetSession). An entry is taken by the Connect that follows, or
// expires: a later call with the same context waits for itself.
type checkoutFailures struct {
	mu      sync.Mutex
	entries []checkoutFailure
	// n is len(entries), for the checkouts that find none without taking
	// mu (every checkout asks; entries exist only after a failure). The
	// entry a caller looks for was added by its own goroutine.
	n atomic.Int32
}

type checkoutFailure struct {
	ctx context.Context
	err error
	at  time.Time
}

// failureTTL bounds how long a failed checkout's error waits for its
// Connect: database/sql's retries follow within microseconds.
const failureTTL = 100 * time.Millisecond

// maxFailures bounds the entries kept; beyond it the oldest is dropped,
// which costs only that caller a second wait.
const maxFailures = 64

func comparableCtx(ctx context.Context) bool {
	return ctx != nil && reflect.TypeOf(ctx).Comparable()
}

func (f *checkoutFailures) add(ctx context.Context, err error) {
	if !comparableCtx(ctx) {
		return
	}
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	kept := f.entries[:0]
	for _, e := range f.entries {
		if now.Sub(e.at) < failureTTL && e.ctx != ctx {
			kept = append(kept, e)
		}
	}
	f.entries = kept
	if len(f.entries) == maxFailures {
		f.entries = append(f.entries[:0], f.entries[1:]...)
	}
	f.entries = append(f.entries, checkoutFailure{ctx: ctx, err: err, at: now})
	f.n.Store(int32(len(f.entries)))
}

// pending returns the error a checkout under ctx failed with a moment
// ago, if any, removing it when take is set.
func (f *checkoutFailures) pending(ctx context.Context, take bool) error {
	if f.n.Load() == 0 {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.entries) == 0 || !comparableCtx(ctx) {
		return nil
	}
	for i, e := range f.entries {
		if e.ctx != ctx {
			continue
		}
		if take {
			f.entries = append(f.entries[:i], f.entries[i+1:]...)
			f.n.Store(int32(len(f.entries)))
		}
		if time.Since(e.at) >= failureTTL {
			return nil
		}
		return e.err
	}
	return nil
}

// The entry points database/sql (or a (*sql.Conn).Raw user) calls on a
// checked-out handle, each making sure the handle has a connection first
// (see the type's doc). PrepareContext and Prepare are in leasestmt.go.

// ExecContext implements driver.ExecerContext.
func (l *lease) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cn := l.conn // ready, by hand: every statement comes this way
	if cn == nil {
		var err error
		if cn, err = l.take(ctx); err != nil {
			return nil, err
		}
	}
	return cn.ExecContext(ctx, query, args)
}

// QueryContext implements driver.QueryerContext.
func (l *lease) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cn := l.conn // ready, by hand: every statement comes this way
	if cn == nil {
		var err error
		if cn, err = l.take(ctx); err != nil {
			return nil, err
		}
	}
	return cn.QueryContext(ctx, query, args)
}

// BeginTx implements driver.ConnBeginTx.
func (l *lease) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	cn, err := l.ready(ctx)
	if err != nil {
		return nil, err
	}
	return cn.BeginTx(ctx, opts)
}

// Begin implements driver.Conn.
func (l *lease) Begin() (driver.Tx, error) {
	return l.BeginTx(context.Background(), driver.TxOptions{})
}

// Ping implements driver.Pinger.
func (l *lease) Ping(ctx context.Context) error {
	cn, err := l.ready(ctx)
	if err != nil {
		return err
	}
	return cn.Ping(ctx)
}

// CheckNamedValue implements driver.NamedValueChecker.
func (l *lease) CheckNamedValue(nv *driver.NamedValue) error {
	cn := l.conn
	if cn == nil {
		var err error
		if cn, err = l.take(l.checkoutCtx()); err != nil {
			return err
		}
	}
	return cn.CheckNamedValue(nv)
}

// Exec implements driver.Execer (see conn.Exec).
func (l *lease) Exec(query string, args []driver.Value) (driver.Result, error) {
	cn, err := l.ready(context.Background())
	if err != nil {
		return nil, err
	}
	return cn.Exec(query, args)
}

// Query implements driver.Queryer (see conn.Query).
func (l *lease) Query(query string, args []driver.Value) (driver.Rows, error) {
	cn, err := l.ready(context.Background())
	if err != nil {
		return nil, err
	}
	return cn.Query(query, args)
}

// Unwrap returns the driver's own connection (see conn.Unwrap), or nil
// if no connection could be taken for the handle.
func (l *lease) Unwrap() driver.Conn {
	cn, err := l.ready(l.checkoutCtx())
	if err != nil {
		return nil
	}
	return cn.Unwrap()
}

// Dialect returns the connection's dialect (for (*sql.Conn).Raw users).
func (l *lease) Dialect() *dialects.Dialect { return l.c.dialect }

// checkoutCtx is the context of the checkout in progress, for the calls
// database/sql makes without one.
func (l *lease) checkoutCtx() context.Context {
	if l.ctx != nil {
		return l.ctx
	}
	return context.Background()
}
