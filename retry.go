package alchemy

import (
	"context"
	"database/sql"
	"time"
)

// RetryPolicy says how [Engine.BeginRetry] retries a transaction.
type RetryPolicy struct {
	// Attempts is the most times fn runs (default 3).
	Attempts int
	// Backoff is the wait before the second attempt, doubled before each
	// later one (default 10ms).
	Backoff time.Duration
	// TxOptions are passed to each attempt's BeginTx.
	TxOptions *sql.TxOptions
}

// BeginRetry is [Engine.Begin] for servers that ask clients to retry:
// when an attempt fails with an error whose [dialects.ErrorKind] is
// retryable — a serialization failure (SQLSTATE 40001, the everyday
// answer of CockroachDB and YugabyteDB under contention, and of
// PostgreSQL at SERIALIZABLE), a deadlock, a TiDB write conflict, or a
// lost connection — the transaction is rolled back and fn runs again
// from the start on a fresh connection, up to p.Attempts times. fn must
// therefore be safe to run more than once (no side effects outside the
// transaction). Other errors, and ctx ending, return at once.
func (e *Engine) BeginRetry(ctx context.Context, p RetryPolicy, fn func(*Conn) error) error {
	attempts := p.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	wait := p.Backoff
	if wait <= 0 {
		wait = 10 * time.Millisecond
	}
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return err
			case <-t.C:
			}
			wait *= 2
		}
		err = e.BeginWith(ctx, p.TxOptions, fn)
		if err == nil || !e.Dialect().Kind(err).Retryable() || ctx.Err() != nil {
			return err
		}
	}
	return err
}
