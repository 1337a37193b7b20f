package alchemy

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// Option changes an engine's or connector's settings. Options override
// the URL's query keys.
type Option func(*settings) error

type settings struct {
	pool     PoolConfig
	under    driver.Connector
	compiler *sqlexpr.Compiler

	replicas      []string // ReadReplicas: CreateEngine only
	replicaMaxLag time.Duration
	isolation     sql.IsolationLevel // isolation_level: for transactions begun without one
	// observability (events.go, echo.go)
	tracers    []Tracer
	onConnect  []func(context.Context, *NewConn) error
	instrument []func(*Connector)
	echo       *EchoConfig
}

// PoolSize sets pool_size: how many idle connections are kept (0: no
// limit, and max_overflow is ignored).
func PoolSize(n int) Option {
	return func(s *settings) error { s.pool.Size = n; return nil }
}

// MaxOverflow sets max_overflow: how many connections may be opened
// beyond pool_size (-1: no limit).
func MaxOverflow(n int) Option {
	return func(s *settings) error { s.pool.MaxOverflow = n; return nil }
}

// PoolTimeout sets pool_timeout: how long a checkout waits when every
// connection is out. The caller's context may end the wait sooner.
func PoolTimeout(d time.Duration) Option {
	return func(s *settings) error { s.pool.Timeout = d; return nil }
}

// PoolRecycle sets pool_recycle: connections older than d are replaced
// at checkout (0: never).
func PoolRecycle(d time.Duration) Option {
	return func(s *settings) error { s.pool.Recycle = d; return nil }
}

// PoolPrePing turns pool_pre_ping on or off: a liveness check at each
// checkout of a reused connection, replacing a dead one transparently.
func PoolPrePing(on bool) Option {
	return func(s *settings) error { s.pool.PrePing = on; return nil }
}

// PoolUseLIFO turns pool_use_lifo on or off: reuse the most recently
// returned connection first, so surplus ones can age out server-side.
func PoolUseLIFO(on bool) Option {
	return func(s *settings) error { s.pool.UseLIFO = on; return nil }
}

// IsolationLevel sets SQLAlchemy's engine-wide isolation_level: the level
// of every transaction begun without one — through an Engine, a Conn, or
// the drop-in *sql.DB (db.BeginTx with nil options or LevelDefault). URL
// key isolation_level (SERIALIZABLE, REPEATABLE READ, READ COMMITTED,
// READ UNCOMMITTED; '_' or '+' for the space).
func IsolationLevel(level sql.IsolationLevel) Option {
	return func(s *settings) error {
		if level < sql.LevelDefault || level > sql.LevelLinearizable {
			return fmt.Errorf("alchemy: IsolationLevel(%d): not a database/sql isolation level", level)
		}
		s.isolation = level
		return nil
	}
}

// ParseIsolationLevel reads an isolation level as SQLAlchemy spells it.
func ParseIsolationLevel(v string) (sql.IsolationLevel, error) {
	norm := strings.ToUpper(strings.NewReplacer("_", " ", "+", " ", "-", " ").Replace(strings.TrimSpace(v)))
	switch norm {
	case "SERIALIZABLE":
		return sql.LevelSerializable, nil
	case "REPEATABLE READ":
		return sql.LevelRepeatableRead, nil
	case "READ COMMITTED":
		return sql.LevelReadCommitted, nil
	case "READ UNCOMMITTED":
		return sql.LevelReadUncommitted, nil
	case "SNAPSHOT":
		return sql.LevelSnapshot, nil
	case "AUTOCOMMIT":
		return 0, errors.New(`isolation_level AUTOCOMMIT is not a transaction level here: statements through eng.ExecContext or the drop-in *sql.DB already autocommit`)
	}
	return 0, fmt.Errorf("unknown isolation level %q (want SERIALIZABLE, REPEATABLE READ, READ COMMITTED or READ UNCOMMITTED)", v)
}

// WithPoolClass sets the pool class (URL key poolclass): QueuePoolClass,
// NullPool or StaticPool.
func WithPoolClass(c PoolClass) Option {
	return func(s *settings) error { s.pool.Class = c; return nil }
}

// PoolResetOnReturn sets pool_reset_on_return.
func PoolResetOnReturn(m ResetMode) Option {
	return func(s *settings) error { s.pool.ResetOnReturn = m; return nil }
}

// PoolEvents installs a listener for the pool's events (connect,
// checkout, checkin, reset, invalidate, close). It is called outside the
// pool's lock, from the goroutine that caused the event, and must be safe
// for concurrent use. Several listeners may be installed (echo=debug and
// the metrics modules add theirs); each sees every event, in the order
// they were installed.
func PoolEvents(fn func(PoolEvent)) Option {
	return func(s *settings) error {
		if prev := s.pool.OnEvent; prev != nil && fn != nil {
			s.pool.OnEvent = func(ev PoolEvent) { prev(ev); fn(ev) }
		} else if fn != nil {
			s.pool.OnEvent = fn
		}
		return nil
	}
}

// WithConnector makes the pool open connections through c instead of
// building a connector from the URL's driver part (for a driver
// configured in code, e.g. pgx's stdlib.GetConnector with a TLS config).
// The URL still selects the dialect and the pool settings.
func WithConnector(c driver.Connector) Option {
	return func(s *settings) error {
		if c == nil {
			return errors.New("alchemy: WithConnector(nil)")
		}
		s.under = c
		return nil
	}
}

// Connector is the driver.Connector behind a *sql.DB opened with
// "alchemy": one per sql.Open, holding the parsed URL, the dialect, the
// underlying driver's connector and the [QueuePool] every connection
// comes from. Closing the *sql.DB closes the Connector, which closes the
// pool. It is safe for concurrent use.
type Connector struct {
	url     *URL
	dialect *dialects.Dialect
	binding dialects.Driver
	under   driver.Connector
	pool    *QueuePool
	drv     *Driver
	// compiler compiles sqlexpr statements for the Engine and its Conns.
	compiler *sqlexpr.Compiler

	closeOnce sync.Once
	closeErr  error

	// hooks is nil unless tracers are installed: the statement path
	// checks it and nothing else (events.go).
	hooks     *hooks
	onConnect []func(context.Context, *NewConn) error

	resetAlways bool // tests: ROLLBACK at every checkin (SQLAlchemy's behaviour), for comparison

	isolation sql.IsolationLevel // isolation_level for transactions begun without one
	txPooler  bool               // a transaction pooler sits in front (pgbouncer=true)

	failures checkoutFailures // checkouts of idle handles that failed a moment ago (lease.go)
}

// NewConnector parses rawURL and prepares a connector and its pool; it
// opens no connection. Use it with sql.OpenDB to pass options:
//
//	c, err := alchemy.NewConnector(url, alchemy.PoolSize(10))
//	db := sql.OpenDB(c)
func NewConnector(rawURL string, opts ...Option) (*Connector, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	return newConnector(u, opts...)
}

func newConnector(u *URL, opts ...Option) (*Connector, error) {
	c, _, err := buildConnector(u, false, opts...)
	return c, err
}

// buildConnector makes the connector; for an engine it also returns the
// settings the engine reads (replicas).
func buildConnector(u *URL, engineOptions bool, opts ...Option) (*Connector, settings, error) {
	d, err := dialects.Lookup(u.Dialect)
	if err != nil {
		return nil, settings{}, &URLError{URL: u.String(), Msg: "cannot use the dialect", Err: err}
	}
	binding, err := dialects.LookupDriver(d, u.Driver)
	if err != nil {
		return nil, settings{}, &URLError{URL: u.String(), Msg: "cannot use the driver", Err: err}
	}
	if len(u.Hosts) > 1 {
		// Every server of a list gets its port explicitly, so String()
		// shows which servers will be tried: a host written without a
		// port is never silently another server's.
		u.Hosts = append([]HostPort(nil), u.Hosts...)
		for i := range u.Hosts {
			if u.Hosts[i].Port == 0 {
				if d.DefaultPort == 0 {
					return nil, settings{}, &URLError{URL: u.String(), Msg: "dialect " + d.Name + " has no servers to list"}
				}
				u.Hosts[i].Port = d.DefaultPort
			}
		}
		u.Host, u.Port = u.Hosts[0].Host, u.Hosts[0].Port
	}
	s := settings{}
	if s.pool, err = PoolConfigFromURL(u, DefaultPoolConfig()); err != nil {
		return nil, settings{}, err
	}
	if err := echoFromURL(u, &s); err != nil {
		return nil, settings{}, err
	}
	for _, o := range opts {
		if err := o(&s); err != nil {
			return nil, settings{}, err
		}
	}
	if len(s.replicas) > 0 && !engineOptions {
		return nil, settings{}, errors.New("alchemy: ReadReplicas applies to CreateEngine, not to a driver.Connector")
	}
	if v := u.Query.Get(keyIsolationLevel); v != "" && s.isolation == sql.LevelDefault {
		if s.isolation, err = ParseIsolationLevel(v); err != nil {
			return nil, settings{}, &URLError{URL: u.String(), Msg: keyIsolationLevel + ": " + err.Error()}
		}
	}
	s.installEcho()
	c := &Connector{url: u, dialect: d, binding: binding, under: s.under, compiler: s.compiler, isolation: s.isolation,
		hooks: newHooks(s.tracers), onConnect: s.onConnect}
	if c.compiler == nil {
		c.compiler = sqlexpr.DefaultCompiler()
	}
	if c.under == nil {
		if c.under, err = binding.OpenConnector(c.connParams()); err != nil {
			return nil, settings{}, &URLError{URL: u.String(), Msg: "the " + binding.Name + " driver rejected it", Err: err}
		}
	}
	if tp, ok := c.under.(interface{ TransactionPooler() bool }); ok && tp.TransactionPooler() {
		c.txPooler = true
	}
	cfg := s.pool
	cfg.Dial = c.dial
	cfg.Ping = c.ping
	cfg.Reset = c.reset
	cfg.IsDisconnect = d.Disconnected
	cfg.IsServerGone = d.ServerGone
	if c.pool, err = NewQueuePool(cfg); err != nil {
		c.closeUnder()
		return nil, settings{}, &URLError{URL: u.String(), Msg: "bad pool settings", Err: err}
	}
	c.pool.name = u.String()
	for _, fn := range s.instrument {
		fn(c)
	}
	return c, s, nil
}

func (c *Connector) connParams() dialects.ConnParams {
	u := c.url
	return dialects.ConnParams{
		Dialect: c.dialect, Driver: c.binding.Name,
		Host: u.Host, Port: u.Port, Hosts: u.Hosts, User: u.Username, Password: u.Password, HasPassword: u.PasswordSet,
		Database: u.Database, Query: u.DriverQuery(),
	}
}

// Connect checks a connection out of the pool (opening one if the pool
// may grow, or waiting up to pool_timeout). database/sql calls it; the
// returned connection goes back to the pool when database/sql closes it.
//
// A reused connection is first vetted by the underlying driver's
// driver.SessionResetter, as database/sql does before it reuses one of
// its own idle connections: pgx checks that the connection is open and
// pings it after a second of idleness, go-sql-driver/mysql checks the
// socket for a server-side close. A connection the driver rejects is
// invalidated and another one taken, so an application sees the same
// stale-connection handling as over the driver directly (pool_pre_ping
// adds SQLAlchemy's ping at every checkout on top).
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := c.failures.pending(ctx, true); err != nil {
		return nil, err // the checkout of an idle handle just failed with it (see lease)
	}
	cn, err := c.checkout(ctx)
	if err != nil {
		return nil, err
	}
	return &lease{conn: cn, c: c}, nil
}

// checkout takes a connection from the pool and returns its wrapper.
func (c *Connector) checkout(ctx context.Context) (*conn, error) {
	for attempt := 0; ; attempt++ {
		pc, err := c.pool.Get(ctx)
		if err != nil {
			return nil, err
		}
		if err := c.vet(ctx, pc); err != nil {
			if c.dialect.Disconnected(err) && attempt < maxVetAttempts {
				// driver.ErrBadConn from a session check is about this
				// connection (pgx: closed, or left in a transaction);
				// only a server-gone error suspects the others.
				if c.dialect.ServerGone(err) {
					c.hostDown(pc.Conn(), err)
					pc.Invalidate(err)
				} else {
					pc.Discard(err)
				}
				continue
			}
			pc.Discard(err)
			return nil, err
		}
		return newConn(c, pc), nil
	}
}

// maxVetAttempts bounds how many rejected connections one Connect replaces
// before it gives up (the pool then has been invalidated many times over).
const maxVetAttempts = 8

// vet runs the driver's session check on a connection checked out before
// (one that has a wrapper already); a fresh connection needs none.
func (c *Connector) vet(ctx context.Context, pc *PooledConn) error {
	if pc.wrapper == nil {
		return nil
	}
	if rs := pc.wrapper.resetter; rs != nil { // looked up once, in newConn
		return rs.ResetSession(ctx)
	}
	return nil
}

// Driver returns the "alchemy" driver.
func (c *Connector) Driver() driver.Driver {
	if c.drv != nil {
		return c.drv
	}
	return &Driver{}
}

// Close closes the pool (connections still checked out are closed when
// they come back) and the underlying connector if it has a Close method.
// database/sql calls it from (*sql.DB).Close. Calling it again is a no-op.
func (c *Connector) Close() error {
	c.closeOnce.Do(func() {
		c.closeErr = errors.Join(c.pool.Close(), c.closeUnder())
	})
	return c.closeErr
}

func (c *Connector) closeUnder() error {
	if cl, ok := c.under.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// Pool returns the connector's pool.
func (c *Connector) Pool() *QueuePool { return c.pool }

// Underlying returns the underlying driver's connector, which opens
// connections without the pool (for comparisons and diagnostics).
func (c *Connector) Underlying() driver.Connector { return c.under }

// Dialect returns the URL's dialect.
func (c *Connector) Dialect() *dialects.Dialect { return c.dialect }

// URL returns a copy of the parsed URL.
func (c *Connector) URL() *URL {
	u := *c.url
	u.Query = c.url.DriverQuery()
	for k := range alchemyKeys {
		if v, ok := c.url.Query[k]; ok {
			u.Query[k] = append([]string(nil), v...)
		}
	}
	return &u
}

// String describes the connector with the password masked.
func (c *Connector) String() string { return "alchemy.Connector(" + c.url.String() + ")" }

// dial opens a new underlying connection. The error says which server
// could not be reached, never with the password.
func (c *Connector) dial(ctx context.Context) (driver.Conn, error) {
	raw, err := c.under.Connect(ctx)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) && c.pool != nil {
			// Nothing listens where the server was: the connections
			// opened to it before are gone too. Replace them at their
			// next checkout rather than let each fail once.
			c.pool.Invalidate()
		}
		return nil, &ConnectError{URL: c.url.String(), Err: err}
	}
	if len(c.onConnect) > 0 {
		if err := c.connectHooks(ctx, raw); err != nil {
			_ = raw.Close()
			return nil, err
		}
	}
	return raw, nil
}

// hostDown tells a connector that spreads connections over several
// servers that raw's server is gone, so new connections go elsewhere.
func (c *Connector) hostDown(raw driver.Conn, err error) {
	if hr, ok := c.under.(dialects.HostReporter); ok {
		hr.HostDown(raw, err)
	}
}

// rawClosed reports whether the driver has closed raw on its own.
// A wrapper without driver.Validator (a tracing connector, say) is seen
// through with dialects.UnwrapConn.
func (c *Connector) rawClosed(raw driver.Conn) bool {
	if v, ok := raw.(driver.Validator); ok {
		return !v.IsValid()
	}
	if v, ok := dialects.UnwrapConn(raw).(driver.Validator); ok {
		return !v.IsValid()
	}
	return c.binding.Closed != nil && c.binding.Closed(raw)
}

// ping checks a pooled connection: the driver's Ping when it has one,
// else the dialect's ping query.
func (c *Connector) ping(ctx context.Context, raw driver.Conn) error {
	if p, ok := raw.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	if c.dialect.PingQuery == "" {
		return nil
	}
	return execRaw(ctx, raw, c.dialect.PingQuery)
}

// reset runs at checkin. database/sql ends every transaction before it
// releases a connection, and the wrapper rolls back one left open through
// Raw, so unlike SQLAlchemy (which sends a rollback at every checkin, one
// round trip each time) alchemy only acts when the driver reports a
// transaction still open — pgx knows its server-side state, so a "BEGIN"
// sent as plain SQL is caught too.
func (c *Connector) reset(ctx context.Context, raw driver.Conn, mode ResetMode) error {
	if mode == ResetNone || c.binding.InTransaction == nil || !c.binding.InTransaction(raw) {
		return nil
	}
	stmt := "ROLLBACK"
	if mode == ResetCommit {
		stmt = "COMMIT"
	}
	return execRaw(ctx, raw, stmt)
}

// execRaw runs a statement without arguments on a raw connection.
func execRaw(ctx context.Context, raw driver.Conn, query string) error {
	if ex, ok := raw.(driver.ExecerContext); ok {
		_, err := ex.ExecContext(ctx, query, nil)
		if !errors.Is(err, driver.ErrSkip) {
			return err
		}
	}
	st, err := prepareRaw(ctx, raw, query)
	if err != nil {
		return err
	}
	defer st.Close()
	if se, ok := st.(driver.StmtExecContext); ok {
		_, err = se.ExecContext(ctx, nil)
		return err
	}
	_, err = st.Exec(nil) //nolint:staticcheck // fallback for drivers without StmtExecContext
	return err
}

func prepareRaw(ctx context.Context, raw driver.Conn, query string) (driver.Stmt, error) {
	if pc, ok := raw.(driver.ConnPrepareContext); ok {
		return pc.PrepareContext(ctx, query)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return raw.Prepare(query)
}

// ConnectError reports a failure to open a connection to the server.
// Its text names the URL with the password masked.
type ConnectError struct {
	URL string // masked
	Err error
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("alchemy: cannot connect to %s: %v", e.URL, e.Err)
}

// Unwrap returns the driver's error.
func (e *ConnectError) Unwrap() error { return e.Err }

var (
	_ driver.Connector = (*Connector)(nil)
	_ io.Closer        = (*Connector)(nil)
)
