package alchemy

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// Tracer sees every statement that runs through alchemy's driver
// wrapper: through an [Engine], its [Conn]s, and a *sql.DB opened with
// sql.Open("alchemy", …) alike. It is SQLAlchemy's before_cursor_execute
// and after_cursor_execute pair in the shape of pgx's QueryTracer:
// BeforeExecute returns the context the statement runs under, so a span
// or a timer started there reaches AfterExecute without globals.
//
// Both methods are called from the goroutine running the statement, and
// must be safe for concurrent use (one Tracer serves every connection).
// The Execution and its Args are only valid during the call.
//
// A Tracer may also implement [RowsTracer] (rows of a query closed) and
// [TxTracer] (begin, commit, rollback). Install it with [WithTracer].
type Tracer interface {
	BeforeExecute(ctx context.Context, ex *Execution) context.Context
	AfterExecute(ctx context.Context, ex *Execution)
}

// RowsTracer is implemented by a [Tracer] that wants to know when the
// rows of a query are closed: ex.Rows then holds how many were read, and
// ex.Duration runs from the start of the query to the close. ctx is the
// one BeforeExecute returned.
type RowsTracer interface {
	RowsClosed(ctx context.Context, ex *Execution)
}

// TxTracer is implemented by a [Tracer] that wants transaction
// boundaries (SQLAlchemy's begin, commit and rollback events). The
// context of a commit or rollback is the one the transaction began with.
type TxTracer interface {
	TxEvent(ctx context.Context, ev TxEvent)
}

// Execution describes one statement for a [Tracer].
type Execution struct {
	Connector *Connector // whose connection ran it (dialect, URL)
	ConnID    uint64     // the pooled connection's id ([PooledConn.ID])
	Query     string     // the SQL as sent to the driver
	// Args are the bound values, as converted for the driver. Valid only
	// during the call that receives the Execution.
	Args     []driver.NamedValue
	IsQuery  bool // a query returning rows (QueryContext), not an Exec
	InTx     bool // inside a transaction database/sql began on this connection
	Prepared bool // run as a prepared statement
	Start    time.Time
	// Duration is, in AfterExecute, the time until the driver answered;
	// in RowsClosed, the time until the rows were closed.
	Duration time.Duration
	// Err is the driver's error, if any (in RowsClosed: the error met
	// while reading). driver.ErrSkip means the driver declined to run
	// the statement without preparing it (go-sql-driver/mysql does for
	// every statement with arguments unless interpolateParams=true):
	// database/sql then prepares and runs it, and that execution is
	// traced on its own with Prepared set. Tracers should end what
	// BeforeExecute started and record nothing for it.
	Err error
	// RowsAffected is the driver's count for an Exec; -1 when it gave
	// none or for a query.
	RowsAffected int64
	Rows         int64 // RowsClosed: rows read
}

// TxKind names a transaction boundary.
type TxKind uint8

const (
	TxBegin TxKind = iota + 1
	TxCommit
	TxRollback
)

// String returns "BEGIN", "COMMIT" or "ROLLBACK".
func (k TxKind) String() string {
	switch k {
	case TxBegin:
		return "BEGIN"
	case TxCommit:
		return "COMMIT"
	case TxRollback:
		return "ROLLBACK"
	}
	return "TxKind(?)"
}

// TxEvent is what a [TxTracer] receives.
type TxEvent struct {
	Kind      TxKind
	Connector *Connector
	ConnID    uint64
	Start     time.Time
	Duration  time.Duration
	Err       error
}

// WithTracer installs t. Several tracers may be installed (and
// [Echo] is one); they run in the order given, each BeforeExecute
// receiving the context the previous one returned. Without any, a
// statement costs one nil check more than before (BenchmarkDropInExec).
func WithTracer(t Tracer) Option {
	return func(s *settings) error {
		if t == nil {
			return errors.New("alchemy: WithTracer(nil)")
		}
		s.tracers = append(s.tracers, t)
		return nil
	}
}

// OnConnect installs fn, which runs on every newly opened connection
// before its first use: SQLAlchemy's "connect" event, where a session is
// set up (SET search_path, SET time_zone, a PRAGMA). An error from fn
// fails the checkout that opened the connection, and the connection is
// closed. ctx carries the checkout's values; it ends when the pool is
// closed or after the dial timeout (see [PoolConfig.Dial]). Several
// OnConnect functions run in the order given.
func OnConnect(fn func(ctx context.Context, c *NewConn) error) Option {
	return func(s *settings) error {
		if fn == nil {
			return errors.New("alchemy: OnConnect(nil)")
		}
		s.onConnect = append(s.onConnect, fn)
		return nil
	}
}

// Instrument runs fn with the Connector once it is built, before any
// connection is opened. Integrations (metrics, tracing: the otel and
// prometheus modules) use it to learn the pool, the dialect and the URL.
func Instrument(fn func(*Connector)) Option {
	return func(s *settings) error {
		if fn == nil {
			return errors.New("alchemy: Instrument(nil)")
		}
		s.instrument = append(s.instrument, fn)
		return nil
	}
}

// NewConn is a connection just opened, handed to an [OnConnect]
// function. It is valid only during that call.
type NewConn struct {
	c   *Connector
	raw driver.Conn
}

// Dialect returns the connection's dialect name ("postgresql", "mysql", "sqlite").
func (n *NewConn) Dialect() string { return n.c.dialect.Name }

// Raw returns the underlying driver's connection (a *pgx stdlib conn,
// a *mysql.mysqlConn …) for what ExecContext cannot do.
func (n *NewConn) Raw() driver.Conn { return n.raw }

// ExecContext runs a statement on the new connection. Arguments use the
// driver's placeholder style and are converted as database/sql would
// (driver.DefaultParameterConverter).
func (n *NewConn) ExecContext(ctx context.Context, query string, args ...any) error {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return fmt.Errorf("alchemy: OnConnect argument %d: %w", i+1, err)
		}
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	if ex, ok := n.raw.(driver.ExecerContext); ok {
		_, err := ex.ExecContext(ctx, query, named)
		if !errors.Is(err, driver.ErrSkip) {
			return err
		}
	}
	st, err := prepareRaw(ctx, n.raw, query)
	if err != nil {
		return err
	}
	defer st.Close()
	if se, ok := st.(driver.StmtExecContext); ok {
		_, err = se.ExecContext(ctx, named)
		return err
	}
	vals, err := namedToValues(named)
	if err != nil {
		return err
	}
	_, err = st.Exec(vals) //nolint:staticcheck // fallback for drivers without StmtExecContext
	return err
}

// hooks is the connector's set of tracers, split by the interfaces they
// implement so that each call site loops over only those that care. A
// connector without tracers has a nil *hooks.
type hooks struct {
	exec []Tracer
	rows []RowsTracer
	tx   []TxTracer
	// gated: every tracer can say beforehand whether it wants a
	// statement (only Echo can: its logger's level), so a statement
	// nobody wants is run untraced, with no Execution record.
	gated bool
}

// gatedTracer is a Tracer that can tell before a statement runs that it
// would record nothing of it.
type gatedTracer interface {
	wants(ctx context.Context) bool
}

// wanted reports whether some tracer wants a statement starting now.
func (h *hooks) wanted(ctx context.Context) bool {
	for _, t := range h.exec {
		if t.(gatedTracer).wants(ctx) {
			return true
		}
	}
	return false
}

// tracing reports whether a statement or transaction starting now is
// traced: tracers are installed and one of them wants it. An Echo whose
// logger drops its level wants nothing, so logging switched off costs no
// Execution record (BenchmarkDropInExec/alchemy+echo-level-off).
func (c *Connector) tracing(ctx context.Context) bool {
	h := c.hooks
	return h != nil && (!h.gated || h.wanted(ctx))
}

func newHooks(ts []Tracer) *hooks {
	if len(ts) == 0 {
		return nil
	}
	h := &hooks{exec: ts, gated: true}
	for _, t := range ts {
		if r, ok := t.(RowsTracer); ok {
			h.rows = append(h.rows, r)
		}
		if x, ok := t.(TxTracer); ok {
			h.tx = append(h.tx, x)
		}
		if _, ok := t.(gatedTracer); !ok {
			h.gated = false
		}
	}
	return h
}

func (h *hooks) before(ctx context.Context, ex *Execution) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	for _, t := range h.exec {
		ctx = t.BeforeExecute(ctx, ex)
	}
	return ctx
}

func (h *hooks) after(ctx context.Context, ex *Execution) {
	ex.Duration = time.Since(ex.Start)
	for _, t := range h.exec {
		t.AfterExecute(ctx, ex)
	}
}

func (h *hooks) txEvent(ctx context.Context, ev TxEvent) {
	if len(h.tx) == 0 {
		return
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ev.Duration = time.Since(ev.Start)
	for _, t := range h.tx {
		t.TxEvent(ctx, ev)
	}
}

// newExecution starts the record of one statement on cn.
func (cn *conn) newExecution(query string, args []driver.NamedValue, isQuery, prepared bool) *Execution {
	cn.mu.Lock()
	inTx := cn.tx != nil
	cn.mu.Unlock()
	return &Execution{
		Connector: cn.c, ConnID: cn.pc.id, Query: query, Args: args,
		IsQuery: isQuery, InTx: inTx, Prepared: prepared, Start: time.Now(), RowsAffected: -1,
	}
}

// execTraced is ExecContext's path when tracers are installed.
func (cn *conn) execTraced(ctx context.Context, ex driver.ExecerContext, query string, args []driver.NamedValue) (driver.Result, error) {
	e := cn.newExecution(query, args, false, false)
	tctx := cn.c.hooks.before(ctx, e)
	res, err := ex.ExecContext(tctx, query, args)
	finishExec(e, res, err)
	cn.c.hooks.after(tctx, e)
	return res, cn.note(ctx, err)
}

// finishExec records an Exec's outcome. database/sql's driver.ErrSkip
// (fall back to prepare-and-exec) is not an outcome: the fallback is
// traced on its own.
func finishExec(e *Execution, res driver.Result, err error) {
	e.Err = err
	if err == nil && res != nil {
		if n, rerr := res.RowsAffected(); rerr == nil {
			e.RowsAffected = n
		}
	}
}

// queryTraced is QueryContext's path when tracers are installed.
func (cn *conn) queryTraced(ctx context.Context, q driver.QueryerContext, query string, args []driver.NamedValue) (driver.Rows, error) {
	e := cn.newExecution(query, args, true, false)
	tctx := cn.c.hooks.before(ctx, e)
	rows, err := q.QueryContext(tctx, query, args)
	e.Err = err
	cn.c.hooks.after(tctx, e)
	if err != nil {
		return nil, cn.note(ctx, err)
	}
	return cn.traceRows(cn.wrapRows(ctx, rows), e, tctx), nil
}

// traceRows makes w count its rows and report its close to the
// RowsTracers.
func (cn *conn) traceRows(rows driver.Rows, e *Execution, tctx context.Context) driver.Rows {
	if w, ok := rows.(*rowsWrap); ok && len(cn.c.hooks.rows) > 0 {
		e.Args = nil // no longer valid once QueryContext returned
		w.ex, w.tctx = e, tctx
	}
	return rows
}

// rowsClosed reports the end of a traced query's rows.
func (r *rowsWrap) rowsClosed(err error) {
	e, tctx := r.ex, r.tctx
	r.ex, r.tctx = nil, nil
	e.Duration = time.Since(e.Start)
	if err != nil && e.Err == nil {
		e.Err = err
	}
	for _, t := range r.cn.c.hooks.rows {
		t.RowsClosed(tctx, e)
	}
}

// stmtTraced runs a prepared statement's execution under the tracers.
func (s *stmt) traced(ctx context.Context, args []driver.NamedValue, isQuery bool, run func(context.Context) (driver.Result, driver.Rows, error)) (driver.Result, driver.Rows, error) {
	e := s.cn.newExecution(s.query, args, isQuery, true)
	tctx := s.cn.c.hooks.before(ctx, e)
	res, rows, err := run(tctx)
	if isQuery {
		e.Err = err
	} else {
		finishExec(e, res, err)
	}
	s.cn.c.hooks.after(tctx, e)
	if rows != nil {
		rows = s.cn.traceRows(rows, e, tctx)
	}
	return res, rows, err
}

// connectHooks runs the OnConnect functions on a new connection.
func (c *Connector) connectHooks(ctx context.Context, raw driver.Conn) error {
	nc := &NewConn{c: c, raw: raw}
	for _, fn := range c.onConnect {
		if err := fn(ctx, nc); err != nil {
			return &OnConnectError{Err: err}
		}
	}
	return nil
}

// OnConnectError is the error of a checkout whose new connection an
// [OnConnect] function refused. The connection was closed.
type OnConnectError struct{ Err error }

func (e *OnConnectError) Error() string {
	return "alchemy: OnConnect failed on a new connection (closed): " + e.Err.Error()
}

// Unwrap returns the OnConnect function's error.
func (e *OnConnectError) Unwrap() error { return e.Err }

// Options bundles several options into one, applied in order: an
// integration (the otel and prometheus modules) returns one Option that
// installs its tracer, its pool listener and its Instrument callback.
func Options(opts ...Option) Option {
	return func(s *settings) error {
		for _, o := range opts {
			if o == nil {
				continue
			}
			if err := o(s); err != nil {
				return err
			}
		}
		return nil
	}
}
