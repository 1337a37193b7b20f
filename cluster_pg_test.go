package alchemy_test

// Tests of issue 13 on a real PostgreSQL primary and hot standby
// (internal/testserver.PostgresCluster): multi-host failover with a
// promotion, read routing to the standby, writes refused there, replica
// health, and recovery conflicts retried. What the servers hold is
// checked through the plain pgx driver, never through alchemy.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testserver"
)

// standbyExec runs statements on db, failing the test on the first error.
func standbyExec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// standbyIDs returns the ids of table, read through db (plain pgx).
func standbyIDs(t *testing.T, db *sql.DB, table string) map[int64]bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT id FROM "+table)
	if err != nil {
		t.Fatalf("reading %s: %v", table, err)
	}
	defer rows.Close()
	ids := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// standbyWaitSync waits until the primary treats its standby as
// synchronous (after synchronous_standby_names was set and reloaded).
func standbyWaitSync(t *testing.T, primary *sql.DB) {
	t.Helper()
	ok := waitFor(10*time.Second, func() bool {
		var n int
		err := primary.QueryRow("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'").Scan(&n)
		return err == nil && n == 1
	})
	if !ok {
		t.Fatal("the standby did not become synchronous")
	}
}

// TestPGStandbyFailover: writers commit through a multi-host URL with
// target_session_attrs=read-write; the primary is stopped (immediate,
// a crash) and the standby promoted. The engine resumes on the promoted
// server by itself, and every commit that returned nil is there.
//
// The standby is synchronous (synchronous_standby_names = '*'): a
// commit is acknowledged only once the standby has flushed it, which is
// what makes "no acknowledged commit lost" a promise PostgreSQL keeps
// across a failover. With an asynchronous standby an acknowledged commit
// can be lost in the crash, whatever the client does; the asynchronous
// run (ALCHEMY_MEASURE=1) counts how many were.
func TestPGStandbyFailover(t *testing.T) {
	for _, tc := range []struct {
		name        string
		synchronous bool
	}{
		{"synchronous", true},
		{"asynchronous", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.synchronous && os.Getenv("ALCHEMY_MEASURE") != "1" {
				t.Skip("a measurement of what an asynchronous standby loses: set ALCHEMY_MEASURE=1 to run it")
			}
			standbyFailover(t, tc.synchronous)
		})
	}
}

func standbyFailover(t *testing.T, synchronous bool) {
	c := testserver.PostgresCluster(t, testserver.PGClusterOptions{})
	primary := c.Primary.Plain(t)
	const table = "standby_failover"
	standbyExec(t, primary, "CREATE TABLE "+table+" (id BIGINT PRIMARY KEY, writer INT NOT NULL)")
	if synchronous {
		standbyExec(t, primary, "ALTER SYSTEM SET synchronous_standby_names = '*'", "SELECT pg_reload_conf()")
		standbyWaitSync(t, primary)
	} else {
		c.CatchUp(t) // the table is there when the standby is promoted
	}
	primary.Close()

	url := c.URL("target_session_attrs=read-write&pool_size=4&connect_timeout=3")
	eng, err := alchemy.CreateEngine(url)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if s := eng.String(); !strings.Contains(s, fmt.Sprintf("127.0.0.1:%d,127.0.0.1:%d", c.Primary.Port(), c.Standby.Port())) {
		t.Errorf("Engine.String() = %s, want both servers", s)
	}

	type outcome struct {
		id    int64
		err   error
		began time.Time
		at    time.Time
	}
	var (
		nextID   atomic.Int64
		mu       sync.Mutex
		outcomes []outcome
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	ctx := context.Background()
	const writers = 4
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				id := nextID.Add(1)
				began := time.Now()
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := eng.Begin(wctx, func(cn *alchemy.Conn) error {
					_, err := cn.ExecContext(wctx, "INSERT INTO "+table+" (id, writer) VALUES ($1, $2)", id, w)
					return err
				})
				cancel()
				mu.Lock()
				outcomes = append(outcomes, outcome{id, err, began, time.Now()})
				mu.Unlock()
				if err != nil {
					// Do not spin on a server that is not there; 2 ms is
					// the most this adds to the measured resume time.
					time.Sleep(2 * time.Millisecond)
				}
			}
		}()
	}
	// acked counts the commits of transactions begun after a moment,
	// and returns when the first of them was acknowledged.
	acked := func(after time.Time) (n int, first time.Time) {
		mu.Lock()
		defer mu.Unlock()
		for _, o := range outcomes {
			if o.err == nil && o.began.After(after) {
				if n == 0 || o.at.Before(first) {
					first = o.at
				}
				n++
			}
		}
		return n, first
	}
	if !waitFor(10*time.Second, func() bool { n, _ := acked(time.Time{}); return n >= 200 }) {
		t.Fatal("the writers did not commit 200 rows on the primary within 10 s")
	}

	stopped := time.Now()
	c.Primary.Stop(t, testserver.Immediate)
	// Every process of the primary is gone: a transaction begun from
	// now on can only commit on the promoted standby.
	gone := time.Now()
	time.Sleep(300 * time.Millisecond) // the writers find no writable server meanwhile
	promoteStart := time.Now()
	promoteTook := c.Promote(t)
	if !waitFor(20*time.Second, func() bool { n, _ := acked(promoteStart); return n >= 100 }) {
		mu.Lock()
		last := outcomes[len(outcomes)-1]
		mu.Unlock()
		t.Fatalf("the engine did not resume on the promoted standby within 20 s; last error: %v", last.err)
	}
	close(stop)
	wg.Wait()

	_, first := acked(gone)
	var log ackLog
	var unknown []int64
	for _, o := range outcomes {
		log.add(o.id, o.err)
		if errors.Is(o.err, alchemy.ErrCommitUnknown) {
			unknown = append(unknown, o.id)
		}
	}
	stored := standbyIDs(t, c.Standby.Plain(t), table)
	ackN, failN := log.counts()
	storedN := map[int64]int{}
	for id := range stored {
		storedN[id] = 1
	}
	lost := log.lost(storedN)
	if len(lost) > 0 && synchronous {
		t.Errorf("%d acknowledged commits are not on the promoted server: %v", len(lost), firstN(lost, 10))
	}
	// A failure other than an unknown COMMIT outcome must have rolled
	// back: its row is not there.
	isUnknown := map[int64]bool{}
	for _, id := range unknown {
		isUnknown[id] = true
	}
	var unknownKept int
	var failedButStored []int64
	for _, o := range outcomes {
		switch {
		case o.err == nil:
		case isUnknown[o.id]:
			if stored[o.id] {
				unknownKept++
			}
		case stored[o.id]:
			failedButStored = append(failedButStored, o.id)
		}
	}
	if len(failedButStored) > 0 {
		t.Errorf("%d transactions reported as failed (not ErrCommitUnknown) were committed: %v", len(failedButStored), firstN(failedButStored, 10))
	}
	if len(stored) != ackN-len(lost)+unknownKept {
		t.Errorf("the promoted server holds %d rows, want %d acknowledged - %d lost + %d unknown-outcome ones it kept", len(stored), ackN, len(lost), unknownKept)
	}
	t.Logf("%d writers: %d commits acknowledged, %d failed (%d with an unknown COMMIT outcome, %d of which the promoted server kept); %d acknowledged lost%s",
		writers, ackN, failN, len(unknown), unknownKept, len(lost), log.topErrors(4))
	// pg_promote(wait) polls every 100 ms, so the first commit may come
	// before it returns: the figure is from the call.
	t.Logf("failover: first commit on the promoted standby %v after pg_promote() was called (it returned after %v); %v after the primary was stopped (immediate), of which 300 ms deliberate",
		first.Sub(promoteStart).Round(time.Millisecond), promoteTook.Round(time.Millisecond), first.Sub(stopped).Round(time.Millisecond))
}

// standbyPauseReplay pauses WAL replay on the standby and waits until it
// is paused: from then on the standby falls behind the primary.
func standbyPauseReplay(t *testing.T, standby *sql.DB) {
	t.Helper()
	standbyExec(t, standby, "SELECT pg_wal_replay_pause()")
	if !waitFor(5*time.Second, func() bool {
		var st string
		return standby.QueryRow("SELECT pg_get_wal_replay_pause_state()").Scan(&st) == nil && st == "paused"
	}) {
		t.Fatal("replay did not pause")
	}
}

// standbyInRecovery is what pg_is_in_recovery() says on the server cn is on:
// true on a standby.
func standbyInRecovery(ctx context.Context, cn *alchemy.Conn) (bool, error) {
	var r bool
	err := cn.QueryRowContext(ctx, "SELECT pg_is_in_recovery()").Scan(&r)
	return r, err
}

// TestPGStandbyReplicas: an Engine on the primary with the standby as
// its read replica, on a real hot standby. The subtests share the
// cluster and run in order; the last one stops the standby.
func TestPGStandbyReplicas(t *testing.T) {
	c := testserver.PostgresCluster(t, testserver.PGClusterOptions{
		// A replayed VACUUM cancels a standby query that needs the rows
		// it removes after 100 ms, not after the default 30 s; without
		// feedback the primary does not know what the standby reads.
		StandbySettings: map[string]string{"max_standby_streaming_delay": "100ms", "hot_standby_feedback": "off"},
	})
	primary, standby := c.Primary.Plain(t), c.Standby.Plain(t)
	standbyExec(t, primary,
		"CREATE TABLE standby_rows (id BIGINT PRIMARY KEY, v TEXT NOT NULL)",
		"INSERT INTO standby_rows VALUES (1, 'one')")
	c.CatchUp(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

	eng, err := alchemy.CreateEngine(c.Primary.URL("pool_size=4"), alchemy.ReadReplicas(c.Standby.URL("pool_size=4")))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	readOnly := &sql.TxOptions{ReadOnly: true}
	// where runs a read-only transaction under rctx and says whether it
	// ran on the standby, and whether it saw row id.
	where := func(t *testing.T, e *alchemy.Engine, rctx context.Context, id int64) (onStandby, seen bool) {
		t.Helper()
		err := e.BeginWith(rctx, readOnly, func(cn *alchemy.Conn) error {
			var err error
			if onStandby, err = standbyInRecovery(rctx, cn); err != nil {
				return err
			}
			var n int
			err = cn.QueryRowContext(rctx, "SELECT count(*) FROM standby_rows WHERE id = $1", id).Scan(&n)
			seen = n == 1
			return err
		})
		if err != nil {
			t.Fatalf("read-only transaction: %v", err)
		}
		return onStandby, seen
	}

	t.Run("target_session_attrs", func(t *testing.T) {
		// pgx walks the host list, the primary first, and keeps the
		// first server whose state matches.
		for _, tc := range []struct {
			attrs       string
			wantStandby bool
		}{
			{"read-write", false}, {"primary", false}, {"any", false},
			{"read-only", true}, {"standby", true}, {"prefer-standby", true},
		} {
			e, err := alchemy.CreateEngine(c.URL("target_session_attrs=" + tc.attrs))
			if err != nil {
				t.Fatal(err)
			}
			err = e.Begin(ctx, func(cn *alchemy.Conn) error {
				on, err := standbyInRecovery(ctx, cn)
				if err == nil && on != tc.wantStandby {
					err = fmt.Errorf("on the standby: %v, want %v", on, tc.wantStandby)
				}
				return err
			})
			e.Close()
			if err != nil {
				t.Errorf("target_session_attrs=%s: %v", tc.attrs, err)
			}
		}
	})

	t.Run("routing", func(t *testing.T) {
		for i := range 3 {
			if on, seen := where(t, eng, ctx, 1); !on || !seen {
				t.Fatalf("read %d: BeginWith(ReadOnly) ran on the standby: %v, saw the row: %v; want both", i, on, seen)
			}
		}
		var r bool
		if err := eng.Reader(ctx).QueryRowContext(ctx, "SELECT pg_is_in_recovery()").Scan(&r); err != nil || !r {
			t.Errorf("Reader() in recovery = %v (%v), want the standby", r, err)
		}
		if err := eng.QueryRowContext(ctx, "SELECT pg_is_in_recovery()").Scan(&r); err != nil || r {
			t.Errorf("the engine's own query in recovery = %v (%v), want the primary", r, err)
		}
		if err := eng.DB().QueryRowContext(ctx, "SELECT pg_is_in_recovery()").Scan(&r); err != nil || r {
			t.Errorf("eng.DB() in recovery = %v (%v), want the primary", r, err)
		}
		err := eng.Begin(ctx, func(cn *alchemy.Conn) error {
			if on, err := standbyInRecovery(ctx, cn); err != nil || on {
				return fmt.Errorf("a read-write transaction is on the standby (%v)", err)
			}
			_, err := cn.ExecContext(ctx, "INSERT INTO standby_rows VALUES (2, 'two')")
			return err
		})
		if err != nil {
			t.Fatalf("a write through the engine: %v", err)
		}
		if got := standbyIDs(t, primary, "standby_rows"); !got[2] {
			t.Error("the write is not on the primary")
		}
	})

	t.Run("read_your_writes", func(t *testing.T) {
		rctx := alchemy.ReadYourWrites(ctx)
		if on, _ := where(t, eng, rctx, 1); !on {
			t.Error("before any write a ReadYourWrites context read from the primary")
		}
		// Replay is paused so that the standby certainly does not have
		// the row yet: only the primary can answer the read that follows.
		standbyPauseReplay(t, standby)
		defer standbyExec(t, standby, "SELECT pg_wal_replay_resume()")
		if err := eng.Begin(rctx, func(cn *alchemy.Conn) error {
			_, err := cn.ExecContext(rctx, "INSERT INTO standby_rows VALUES (3, 'three')")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if on, seen := where(t, eng, rctx, 3); on || !seen {
			t.Errorf("right after its write a ReadYourWrites context read on the standby: %v, saw the row: %v; want the primary and the row", on, seen)
		}
		if eng.Reader(rctx) != eng {
			t.Error("Reader(ctx) right after a write in ctx is not the primary's engine")
		}
		if on, seen := where(t, eng, ctx, 3); !on || seen {
			t.Errorf("another context: on the standby %v, saw the paused standby's missing row %v; want the standby, without it", on, seen)
		}
	})

	t.Run("write_refused", func(t *testing.T) {
		check := func(what string, err error, wantTyped bool) {
			t.Helper()
			if !errors.Is(err, alchemy.ErrReadOnly) {
				t.Errorf("%s: %v, want errors.Is ErrReadOnly", what, err)
			}
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Code != "25006" {
				t.Errorf("%s: %v, want SQLSTATE 25006", what, err)
			}
			var roe *alchemy.ReadOnlyError
			if wantTyped && (!errors.As(err, &roe) || !strings.Contains(roe.Server, fmt.Sprint(c.Standby.Port()))) {
				t.Errorf("%s: %T %v, want *alchemy.ReadOnlyError naming the standby", what, err, err)
			}
			if wantTyped && !strings.Contains(err.Error(), "read-only") {
				t.Errorf("%s: %q does not say the server is read-only", what, err)
			}
		}
		insert := func(cn *alchemy.Conn) error {
			_, err := cn.ExecContext(ctx, "INSERT INTO standby_rows VALUES (100, 'x')")
			return err
		}
		check("Reader().Begin", eng.Reader(ctx).Begin(ctx, insert), true)
		// A write inside a read-only transaction went to the standby too.
		check("BeginWith(ReadOnly) writing", eng.BeginWith(ctx, readOnly, insert), true)
		// An engine of its own on the standby's URL, a mistake in the
		// configuration rather than in the routing.
		direct, err := alchemy.CreateEngine(c.Standby.URL(""))
		if err != nil {
			t.Fatal(err)
		}
		defer direct.Close()
		check("an engine on the standby", direct.Begin(ctx, insert), true)
		_, err = direct.ExecContext(ctx, "UPDATE standby_rows SET v = 'y'")
		check("Engine.ExecContext on the standby", err, false)
		if got := standbyIDs(t, primary, "standby_rows"); got[100] {
			t.Error("a refused write reached the primary")
		}
	})

	// A standby that replays a VACUUM removing rows a read's snapshot
	// still needs waits max_standby_streaming_delay, then cancels the
	// statement running (ERROR), or ends the session of a transaction
	// idle between statements (FATAL): both 40001, both retried.
	for i, tc := range []struct {
		name string
		idle bool // the conflict hits between statements
		want string
	}{
		{"recovery_conflict_retried", false, "canceling statement due to conflict with recovery"},
		{"recovery_conflict_idle_in_transaction_retried", true, "terminating connection due to conflict with recovery"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			table := fmt.Sprintf("standby_conflict%d", i)
			standbyExec(t, primary,
				"CREATE TABLE "+table+" (id BIGINT PRIMARY KEY, pad TEXT)",
				"INSERT INTO "+table+" SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g")
			c.CatchUp(t)
			snapshot, vacuumed := make(chan struct{}), make(chan struct{})
			var attempts atomic.Int32
			var retried []alchemy.RetryEvent
			var count int
			policy := alchemy.RetryPolicy{
				TxOptions: &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
				Attempts:  4,
				OnRetry:   func(ev alchemy.RetryEvent) { retried = append(retried, ev) },
			}
			errc := make(chan error, 1)
			go func() {
				errc <- eng.BeginRetry(ctx, policy, func(cn *alchemy.Conn) error {
					n := attempts.Add(1)
					if on, err := standbyInRecovery(ctx, cn); err != nil || !on {
						return fmt.Errorf("attempt %d is not on the standby (%v)", n, err)
					}
					if err := cn.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&count); err != nil {
						return err
					}
					if n > 1 {
						return nil
					}
					// The snapshot now needs the rows the primary is
					// about to delete and vacuum away.
					close(snapshot)
					if !tc.idle {
						// The long statement is what the standby cancels.
						_, err := cn.ExecContext(ctx, "SELECT pg_sleep(10)")
						return err
					}
					// Idle in transaction past the standby's delay; the
					// next statement finds the session ended.
					<-vacuumed
					time.Sleep(time.Second)
					return cn.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&count)
				})
			}()
			select {
			case <-snapshot:
			case err := <-errc:
				t.Fatalf("the read ended before the conflict: %v", err)
			}
			standbyExec(t, primary, "DELETE FROM "+table, "VACUUM "+table)
			close(vacuumed)
			if err := <-errc; err != nil {
				t.Fatalf("BeginRetry: %v", err)
			}
			if attempts.Load() != 2 || len(retried) != 1 {
				t.Fatalf("%d attempts, %d retries, want 2 and 1", attempts.Load(), len(retried))
			}
			cerr := retried[0].Err
			var pgErr *pgconn.PgError
			if !errors.As(cerr, &pgErr) || pgErr.Code != "40001" || !errors.Is(cerr, alchemy.ErrSerializationFailure) {
				t.Errorf("the first attempt failed with %v, want SQLSTATE 40001 classified as a serialization failure", cerr)
			} else if !strings.Contains(pgErr.Message, tc.want) {
				t.Errorf("the first attempt failed with %q (%q), want %q", pgErr.Message, pgErr.Detail, tc.want)
			}
			if k := eng.Dialect().Kind(cerr); !k.Retryable() {
				t.Errorf("the dialect classifies the recovery conflict as %v, not retryable", k)
			}
			if count != 0 {
				t.Errorf("the retried read counted %d rows, want 0 (the delete replayed)", count)
			}
			t.Logf("recovery conflict: %v (%s); retried after %v", cerr, pgErr.Detail, retried[0].Delay.Round(time.Microsecond))
		})
	}

	t.Run("lagging_replica_skipped", func(t *testing.T) {
		lagEng, err := alchemy.CreateEngine(c.Primary.URL("pool_size=2"),
			alchemy.ReadReplicas(c.Standby.URL("pool_size=2")), alchemy.ReplicaMaxLag(300*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		defer lagEng.Close()
		if on, _ := where(t, lagEng, ctx, 1); !on {
			t.Fatal("a replica in step was skipped")
		}
		standbyPauseReplay(t, standby)
		standbyExec(t, primary, "INSERT INTO standby_rows VALUES (4, 'four')")
		// The lag is read at most once a second: within a few seconds
		// reads must go to the primary, and see the new row.
		var on, seen bool
		skipped := waitFor(5*time.Second, func() bool {
			on, seen = where(t, lagEng, ctx, 4)
			return !on
		})
		if !skipped || !seen {
			t.Errorf("a replica paused behind the primary: reads still on it (%v) or the row not seen (%v)", !skipped, seen)
		}
		standbyExec(t, standby, "SELECT pg_wal_replay_resume()")
		if !waitFor(5*time.Second, func() bool { on, seen = where(t, lagEng, ctx, 4); return on }) || !seen {
			t.Errorf("after replay resumed, reads on the standby: %v, saw the row: %v; want both", on, seen)
		}
	})

	t.Run("replica_down_skipped", func(t *testing.T) {
		lagEng, err := alchemy.CreateEngine(c.Primary.URL("pool_size=2"),
			alchemy.ReadReplicas(c.Standby.URL("pool_size=2")), alchemy.ReplicaMaxLag(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		defer lagEng.Close()
		for _, e := range []*alchemy.Engine{eng, lagEng} {
			if on, _ := where(t, e, ctx, 1); !on {
				t.Fatal("the standby is not serving reads before it is stopped")
			}
		}
		c.Standby.Stop(t, testserver.Fast)
		for name, e := range map[string]*alchemy.Engine{"without ReplicaMaxLag": eng, "with ReplicaMaxLag": lagEng} {
			for i := range 3 {
				if on, seen := where(t, e, ctx, 1); on || !seen {
					t.Errorf("%s, read %d with the standby down: on the standby %v, saw the row %v; want the primary", name, i, on, seen)
				}
			}
		}
	})
}

// TestPGStandbyMeasure measures, on a synchronous standby, what each
// synchronous_commit level costs per commit and how often a read on the
// standby right after a commit on the primary misses the row. It prints
// a table and asserts nothing about timing; run it alone:
//
//	ALCHEMY_MEASURE=1 go test -count=1 -run TestPGStandbyMeasure -v .
func TestPGStandbyMeasure(t *testing.T) {
	if testing.Short() || os.Getenv("ALCHEMY_MEASURE") != "1" {
		t.Skip("a measurement: set ALCHEMY_MEASURE=1 to run it")
	}
	c := testserver.PostgresCluster(t, testserver.PGClusterOptions{})
	primary := c.Primary.Plain(t)
	standbyExec(t, primary, "CREATE TABLE standby_measure (id BIGINT PRIMARY KEY)")
	c.CatchUp(t)
	ctx := context.Background()

	levels := []string{"local", "remote_write", "on", "remote_apply"}
	type cell struct {
		commits int
		total   time.Duration
		perOp   []time.Duration
		misses  int
	}
	engines := map[string]*alchemy.Engine{}
	for _, l := range levels {
		// synchronous_commit is a run-time parameter: pgx sends it at
		// connect, so every connection of the engine commits at l.
		e, err := alchemy.CreateEngine(c.Primary.URL("pool_size=1&synchronous_commit="+l),
			alchemy.ReadReplicas(c.Standby.URL("pool_size=1")))
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		engines[l] = e
	}
	res := map[string]*cell{}
	var order []string
	for _, sync := range []string{"async", "sync"} {
		for _, l := range levels {
			res[sync+" "+l] = &cell{}
			order = append(order, sync+" "+l)
		}
	}
	// setStandby makes the standby synchronous or not; the walsender
	// picks the change up at the reload.
	setStandby := func(sync string) {
		names, state := "''", "async"
		if sync == "sync" {
			names, state = "'*'", "sync"
		}
		standbyExec(t, primary, "ALTER SYSTEM SET synchronous_standby_names = "+names, "SELECT pg_reload_conf()")
		if !waitFor(10*time.Second, func() bool {
			var st string
			return primary.QueryRow("SELECT sync_state FROM pg_stat_replication").Scan(&st) == nil && st == state
		}) {
			t.Fatalf("the standby did not become %s", state)
		}
	}
	var id int64
	const rounds, perRound = 8, 50 // 400 commits per cell
	// Interleaved: each round runs every cell, so the drift of a shared
	// machine's load hits them all alike.
	for range rounds {
		for _, sync := range []string{"async", "sync"} {
			setStandby(sync)
			for _, l := range levels {
				r, e := res[sync+" "+l], engines[l]
				for range perRound {
					id++
					start := time.Now()
					if _, err := e.ExecContext(ctx, "INSERT INTO standby_measure VALUES ($1)", id); err != nil {
						t.Fatal(err)
					}
					d := time.Since(start)
					r.commits++
					r.total += d
					r.perOp = append(r.perOp, d)
					// A read on the standby right after the commit, as
					// a program that reads from its replicas would.
					var n int
					err := e.BeginWith(ctx, &sql.TxOptions{ReadOnly: true}, func(cn *alchemy.Conn) error {
						return cn.QueryRowContext(ctx, "SELECT count(*) FROM standby_measure WHERE id = $1", id).Scan(&n)
					})
					if err != nil {
						t.Fatal(err)
					}
					if n == 0 {
						r.misses++
					}
				}
			}
		}
	}
	// Medians: on a shared 2-core machine the means follow the other
	// processes more than the servers.
	median := func(r *cell) time.Duration {
		sort.Slice(r.perOp, func(i, j int) bool { return r.perOp[i] < r.perOp[j] })
		return r.perOp[len(r.perOp)/2]
	}
	load, _ := os.ReadFile("/proc/loadavg")
	var b strings.Builder
	fmt.Fprintf(&b, "load average at the end: %s", load)
	fmt.Fprintf(&b, "%-7s %-13s %8s %10s %10s %10s %12s %16s\n", "standby", "sync_commit", "commits", "median", "mean", "p99", "median ratio", "standby misses")
	base := median(res["sync local"])
	for _, k := range order {
		r := res[k]
		med := median(r)
		sync, level, _ := strings.Cut(k, " ")
		fmt.Fprintf(&b, "%-7s %-13s %8d %10v %10v %10v %11.2f× %12d/%d\n", sync, level, r.commits,
			med.Round(time.Microsecond), (r.total / time.Duration(r.commits)).Round(time.Microsecond),
			r.perOp[len(r.perOp)*99/100].Round(time.Microsecond), float64(med)/float64(base), r.misses, r.commits)
	}
	t.Log("\n" + b.String())
}
