package alchemy

import (
	"context"
	"database/sql/driver"
	"reflect"
	"sync"
	"time"
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
// A handle with statements still open on it (a *sql.Stmt from db.Prepare
// that last ran on it) is not kept: IsValid answers false, database/sql
// closes it, and the close is the checkin, as before. Its driver
// statements belong to the pooled connection they were prepared on.
//
// Every method but IsValid, ResetSession and Close is the wrapper's,
// promoted through the embedded pointer; database/sql calls them only
// while the handle is checked out, under its own per-connection lock,
// which also orders the swaps of conn.
type lease struct {
	*conn
	c *Connector
}

// IsValid checks the connection in and keeps the handle (see the type's
// doc).
func (l *lease) IsValid() bool {
	cn := l.conn
	if cn == nil {
		return true
	}
	if cn.stmtsOpen > 0 {
		return false
	}
	l.conn = nil
	_ = cn.Close() // a failed reset discards the pooled connection; the handle is still good
	return true
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
	if err := l.c.failures.pending(ctx, false); err != nil {
		return &checkoutError{err}
	}
	cn, err := l.c.checkout(ctx)
	if err != nil {
		l.c.failures.add(ctx, err)
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
	l.conn = nil
	return cn.Close()
}

// checkoutFailures keeps, for a moment, the error of a checkout that
// failed inside ResetSession, keyed by the caller's context (see
// lease.ResetSession). An entry is taken by the Connect that follows, or
// expires: a later call with the same context waits for itself.
type checkoutFailures struct {
	mu      sync.Mutex
	entries []checkoutFailure
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
}

// pending returns the error a checkout under ctx failed with a moment
// ago, if any, removing it when take is set.
func (f *checkoutFailures) pending(ctx context.Context, take bool) error {
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
		}
		if time.Since(e.at) >= failureTTL {
			return nil
		}
		return e.err
	}
	return nil
}
