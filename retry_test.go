package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestBeginRetrySerializationFailure provokes real serialization
// failures on PostgreSQL (two SERIALIZABLE transactions that read and
// write the same rows) and checks BeginRetry carries every transfer
// through, with the total intact.
func TestBeginRetrySerializationFailure(t *testing.T) {
	eng, err := alchemy.CreateEngine(testdb.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	if _, err := eng.ExecContext(ctx, "CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.ExecContext(ctx, "INSERT INTO acct VALUES (1, 1000), (2, 1000)"); err != nil {
		t.Fatal(err)
	}
	policy := alchemy.RetryPolicy{Attempts: 50, TxOptions: &sql.TxOptions{Isolation: sql.LevelSerializable}}
	var attempts sync.Map
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			n := 0
			err := eng.BeginRetry(ctx, policy, func(c *alchemy.Conn) error {
				n++
				attempts.Store(g, n)
				var total int
				if err := c.QueryRowContext(ctx, "SELECT sum(bal) FROM acct").Scan(&total); err != nil {
					return err
				}
				_, err := c.ExecContext(ctx, "UPDATE acct SET bal = bal - 10 WHERE id = 1")
				if err == nil {
					_, err = c.ExecContext(ctx, "UPDATE acct SET bal = bal + 10 WHERE id = 2")
				}
				return err
			})
			if err != nil {
				errs <- err
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a transfer failed despite retries: %v", err)
	}
	var b1, b2 int
	if err := eng.QueryRowContext(ctx, "SELECT (SELECT bal FROM acct WHERE id = 1), (SELECT bal FROM acct WHERE id = 2)").Scan(&b1, &b2); err != nil {
		t.Fatal(err)
	}
	if b1 != 920 || b2 != 1080 {
		t.Errorf("balances %d and %d, want 920 and 1080", b1, b2)
	}
	retried := 0
	attempts.Range(func(_, v any) bool {
		if v.(int) > 1 {
			retried++
		}
		return true
	})
	t.Logf("%d of 8 transfers needed more than one attempt", retried)
}

// TestBeginRetryStopsOnOtherErrors: an error that is not retryable is
// returned after one attempt.
func TestBeginRetryStopsOnOtherErrors(t *testing.T) {
	eng, err := alchemy.CreateEngine("sqlite://")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	calls := 0
	boom := errors.New("boom")
	err = eng.BeginRetry(context.Background(), alchemy.RetryPolicy{Attempts: 5}, func(*alchemy.Conn) error {
		calls++
		return boom
	})
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("err %v after %d calls; want boom after 1", err, calls)
	}
}
