package alchemy

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-alchemy/alchemy/dialects"
)

// conn is the driver.Conn handed to database/sql: one checkout of a
// pooled connection. It forwards every optional driver interface the
// underlying connection has (returning driver.ErrSkip, or falling back as
// database/sql would, where it has none), notes errors that mean the
// connection is broken, and on Close checks the connection back into the
// QueuePool — or invalidates it.
//
// It also decides whether the connection is clean enough to pool. A
// connection is never handed to the next checkout inside a transaction
// an earlier one began: the wrapper tracks the transactions database/sql
// begins through it, and falls into doubt when a Commit, Rollback or
// BeginTx fails or when transaction-control SQL (BEGIN, START
// TRANSACTION, SET autocommit, …) runs as a plain statement. A connection
// in doubt gets a ROLLBACK at checkin; one whose ROLLBACK fails is closed,
// never pooled. A clean connection costs no round trip at checkin
// (SQLAlchemy sends a ROLLBACK at every checkin).
//
// database/sql serialises calls on one driver.Conn, except Close racing a
// context cancellation, which the mutex covers.
type conn struct {
	c   *Connector
	pc  *PooledConn
	raw driver.Conn

	mu          sync.Mutex
	broken      error // first disconnect-class error seen; guarded by mu
	interrupted bool  // a call ended with its context done; guarded by mu
	doubt       doubt // guarded by mu
	tx          *txWrap
	closed      bool

	// open counts rows not yet closed. With oneAtATime (an Engine Conn,
	// or a driver that runs one statement at a time) a statement while
	// rows are open is refused with ErrConnBusy instead of reaching a
	// driver that would break the connection (go-sql-driver/mysql) or
	// answer driver.ErrBadConn (pgx), killing the transaction. Only the
	// goroutine database/sql lets use the connection touches them.
	open       int
	oneAtATime bool
	rowsCache  *rowsWrap // a rows wrapper to reuse, so queries allocate none
	stmts      stmtCache // prepared statements kept across checkouts
	noStmts    bool      // do not cache prepared statements (a transaction pooler in front)

	// The underlying connection's optional interfaces, looked up once
	// per pooled connection (its dynamic type never changes) rather than
	// at every statement; nil where it has none.
	execer    driver.ExecerContext
	queryer   driver.QueryerContext
	checker   driver.NamedValueChecker
	validator driver.Validator // raw's own, else that of the connection it wraps (see Connector.rawClosed)
	resetter  driver.SessionResetter
}

// doubt says why a connection may be inside a transaction that nobody
// tracks, and so what checkin must do about it.
type doubt uint8

const (
	doubtNone       doubt = iota
	doubtTxSQL            // transaction-control SQL ran as a plain statement: reset per pool_reset_on_return
	doubtFailedTx         // a Commit, Rollback or BeginTx failed: always ROLLBACK, whatever the reset mode
	doubtAutocommit       // SET autocommit ran: close the connection, no statement restores it for sure
)

// ErrConnBusy is returned for a statement sent on a connection whose
// previous query's rows are still open. Nothing reached the server, and
// the connection and its transaction stay usable: close the rows (or read
// them to the end) and run the statement again.
var ErrConnBusy = errors.New("alchemy: the rows of an earlier query on this connection are still open: close them (rows.Close) before running another statement")

// resetTimeout bounds the ROLLBACK sent at checkin to a connection in
// doubt: a server that does not answer in that time gets the connection
// closed, which rolls the transaction back on its side.
const resetTimeout = 10 * time.Second

// newConn returns the wrapper for a checkout of pc. Each pooled
// connection keeps one wrapper, reset here: database/sql drops its
// reference to a driver.Conn when it closes it, so the wrapper is free
// again by the time the connection is checked out once more.
func newConn(c *Connector, pc *PooledConn) *conn {
	cn := pc.wrapper
	if cn == nil {
		raw := pc.Conn()
		cn = &conn{c: c, pc: pc, raw: raw, oneAtATime: !c.binding.ConcurrentStatements, noStmts: c.txPooler}
		cn.execer, _ = raw.(driver.ExecerContext)
		cn.queryer, _ = raw.(driver.QueryerContext)
		cn.checker, _ = raw.(driver.NamedValueChecker)
		cn.resetter, _ = raw.(driver.SessionResetter)
		if v, ok := raw.(driver.Validator); ok {
			cn.validator = v
		} else {
			cn.validator, _ = dialects.UnwrapConn(raw).(driver.Validator)
		}
		pc.wrapper = cn
		return cn
	}
	cn.mu.Lock()
	cn.broken, cn.interrupted, cn.doubt, cn.tx, cn.closed = nil, false, doubtNone, nil, false
	cn.mu.Unlock()
	cn.open, cn.oneAtATime = 0, !c.binding.ConcurrentStatements
	return cn
}

// note records what err says about the connection and returns it
// unchanged: database/sql must see the driver's own error (it retries
// only on driver.ErrBadConn, which drivers return only when nothing
// reached the server). An error that came with ctx done marks the
// checkout interrupted: the connection may be gone because of the
// cancellation, which says nothing about the server or the other
// connections.
func (cn *conn) note(ctx context.Context, err error) error {
	if err == nil || errors.Is(err, driver.ErrSkip) {
		return err
	}
	interrupted := (ctx != nil && ctx.Err() != nil) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	disconnected := cn.c.dialect.Disconnected(err)
	if interrupted || disconnected {
		cn.mu.Lock()
		if interrupted {
			cn.interrupted = true
		}
		if disconnected && cn.broken == nil {
			cn.broken = err
		}
		cn.mu.Unlock()
	}
	return err
}

// isBroken reports whether a disconnect-class error was seen.
func (cn *conn) isBroken() bool {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return cn.broken != nil
}

func (cn *conn) setDoubt(d doubt) {
	cn.mu.Lock()
	if d > cn.doubt {
		cn.doubt = d
	}
	cn.mu.Unlock()
}

// statement runs the checks every statement goes through before it
// reaches the driver: the busy rule, and transaction-control SQL.
func (cn *conn) statement(query string) error {
	_, err := cn.checkStatement(query)
	return err
}

// checkStatement is statement, also returning what txControl found, for
// PrepareContext (so that the text is scanned once).
func (cn *conn) checkStatement(query string) (doubt, error) {
	if cn.open > 0 && cn.oneAtATime {
		return doubtNone, ErrConnBusy
	}
	if cn.c.txPooler && sessionState(query) {
		return doubtNone, ErrSessionState
	}
	d := txControl(query)
	if d != doubtNone {
		cn.setDoubt(d)
	}
	return d, nil
}

// Dialect returns the connection's dialect (for (*sql.Conn).Raw users).
func (cn *conn) Dialect() *dialects.Dialect { return cn.c.dialect }

// Prepare implements driver.Conn.
func (cn *conn) Prepare(query string) (driver.Stmt, error) {
	return cn.PrepareContext(context.Background(), query)
}

// PrepareContext implements driver.ConnPrepareContext. database/sql
// reaches it through the lease, whose statements follow the handle
// across checkouts (leaseStmt); this one is for a caller holding the
// wrapper itself.
func (cn *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return cn.prepareBound(ctx, query)
}

// prepareBound prepares query on this connection: lent from the
// statement cache when it is there and free, else prepared on the server
// (and cached when there is room).
func (cn *conn) prepareBound(ctx context.Context, query string) (boundStmt, error) {
	if s := cn.lendCached(query); s != nil {
		return s, nil
	}
	kind, err := cn.checkStatement(query)
	if err != nil {
		return nil, err
	}
	if cn.c.txPooler {
		return &textStmt{cn: cn, query: query}, nil
	}
	st, err := prepareRaw(ctx, cn.raw, query)
	if err != nil {
		return nil, cn.note(ctx, err)
	}
	s := &stmt{cn: cn, raw: st, query: query, txControl: kind}
	if !cn.noStmts && kind == doubtNone {
		s.cached = cn.stmts.put(cn, query, st)
	}
	return s, nil
}

// Unwrap returns the driver's own connection, for (*sql.Conn).Raw users
// who need what only the driver offers: pgx's CopyFrom, modernc.org/sqlite's
// connection functions (which follow Unwrap themselves), go-sql-driver's
// multi-result statements. What is done on it is outside alchemy's
// tracking, so the connection is reset with a ROLLBACK at checkin. See
// [DriverConn].
func (cn *conn) Unwrap() driver.Conn {
	cn.setDoubt(doubtTxSQL)
	return cn.raw
}

// Begin implements driver.Conn.
func (cn *conn) Begin() (driver.Tx, error) {
	return cn.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx implements driver.ConnBeginTx.
func (cn *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if cn.open > 0 && cn.oneAtATime {
		return nil, ErrConnBusy
	}
	var tx driver.Tx
	var err error
	if opts.Isolation == driver.IsolationLevel(sql.LevelDefault) && cn.c.isolation != sql.LevelDefault {
		opts.Isolation = driver.IsolationLevel(cn.c.isolation) // the engine's isolation_level
	}
	var start time.Time
	traced := cn.c.tracing(ctx)
	if traced {
		start = time.Now()
	}
	if b, ok := cn.raw.(driver.ConnBeginTx); ok {
		tx, err = b.BeginTx(ctx, opts)
	} else {
		if opts.Isolation != 0 || opts.ReadOnly {
			return nil, errors.New("alchemy: the underlying driver supports neither isolation levels nor read-only transactions")
		}
		if err = ctx.Err(); err == nil {
			tx, err = cn.raw.Begin() //nolint:staticcheck // fallback for drivers without ConnBeginTx
		}
	}
	if err != nil {
		// Part of it may have run (go-sql-driver/mysql sends SET
		// TRANSACTION before START TRANSACTION): reset at checkin.
		cn.setDoubt(doubtFailedTx)
		if traced {
			cn.c.hooks.txEvent(ctx, TxEvent{Kind: TxBegin, Connector: cn.c, ConnID: cn.pc.id, Start: start, Err: err})
		}
		return nil, cn.note(ctx, err)
	}
	t := &txWrap{cn: cn, raw: tx}
	cn.mu.Lock()
	cn.tx = t
	cn.mu.Unlock()
	if traced {
		t.ctx = ctx
		cn.c.hooks.txEvent(ctx, TxEvent{Kind: TxBegin, Connector: cn.c, ConnID: cn.pc.id, Start: start})
	}
	return t, nil
}

// ExecContext implements driver.ExecerContext. It also answers the
// dialect probe of dialects.Of without contacting the server.
func (cn *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 1 {
		switch p := args[0].Value.(type) {
		case *dialects.Probe:
			if query == dialects.ProbeQuery {
				p.Dialect = cn.c.dialect
				return driver.RowsAffected(0), nil
			}
		case *connectorProbe:
			if query == connectorProbeQuery {
				p.c = cn.c
				return driver.RowsAffected(0), nil
			}
		}
	}
	ex := cn.execer
	if ex == nil {
		return nil, driver.ErrSkip
	}
	return cn.execVia(ctx, ex, query, args)
}

// QueryContext implements driver.QueryerContext.
func (cn *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q := cn.queryer
	if q == nil {
		return nil, driver.ErrSkip
	}
	return cn.queryVia(ctx, q, query, args)
}

// wrapRows counts rows as open until they are closed, for the busy rule,
// and notes errors met while reading them.
func (cn *conn) wrapRows(ctx context.Context, rows driver.Rows) driver.Rows {
	w := cn.rowsCache
	if w != nil && w.raw == nil {
		*w = rowsWrap{cn: cn, raw: rows, ctx: ctx}
	} else {
		w = &rowsWrap{cn: cn, raw: rows, ctx: ctx}
		if cn.rowsCache == nil {
			cn.rowsCache = w
		}
	}
	cn.open++
	return w
}

// Ping implements driver.Pinger.
func (cn *conn) Ping(ctx context.Context) error {
	if cn.open > 0 && cn.oneAtATime {
		return ErrConnBusy
	}
	if p, ok := cn.raw.(driver.Pinger); ok {
		return cn.note(ctx, p.Ping(ctx))
	}
	return nil
}

// CheckNamedValue implements driver.NamedValueChecker: the dialect probe
// is accepted as is, everything else is the underlying driver's call.
func (cn *conn) CheckNamedValue(nv *driver.NamedValue) error {
	switch nv.Value.(type) {
	case *dialects.Probe, *connectorProbe:
		return nil
	}
	if cn.checker != nil {
		return cn.checker.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// ResetSession implements driver.SessionResetter.
func (cn *conn) ResetSession(ctx context.Context) error {
	cn.mu.Lock()
	broken := cn.broken
	cn.mu.Unlock()
	if broken != nil {
		return driver.ErrBadConn
	}
	if cn.resetter != nil {
		return cn.note(ctx, cn.resetter.ResetSession(ctx))
	}
	return nil
}

// IsValid implements driver.Validator for (*sql.Conn).Raw users who hold
// the wrapper itself: false, the connection is not for database/sql to
// keep. database/sql asks the lease that carries the wrapper (lease.go),
// which checks the connection in at release.
func (cn *conn) IsValid() bool { return false }

// Close checks the connection back into the pool. A transaction left
// open (only possible through (*sql.Conn).Raw) is ended per
// pool_reset_on_return first; a connection in doubt gets a ROLLBACK (see
// the type's doc); a connection that is broken, closed by its driver, or
// whose reset failed is discarded instead of kept. Only a disconnect that
// says the server is gone — not one that followed an interrupted
// statement — makes the pool replace its other connections too.
func (cn *conn) Close() error {
	cn.mu.Lock()
	if cn.closed {
		cn.mu.Unlock()
		return nil
	}
	cn.closed = true
	tx, broken, doubt, interrupted := cn.tx, cn.broken, cn.doubt, cn.interrupted
	cn.tx = nil
	cn.mu.Unlock()

	if cn.c.resetAlways && doubt == doubtNone {
		doubt = doubtTxSQL
	}
	if broken == nil && cn.rawClosed() {
		broken = errClosedByDriver
	}
	mode := cn.c.pool.cfg.ResetOnReturn // not Config(): that copies the whole PoolConfig at every checkin
	if tx != nil && broken == nil {
		var err error
		if mode == ResetCommit {
			err = tx.raw.Commit()
		} else {
			err = tx.raw.Rollback()
		}
		if err != nil {
			doubt = doubtFailedTx
		}
	}
	if broken == nil && doubt == doubtAutocommit {
		broken = errAutocommitChanged
	}
	if broken == nil && (doubt == doubtFailedTx || doubt == doubtTxSQL && mode != ResetNone) {
		stmt := "ROLLBACK"
		if doubt == doubtTxSQL && mode == ResetCommit {
			stmt = "COMMIT"
		}
		ctx, cancel := context.WithTimeout(context.Background(), resetTimeout)
		err := execRaw(ctx, cn.raw, stmt)
		cancel()
		if err != nil {
			broken = fmt.Errorf("alchemy: %s at checkin of a connection in doubt failed, closing it: %w", stmt, err)
		}
	}
	if broken != nil {
		if !interrupted && cn.c.dialect.ServerGone(broken) {
			cn.c.hostDown(cn.raw, broken)
			cn.pc.Invalidate(broken)
		} else {
			cn.pc.Discard(broken)
		}
		return nil
	}
	cn.pc.Release()
	return nil
}

// errAutocommitChanged is the reason a connection that ran SET autocommit
// is closed at checkin instead of pooled.
var errAutocommitChanged = errors.New("alchemy: the session's autocommit setting was changed with SQL")

// errClosedByDriver is the reason recorded for a connection its driver
// closed on its own (pgx does after an interrupted statement).
var errClosedByDriver = errors.New("alchemy: the driver closed the connection")

// rawClosed is Connector.rawClosed with the Validator looked up once.
func (cn *conn) rawClosed() bool {
	if cn.validator != nil {
		return !cn.validator.IsValid()
	}
	return cn.c.binding.Closed != nil && cn.c.binding.Closed(cn.raw)
}

func (cn *conn) txDone(t *txWrap) {
	cn.mu.Lock()
	if cn.tx == t {
		cn.tx = nil
	}
	cn.mu.Unlock()
}

// txWrap tracks whether a transaction is open and notes broken
// connections on commit and rollback. A Commit or Rollback that fails
// puts the connection in doubt: the server may still hold the
// transaction open (a Galera node answering 1047, a timeout), and the
// next checkout must not run inside it.
type txWrap struct {
	cn  *conn
	raw driver.Tx
	ctx context.Context // BeginTx's, for the TxTracers; nil when the transaction is not traced
}

func (t *txWrap) Commit() error {
	if t.cn.open > 0 && t.cn.oneAtATime {
		return ErrConnBusy
	}
	var start time.Time
	if t.ctx != nil { // traced since BeginTx
		start = time.Now()
	}
	err := t.raw.Commit()
	t.cn.txDone(t)
	if t.ctx != nil { // traced since BeginTx
		t.cn.c.hooks.txEvent(t.ctx, TxEvent{Kind: TxCommit, Connector: t.cn.c, ConnID: t.cn.pc.id, Start: start, Err: err})
	}
	if err != nil {
		t.cn.setDoubt(doubtFailedTx)
	}
	return t.cn.note(nil, err)
}

func (t *txWrap) Rollback() error {
	var start time.Time
	if t.ctx != nil { // traced since BeginTx
		start = time.Now()
	}
	err := t.raw.Rollback()
	t.cn.txDone(t)
	if t.ctx != nil { // traced since BeginTx
		t.cn.c.hooks.txEvent(t.ctx, TxEvent{Kind: TxRollback, Connector: t.cn.c, ConnID: t.cn.pc.id, Start: start, Err: err})
	}
	if err != nil {
		t.cn.setDoubt(doubtFailedTx)
	}
	return t.cn.note(nil, err)
}

// stmt wraps a prepared statement to note broken connections.
type stmt struct {
	cn        *conn
	raw       driver.Stmt
	query     string      // for the tracers
	txControl doubt       // what running the statement's SQL says about the session
	cached    *cachedStmt // the cache entry raw is lent from; nil: raw is this stmt's own
	closed    bool
}

// Close gives a cached statement back to its connection's cache (it stays
// prepared on the server for the next checkout) and closes any other.
func (s *stmt) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.cached != nil {
		s.cached.lent = false
		return nil
	}
	return s.raw.Close()
}

// unbind is Close at checkin, where a broken connection's statements are
// left to close with it rather than sent a close that cannot arrive.
func (s *stmt) unbind(broken bool) {
	if s.closed {
		return
	}
	if broken && s.cached == nil {
		s.closed = true
		return
	}
	_ = s.Close()
}
func (s *stmt) NumInput() int { return s.raw.NumInput() }

// begin applies the connection's statement checks to one execution.
func (s *stmt) begin() error {
	if s.cn.open > 0 && s.cn.oneAtATime {
		return ErrConnBusy
	}
	if s.txControl != doubtNone {
		s.cn.setDoubt(s.txControl)
	}
	return nil
}

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	if err := s.begin(); err != nil {
		return nil, err
	}
	res, err := s.raw.Exec(args) //nolint:staticcheck // forwarding the legacy interface
	return res, s.cn.note(nil, err)
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	if err := s.begin(); err != nil {
		return nil, err
	}
	rows, err := s.raw.Query(args) //nolint:staticcheck // forwarding the legacy interface
	if err != nil {
		return nil, s.cn.note(nil, err)
	}
	return s.cn.wrapRows(nil, rows), nil
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if s.cn.c.tracing(ctx) {
		res, _, err := s.traced(ctx, args, false, func(ctx context.Context) (driver.Result, driver.Rows, error) {
			res, err := s.execContext(ctx, args)
			return res, nil, err
		})
		return res, err
	}
	return s.execContext(ctx, args)
}

func (s *stmt) execContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if se, ok := s.raw.(driver.StmtExecContext); ok {
		if err := s.begin(); err != nil {
			return nil, err
		}
		res, err := se.ExecContext(ctx, args)
		return res, s.cn.note(ctx, err)
	}
	vals, err := namedToValues(args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Exec(vals)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if s.cn.c.tracing(ctx) {
		_, rows, err := s.traced(ctx, args, true, func(ctx context.Context) (driver.Result, driver.Rows, error) {
			rows, err := s.queryContext(ctx, args)
			return nil, rows, err
		})
		return rows, err
	}
	return s.queryContext(ctx, args)
}

func (s *stmt) queryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if sq, ok := s.raw.(driver.StmtQueryContext); ok {
		if err := s.begin(); err != nil {
			return nil, err
		}
		rows, err := sq.QueryContext(ctx, args)
		if err != nil {
			return nil, s.cn.note(ctx, err)
		}
		return s.cn.wrapRows(ctx, rows), nil
	}
	vals, err := namedToValues(args)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Query(vals)
}

func namedToValues(named []driver.NamedValue) ([]driver.Value, error) {
	vals := make([]driver.Value, len(named))
	for i, nv := range named {
		if nv.Name != "" {
			return nil, errors.New("alchemy: the underlying driver does not support named parameters")
		}
		vals[i] = nv.Value
	}
	return vals, nil
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.StmtExecContext    = (*stmt)(nil)
	_ driver.StmtQueryContext   = (*stmt)(nil)
	_ driver.NamedValueChecker  = (*stmt)(nil)
)
