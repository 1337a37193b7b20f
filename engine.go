package alchemy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// Engine is the entry point of an application: a parsed URL, a dialect
// and a *sql.DB whose connections come from one [QueuePool].
//
// Creating an Engine opens no connection; the first Connect, Begin or
// statement does, and an unreachable server is reported then. An Engine
// is safe for concurrent use; create one per database and share it.
type Engine struct {
	connector *Connector
	db        *sql.DB
	replicas  *replicaSet // ReadReplicas; nil without
	readOnly  bool        // a replica's engine: writes it gets are refused by the server
	closed    atomic.Bool
	enders    enders // goroutines for COMMITs and ROLLBACKs a caller may stop waiting for
}

// CreateEngine parses url, applies opts (which override the URL's pool
// settings) and returns an Engine. No connection is opened.
//
//	eng, err := alchemy.CreateEngine("postgresql://john:secret@localhost/app",
//		alchemy.PoolSize(10), alchemy.MaxOverflow(5), alchemy.PoolRecycle(time.Hour))
func CreateEngine(url string, opts ...Option) (*Engine, error) {
	u, err := ParseURL(url)
	if err != nil {
		return nil, err
	}
	c, s, err := buildConnector(u, true, opts...)
	if err != nil {
		return nil, err
	}
	e := newEngine(c)
	if len(s.replicas) > 0 {
		if e.replicas, err = newReplicaSet(e, s, s.replicas, opts); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

// engineIdleHandles bounds the empty handles an Engine's *sql.DB keeps
// idle (a few hundred bytes each, no server connection).
const engineIdleHandles = 1024

func newEngine(c *Connector) *Engine {
	db := sql.OpenDB(c)
	// The QueuePool is the only pool of connections: database/sql sets no
	// limit of its own, and its idle list holds empty handles (lease.go),
	// kept so that a checkout does not rebuild database/sql's
	// bookkeeping. There are never more handles than callers at once.
	db.SetMaxIdleConns(engineIdleHandles)
	return &Engine{connector: c, db: db}
}

// DB returns the engine's *sql.DB, for code written against
// database/sql. Closing it closes the engine.
func (e *Engine) DB() *sql.DB { return e.db }

// Pool returns the engine's pool.
func (e *Engine) Pool() *QueuePool { return e.connector.pool }

// Dialect returns the engine's dialect.
func (e *Engine) Dialect() *dialects.Dialect { return e.connector.dialect }

// URL returns a copy of the engine's URL.
func (e *Engine) URL() *URL { return e.connector.URL() }

// String returns "Engine(<url with the password masked>)".
func (e *Engine) String() string { return "Engine(" + e.connector.url.String() + ")" }

// Dispose closes the pool's idle connections; connections checked out
// now are closed when they come back, and new ones are opened on demand.
// Use it after a fork, a failover or a credentials change.
func (e *Engine) Dispose() { e.connector.pool.Dispose() }

// Close closes the engine: its *sql.DB and its pool, and its replicas'.
func (e *Engine) Close() error {
	e.closed.Store(true)
	e.enders.close()
	err := e.db.Close()
	if e.replicas != nil {
		err = errors.Join(err, e.replicas.close())
	}
	return err
}

// ExecContext runs a statement on a pooled connection in autocommit mode
// (as database/sql does), for code that takes any *sql.DB-like target.
func (e *Engine) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := e.db.ExecContext(ctx, query, args...)
	return res, e.wrap(err)
}

// QueryContext runs a query on a pooled connection, as (*sql.DB).QueryContext.
func (e *Engine) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := e.db.QueryContext(ctx, query, args...)
	return rows, e.wrap(err)
}

// wrap gives err its kind (errors.Is(err, ErrUniqueViolation), …) and
// turns database/sql's "database is closed" into ErrPoolClosed.
func (e *Engine) wrap(err error) error {
	if err == nil {
		return nil
	}
	if e.closed.Load() && !errors.Is(err, ErrPoolClosed) {
		return fmt.Errorf("%w: the engine was closed (%v)", ErrPoolClosed, err)
	}
	return e.Dialect().Wrap(err)
}

// QueryRowContext runs a query expected to return one row. It returns
// database/sql's *sql.Row, so the Engine can stand in for a *sql.DB; its
// Scan errors are the driver's (classify them with [KindOf]). Conn's
// QueryRowContext gives kinds.
func (e *Engine) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return e.db.QueryRowContext(ctx, query, args...)
}

// BeginTx starts a database/sql transaction on a pooled connection.
func (e *Engine) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	tx, err := e.db.BeginTx(ctx, opts)
	return tx, e.wrap(err)
}

// Connect checks out a connection for a unit of work in SQLAlchemy's
// "commit as you go" style: the first statement begins a transaction,
// Commit or Rollback ends it, the next statement begins another, and
// Close rolls back whatever was not committed before the connection goes
// back to the pool. ctx bounds the checkout only.
func (e *Engine) Connect(ctx context.Context) (*Conn, error) {
	sc, err := e.conn(ctx)
	if err != nil {
		return nil, err
	}
	return &Conn{engine: e, sc: sc}, nil
}

// conn checks out a database/sql connection for a Conn and sets its
// wrapper to run one statement at a time on every dialect, so that a
// statement sent while rows are open is refused with ErrConnBusy (the
// transaction goes on) instead of breaking the connection.
func (e *Engine) conn(ctx context.Context) (*sql.Conn, error) {
	if e.closed.Load() {
		return nil, fmt.Errorf("%w: the engine was closed", ErrPoolClosed)
	}
	sc, err := e.db.Conn(ctx)
	if err != nil {
		return nil, e.wrap(err)
	}
	_ = sc.Raw(func(dc any) error {
		if l, ok := dc.(*lease); ok && l.conn != nil {
			l.conn.oneAtATime = true
		}
		return nil
	})
	return sc, nil
}

// Begin runs fn inside a transaction on its own connection: commit when
// fn returns nil, roll back when it returns an error or panics (the
// panic continues after the rollback). The connection goes back to the
// pool either way. Use [Engine.BeginTx] options through [Engine.BeginWith].
func (e *Engine) Begin(ctx context.Context, fn func(*Conn) error) error {
	return e.BeginWith(ctx, nil, fn)
}

// BeginWith is Begin with transaction options (isolation level,
// read-only). With [ReadReplicas], a read-only transaction runs on a
// replica (see [Engine.Reader]); a replica that cannot be reached, or
// whose server is found gone at BEGIN, is skipped for a while and the
// transaction runs on the next one, or on the primary.
func (e *Engine) BeginWith(ctx context.Context, opts *sql.TxOptions, fn func(*Conn) error) (err error) {
	if e.replicas != nil && opts != nil && opts.ReadOnly {
		for range len(e.replicas.members) {
			r := e.Reader(ctx)
			if r == e {
				break
			}
			var ran bool
			err := r.beginWith(ctx, opts, fn, &ran)
			markDown, reroute := replicaUnusable(r.Dialect(), err, ran)
			if markDown {
				e.replicas.failed(r)
			}
			if reroute {
				continue
			}
			return err
		}
	}
	err = e.beginWith(ctx, opts, fn, nil)
	if err == nil && (opts == nil || !opts.ReadOnly) {
		noteWrite(ctx)
	}
	return err
}

// replicaUnusable says what a read-only transaction's error on a
// replica means: markDown, the replica could not be reached or its
// server went away (a stopped standby closes its sessions, and a pooled
// connection learns that only at its next BEGIN), so it is skipped for a
// while; reroute, fn had not run yet, so the transaction moves to the
// next replica or the primary. Once fn has run, its error is the
// caller's: running fn again is BeginRetry's decision, not BeginWith's.
func replicaUnusable(d *dialects.Dialect, err error, ran bool) (markDown, reroute bool) {
	if err == nil {
		return false, false
	}
	var ce *ConnectError
	if errors.As(err, &ce) {
		return true, !ran
	}
	return d.ServerGone(err), !ran && d.Disconnected(err)
}

// beginWith runs fn in a transaction on e's pool; *ran (if not nil)
// reports whether fn was called.
func (e *Engine) beginWith(ctx context.Context, opts *sql.TxOptions, fn func(*Conn) error, ran *bool) (err error) {
	c, err := e.Connect(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = c.Close() // rolls back
			panic(p)
		}
		// After a COMMIT whose context ended, Close does not wait: the
		// connection goes back to the pool when the server answers.
		if cerr := c.Close(); err == nil {
			err = cerr
		}
	}()
	if err := c.BeginTx(ctx, opts); err != nil {
		return err
	}
	if ran != nil {
		*ran = true
	}
	if err := fn(c); err != nil {
		// With ctx ended (often why fn failed) the deferred Close rolls
		// back instead, bounded by CloseTimeout.
		if ctx.Err() == nil {
			if rbErr := c.Rollback(ctx); rbErr != nil {
				return errors.Join(err, fmt.Errorf("alchemy: rollback after error: %w", rbErr))
			}
		}
		return err
	}
	return c.Commit(ctx)
}

// ErrTransactionActive is returned by [Conn.BeginTx] when a transaction is
// already open on the connection (begun explicitly or by a statement).
var ErrTransactionActive = errors.New("alchemy: a transaction is already begun on this connection; commit or roll it back first")

// ErrConnClosed is returned for any use of a [Conn] after Close.
var ErrConnClosed = errors.New("alchemy: connection is closed")

// ErrPendingRollback is returned for statements on a [Conn] whose
// transaction failed because the connection was lost: call Rollback, and
// the next statement runs on a fresh connection.
var ErrPendingRollback = errors.New("alchemy: the connection was invalidated inside a transaction; call Rollback before proceeding")

// Conn is one connection of an [Engine], used by one goroutine at a time.
// Statements run inside a transaction that the first statement begins
// (SQLAlchemy's autobegin); Commit and Rollback end it; Close rolls back
// what is left and returns the connection to the pool.
//
// Every method that sends a statement takes a context first — Commit
// and Rollback too, whose context bounds the wait for the server's
// answer. Close takes none, so that defer c.Close() works and a Conn is
// an io.Closer; the ROLLBACK it may send is bounded by [CloseTimeout].
type Conn struct {
	engine *Engine

	mu           sync.Mutex
	sc           *sql.Conn
	tx           *sql.Tx
	savepoints   []string // open savepoint names, innermost last
	savepointSeq int      // never reset for the Conn's life, as SQLAlchemy
	invalid      bool     // lost the connection inside a transaction
	closed       bool
	txOpts       *sql.TxOptions // ExecutionOptions: for transactions begun without options
	// busy is closed when a COMMIT or ROLLBACK still running after its
	// caller stopped waiting (its context ended) returns; nil when none
	// runs. Statements wait for it; Close leaves sc to it.
	busy chan struct{}
}

// CloseTimeout bounds the ROLLBACK that [Conn.Close] sends for a
// transaction left open. database/sql's Tx.Rollback takes no context,
// so Close waits this long for the server's answer and then returns an
// error saying so; the connection goes back to the pool (or is
// discarded) when the server answers or the connection breaks.
const CloseTimeout = 5 * time.Second

// closeTimeout is CloseTimeout; tests shorten it.
var closeTimeout = CloseTimeout

// lockIdle locks c.mu once no COMMIT or ROLLBACK left running in the
// background holds the connection, or returns ctx's error when ctx ends
// first (c.mu is then not held).
func (c *Conn) lockIdle(ctx context.Context) error {
	for {
		c.mu.Lock()
		busy := c.busy
		if busy == nil {
			return nil
		}
		c.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return fmt.Errorf("alchemy: waiting for the COMMIT or ROLLBACK still running on this connection: %w", ctx.Err())
		}
	}
}

// endResult is the outcome of a COMMIT or ROLLBACK run by startLocked:
// its own error, and the error of closing the connection when Close was
// called while it ran.
type endResult struct {
	err, closeErr error
}

// startLocked runs end (tx.Commit or tx.Rollback) on another goroutine
// (one the engine keeps, see enders), so that the caller can stop
// waiting for the server, and marks c busy
// until it returns. c.mu must be held. When Close was called meanwhile,
// the goroutine closes the connection (returning it to the pool).
func (c *Conn) startLocked(end func() error) <-chan endResult {
	busy := make(chan struct{})
	res := make(chan endResult, 1)
	c.busy = busy
	c.engine.enders.run(func() {
		var r endResult
		r.err = end()
		c.mu.Lock()
		c.busy = nil
		var sc *sql.Conn
		if c.closed {
			sc, c.sc = c.sc, nil
		}
		c.mu.Unlock()
		if sc != nil {
			r.closeErr = sc.Close()
		}
		res <- r
		close(busy)
	})
	return res
}

// ExecutionOptions are a Conn's options for the transactions it begins
// from now on (SQLAlchemy's Connection.execution_options): autobegun
// ones, and BeginTx without options. The zero value means the engine's
// defaults (its isolation_level, read-write).
type ExecutionOptions struct {
	IsolationLevel sql.IsolationLevel
	ReadOnly       bool
}

// ExecutionOptions sets the Conn's options for the transactions it begins
// from now on. Like SQLAlchemy, it refuses to change them while a
// transaction is open (ErrTransactionActive): the open one keeps its own.
func (c *Conn) ExecutionOptions(o ExecutionOptions) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usableLocked(); err != nil {
		return err
	}
	if c.tx != nil {
		return ErrTransactionActive
	}
	if o == (ExecutionOptions{}) {
		c.txOpts = nil
		return nil
	}
	c.txOpts = &sql.TxOptions{Isolation: o.IsolationLevel, ReadOnly: o.ReadOnly}
	return nil
}

// Dialect returns the engine's dialect.
func (c *Conn) Dialect() *dialects.Dialect { return c.engine.Dialect() }

// Engine returns the engine the connection came from.
func (c *Conn) Engine() *Engine { return c.engine }

// InTransaction reports whether a transaction is open.
func (c *Conn) InTransaction() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tx != nil
}

// InNestedTransaction reports whether a savepoint is open.
func (c *Conn) InNestedTransaction() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.savepoints) > 0
}

// BeginTx begins a transaction explicitly, with options. It fails with
// ErrTransactionActive when one is already open.
func (c *Conn) BeginTx(ctx context.Context, opts *sql.TxOptions) error {
	if err := c.lockIdle(ctx); err != nil {
		return err
	}
	defer c.mu.Unlock()
	if err := c.usableLocked(); err != nil {
		return err
	}
	if c.tx != nil {
		return ErrTransactionActive
	}
	return c.beginLocked(ctx, opts)
}

// beginLocked begins a transaction that lives until Commit, Rollback or
// Close: it is detached from ctx's cancellation, because database/sql
// rolls a transaction back when its context ends and the context of one
// statement must not decide the fate of the next ones.
func (c *Conn) beginLocked(ctx context.Context, opts *sql.TxOptions) error {
	if c.sc == nil {
		sc, err := c.engine.conn(ctx)
		if err != nil {
			return err
		}
		c.sc = sc
	}
	if opts == nil {
		opts = c.txOpts
	}
	tx, err := c.sc.BeginTx(context.WithoutCancel(ctx), opts)
	if err != nil {
		// No transaction was open, so there is nothing to roll back: a
		// lost connection is let go, and the next statement takes a
		// fresh one. (c.mu is held: checkErr would lock it again.)
		if c.engine.Dialect().Disconnected(err) {
			_ = c.sc.Close()
			c.sc = nil
		}
		return c.engine.wrap(err)
	}
	c.tx = tx
	return nil
}

func (c *Conn) usableLocked() error {
	if c.closed {
		return ErrConnClosed
	}
	if c.invalid {
		return ErrPendingRollback
	}
	return nil
}

// txFor returns the open transaction, beginning one if needed.
func (c *Conn) txFor(ctx context.Context) (*sql.Tx, error) {
	if err := c.lockIdle(ctx); err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	if err := c.usableLocked(); err != nil {
		return nil, err
	}
	if c.tx == nil {
		if err := c.beginLocked(ctx, nil); err != nil {
			return nil, err
		}
	}
	return c.tx, nil
}

// checkErr marks the Conn invalid when err means the connection is gone,
// and gives err its kind (errors.Is(err, ErrUniqueViolation), …).
func (c *Conn) checkErr(err error) error {
	if err == nil {
		return nil
	}
	if c.engine.Dialect().Disconnected(err) {
		c.mu.Lock()
		c.invalid = true
		c.mu.Unlock()
	}
	return c.engine.wrap(err)
}

// ExecContext runs a SQL string inside the connection's transaction,
// beginning one if none is open. Arguments use the driver's placeholder
// style ($1 on PostgreSQL, ? elsewhere); for portable SQL use
// [Conn.Execute] with sqlexpr.Text.
func (c *Conn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx, err := c.txFor(ctx)
	if err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, query, args...)
	return res, c.readOnly(c.checkErr(err))
}

// readOnly wraps a write the server refused as read-only.
func (c *Conn) readOnly(err error) error {
	if err != nil && c.engine.Dialect().Kind(err) == dialects.KindReadOnly {
		return &ReadOnlyError{Server: c.engine.String(), Err: err}
	}
	return err
}

// QueryContext runs a SQL query inside the connection's transaction.
// Close the rows before the next statement.
func (c *Conn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	tx, err := c.txFor(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	return rows, c.checkErr(err)
}

// QueryRowContext runs a SQL query expected to return at most one row
// and reads that row. Errors, sql.ErrNoRows included, are reported by
// the row's Scan and Err, as database/sql's QueryRow does.
func (c *Conn) QueryRowContext(ctx context.Context, query string, args ...any) *sqlexpr.Row {
	rows, err := c.QueryContext(ctx, query, args...)
	row := sqlexpr.RowFrom(rows, err)
	if err == nil {
		if rerr := row.Err(); rerr != nil && !errors.Is(rerr, sql.ErrNoRows) {
			return sqlexpr.RowFrom(nil, c.checkErr(rerr))
		}
	}
	return row
}

// Commit commits the open transaction; without one it does nothing.
//
// ctx bounds the wait for the server's answer (database/sql's
// Tx.Commit takes no context, and a COMMIT the server holds — a
// synchronous standby that is gone — would block past any deadline).
// When ctx has ended before Commit is called nothing is sent and the
// transaction stays open. When it ends while waiting, Commit returns a
// *CommitUnknownError at once; the COMMIT goes on, the Conn's next
// statement waits for it, and Close hands the connection back to the
// pool when it is answered.
//
// When COMMIT was sent but no definite answer came back (the connection
// broke, a timeout), the error is a *CommitUnknownError matching
// ErrCommitUnknown: the transaction may or may not have been applied, and
// only the database can tell. A definite refusal (a serialization
// failure, a deferred constraint) is returned as the driver's error: the
// transaction was rolled back.
func (c *Conn) Commit(ctx context.Context) error {
	if err := c.lockIdle(ctx); err != nil {
		return err
	}
	if err := c.usableLocked(); err != nil {
		c.mu.Unlock()
		return err
	}
	tx := c.tx
	if tx == nil {
		c.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		c.mu.Unlock()
		return err // nothing sent: the transaction stays open
	}
	c.tx, c.savepoints = nil, nil
	if ctx.Done() == nil {
		err := tx.Commit()
		c.mu.Unlock()
		return c.commitErr(err)
	}
	res := c.startLocked(tx.Commit)
	c.mu.Unlock()
	select {
	case r := <-res:
		return c.commitErr(r.err)
	case <-ctx.Done():
		return &CommitUnknownError{Err: fmt.Errorf("the context ended while waiting for the server's answer to COMMIT: %w", ctx.Err())}
	}
}

// commitErr classifies the error of a COMMIT.
func (c *Conn) commitErr(err error) error {
	if err != nil && commitOutcomeUnknown(c.engine.Dialect(), err) {
		return &CommitUnknownError{Err: c.engine.wrap(err)}
	}
	return c.engine.wrap(err)
}

// commitOutcomeUnknown reports whether a failed COMMIT may have been
// applied: it is unknown unless the server answered (or nothing was sent).
func commitOutcomeUnknown(d *dialects.Dialect, err error) bool {
	switch {
	case errors.Is(err, sql.ErrTxDone), errors.Is(err, ErrConnBusy):
		return false // database/sql or alchemy refused before sending
	case d.ServerAnswered(err):
		return false
	}
	return true
}

// Rollback rolls back the open transaction; without one it does nothing.
// After a lost connection it also clears the invalid state: the next
// statement runs on a fresh connection.
//
// ctx bounds the wait for the server's answer: when it ends first,
// Rollback returns its error; the ROLLBACK goes on, and the Conn's next
// statement waits for it.
func (c *Conn) Rollback(ctx context.Context) error {
	if err := c.lockIdle(ctx); err != nil {
		return err
	}
	if c.closed {
		c.mu.Unlock()
		return ErrConnClosed
	}
	if c.invalid {
		if c.tx != nil {
			_ = c.tx.Rollback() // the connection is gone; the error says so again
		}
		if c.sc != nil {
			_ = c.sc.Close()
		}
		c.tx, c.sc, c.savepoints, c.invalid = nil, nil, nil, false
		c.mu.Unlock()
		return nil
	}
	tx := c.tx
	if tx == nil {
		c.mu.Unlock()
		return nil
	}
	c.tx, c.savepoints = nil, nil
	if ctx.Done() == nil {
		err := tx.Rollback()
		c.mu.Unlock()
		return c.engine.wrap(err)
	}
	res := c.startLocked(tx.Rollback)
	c.mu.Unlock()
	select {
	case r := <-res:
		return c.engine.wrap(r.err)
	case <-ctx.Done():
		return fmt.Errorf("alchemy: the context ended while waiting for the server's answer to ROLLBACK: %w", ctx.Err())
	}
}

// Close rolls back an open transaction and returns the connection to the
// pool. Closing twice is a no-op. It takes no context: the ROLLBACK is
// bounded by [CloseTimeout], after which Close returns an error and the
// connection goes back to the pool when the server answers. A COMMIT or
// ROLLBACK still running after its context ended is not waited for.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	if c.busy != nil {
		c.mu.Unlock()
		return nil // the running COMMIT or ROLLBACK closes sc when it returns
	}
	tx, invalid := c.tx, c.invalid
	c.tx, c.savepoints = nil, nil
	if tx == nil {
		sc := c.sc
		c.sc = nil
		c.mu.Unlock()
		if sc != nil {
			return sc.Close()
		}
		return nil
	}
	res := c.startLocked(tx.Rollback)
	c.mu.Unlock()
	timer := time.NewTimer(closeTimeout)
	defer timer.Stop()
	select {
	case r := <-res:
		if r.err != nil && !invalid && !errors.Is(r.err, sql.ErrTxDone) {
			return c.engine.wrap(r.err)
		}
		return r.closeErr
	case <-timer.C:
		return fmt.Errorf("alchemy: Close: the server did not answer ROLLBACK within %v; the connection returns to the pool when it does", closeTimeout)
	}
}

// Savepoint is a nested transaction begun by [Conn.Savepoint]; see
// [Conn.BeginNested] for the form that ends it for you.
type Savepoint struct {
	conn *Conn
	name string
	done bool
}

// Name returns the savepoint's name (sa_savepoint_N).
func (s *Savepoint) Name() string { return s.name }

// Savepoint opens a savepoint named sa_savepoint_N (N counts up for the
// connection's life), beginning the outer transaction first if none is
// open, and returns it for the caller to Commit or Rollback (SQLAlchemy's
// begin_nested without a with block). The outer transaction stays open
// after the savepoint ends.
func (c *Conn) Savepoint(ctx context.Context) (*Savepoint, error) {
	if !c.Dialect().Features.Savepoints {
		return nil, fmt.Errorf("%w: dialect %s has no savepoints", ErrUnsupported, c.Dialect().Name)
	}
	tx, err := c.txFor(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.savepointSeq++
	name := "sa_savepoint_" + strconv.Itoa(c.savepointSeq)
	c.mu.Unlock()
	if _, err := tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return nil, c.checkErr(err)
	}
	c.mu.Lock()
	c.savepoints = append(c.savepoints, name)
	c.mu.Unlock()
	return &Savepoint{conn: c, name: name}, nil
}

// Commit releases the savepoint (RELEASE SAVEPOINT), keeping its work in
// the outer transaction.
func (s *Savepoint) Commit(ctx context.Context) error {
	return s.end(ctx, "RELEASE SAVEPOINT ")
}

// Rollback undoes the work done since the savepoint (ROLLBACK TO
// SAVEPOINT); the outer transaction goes on.
func (s *Savepoint) Rollback(ctx context.Context) error {
	return s.end(ctx, "ROLLBACK TO SAVEPOINT ")
}

func (s *Savepoint) end(ctx context.Context, verb string) error {
	if s.done {
		return fmt.Errorf("alchemy: savepoint %s is already ended", s.name)
	}
	c := s.conn
	c.mu.Lock()
	tx := c.tx
	idx := -1
	for i, n := range c.savepoints {
		if n == s.name {
			idx = i
		}
	}
	err := c.usableLocked()
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if tx == nil || idx < 0 {
		return fmt.Errorf("alchemy: savepoint %s no longer exists (its transaction ended)", s.name)
	}
	if _, err := tx.ExecContext(ctx, verb+s.name); err != nil {
		return c.checkErr(err)
	}
	s.done = true
	c.mu.Lock()
	// Ending a savepoint ends the savepoints opened inside it too.
	if idx < len(c.savepoints) {
		c.savepoints = c.savepoints[:idx]
	}
	c.mu.Unlock()
	return nil
}

// BeginNested runs fn inside a savepoint (SQLAlchemy's "with
// conn.begin_nested():"): released when fn returns nil, rolled back to
// when fn returns an error or panics (the panic continues). The outer
// transaction stays open either way. [Conn.Savepoint] returns the
// savepoint for code that ends it itself.
func (c *Conn) BeginNested(ctx context.Context, fn func(*Conn) error) (err error) {
	sp, err := c.Savepoint(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sp.Rollback(ctx)
			panic(p)
		}
	}()
	if err := fn(c); err != nil {
		if rbErr := sp.Rollback(ctx); rbErr != nil {
			return errors.Join(err, rbErr)
		}
		return err
	}
	return sp.Commit(ctx)
}
