package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestRetryContention measures how many attempts transactions need when
// 16 goroutines increment one row at SERIALIZABLE on PostgreSQL — the
// figure behind DefaultRetryAttempts — and checks that the default policy
// carries every transaction through with the counter exact (no increment
// lost or applied twice, read over a plain connection).
func TestRetryContention(t *testing.T) {
	if testing.Short() {
		t.Skip("contention measurement")
	}
	raw := testdb.Postgres(t)
	eng, err := alchemy.CreateEngine(withQuery(raw, "pool_size=16&max_overflow=0"))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	plain := testdb.Plain(t, raw)
	ctx := context.Background()
	if _, err := plain.Exec("CREATE TABLE hot (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Exec("INSERT INTO hot VALUES (1, 0)"); err != nil {
		t.Fatal(err)
	}
	const workers, each = 16, 25
	policy := alchemy.RetryPolicy{TxOptions: &sql.TxOptions{Isolation: sql.LevelSerializable}}
	var mu sync.Mutex
	var attempts []int
	var failures []error
	var wg sync.WaitGroup
	deadline, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				n := 0
				err := eng.BeginRetry(deadline, policy, func(c *alchemy.Conn) error {
					n++
					var v int
					if err := c.QueryRowContext(ctx, "SELECT n FROM hot WHERE id = 1").Scan(&v); err != nil {
						return err
					}
					_, err := c.ExecContext(ctx, "UPDATE hot SET n = $1 WHERE id = 1", v+1)
					return err
				})
				mu.Lock()
				if err != nil {
					failures = append(failures, err)
				} else {
					attempts = append(attempts, n)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, err := range failures[:min(3, len(failures))] {
		t.Errorf("a transaction failed with the default policy: %v", err)
	}
	var n int
	if err := plain.QueryRow("SELECT n FROM hot WHERE id = 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(attempts) {
		t.Errorf("counter = %d, but %d transactions reported success", n, len(attempts))
	}
	sort.Ints(attempts)
	pct := func(p float64) int { return attempts[min(len(attempts)-1, int(p*float64(len(attempts))))] }
	over := func(k int) int {
		c := 0
		for _, a := range attempts {
			if a > k {
				c++
			}
		}
		return c
	}
	if len(attempts) > 0 {
		t.Logf("%d transactions, %d workers on one row at SERIALIZABLE: attempts p50 %d, p90 %d, p99 %d, max %d; needing more than 3 attempts: %d (%.1f%%), more than 5: %d",
			len(attempts), workers, pct(0.5), pct(0.9), pct(0.99), attempts[len(attempts)-1],
			over(3), 100*float64(over(3))/float64(len(attempts)), over(5))
	}
	if errors.Is(deadline.Err(), context.DeadlineExceeded) {
		t.Error("the contention run did not finish in 2 minutes")
	}
}
