// Package variantstest is a driver.Connector for the unit tests of the
// distributed dialect variants (CockroachDB, YugabyteDB, TiDB, Vitess),
// whose servers cannot run on the test machines: it answers every
// statement with success and each COMMIT with the error a test gives, so
// that a test can watch what alchemy's Engine does with a real driver
// error value (a *pgconn.PgError, a *mysql.MySQLError) at COMMIT.
package variantstest

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"
)

// Connector hands out connections whose COMMITs answer the errors given
// to New.
type Connector struct {
	mu        sync.Mutex
	commitErr []error // answered in turn; the last one repeats; nil entries commit
	begins    int
	commits   int
}

// New returns a Connector whose COMMITs answer errs in turn (the last
// one for every later COMMIT); a nil entry is a successful COMMIT.
func New(errs ...error) *Connector {
	return &Connector{commitErr: errs}
}

// Begins returns how many transactions were begun.
func (c *Connector) Begins() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.begins
}

// Commits returns how many COMMITs were sent.
func (c *Connector) Commits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.commits
}

// Connect returns a new connection.
func (c *Connector) Connect(context.Context) (driver.Conn, error) { return &conn{c: c}, nil }

// Driver returns a driver that opens connections of c.
func (c *Connector) Driver() driver.Driver { return drv{c} }

type drv struct{ c *Connector }

func (d drv) Open(string) (driver.Conn, error) { return &conn{c: d.c}, nil }

type conn struct {
	c    *Connector
	inTx bool
}

var errNoPrepare = errors.New("variantstest: prepared statements are not simulated")

func (cn *conn) Prepare(string) (driver.Stmt, error) { return nil, errNoPrepare }
func (cn *conn) Close() error                        { return nil }
func (cn *conn) Begin() (driver.Tx, error) {
	return cn.BeginTx(context.Background(), driver.TxOptions{})
}

func (cn *conn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	cn.c.mu.Lock()
	cn.c.begins++
	cn.c.mu.Unlock()
	cn.inTx = true
	return tx{cn}, nil
}

// ExecContext accepts every statement.
func (cn *conn) ExecContext(context.Context, string, []driver.NamedValue) (driver.Result, error) {
	return driver.RowsAffected(1), nil
}

func (cn *conn) Ping(context.Context) error { return nil }

func (cn *conn) ResetSession(context.Context) error { return nil }

type tx struct{ cn *conn }

func (t tx) Commit() error {
	c := t.cn.c
	c.mu.Lock()
	defer c.mu.Unlock()
	t.cn.inTx = false
	i := c.commits
	c.commits++
	if len(c.commitErr) == 0 {
		return nil
	}
	return c.commitErr[min(i, len(c.commitErr)-1)]
}

func (t tx) Rollback() error {
	t.cn.inTx = false
	return nil
}
