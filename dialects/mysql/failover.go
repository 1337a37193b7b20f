package mysql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/go-alchemy/alchemy/dialects"
)

// URL keys of a host list, read by alchemy and not passed to the driver.
const (
	// keyLoadBalance "random" spreads new connections over the usable
	// servers in random order; "disable" (the default) tries them in the
	// order written. The name and values are libpq's (load_balance_hosts).
	keyLoadBalance = "load_balance_hosts"
	// keyRetryAfter is how many seconds a server that refused a
	// connection, or that a pooled connection found unusable (a Galera
	// node out of the primary component), is skipped (default 30).
	keyRetryAfter = "host_retry_after"
)

// defaultRetryAfter is how long a failed server is skipped: long enough
// that a dead node does not cost every new connection a refused dial,
// short enough that a restarted node gets traffic back within a minute.
const defaultRetryAfter = 30 * time.Second

// failover is the driver.Connector for a MySQL/MariaDB URL with several
// hosts, which go-sql-driver/mysql cannot take: it tries the servers in
// the URL's order (or at random with load_balance_hosts=random), skips a
// server that failed for host_retry_after seconds, and falls back to the
// earlier servers once that time is up. When every server is marked
// down it tries them all anyway, soonest-to-recover first, rather than
// fail without trying.
type failover struct {
	hosts      []*failoverHost
	random     bool
	retryAfter time.Duration
	now        func() time.Time
	drv        driver.Driver

	mu sync.Mutex // guards failoverHost.downUntil
}

type failoverHost struct {
	addr      string
	conn      driver.Connector
	downUntil time.Time
}

func newFailover(p dialects.ConnParams) (driver.Connector, error) {
	f := &failover{retryAfter: defaultRetryAfter, now: time.Now, drv: &gomysql.MySQLDriver{}}
	q := p.Query
	switch v := q.Get(keyLoadBalance); v {
	case "", "disable":
	case "random":
		f.random = true
	default:
		return nil, fmt.Errorf("mysql: %s=%q: want disable or random", keyLoadBalance, v)
	}
	if v := q.Get(keyRetryAfter); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || secs < 0 || secs > 86400 {
			return nil, fmt.Errorf("mysql: %s=%q: want a number of seconds from 0 to 86400", keyRetryAfter, v)
		}
		f.retryAfter = time.Duration(secs * float64(time.Second))
	}
	for _, h := range p.Hosts {
		one := p
		one.Hosts, one.Host, one.Port = nil, h.Host, h.Port
		cfg, err := Config(one)
		if err != nil {
			return nil, err
		}
		c, err := gomysql.NewConnector(cfg)
		if err != nil {
			return nil, err
		}
		f.hosts = append(f.hosts, &failoverHost{addr: net.JoinHostPort(h.Host, strconv.Itoa(h.Port)), conn: c})
	}
	return f, nil
}

// order returns the indexes of the servers to try: the usable ones first
// (in the URL's order, or shuffled), then the ones marked down, soonest
// to recover first.
func (f *failover) order() []int {
	now := f.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	up := make([]int, 0, len(f.hosts))
	var down []int
	for i, h := range f.hosts {
		if now.Before(h.downUntil) {
			down = append(down, i)
		} else {
			up = append(up, i)
		}
	}
	if f.random {
		rand.Shuffle(len(up), func(i, j int) { up[i], up[j] = up[j], up[i] })
	}
	for i := 1; i < len(down); i++ { // a handful of hosts: insertion sort
		for j := i; j > 0 && f.hosts[down[j]].downUntil.Before(f.hosts[down[j-1]].downUntil); j-- {
			down[j], down[j-1] = down[j-1], down[j]
		}
	}
	return append(up, down...)
}

func (f *failover) markDown(i int) {
	f.mu.Lock()
	f.hosts[i].downUntil = f.now().Add(f.retryAfter)
	f.mu.Unlock()
}

// Connect opens a connection to the first usable server.
func (f *failover) Connect(ctx context.Context) (driver.Conn, error) {
	var errs []error
	for _, i := range f.order() {
		c, err := f.hosts[i].conn.Connect(ctx)
		if err == nil {
			return &hostConn{Conn: c, f: f, host: i}, nil
		}
		f.markDown(i)
		errs = append(errs, fmt.Errorf("%s: %w", f.hosts[i].addr, err))
		if ctx.Err() != nil {
			break
		}
	}
	return nil, &HostsError{Errs: errs}
}

// Driver implements driver.Connector.
func (f *failover) Driver() driver.Driver { return f.drv }

// HostDown marks the server of conn as unusable for host_retry_after:
// alchemy calls it when a pooled connection finds the server gone (a
// disconnect, a Galera node answering 1047 "WSREP has not yet prepared
// node"), so that new connections go to the next server.
func (f *failover) HostDown(conn driver.Conn, _ error) {
	if hc, ok := conn.(*hostConn); ok && hc.f == f {
		f.markDown(hc.host)
	}
}

// Servers reports each server's address and whether it is marked down,
// in the URL's order (for diagnostics and tests).
func (f *failover) Servers() []ServerState {
	now := f.now()
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]ServerState, len(f.hosts))
	for i, h := range f.hosts {
		out[i] = ServerState{Addr: h.addr, Down: now.Before(h.downUntil)}
	}
	return out
}

// ServerState is one server of a failover connector.
type ServerState struct {
	Addr string
	Down bool // skipped until host_retry_after has passed
}

// HostsError is returned when no server of a host list accepted a
// connection; it lists each server's error, and errors.As reaches each.
type HostsError struct {
	Errs []error
}

func (e *HostsError) Error() string {
	msg := "mysql: no server of the host list accepted a connection"
	for _, err := range e.Errs {
		msg += "; " + err.Error()
	}
	return msg
}

// Unwrap returns each server's error.
func (e *HostsError) Unwrap() []error { return e.Errs }

// hostConn is a connection of a failover connector: the driver's own
// connection, with the server it came from. Every interface
// go-sql-driver/mysql implements is forwarded; Unwrap returns the
// driver's connection.
type hostConn struct {
	driver.Conn
	f    *failover
	host int
}

func (c *hostConn) Unwrap() driver.Conn { return c.Conn }

func (c *hostConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *hostConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
}

func (c *hostConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (c *hostConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (c *hostConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *hostConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *hostConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

func (c *hostConn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.Conn.(driver.NamedValueChecker).CheckNamedValue(nv)
}

var (
	_ driver.Connector          = (*failover)(nil)
	_ dialects.HostReporter     = (*failover)(nil)
	_ driver.ConnBeginTx        = (*hostConn)(nil)
	_ driver.ConnPrepareContext = (*hostConn)(nil)
	_ driver.ExecerContext      = (*hostConn)(nil)
	_ driver.QueryerContext     = (*hostConn)(nil)
	_ driver.Pinger             = (*hostConn)(nil)
	_ driver.SessionResetter    = (*hostConn)(nil)
	_ driver.Validator          = (*hostConn)(nil)
	_ driver.NamedValueChecker  = (*hostConn)(nil)
)
