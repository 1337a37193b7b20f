package alchemy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ReadReplicas gives an Engine (CreateEngine only) read replicas: each
// URL is a server — a PostgreSQL hot standby, a MySQL/MariaDB replica, a
// Galera node — with a pool of its own, built with the same options.
// Read-only work goes to a replica and everything else to the primary:
//
//   - eng.BeginWith(ctx, &sql.TxOptions{ReadOnly: true}, fn) and
//     eng.BeginRetry with such TxOptions run on a replica;
//   - eng.Reader() is an Engine for a replica, for explicit reads;
//   - eng itself, eng.DB() and the drop-in path are the primary.
//
// A replica that could not be reached, or that lags more than
// ReplicaMaxLag, is skipped (rechecked after replicaRetryAfter); with no
// usable replica, reads go to the primary. Reads within a
// [ReadYourWrites] context go to the primary for a while after that
// context's last write, so a program sees what it just committed even
// on an asynchronous replica.
func ReadReplicas(urls ...string) Option {
	return func(s *settings) error {
		if len(urls) == 0 {
			return errors.New("alchemy: ReadReplicas needs at least one URL")
		}
		s.replicas = append(s.replicas, urls...)
		return nil
	}
}

// ReplicaMaxLag skips a replica that is more than d behind the primary
// (PostgreSQL: now() - pg_last_xact_replay_timestamp() on a standby with
// replay pending; MySQL/MariaDB: Seconds_Behind_Master). Each replica's
// lag is read at most once a second, on a connection of its own pool.
// 0 (the default) does not check lag.
func ReplicaMaxLag(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return fmt.Errorf("alchemy: ReplicaMaxLag(%v): must be >= 0", d)
		}
		s.replicaMaxLag = d
		return nil
	}
}

// replicaRetryAfter is how long a replica that failed is skipped.
const replicaRetryAfter = 5 * time.Second

// lagCheckEvery bounds how often a replica's lag is read.
const lagCheckEvery = time.Second

// replicaSet routes read-only work among an engine's replicas.
type replicaSet struct {
	primary *Engine
	members []*replica
	next    atomic.Uint64
	maxLag  time.Duration
	now     func() time.Time
}

type replica struct {
	eng *Engine

	mu        sync.Mutex
	downUntil time.Time // skipped until then
	lagAt     time.Time // when the lag was last read
	lag       time.Duration
}

func newReplicaSet(primary *Engine, s settings, urls []string, opts []Option) (*replicaSet, error) {
	rs := &replicaSet{primary: primary, maxLag: s.replicaMaxLag, now: time.Now}
	for _, u := range urls {
		// The replica's options are the primary's, without ReadReplicas
		// and without WithConnector (which would reach the primary).
		sub := append(append([]Option(nil), opts...), func(s *settings) error { s.replicas, s.under = nil, nil; return nil })
		eng, err := CreateEngine(u, sub...)
		if err != nil {
			rs.close()
			return nil, fmt.Errorf("alchemy: read replica: %w", err)
		}
		if eng.Dialect().Family != primary.Dialect().Family {
			eng.Close()
			rs.close()
			return nil, fmt.Errorf("alchemy: read replica %s is %s, the primary %s", eng, eng.Dialect().Name, primary.Dialect().Name)
		}
		eng.readOnly = true
		rs.members = append(rs.members, &replica{eng: eng})
	}
	return rs, nil
}

func (rs *replicaSet) close() error {
	var errs []error
	for _, r := range rs.members {
		errs = append(errs, r.eng.Close())
	}
	return errors.Join(errs...)
}

// pick returns a usable replica's engine, round robin, or nil.
func (rs *replicaSet) pick(ctx context.Context) *Engine {
	n := len(rs.members)
	start := int(rs.next.Add(1))
	for i := range n {
		r := rs.members[(start+i)%n]
		if rs.usable(ctx, r) {
			return r.eng
		}
	}
	return nil
}

func (rs *replicaSet) usable(ctx context.Context, r *replica) bool {
	now := rs.now()
	r.mu.Lock()
	if now.Before(r.downUntil) {
		r.mu.Unlock()
		return false
	}
	check := rs.maxLag > 0 && now.Sub(r.lagAt) >= lagCheckEvery
	if check {
		r.lagAt = now // one checker at a time; others use the last figure
	}
	lag := r.lag
	r.mu.Unlock()
	if check {
		measured, err := replicaLag(ctx, r.eng)
		r.mu.Lock()
		if err != nil {
			r.downUntil = now.Add(replicaRetryAfter)
			r.mu.Unlock()
			return false
		}
		r.lag, lag = measured, measured
		r.mu.Unlock()
	}
	return rs.maxLag == 0 || lag <= rs.maxLag
}

// failed marks the replica of eng down after it could not serve a read.
func (rs *replicaSet) failed(eng *Engine) {
	for _, r := range rs.members {
		if r.eng == eng {
			r.mu.Lock()
			r.downUntil = rs.now().Add(replicaRetryAfter)
			r.mu.Unlock()
		}
	}
}

// replicaLag reads how far eng's server is behind its primary.
func replicaLag(ctx context.Context, eng *Engine) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	switch eng.Dialect().Family {
	case "postgresql":
		// On a standby with nothing to replay the last replay timestamp
		// ages without lag: count lag only while WAL waits to be replayed.
		var secs float64
		err := eng.QueryRowContext(ctx, `SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
			WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
			ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END`).Scan(&secs)
		return time.Duration(secs * float64(time.Second)), err
	case "mysql", "mariadb":
		rows, err := eng.QueryContext(ctx, "SHOW SLAVE STATUS")
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return 0, err
		}
		if !rows.Next() {
			return 0, rows.Err() // not a replica (a Galera node): no lag to report
		}
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		for i, c := range cols {
			if c == "Seconds_Behind_Master" {
				if !vals[i].Valid {
					return 0, errors.New("alchemy: replication is not running on the replica")
				}
				var secs int64
				if _, err := fmt.Sscan(vals[i].String, &secs); err != nil {
					return 0, err
				}
				return time.Duration(secs) * time.Second, nil
			}
		}
		return 0, nil
	}
	return 0, nil
}

// Reader returns the engine for read-only work: a usable replica, round
// robin, or the engine itself when it has no replicas, none is usable,
// or ctx is a [ReadYourWrites] context that wrote recently.
func (e *Engine) Reader(ctx context.Context) *Engine {
	if e.replicas == nil || mustReadPrimary(ctx) {
		return e
	}
	if r := e.replicas.pick(ctx); r != nil {
		return r
	}
	return e
}

// readYourWritesWindow is how long after a write a ReadYourWrites
// context reads from the primary: longer than replication lag is
// expected to be on a healthy replica, short enough that a program
// that wrote once does not read from the primary for good.
const readYourWritesWindow = 5 * time.Second

type rywKey struct{}

type rywState struct{ lastWrite atomic.Int64 } // unix nanoseconds

// ReadYourWrites returns a context whose reads go to the primary for a
// few seconds (readYourWritesWindow, 5 s) after each write transaction
// committed through an Engine under it, so a request sees its own writes
// even when replicas lag. Reads in other contexts may be stale by up to
// the replicas' lag (bounded with ReplicaMaxLag).
func ReadYourWrites(ctx context.Context) context.Context {
	if _, ok := ctx.Value(rywKey{}).(*rywState); ok {
		return ctx
	}
	return context.WithValue(ctx, rywKey{}, &rywState{})
}

func mustReadPrimary(ctx context.Context) bool {
	s, ok := ctx.Value(rywKey{}).(*rywState)
	if !ok {
		return false
	}
	last := s.lastWrite.Load()
	return last != 0 && time.Since(time.Unix(0, last)) < readYourWritesWindow
}

func noteWrite(ctx context.Context) {
	if s, ok := ctx.Value(rywKey{}).(*rywState); ok {
		s.lastWrite.Store(time.Now().UnixNano())
	}
}

// ReadOnlyError is returned by an Engine's Conn for a write the server
// refused because it is read-only (a PostgreSQL standby, SQLSTATE 25006;
// MySQL read_only, 1290/1792): the statement went to a replica, or to a
// server that was demoted. errors.As reaches the driver's error.
type ReadOnlyError struct {
	Server string // the engine's URL, password masked
	Err    error
}

func (e *ReadOnlyError) Error() string {
	return "alchemy: " + e.Server + " is read-only (a replica or standby): send writes to the primary: " + e.Err.Error()
}

// Unwrap returns the driver's error.
func (e *ReadOnlyError) Unwrap() error { return e.Err }
