package alchemy_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
)

// retryLoad runs workers goroutines that each run BeginRetry
// transactions. Operation op inserts, on every attempt, the row
// (op*1000+attempt, op) into table: a transaction applied twice leaves
// two rows with n = op. outcome[op] records what BeginRetry returned.
func retryLoad(eng *alchemy.Engine, ft faultTarget, table string, workers, maxOps int, next *atomic.Int64, outcome *sync.Map, stop <-chan struct{}) *sync.WaitGroup {
	insert := ft.bind(fmt.Sprintf("INSERT INTO %s (id, n) VALUES (?, ?)", table))
	policy := alchemy.RetryPolicy{Attempts: 8, Backoff: 50 * time.Millisecond}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < maxOps; i++ {
				select {
				case <-stop:
					return
				default:
				}
				op := next.Add(1)
				attempt := int64(0)
				ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
				err := eng.BeginRetry(ctx, policy, func(c *alchemy.Conn) error {
					attempt++
					_, err := c.ExecContext(ctx, insert, op*1000+attempt, op)
					return err
				})
				cancel()
				outcome.Store(op, err)
				if err != nil {
					time.Sleep(5 * time.Millisecond)
				}
			}
		}()
	}
	return &wg
}

// holdCommits makes every COMMIT on the server wait after it has
// applied (faultTarget.holdCommits): the deterministic form of "COMMIT
// reached the server and the connection was lost before the answer".
// It waits until at least min sessions are held that way and returns how
// many are. The hold ends with the server (kill it), or with
// releaseCommits; a cleanup releases it if the test ends first.
func holdCommits(t *testing.T, e *faultEnv, min int) int {
	t.Helper()
	t.Cleanup(func() {
		// Normally a no-op: the kill or releaseCommits ended the hold.
		// After a failure in between it keeps the next test's commits
		// from waiting.
		if e.srv.Pid() == 0 {
			e.srv.Start(t) // PostgreSQL's hold may be in postgresql.auto.conf
		}
		if err := releaseCommits(e); err != nil {
			t.Errorf("releasing the commit hold: %v", err)
		}
	})
	for _, q := range e.ft.holdCommits {
		if _, err := e.admin.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var held int
	waitFor(10*time.Second, func() bool {
		err := e.admin.QueryRow(e.ft.heldCommits).Scan(&held)
		return err == nil && held >= min
	})
	for _, q := range e.ft.unholdAfterRestart {
		if _, err := e.admin.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if held < min {
		t.Fatalf("only %d commits were held, want %d", held, min)
	}
	return held
}

// releaseCommits ends a commit hold on the running server, over a fresh
// plain connection; the held COMMITs then complete.
func releaseCommits(e *faultEnv) error {
	db, err := sql.Open(e.srv.DriverName(), e.srv.DSN())
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range e.ft.unhold {
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

// TestFaultCommitHonoursContext: a COMMIT the server does not answer —
// held after it applied, as when a synchronous replica is gone — must
// not block Engine.Begin past its context. Begin's ctx has a 1 s
// deadline; the test wants it to return within 2 s more, with an error
// (the outcome is unknown to the client: the row is in fact committed),
// and the pool to stay usable with nothing checked out once the hold is
// released.
func TestFaultCommitHonoursContext(t *testing.T) {
	for _, ft := range faultTargets {
		t.Run(ft.name, func(t *testing.T) {
			e := newFaultEnv(t, ft)
			eng := e.engine(t, "pool_size=2&max_overflow=0&pool_timeout=5")
			insert := ft.bind(fmt.Sprintf("INSERT INTO %s (id, n) VALUES (?, ?)", e.table))
			// The hold goes in before the transaction starts; its wait for
			// one held session runs while Begin is committing.
			done := make(chan error, 1)
			began := make(chan struct{})
			go func() {
				<-began
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				done <- eng.Begin(ctx, func(c *alchemy.Conn) error {
					_, err := c.ExecContext(ctx, insert, 1, 1)
					return err
				})
			}()
			start := time.Now()
			holdCommitsThen(t, e, func() { close(began) })
			var err error
			select {
			case err = <-done:
				t.Logf("%s: Begin returned after %v: %v", ft.name, time.Since(start).Round(time.Millisecond), err)
				if err == nil {
					t.Errorf("Begin reported success for a COMMIT the server never answered")
				}
			case <-time.After(3 * time.Second):
				t.Errorf("Begin is still blocked in COMMIT %v after it began, 2 s past its context's deadline: the COMMIT is not bounded by ctx", time.Since(start).Round(time.Millisecond))
				if rerr := releaseCommits(e); rerr != nil {
					t.Fatalf("releasing the hold: %v", rerr)
				}
				select {
				case err = <-done:
					t.Logf("after the hold was released, Begin returned %v", err)
				case <-time.After(10 * time.Second):
					t.Fatalf("Begin still blocked 10 s after the hold was released")
				}
			}
			if rerr := releaseCommits(e); rerr != nil {
				t.Fatalf("releasing the hold: %v", rerr)
			}
			if got := e.storedIDs(t); got[1] != 1 {
				t.Logf("the held transaction is not on the server (rows %v)", got)
			}
			if !waitFor(3*time.Second, func() bool { return eng.Pool().Stats().CheckedOut == 0 }) {
				t.Errorf("%d connections still checked out", eng.Pool().Stats().CheckedOut)
			}
			if err := eng.Begin(context.Background(), func(c *alchemy.Conn) error {
				_, err := c.ExecContext(context.Background(), insert, 2, 1)
				return err
			}); err != nil {
				t.Errorf("a transaction after the hold: %v", err)
			}
		})
	}
}

// holdCommitsThen applies the hold, runs begin (which starts the
// transaction to be held) and waits until its COMMIT is held.
func holdCommitsThen(t *testing.T, e *faultEnv, begin func()) {
	t.Helper()
	for _, q := range e.ft.holdCommits {
		if _, err := e.admin.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		if err := releaseCommits(e); err != nil {
			t.Errorf("releasing the commit hold: %v", err)
		}
	})
	begin()
	var held int
	if !waitFor(5*time.Second, func() bool {
		err := e.admin.QueryRow(e.ft.heldCommits).Scan(&held)
		return err == nil && held >= 1
	}) {
		t.Fatalf("the transaction's COMMIT was not held")
	}
}

// TestFaultKillDuringCommit: the server process is SIGKILLed while
// Begin and BeginRetry transactions commit as fast as they can, twice,
// and restarted. The first kill lands while commits are held after they
// applied (holdCommits: a phantom synchronous standby on PostgreSQL,
// semi-synchronous replication without a replica on MariaDB), so some
// connections are certainly lost during a COMMIT that did apply; the
// second lands at a random point of the load. Afterwards, through the plain
// driver: no acknowledged write of either kind is missing, no BeginRetry
// operation was applied twice, and the pool serves new writes.
func TestFaultKillDuringCommit(t *testing.T) {
	for _, ft := range faultTargets {
		t.Run(ft.name, func(t *testing.T) {
			e := newFaultEnv(t, ft)
			retryTable := e.table + "_r"
			plain := e.plain(t)
			if _, err := plain.Exec(fmt.Sprintf(ft.createTable, retryTable)); err != nil {
				t.Fatal(err)
			}
			plain.Close()
			eng := e.engine(t, "pool_size=6&max_overflow=6&pool_timeout=10")

			var nextID, nextOp atomic.Int64
			log := &ackLog{}
			var outcome sync.Map
			stop := make(chan struct{})
			const workers = 6 // of each kind; the pool has a connection for each
			wg1 := insertLoad(eng, ft, e.table, workers, 3000, &nextID, log, stop)
			wg2 := retryLoad(eng, ft, retryTable, workers, 3000, &nextOp, &outcome, stop)
			halt := sync.OnceFunc(func() { close(stop); wg1.Wait(); wg2.Wait() })
			// A cleanup, not a defer: it must run after holdCommits'
			// cleanup has released a hold a failed test left in force —
			// a COMMIT waiting on the server has no context to end it
			// (database/sql's Tx.Commit takes none), so the workers
			// would wait for ever.
			t.Cleanup(halt)

			held := 0
			for round := 0; round < 2; round++ {
				start, _ := log.counts()
				if !waitFor(15*time.Second, func() bool { a, _ := log.counts(); return a >= start+150 }) {
					a, f := log.counts()
					t.Fatalf("round %d: no progress (%d acknowledged, %d failed); errors:%s", round, a, f, log.topErrors(5))
				}
				if round == 0 {
					// Every worker's next COMMIT is held, so every
					// BeginRetry worker loses the answer of one that applied.
					held = holdCommits(t, e, 2*workers)
				}
				e.srv.Kill(t)
				time.Sleep(100 * time.Millisecond) // clients see the refused connections
				e.srv.Start(t)
			}
			start, _ := log.counts()
			if !waitFor(20*time.Second, func() bool { a, _ := log.counts(); return a >= start+150 }) {
				t.Fatalf("no recovery after the last kill; errors:%s", log.topErrors(5))
			}
			halt()

			stored := e.storedIDs(t)
			lost := log.lost(stored)
			rows := map[int64]int{} // op → rows applied
			for _, op := range e.storedRows(t, retryTable) {
				rows[int64(op)]++
			}
			var twice, retryLost, ackedOps, failedOps int
			var examples []string
			outcome.Range(func(k, v any) bool {
				op := k.(int64)
				err, _ := v.(error)
				if err == nil {
					ackedOps++
					if rows[op] == 0 {
						retryLost++
					}
				} else {
					failedOps++
				}
				if rows[op] > 1 {
					twice++
					if len(examples) < 3 {
						examples = append(examples, fmt.Sprintf("op %d: %d rows, BeginRetry returned %v", op, rows[op], err))
					}
				}
				return true
			})
			acked, failed := log.counts()
			t.Logf("%s kill during commit (2 kills, %d commits held at the first): Begin %d acknowledged, %d failed, %d lost; BeginRetry %d acknowledged, %d failed, %d lost, %d applied twice",
				ft.name, held, acked, failed, len(lost), ackedOps, failedOps, retryLost, twice)
			if len(lost) != 0 {
				t.Errorf("%d acknowledged Begin writes are missing, e.g. %v", len(lost), firstN(lost, 10))
			}
			if retryLost != 0 {
				t.Errorf("%d acknowledged BeginRetry operations are missing", retryLost)
			}
			if twice != 0 {
				t.Errorf("%d BeginRetry operations were applied more than once (fn re-run after a COMMIT that had applied), e.g.:\n\t%v", twice, examples)
			}
			// The pool serves writes again, twenty in a row.
			insert := ft.bind(fmt.Sprintf("INSERT INTO %s (id, n) VALUES (?, ?)", e.table))
			for i := 0; i < 20; i++ {
				id := nextID.Add(1)
				if err := eng.Begin(context.Background(), func(c *alchemy.Conn) error {
					_, err := c.ExecContext(context.Background(), insert, id, 3)
					return err
				}); err != nil {
					t.Fatalf("write %d after the kills: %v", i, err)
				}
			}
		})
	}
}
