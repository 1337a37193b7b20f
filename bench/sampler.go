package main

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// Where the connection maximum of a row comes from.
const (
	countedByServer = "server" // asked of the server on a separate connection
	countedByPool   = "pool"   // the pool's own count (SQLite has no server to ask)
)

// connCounter counts the connections a pool holds right now.
type connCounter interface {
	count(ctx context.Context) (int, error)
}

// pgCounter asks pg_stat_activity for the backends of this database
// whose application_name is the pool's own, which makes the count exact.
type pgCounter struct {
	admin *sql.DB
	app   string
}

func (c pgCounter) count(ctx context.Context) (int, error) {
	var n int
	err := c.admin.QueryRowContext(ctx,
		"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", c.app).Scan(&n)
	return n, err
}

// mysqlCounter asks the process list for the connections to this
// database, less the admin connection itself and less baseline (the
// other clients' connections seen before the pool opened): MySQL has no
// per-connection application name in its process list.
type mysqlCounter struct {
	admin    *sql.DB
	baseline int
}

func (c mysqlCounter) count(ctx context.Context) (int, error) {
	n, err := mysqlConnections(ctx, c.admin)
	return max(0, n-c.baseline), err
}

func mysqlConnections(ctx context.Context, admin *sql.DB) (int, error) {
	var n int
	err := admin.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()").Scan(&n)
	return n, err
}

// settleMySQL waits (at most 3 s) until the connections of an earlier
// pool are gone from the process list, and returns the count left: the
// baseline for the next pool.
func settleMySQL(ctx context.Context, admin *sql.DB, want int) (int, error) {
	deadline := time.Now().Add(3 * time.Second)
	for {
		n, err := mysqlConnections(ctx, admin)
		if err != nil || n <= want || time.Now().After(deadline) {
			return n, err
		}
		select {
		case <-ctx.Done():
			return n, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// poolCounter reports the pool's own open-connection count.
type poolCounter struct{ p pool }

func (c poolCounter) count(context.Context) (int, error) { return c.p.openConns(), nil }

// sampler polls a connCounter in its own goroutine and keeps the
// maximum it saw.
type sampler struct {
	stop chan struct{}
	done chan struct{}

	mu  sync.Mutex
	max int   // guarded by mu
	err error // first error; guarded by mu
}

// startSampler polls c every interval until finish is called or ctx
// ends. It takes one sample before returning.
func startSampler(ctx context.Context, c connCounter, interval time.Duration) *sampler {
	s := &sampler{stop: make(chan struct{}), done: make(chan struct{})}
	s.sample(ctx, c)
	go func() {
		defer close(s.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				s.sample(ctx, c)
			}
		}
	}()
	return s
}

func (s *sampler) sample(ctx context.Context, c connCounter) {
	n, err := c.count(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if s.err == nil && ctx.Err() == nil {
			s.err = err
		}
		return
	}
	s.max = max(s.max, n)
}

// finish takes a last sample, stops the sampler and returns the maximum
// seen, or the first error.
func (s *sampler) finish(ctx context.Context, c connCounter) (int, error) {
	close(s.stop)
	<-s.done
	s.sample(ctx, c)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.max, s.err
}
