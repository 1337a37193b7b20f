package alchemy_test

import (
	"context"
	"database/sql/driver"
	"strings"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
)

// injector is a driver.Connector that wraps a real driver's connector and
// makes chosen calls fail, with or without doing the work first. It is
// how the integrity tests reproduce a COMMIT that fails on a Galera node,
// a ROLLBACK answered by an error, or a connection lost right after COMMIT
// reached the server — against the real servers, whose state the tests
// then read over a plain connection.
type injector struct {
	under driver.Connector

	mu       sync.Mutex
	rules    []*injRule
	fired    map[string]int // op → times a rule fired
	prepared map[string]int // SQL text → times prepared on the driver (and so on the server)
}

// injRule makes the next calls of op fail with err. For "exec" and
// "query", match selects the statements (a substring); doWork runs the
// call on the real connection first, so the server did the work and only
// the answer is lost.
type injRule struct {
	op     string // "commit", "rollback", "begin", "exec", "query", "prepare"
	match  string
	doWork bool
	err    error
	times  int // how many calls to fail; < 0: every call
	// hold, when not nil, makes a "commit" or "rollback" wait until it
	// is closed and then do the work (err unused): a server that is slow
	// to answer.
	hold chan struct{}
}

func newInjector(t testing.TB, rawURL string) *injector {
	t.Helper()
	c, err := alchemy.NewConnector(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &injector{under: c.Underlying(), fired: map[string]int{}, prepared: map[string]int{}}
}

// fail adds a rule.
func (in *injector) fail(r injRule) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if r.times == 0 {
		r.times = 1
	}
	in.rules = append(in.rules, &r)
}

// take returns the rule that fires for op/query now, if any.
func (in *injector) take(op, query string) *injRule {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, r := range in.rules {
		if r.op != op || r.times == 0 || (r.match != "" && !strings.Contains(query, r.match)) {
			continue
		}
		if r.times > 0 {
			r.times--
		}
		in.fired[op]++
		return r
	}
	return nil
}

func (in *injector) count(op string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.fired[op]
}

func (in *injector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := in.under.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &injConn{in: in, raw: c}, nil
}

func (in *injector) Driver() driver.Driver { return in.under.Driver() }

// injConn forwards every interface the real drivers implement.
type injConn struct {
	in  *injector
	raw driver.Conn
}

func (c *injConn) Unwrap() driver.Conn { return c.raw }

func (c *injConn) Prepare(q string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), q)
}

func (c *injConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	r := c.in.take("prepare", q)
	if r != nil && !r.doWork {
		return nil, r.err
	}
	c.in.mu.Lock()
	c.in.prepared[q]++
	c.in.mu.Unlock()
	st, err := c.raw.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if r != nil && err == nil {
		st.Close() // prepared on the server, the answer lost
		return nil, r.err
	}
	return st, err
}

func (c *injConn) Close() error { return c.raw.Close() }

func (c *injConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *injConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	r := c.in.take("begin", "")
	if r != nil && !r.doWork {
		return nil, r.err
	}
	tx, err := c.raw.(driver.ConnBeginTx).BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	if r != nil {
		return nil, r.err // the transaction is open on the server; the caller thinks not
	}
	return &injTx{c: c, raw: tx}, nil
}

func (c *injConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	r := c.in.take("exec", q)
	if r != nil && !r.doWork {
		return nil, r.err
	}
	res, err := c.raw.(driver.ExecerContext).ExecContext(ctx, q, args)
	if r != nil && err == nil {
		return nil, r.err
	}
	return res, err
}

func (c *injConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	r := c.in.take("query", q)
	if r != nil && !r.doWork {
		return nil, r.err
	}
	rows, err := c.raw.(driver.QueryerContext).QueryContext(ctx, q, args)
	if r != nil && err == nil {
		rows.Close()
		return nil, r.err
	}
	return rows, err
}

func (c *injConn) Ping(ctx context.Context) error {
	if p, ok := c.raw.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *injConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.raw.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *injConn) ResetSession(ctx context.Context) error {
	if r, ok := c.raw.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

type injTx struct {
	c   *injConn
	raw driver.Tx
}

func (t *injTx) Commit() error   { return t.end("commit", t.raw.Commit) }
func (t *injTx) Rollback() error { return t.end("rollback", t.raw.Rollback) }

func (t *injTx) end(op string, do func() error) error {
	r := t.c.in.take(op, "")
	if r == nil {
		return do()
	}
	if r.hold != nil {
		<-r.hold
		return do()
	}
	if r.doWork {
		if err := do(); err != nil {
			return err
		}
	}
	return r.err
}

var (
	_ driver.Connector          = (*injector)(nil)
	_ driver.ConnPrepareContext = (*injConn)(nil)
	_ driver.ConnBeginTx        = (*injConn)(nil)
	_ driver.ExecerContext      = (*injConn)(nil)
	_ driver.QueryerContext     = (*injConn)(nil)
	_ driver.SessionResetter    = (*injConn)(nil)
)

func (in *injector) prepares(q string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.prepared[q]
}
