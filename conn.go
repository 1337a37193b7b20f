package alchemy

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"

	"github.com/go-alchemy/alchemy/dialects"
)

// conn is the driver.Conn handed to database/sql: one checkout of a
// pooled connection. It forwards every optional driver interface the
// underlying connection has (returning driver.ErrSkip, or falling back as
// database/sql would, where it has none), notes errors that mean the
// connection is broken, and on Close checks the connection back into the
// QueuePool — or invalidates it.
//
// database/sql serialises calls on one driver.Conn, except Close racing a
// context cancellation, which the mutex covers.
type conn struct {
	c   *Connector
	pc  *PooledConn
	raw driver.Conn

	mu     sync.Mutex
	broken error // first disconnect-class error seen; guarded by mu
	tx     *txWrap
	closed bool
}

// newConn returns the wrapper for a checkout of pc. Each pooled
// connection keeps one wrapper, reset here: database/sql drops its
// reference to a driver.Conn when it closes it, so the wrapper is free
// again by the time the connection is checked out once more.
func newConn(c *Connector, pc *PooledConn) *conn {
	cn := pc.wrapper
	if cn == nil {
		cn = &conn{c: c, pc: pc, raw: pc.Conn()}
		pc.wrapper = cn
		return cn
	}
	cn.mu.Lock()
	cn.broken, cn.tx, cn.closed = nil, nil, false
	cn.mu.Unlock()
	return cn
}

// note records err when it means the connection is gone, and returns it
// unchanged: database/sql must see the driver's own error (it retries
// only on driver.ErrBadConn, which drivers return only when nothing
// reached the server).
func (cn *conn) note(err error) error {
	if err != nil && !errors.Is(err, driver.ErrSkip) && cn.c.dialect.Disconnected(err) {
		cn.mu.Lock()
		if cn.broken == nil {
			cn.broken = err
		}
		cn.mu.Unlock()
	}
	return err
}

// Dialect returns the connection's dialect (for (*sql.Conn).Raw users).
func (cn *conn) Dialect() *dialects.Dialect { return cn.c.dialect }

// Prepare implements driver.Conn.
func (cn *conn) Prepare(query string) (driver.Stmt, error) {
	return cn.PrepareContext(context.Background(), query)
}

// PrepareContext implements driver.ConnPrepareContext.
func (cn *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := prepareRaw(ctx, cn.raw, query)
	if err != nil {
		return nil, cn.note(err)
	}
	return &stmt{cn: cn, raw: st}, nil
}

// Begin implements driver.Conn.
func (cn *conn) Begin() (driver.Tx, error) {
	return cn.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx implements driver.ConnBeginTx.
func (cn *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	var tx driver.Tx
	var err error
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
		return nil, cn.note(err)
	}
	t := &txWrap{cn: cn, raw: tx}
	cn.mu.Lock()
	cn.tx = t
	cn.mu.Unlock()
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
	ex, ok := cn.raw.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	res, err := ex.ExecContext(ctx, query, args)
	return res, cn.note(err)
}

// QueryContext implements driver.QueryerContext.
func (cn *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := cn.raw.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	rows, err := q.QueryContext(ctx, query, args)
	return rows, cn.note(err)
}

// Ping implements driver.Pinger.
func (cn *conn) Ping(ctx context.Context) error {
	if p, ok := cn.raw.(driver.Pinger); ok {
		return cn.note(p.Ping(ctx))
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
	if ch, ok := cn.raw.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
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
	if r, ok := cn.raw.(driver.SessionResetter); ok {
		return cn.note(r.ResetSession(ctx))
	}
	return nil
}

// IsValid implements driver.Validator. database/sql asks it only when it
// releases a connection, and closes the connection when the answer is
// false. Answering false keeps database/sql from holding idle
// connections of its own: the release becomes a Close, which checks the
// connection into the QueuePool, so the QueuePool is the only pool and
// its numbers are the truth (see DESIGN in doc.go).
func (cn *conn) IsValid() bool { return false }

// Close checks the connection back into the pool: a transaction left
// open (only possible through (*sql.Conn).Raw) is ended per
// pool_reset_on_return first, and a connection that saw a disconnect
// error is invalidated instead of kept.
func (cn *conn) Close() error {
	cn.mu.Lock()
	if cn.closed {
		cn.mu.Unlock()
		return nil
	}
	cn.closed = true
	tx, broken := cn.tx, cn.broken
	cn.tx = nil
	cn.mu.Unlock()

	if tx != nil && broken == nil {
		var err error
		if cn.c.pool.Config().ResetOnReturn == ResetCommit {
			err = tx.raw.Commit()
		} else {
			err = tx.raw.Rollback()
		}
		if err != nil {
			broken = err
		}
	}
	if broken != nil {
		cn.pc.Invalidate(broken)
		return nil
	}
	cn.pc.Release()
	return nil
}

func (cn *conn) txDone(t *txWrap) {
	cn.mu.Lock()
	if cn.tx == t {
		cn.tx = nil
	}
	cn.mu.Unlock()
}

// txWrap tracks whether a transaction is open and notes broken
// connections on commit and rollback.
type txWrap struct {
	cn  *conn
	raw driver.Tx
}

func (t *txWrap) Commit() error {
	err := t.raw.Commit()
	t.cn.txDone(t)
	return t.cn.note(err)
}

func (t *txWrap) Rollback() error {
	err := t.raw.Rollback()
	t.cn.txDone(t)
	return t.cn.note(err)
}

// stmt wraps a prepared statement to note broken connections.
type stmt struct {
	cn  *conn
	raw driver.Stmt
}

func (s *stmt) Close() error  { return s.raw.Close() }
func (s *stmt) NumInput() int { return s.raw.NumInput() }

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	res, err := s.raw.Exec(args) //nolint:staticcheck // forwarding the legacy interface
	return res, s.cn.note(err)
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	rows, err := s.raw.Query(args) //nolint:staticcheck // forwarding the legacy interface
	return rows, s.cn.note(err)
}

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if se, ok := s.raw.(driver.StmtExecContext); ok {
		res, err := se.ExecContext(ctx, args)
		return res, s.cn.note(err)
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
	if sq, ok := s.raw.(driver.StmtQueryContext); ok {
		rows, err := sq.QueryContext(ctx, args)
		return rows, s.cn.note(err)
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

// CheckNamedValue forwards to the statement's checker, then to its legacy
// ColumnConverter (applied as database/sql would: a driver.Valuer is
// asked for its value first), then to the connection's checker.
func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := s.raw.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	if cc, ok := s.raw.(driver.ColumnConverter); ok && nv.Ordinal > 0 { //nolint:staticcheck // honouring the legacy interface
		v := nv.Value
		if vr, ok := v.(driver.Valuer); ok {
			var err error
			if v, err = vr.Value(); err != nil {
				return err
			}
		}
		v, err := cc.ColumnConverter(nv.Ordinal - 1).ConvertValue(v)
		if err != nil {
			return err
		}
		if !driver.IsValue(v) {
			return fmt.Errorf("alchemy: the driver's column converter returned a non-Value %T", v)
		}
		nv.Value = v
		return nil
	}
	return s.cn.CheckNamedValue(nv)
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
