package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
)

// The pools the tool compares, by their -pools names.
const (
	poolAlchemy  = "alchemy"
	poolDatabase = "database/sql"
	poolPgx      = "pgxpool"
)

var poolNames = []string{poolAlchemy, poolDatabase, poolPgx}

// errCheckoutTimeout marks a checkout that waited pool_timeout: alchemy's
// ErrPoolTimeout, or the deadline the tool puts on the checkout of pools
// that have no timeout of their own.
var errCheckoutTimeout = errors.New("checkout timed out")

// poolSpec is one pool configuration: the same connection budget is
// given to every pool.
type poolSpec struct {
	Size, Overflow int
	Timeout        time.Duration // noTimeout: wait as long as it takes
	AppName        string        // PostgreSQL application_name, to count server connections exactly
}

// pool is a connection pool under measurement.
type pool interface {
	// acquire checks a connection out. A checkout that waited the pool
	// timeout returns an error matching errCheckoutTimeout.
	acquire(ctx context.Context) (session, error)
	// counters returns the connections opened and closed so far.
	counters() poolCounters
	// openConns returns the pool's own count of open connections.
	openConns() int
	close() error
}

// poolCounters are cumulative connection counts, and for alchemy the
// pool's own timings from its events (PoolEvent.Duration): how long
// opening a connection took and how long checkouts were held.
type poolCounters struct {
	Opens, Closes     int64
	Creates, CreateNs int64
	Uses, UseNs       int64
}

// session is one checked-out connection.
type session interface {
	exec(ctx context.Context, query string, args ...any) error
	scanOne(ctx context.Context, query string, dest any, args ...any) error
	release()
}

// openPool opens the pool named kind with spec on u. It opens no
// connection yet (alchemy's needs one to find its QueuePool, which the
// warm-up would open anyway).
func openPool(ctx context.Context, kind string, u *alchemy.URL, spec poolSpec) (pool, error) {
	switch kind {
	case poolAlchemy:
		return openAlchemy(ctx, u, spec)
	case poolDatabase:
		return openDatabaseSQL(u, spec)
	case poolPgx:
		return openPgxpool(ctx, u, spec)
	}
	return nil, fmt.Errorf("unknown pool %q", kind)
}

// withSettings returns u as a string with the pool settings and the
// application name in its query, password included (it is handed to the
// driver, never printed).
func withSettings(u *alchemy.URL, spec poolSpec) string {
	c := *u
	c.Query = u.DriverQuery()
	c.Query.Set("pool_size", strconv.Itoa(spec.Size))
	c.Query.Set("max_overflow", strconv.Itoa(spec.Overflow))
	if spec.Timeout == noTimeout {
		c.Query.Set("pool_timeout", "none")
	} else {
		c.Query.Set("pool_timeout", strconv.FormatFloat(spec.Timeout.Seconds(), 'f', -1, 64))
	}
	if spec.AppName != "" {
		c.Query.Set("application_name", spec.AppName)
	}
	return c.RenderAsString(false)
}

// alchemyPool is the drop-in: sql.Open("alchemy", url) with the pool
// settings in the URL, used through *sql.Conn like any *sql.DB.
type alchemyPool struct {
	db *sql.DB
	qp *alchemy.QueuePool

	creates, createNs, uses, useNs atomic.Int64 // from the pool's events
}

func openAlchemy(ctx context.Context, u *alchemy.URL, spec poolSpec) (pool, error) {
	p := &alchemyPool{}
	c, err := alchemy.NewConnector(withSettings(u, spec), alchemy.PoolEvents(p.event))
	if err != nil {
		return nil, err
	}
	p.db, p.qp = sql.OpenDB(c), c.Pool()
	return p, nil
}

// event records the timings the pool reports: connect (create time) and
// checkin (use time).
func (p *alchemyPool) event(ev alchemy.PoolEvent) {
	switch ev.Kind {
	case alchemy.EventConnect:
		p.creates.Add(1)
		p.createNs.Add(int64(ev.Duration))
	case alchemy.EventCheckin:
		p.uses.Add(1)
		p.useNs.Add(int64(ev.Duration))
	}
}

func (p *alchemyPool) acquire(ctx context.Context) (session, error) {
	c, err := p.db.Conn(ctx)
	if err != nil {
		if errors.Is(err, alchemy.ErrPoolTimeout) {
			return nil, fmt.Errorf("%w: %w", errCheckoutTimeout, err)
		}
		return nil, err
	}
	return sqlSession{c}, nil
}

func (p *alchemyPool) counters() poolCounters {
	s := p.qp.Stats()
	return poolCounters{Opens: s.Opens, Closes: s.Closes,
		Creates: p.creates.Load(), CreateNs: p.createNs.Load(), Uses: p.uses.Load(), UseNs: p.useNs.Load()}
}

func (p *alchemyPool) openConns() int { return p.qp.Stats().Open }
func (p *alchemyPool) close() error   { return p.db.Close() }

// sqlPool is database/sql's own pool over the same underlying driver
// connector: MaxOpenConns = size+overflow, MaxIdleConns = size.
type sqlPool struct {
	db      *sql.DB
	cc      *countingConnector
	timeout time.Duration
}

func openDatabaseSQL(u *alchemy.URL, spec poolSpec) (pool, error) {
	ac, err := alchemy.NewConnector(withSettings(u, spec))
	if err != nil {
		return nil, err
	}
	cc := &countingConnector{under: ac.Underlying(), owner: ac}
	db := sql.OpenDB(cc)
	db.SetMaxOpenConns(spec.Size + spec.Overflow)
	db.SetMaxIdleConns(spec.Size)
	return &sqlPool{db: db, cc: cc, timeout: spec.Timeout}, nil
}

func (p *sqlPool) acquire(ctx context.Context) (session, error) {
	if p.timeout == noTimeout {
		c, err := p.db.Conn(ctx)
		if err != nil {
			return nil, err
		}
		return sqlSession{c}, nil
	}
	tctx, cancel := context.WithTimeout(ctx, p.timeout)
	c, err := p.db.Conn(tctx)
	cancel()
	if err != nil {
		return nil, deadlineToTimeout(ctx, err, p.timeout)
	}
	return sqlSession{c}, nil
}

// deadlineToTimeout turns the expiry of the tool's own checkout deadline
// (not the caller's context) into errCheckoutTimeout.
func deadlineToTimeout(ctx context.Context, err error, d time.Duration) error {
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return fmt.Errorf("%w after %v", errCheckoutTimeout, d)
	}
	return err
}

// counters: database/sql counts no opens, so the connector counts them;
// its closes are the ones database/sql reports (idle limit, idle time
// and lifetime; a connection closed as broken is not counted).
func (p *sqlPool) counters() poolCounters {
	s := p.db.Stats()
	return poolCounters{Opens: p.cc.opens.Load(), Closes: s.MaxIdleClosed + s.MaxIdleTimeClosed + s.MaxLifetimeClosed}
}

func (p *sqlPool) openConns() int { return p.db.Stats().OpenConnections }
func (p *sqlPool) close() error   { return p.db.Close() }

// countingConnector counts the connections database/sql opens. It hands
// the driver's connections over unwrapped, so nothing else changes.
type countingConnector struct {
	under driver.Connector
	owner *alchemy.Connector // closed with the *sql.DB; it closes under
	opens atomic.Int64
}

func (c *countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.under.Connect(ctx)
	if err == nil {
		c.opens.Add(1)
	}
	return conn, err
}

func (c *countingConnector) Driver() driver.Driver { return c.under.Driver() }
func (c *countingConnector) Close() error          { return c.owner.Close() }

// sqlSession is a checkout through database/sql (alchemy's or its own).
type sqlSession struct{ c *sql.Conn }

func (s sqlSession) exec(ctx context.Context, query string, args ...any) error {
	_, err := s.c.ExecContext(ctx, query, args...)
	return err
}

func (s sqlSession) scanOne(ctx context.Context, query string, dest any, args ...any) error {
	return s.c.QueryRowContext(ctx, query, args...).Scan(dest)
}

func (s sqlSession) release() { s.c.Close() }

// pgxPool is jackc/pgx's own pool with MaxConns = size+overflow and
// MinConns = 0, on the same server and connection settings.
type pgxPool struct {
	p       *pgxpool.Pool
	timeout time.Duration
}

func openPgxpool(ctx context.Context, u *alchemy.URL, spec poolSpec) (pool, error) {
	q := u.DriverQuery()
	if spec.AppName != "" {
		q.Set("application_name", spec.AppName)
	}
	cs := postgresql.ConnString(dialects.ConnParams{
		Host: u.Host, Port: u.Port, User: u.Username, Password: u.Password, HasPassword: u.PasswordSet,
		Database: u.Database, Query: q,
	})
	cfg, err := pgxpool.ParseConfig(cs)
	if err != nil {
		return nil, fmt.Errorf("pgxpool: %w", err)
	}
	cfg.MaxConns = int32(spec.Size + spec.Overflow)
	cfg.MinConns = 0
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgxpool: %w", err)
	}
	return &pgxPool{p: p, timeout: spec.Timeout}, nil
}

func (p *pgxPool) acquire(ctx context.Context) (session, error) {
	if p.timeout == noTimeout {
		c, err := p.p.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		return pgxSession{c}, nil
	}
	tctx, cancel := context.WithTimeout(ctx, p.timeout)
	c, err := p.p.Acquire(tctx)
	cancel()
	if err != nil {
		return nil, deadlineToTimeout(ctx, err, p.timeout)
	}
	return pgxSession{c}, nil
}

func (p *pgxPool) counters() poolCounters {
	s := p.p.Stat()
	return poolCounters{Opens: s.NewConnsCount(), Closes: s.MaxLifetimeDestroyCount() + s.MaxIdleDestroyCount()}
}

func (p *pgxPool) openConns() int { return int(p.p.Stat().TotalConns()) }
func (p *pgxPool) close() error   { p.p.Close(); return nil }

type pgxSession struct{ c *pgxpool.Conn }

func (s pgxSession) exec(ctx context.Context, query string, args ...any) error {
	_, err := s.c.Exec(ctx, query, args...)
	return err
}

func (s pgxSession) scanOne(ctx context.Context, query string, dest any, args ...any) error {
	return s.c.QueryRow(ctx, query, args...).Scan(dest)
}

func (s pgxSession) release() { s.c.Release() }
