package alchemy_test

// Faults behind a real pgbouncer (issue 18): the bouncer restarted under
// load, its admin console's PAUSE/RESUME and KILL, and max_client_conn
// reached. The bouncer is private to each test and is stopped and started
// by its pid; the shared PostgreSQL behind it is never touched, and what
// it holds is read back over a plain pgx connection straight to it.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// bounceOp is the outcome of one operation of a load through the bouncer.
type bounceOp struct {
	id         int64
	err        error
	start, end time.Time
}

// bounceLoad runs workers goroutines, each running op under a deadline of
// timeout with a new id, until stop is closed. Every outcome is kept.
type bounceLoad struct {
	mu  sync.Mutex
	ops []bounceOp
	wg  sync.WaitGroup
}

func startBounceLoad(workers int, timeout time.Duration, stop <-chan struct{}, op func(ctx context.Context, id int64) error) *bounceLoad {
	l := &bounceLoad{}
	var next atomic.Int64
	for range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				id := next.Add(1)
				start := time.Now()
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				err := op(ctx, id)
				cancel()
				end := time.Now()
				l.mu.Lock()
				l.ops = append(l.ops, bounceOp{id: id, err: err, start: start, end: end})
				l.mu.Unlock()
				if err != nil {
					time.Sleep(5 * time.Millisecond) // the bouncer is away; don't spin
				}
			}
		}()
	}
	return l
}

// acked counts the operations acknowledged after t.
func (l *bounceLoad) acked(after time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, op := range l.ops {
		if op.err == nil && op.end.After(after) {
			n++
		}
	}
	return n
}

func (l *bounceLoad) snapshot() []bounceOp {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]bounceOp(nil), l.ops...)
}

// errorSummary counts error texts (shortened), for the log.
func errorSummary(ops []bounceOp) string {
	counts := map[string]int{}
	for _, op := range ops {
		if op.err != nil {
			msg := op.err.Error()
			if len(msg) > 110 {
				msg = msg[:110]
			}
			counts[msg]++
		}
	}
	var b strings.Builder
	for msg, n := range counts {
		fmt.Fprintf(&b, "\n\t%d× %s", n, msg)
	}
	return b.String()
}

// probeBouncer polls the bouncer with a fresh pgx connection until a
// query through it succeeds, and returns when it did: the moment the
// bouncer answers again.
func probeBouncer(t *testing.T, url string, within time.Duration) time.Time {
	t.Helper()
	probe := testdb.Plain(t, url)
	probe.SetMaxIdleConns(0)
	deadline := time.Now().Add(within)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := probe.QueryRowContext(ctx, "SELECT 1").Scan(new(int))
		cancel()
		if err == nil {
			return time.Now()
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bouncer did not answer within %v: %v", within, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPgBouncerRestartUnderLoad: eight goroutines insert a row per
// transaction through an Engine, and eight run a db.Prepare'd select
// through the drop-in, with pgbouncer=true, when the bouncer goes away —
// a safe shutdown (SIGINT: PAUSE, then exit) or a crash (SIGKILL) — and
// comes back on the same port half a second later. Each pool invalidates its
// connections and resumes within a second of the bouncer answering;
// every operation that started a second after that succeeds; every
// commit the application was told of is in PostgreSQL (read over a plain
// connection straight to it); and no caller waits past its deadline.
func TestPgBouncerRestartUnderLoad(t *testing.T) {
	raw := testdb.Postgres(t)
	direct := testdb.Plain(t, raw)
	const deadline = 2 * time.Second
	const slack = 300 * time.Millisecond // a busy 2-core machine's scheduling delay
	for _, c := range []struct {
		name string
		sig  syscall.Signal
	}{
		{"SIGINT", syscall.SIGINT},
		{"SIGKILL", syscall.SIGKILL},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := newPgBouncer(t, raw, bouncerOptions{serverConns: 4})
			table := testdb.UniqueName("bounce_restart")
			if _, err := direct.Exec("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, n INT NOT NULL)"); err != nil {
				t.Fatal(err)
			}
			settings := "pgbouncer=true&pool_size=4&max_overflow=4&pool_timeout=1"
			eng, err := alchemy.CreateEngine(withQuery(b.url, settings))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			// Beside the Engine's transactions, the drop-in's db.Prepare'd
			// statement (kept as text behind the pooler) on a pool of its own.
			dropIn := openDB(t, withQuery(b.url, settings))
			stmt, err := dropIn.Prepare("SELECT $1::bigint + 1")
			if err != nil {
				t.Fatal(err)
			}
			defer stmt.Close()
			insert := "INSERT INTO " + table + " (id, n) VALUES ($1, 1)"
			stop := make(chan struct{})
			writes := startBounceLoad(8, deadline, stop, func(ctx context.Context, id int64) error {
				return eng.Begin(ctx, func(c *alchemy.Conn) error {
					_, err := c.ExecContext(ctx, insert, id)
					return err
				})
			})
			reads := startBounceLoad(8, deadline, stop, func(ctx context.Context, id int64) error {
				var n int64
				if err := stmt.QueryRowContext(ctx, id).Scan(&n); err != nil {
					return err
				}
				if n != id+1 {
					return fmt.Errorf("SELECT %d + 1 gave %d", id, n)
				}
				return nil
			})
			halt := sync.OnceFunc(func() { close(stop); writes.wg.Wait(); reads.wg.Wait() })
			defer halt()

			going := func(after time.Time) bool { return writes.acked(after) >= 100 && reads.acked(after) >= 100 }
			if !waitFor(15*time.Second, func() bool { return going(time.Time{}) }) {
				t.Fatalf("the load did not get going:%s%s", errorSummary(writes.snapshot()), errorSummary(reads.snapshot()))
			}
			downAt := time.Now()
			b.stop(t, c.sig)
			time.Sleep(500 * time.Millisecond)
			b.start(t)
			upAt := probeBouncer(t, b.url, 10*time.Second)
			if !waitFor(15*time.Second, func() bool { return going(upAt) }) {
				t.Fatalf("the pools did not recover: %d writes and %d reads acknowledged since the bouncer answered; errors:%s%s",
					writes.acked(upAt), reads.acked(upAt), errorSummary(writes.snapshot()), errorSummary(reads.snapshot()))
			}
			halt()

			for _, load := range []struct {
				name string
				ops  []bounceOp
			}{{"Engine.Begin inserts", writes.snapshot()}, {"drop-in prepared selects", reads.snapshot()}} {
				var firstAck time.Time
				var failed, failedLate, overdue int
				var late []bounceOp
				for _, op := range load.ops {
					if op.err == nil && op.end.After(upAt) && (firstAck.IsZero() || op.end.Before(firstAck)) {
						firstAck = op.end
					}
					if op.err != nil {
						failed++
						if op.start.After(upAt.Add(time.Second)) {
							failedLate++
							late = append(late, op)
						}
					}
					if op.end.Sub(op.start) > deadline+slack {
						overdue++
					}
				}
				t.Logf("%s: %d operations, %d failed (%d that started over 1 s after the bouncer answered); bouncer away %v; first success %v after it answered; errors:%s",
					load.name, len(load.ops), failed, failedLate, upAt.Sub(downAt).Round(time.Millisecond), firstAck.Sub(upAt).Round(time.Millisecond), errorSummary(load.ops))
				if failed == 0 {
					t.Errorf("%s: no operation failed while the bouncer was away: the fault did not happen", load.name)
				}
				if d := firstAck.Sub(upAt); d > time.Second {
					t.Errorf("%s: the first success after the bouncer answered came %v later, want within 1 s", load.name, d)
				}
				if failedLate > 0 {
					t.Errorf("%s: %d operations that started over 1 s after the bouncer answered failed:%s", load.name, failedLate, errorSummary(late))
				}
				if overdue > 0 {
					t.Errorf("%s: %d callers waited past their %v deadline (+%v)", load.name, overdue, deadline, slack)
				}
			}
			ops := writes.snapshot()

			stored := map[int64]bool{}
			rows, err := direct.Query("SELECT id FROM " + table)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				stored[id] = true
			}
			rows.Close()
			var lost []int64
			acked := 0
			for _, op := range ops {
				if op.err == nil {
					acked++
					if !stored[op.id] {
						lost = append(lost, op.id)
					}
				}
			}
			if len(lost) > 0 {
				t.Errorf("%d of %d acknowledged commits are not in PostgreSQL: %v", len(lost), acked, firstN(lost, 10))
			}
			for _, st := range []alchemy.PoolStats{eng.Pool().Stats(), poolOf(t, dropIn).Stats()} {
				if st.Invalidations == 0 && st.Recycles == 0 {
					t.Errorf("a pool invalidated nothing across the restart: %+v", st)
				}
			}
		})
	}
}

// TestPgBouncerPauseResume: the admin console's PAUSE holds every query
// at the bouncer. Callers holding a pooled connection wait until their
// own deadline (context.DeadlineExceeded), callers queued behind them
// until pool_timeout (ErrPoolTimeout, naming the pool's limits), and with
// the bouncer's query_wait_timeout below the deadline they get its
// "query_wait_timeout", classified as a disconnect; nobody waits longer.
// After RESUME queries run again on the same pool, and callers that
// started during the pause proceed once it ends.
func TestPgBouncerPauseResume(t *testing.T) {
	raw := testdb.Postgres(t)
	b := newPgBouncer(t, raw, bouncerOptions{serverConns: 2})
	admin := b.admin(t)
	const slack = 300 * time.Millisecond
	db := openDB(t, withQuery(b.url, "pgbouncer=true&pool_size=2&max_overflow=0&pool_timeout=1"))
	warmBouncer(t, db, 2)

	type outcome struct {
		err     error
		elapsed time.Duration
	}
	run := func(db *sql.DB, callers int, deadline time.Duration) []outcome {
		out := make([]outcome, callers)
		var wg sync.WaitGroup
		for i := range out {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				defer cancel()
				start := time.Now()
				err := db.QueryRowContext(ctx, "SELECT 1").Scan(new(int))
				out[i] = outcome{err, time.Since(start)}
			}()
		}
		wg.Wait()
		return out
	}

	b.console(t, admin, "PAUSE")
	var byDeadline, byPool int
	for _, o := range run(db, 6, 2*time.Second) {
		switch {
		case errors.Is(o.err, context.DeadlineExceeded):
			byDeadline++
			if o.elapsed > 2*time.Second+slack {
				t.Errorf("a caller with a 2 s deadline waited %v", o.elapsed)
			}
		case errors.Is(o.err, alchemy.ErrPoolTimeout):
			byPool++
			if o.elapsed > time.Second+slack {
				t.Errorf("a caller with pool_timeout=1 waited %v in the queue", o.elapsed)
			}
			if !strings.Contains(o.err.Error(), "QueuePool limit of size 2 overflow 0") {
				t.Errorf("the pool timeout does not say which limits: %v", o.err)
			}
		default:
			t.Errorf("paused: got %v after %v, want the caller's deadline or the pool timeout", o.err, o.elapsed)
		}
	}
	if byDeadline != 2 || byPool != 4 {
		t.Errorf("paused, 6 callers on a pool of 2: %d ended by their deadline (want 2), %d by pool_timeout (want 4)", byDeadline, byPool)
	}

	// The bouncer's own limit on the wait, shorter than the callers'.
	b.console(t, admin, "SET query_wait_timeout = 1")
	for _, o := range run(db, 2, 5*time.Second) {
		if alchemy.KindOf(o.err) != dialects.KindDisconnect || !strings.Contains(fmt.Sprint(o.err), "query_wait_timeout") {
			t.Errorf("paused with query_wait_timeout=1: got %v after %v, want the bouncer's query_wait_timeout as a disconnect", o.err, o.elapsed)
		} else if o.elapsed > time.Second+time.Second+slack { // pgbouncer checks its timeouts once a second
			t.Errorf("query_wait_timeout=1 ended the wait after %v", o.elapsed)
		}
	}
	b.console(t, admin, "SET query_wait_timeout = 120")

	b.console(t, admin, "RESUME")
	for i, o := range run(db, 6, 5*time.Second) {
		if o.err != nil {
			t.Errorf("after RESUME, caller %d: %v", i, o.err)
		}
	}

	// Callers that start during a pause proceed when it ends.
	db2 := openDB(t, withQuery(b.url, "pgbouncer=true&pool_size=2&max_overflow=0&pool_timeout=5"))
	warmBouncer(t, db2, 2)
	admin2 := b.admin(t) // for the RESUME sent from another goroutine
	b.console(t, admin, "PAUSE")
	resumed := make(chan error, 1)
	go func() {
		time.Sleep(500 * time.Millisecond)
		_, err := admin2.Exec("RESUME")
		resumed <- err
	}()
	for i, o := range run(db2, 6, 5*time.Second) {
		if o.err != nil {
			t.Errorf("a caller that started during the pause, %d: %v", i, o.err)
		} else if o.elapsed < 400*time.Millisecond {
			t.Errorf("a caller that started during the pause finished after %v, before the RESUME", o.elapsed)
		}
	}
	if err := <-resumed; err != nil {
		t.Fatalf("RESUME: %v", err)
	}
}

// TestPgBouncerKillDatabase: KILL <db> on the admin console drops every
// client and server connection of the database, and new ones wait until
// RESUME <db>. The pool's callers get the bouncer's "database removed"
// (a disconnect: the pool invalidates its connections) or their own
// deadline, never a longer wait; after RESUME the same pool serves
// queries again within a second, nothing left broken.
func TestPgBouncerKillDatabase(t *testing.T) {
	raw := testdb.Postgres(t)
	b := newPgBouncer(t, raw, bouncerOptions{serverConns: 4})
	admin := b.admin(t)
	const slack = 300 * time.Millisecond
	db := openDB(t, withQuery(b.url, "pgbouncer=true&pool_size=4&max_overflow=0&pool_timeout=2"))
	warmBouncer(t, db, 4)
	pool := poolOf(t, db)

	b.console(t, admin, "KILL "+b.db)
	var removed, timedOut int
	for range 4 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		start := time.Now()
		err := db.QueryRowContext(ctx, "SELECT 1").Scan(new(int))
		elapsed := time.Since(start)
		cancel()
		switch {
		case err == nil:
			t.Error("a query ran on a killed database")
		case errors.Is(err, context.DeadlineExceeded):
			timedOut++
		case alchemy.KindOf(err) == dialects.KindDisconnect:
			removed++
			if !strings.Contains(err.Error(), "database removed") {
				t.Errorf("a disconnect other than the bouncer's KILL: %v", err)
			}
		default:
			t.Errorf("after KILL: %v (kind %v), want a disconnect or the deadline", err, alchemy.KindOf(err))
		}
		if elapsed > time.Second+slack {
			t.Errorf("a caller with a 1 s deadline waited %v after KILL", elapsed)
		}
	}
	// One checkout meets the dropped connection; the disconnect moves
	// the pool's invalidation mark, so the others are replaced at
	// checkout instead of failing each in turn, and wait (the database
	// is paused) until their deadline.
	t.Logf("after KILL: %d disconnects (database removed), %d deadlines; pool %+v", removed, timedOut, pool.Stats())
	if removed < 1 || timedOut < 1 {
		t.Errorf("after KILL: %d disconnects, %d deadlines; want the first to meet the dropped connection and the rest to wait", removed, timedOut)
	}
	if st := pool.Stats(); st.Invalidations == 0 {
		t.Errorf("KILL invalidated no pooled connection: %+v", st)
	}

	b.console(t, admin, "RESUME "+b.db)
	resumedAt := time.Now()
	if !waitFor(5*time.Second, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return db.QueryRowContext(ctx, "SELECT 1").Scan(new(int)) == nil
	}) {
		t.Fatal("the pool did not recover after RESUME")
	}
	if d := time.Since(resumedAt); d > time.Second {
		t.Errorf("the first query after RESUME succeeded %v later, want within 1 s", d)
	}
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if err := db.QueryRow("SELECT 1").Scan(new(int)); err != nil {
					failed.Add(1)
					t.Log(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Errorf("after RESUME %d of 80 queries failed", n)
	}
}

// TestPgBouncerMaxClientConn: a bouncer at max_client_conn refuses the
// next client during its login with "no more connections allowed
// (max_client_conn)" (SQLSTATE 08P01, pgbouncer's code for all its own
// refusals). alchemy returns it at once as a *ConnectError naming the
// URL, classified as a disconnect (nothing was sent: a retry later may
// get in), beside pgx/stdlib's same refusal; connections already open
// are not invalidated by it; and BeginRetry gets in once a client
// leaves.
func TestPgBouncerMaxClientConn(t *testing.T) {
	raw := testdb.Postgres(t)
	b := newPgBouncer(t, raw, bouncerOptions{serverConns: 2, maxClientConn: 2})
	holder := openDB(t, withQuery(b.url, "pgbouncer=true&pool_size=2&max_overflow=0"))
	// The bouncer is full once holder has its 2 connections. The TCP
	// probe that saw the bouncer start may still count as a client for a
	// moment: retry until both are in.
	if !waitFor(5*time.Second, func() bool { return tryWarm(holder, 2) == nil }) {
		t.Fatalf("the holding pool could not open its 2 connections: %v", tryWarm(holder, 2))
	}
	hpool := poolOf(t, holder)
	before := hpool.Stats()

	for _, via := range []string{"alchemy", "pgx/stdlib"} {
		var db *sql.DB
		if via == "alchemy" {
			// A password the bouncer never asks for (auth_type trust):
			// the error must not show it.
			db = openDB(t, withQuery(strings.Replace(b.url, "postgres@", "postgres:bouncer-s3cret@", 1), "pgbouncer=true&pool_timeout=5"))
		} else {
			var err error
			if db, err = sql.Open("pgx", b.url); err != nil { // no ping: the bouncer is full
				t.Fatal(err)
			}
			defer db.Close()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		err := db.QueryRowContext(ctx, "SELECT 1").Scan(new(int))
		elapsed := time.Since(start)
		cancel()
		t.Logf("%s at max_client_conn: %v (after %v, kind %v)", via, err, elapsed.Round(time.Millisecond), alchemy.KindOf(err))
		if err == nil || !strings.Contains(err.Error(), "no more connections allowed (max_client_conn)") {
			t.Errorf("%s: got %v, want the bouncer's max_client_conn refusal", via, err)
			continue
		}
		if elapsed > time.Second {
			t.Errorf("%s: the refusal took %v", via, elapsed)
		}
		if k := alchemy.KindOf(err); k != dialects.KindDisconnect {
			t.Errorf("%s: the refusal is classified %v, want disconnect", via, k)
		}
		if via == "alchemy" {
			var ce *alchemy.ConnectError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), b.addr) {
				t.Errorf("the refusal is not a ConnectError naming the bouncer: %v", err)
			}
			if strings.Contains(err.Error(), "bouncer-s3cret") {
				t.Errorf("the refusal shows the password: %v", err)
			}
		}
	}
	// The pool that got in first still works, with nothing invalidated.
	for range 4 {
		if err := holder.QueryRow("SELECT 1").Scan(new(int)); err != nil {
			t.Errorf("a connection opened before the bouncer was full: %v", err)
		}
	}
	if after := hpool.Stats(); after.Invalidations != before.Invalidations || after.Opens != before.Opens {
		t.Errorf("the refusal of another client disturbed an open pool: before %+v, after %+v", before, after)
	}
	// Classified as a disconnect, the refusal is retried by BeginRetry:
	// once a client leaves, the next attempt gets in.
	eng, err := alchemy.CreateEngine(withQuery(b.url, "pgbouncer=true"))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	go func() {
		time.Sleep(300 * time.Millisecond)
		holder.Close()
	}()
	var refused atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = eng.BeginRetry(ctx, alchemy.RetryPolicy{OnRetry: func(e alchemy.RetryEvent) {
		if strings.Contains(e.Err.Error(), "max_client_conn") {
			refused.Add(1)
		}
	}}, func(c *alchemy.Conn) error {
		_, err := c.ExecContext(ctx, "SELECT 1")
		return err
	})
	if err != nil || refused.Load() == 0 {
		t.Errorf("BeginRetry on a full bouncer that frees a client: %v after %d refusals, want success after at least one", err, refused.Load())
	}
}

// tryWarm runs n queries at once on db, each holding a connection for a
// moment, and returns the first error.
func tryWarm(db *sql.DB, n int) error {
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := db.Exec("SELECT pg_sleep(0.05)")
			errs <- err
		}()
	}
	var first error
	for range n {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// warmBouncer opens n connections in db's pool by running n queries at once
// that each hold a connection for a moment.
func warmBouncer(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := db.Exec("SELECT pg_sleep(0.05)"); err != nil {
				t.Errorf("warming the pool: %v", err)
			}
		}()
	}
	wg.Wait()
}
