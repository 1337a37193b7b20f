package postgresql

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/internal/variantstest"
)

func pgErr(code, msg string) error {
	return &pgconn.PgError{Severity: "ERROR", Code: code, Message: msg}
}

// TestVariantURLs: the schemes a SQLAlchemy user writes select the
// variants, with pgx; a Python driver name is refused as it is for
// postgresql; every listed host gets the variant's port, not 5432.
func TestVariantURLs(t *testing.T) {
	for _, tc := range []struct {
		url, dialect, hosts string
	}{
		{"cockroachdb://root@db1/bank", "cockroachdb", ""},
		{"cockroachdb+pgx://root@db1:26258/bank?sslmode=disable", "cockroachdb", ""},
		{"cockroachdb://root@n1,n2:26258,[::1]/bank", "cockroachdb", "n1:26257,n2:26258,[::1]:26257"},
		{"yugabytedb://yugabyte@yb1/yugabyte", "yugabytedb", ""},
		{"yugabytedb+pgx://yugabyte@yb1,yb2/yugabyte?load_balance_hosts=random", "yugabytedb", "yb1:5433,yb2:5433"},
	} {
		eng, err := alchemy.CreateEngine(tc.url)
		if err != nil {
			t.Errorf("CreateEngine(%q): %v", tc.url, err)
			continue
		}
		d := eng.Dialect()
		if d.Name != tc.dialect || d.Family != "postgresql" {
			t.Errorf("%s: dialect %s (family %s), want %s (family postgresql)", tc.url, d.Name, d.Family, tc.dialect)
		}
		if tc.hosts != "" && !strings.Contains(eng.String(), tc.hosts) {
			t.Errorf("%s: engine %s does not list %s", tc.url, eng, tc.hosts)
		}
		eng.Close()
	}
	_, err := alchemy.CreateEngine("cockroachdb+psycopg2://root@db1/bank")
	if !errors.Is(err, dialects.ErrUnknownDriver) || !strings.Contains(err.Error(), "psycopg2") {
		t.Errorf("cockroachdb+psycopg2: %v, want an unknown-driver error naming psycopg2", err)
	}
}

// TestVariantDefaultPort dials a URL without a port: the address pgx
// tried is in its error, and it must be the variant's port. Nothing
// listens on these ports on the test machine, so the dial is refused.
func TestVariantDefaultPort(t *testing.T) {
	for _, tc := range []struct{ url, addr string }{
		{"cockroachdb://root@127.0.0.1/bank?connect_timeout=2&sslmode=disable", "127.0.0.1:26257"},
		{"yugabytedb://yugabyte@127.0.0.1/yugabyte?connect_timeout=2&sslmode=disable", "127.0.0.1:5433"},
	} {
		eng, err := alchemy.CreateEngine(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, err := eng.Connect(ctx)
		cancel()
		if err == nil {
			c.Close()
			eng.Close()
			t.Skipf("something answers on %s; this test needs the port closed", tc.addr)
		}
		if !strings.Contains(err.Error(), tc.addr) {
			t.Errorf("%s: connect error %q does not name %s", tc.url, err, tc.addr)
		}
		eng.Close()
	}
}

// TestCockroachErrors classifies the error values pgx returns for
// CockroachDB's answers.
func TestCockroachErrors(t *testing.T) {
	d := CockroachDB
	for _, tc := range []struct {
		name     string
		err      error
		kind     dialects.ErrorKind
		answered bool // a definite answer: a COMMIT that got it was not applied
		gone     bool
	}{
		{"restart serializable", pgErr("40001", "restart transaction: TransactionRetryWithProtoRefreshError: TransactionRetryError: retry txn (RETRY_SERIALIZABLE - failed preemptive refresh)"),
			dialects.KindSerializationFailure, true, false},
		{"write too old", pgErr("40001", "restart transaction: TransactionRetryWithProtoRefreshError: WriteTooOldError: write for key /Table/104/1/1/0 at timestamp 1700000000.000000000,0 too old"),
			dialects.KindSerializationFailure, true, false},
		{"aborted by another", pgErr("40001", "restart transaction: TransactionRetryWithProtoRefreshError: TransactionAbortedError(ABORT_REASON_ABORTED_RECORD_FOUND)"),
			dialects.KindSerializationFailure, true, false},
		{"ambiguous result", pgErr("40003", "result is ambiguous: error=rpc error: code = Unavailable desc = transport is closing [propagate]"),
			dialects.KindUnknown, false, false},
		{"ambiguous, wrapped", fmt.Errorf("commit: %w", pgErr("40003", "result is ambiguous (removing replica)")),
			dialects.KindUnknown, false, false},
		{"committed, schema change failed", pgErr("XXA00", "transaction committed but schema change aborted with error: (23505): duplicate key value"),
			dialects.KindUnknown, false, false},
		{"node shutting down", pgErr("57P01", "server is shutting down"), dialects.KindDisconnect, false, true},
		{"unique", pgErr("23505", `duplicate key value violates unique constraint "accounts_pkey"`), dialects.KindUniqueViolation, true, false},
		{"socket", io.ErrUnexpectedEOF, dialects.KindDisconnect, false, true},
	} {
		if got := d.Kind(tc.err); got != tc.kind {
			t.Errorf("%s: Kind = %s, want %s", tc.name, got, tc.kind)
		}
		if got := d.ServerAnswered(tc.err); got != tc.answered {
			t.Errorf("%s: ServerAnswered = %v, want %v", tc.name, got, tc.answered)
		}
		if got := d.ServerGone(tc.err); got != tc.gone {
			t.Errorf("%s: ServerGone = %v, want %v", tc.name, got, tc.gone)
		}
	}
	// PostgreSQL itself keeps reading 40003 as a server's answer: the
	// override belongs to the variant only.
	if !Dialect.ServerAnswered(pgErr("40003", "x")) {
		t.Error("the postgresql dialect changed with the variant")
	}
}

// TestYugabyteErrors classifies YugabyteDB's conflict errors, both the
// 40001 of current releases and the XX000 of older ones.
func TestYugabyteErrors(t *testing.T) {
	d := YugabyteDB
	for _, tc := range []struct {
		name     string
		err      error
		kind     dialects.ErrorKind
		answered bool
	}{
		{"read restart", pgErr("40001", "Restart read required at: { read: { physical: 1656351408684482 } local_limit: { physical: 1656351408684482 } global_limit: <min> in_txn_limit: <max> serial_no: 0 }"),
			dialects.KindSerializationFailure, true},
		{"concurrent update", pgErr("40001", "could not serialize access due to concurrent update"), dialects.KindSerializationFailure, true},
		{"aborted by conflict", pgErr("40001", "Transaction aborted: kAborted"), dialects.KindSerializationFailure, true},
		{"deadlock", pgErr("40P01", "deadlock detected"), dialects.KindDeadlock, true},
		{"old try again", pgErr("XX000", "Operation failed. Try again: Value write after transaction start: { physical: 1 } >= { physical: 0 }"), dialects.KindSerializationFailure, true},
		{"old read restart", pgErr("XX000", "Query error: Restart read required at: { read: { physical: 1 } }"), dialects.KindSerializationFailure, true},
		{"old priority conflict", pgErr("XX000", "Conflicts with higher priority transaction: 3f6e…"), dialects.KindSerializationFailure, true},
		{"internal, other", pgErr("XX000", "Illegal state: catalog version mismatch"), dialects.KindUnknown, true},
		{"timed out", pgErr("XX000", "Timed out: Write RPC (request call id 2) to 10.0.0.5:9100 timed out after 60.000s"), dialects.KindUnknown, false},
		{"node gone", pgErr("57P01", "terminating connection due to administrator command"), dialects.KindDisconnect, false},
	} {
		if got := d.Kind(tc.err); got != tc.kind {
			t.Errorf("%s: Kind = %s, want %s", tc.name, got, tc.kind)
		}
		if got := d.ServerAnswered(tc.err); got != tc.answered {
			t.Errorf("%s: ServerAnswered = %v, want %v", tc.name, got, tc.answered)
		}
	}
	if Dialect.Kind(pgErr("XX000", "Try again")) != dialects.KindUnknown {
		t.Error("the postgresql dialect reads YugabyteDB's XX000 words")
	}
}

// TestVariantCommitPath runs transactions through an Engine whose COMMIT
// fails with the variant's errors: an ambiguous result is a
// *CommitUnknownError and BeginRetry does not run the transaction again;
// a restart error is retried until the COMMIT succeeds.
func TestVariantCommitPath(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name        string
		url         string
		errs        []error
		unknown     bool
		wantCommits int
		idempotent  bool
	}{
		{"crdb ambiguous", "cockroachdb://root@db1/bank", []error{pgErr("40003", "result is ambiguous")}, true, 1, false},
		{"crdb ambiguous, idempotent", "cockroachdb://root@db1/bank", []error{pgErr("40003", "result is ambiguous"), nil}, false, 2, true},
		{"crdb schema change failed", "cockroachdb://root@db1/bank", []error{pgErr("XXA00", "transaction committed but schema change aborted")}, true, 1, false},
		{"crdb restart", "cockroachdb://root@db1/bank", []error{pgErr("40001", "restart transaction: RETRY_SERIALIZABLE"), pgErr("40001", "restart transaction: RETRY_WRITE_TOO_OLD"), nil}, false, 3, false},
		{"yb read restart", "yugabytedb://yugabyte@yb1/yugabyte", []error{pgErr("40001", "Restart read required"), nil}, false, 2, false},
		{"yb commit timed out", "yugabytedb://yugabyte@yb1/yugabyte", []error{pgErr("XX000", "Timed out waiting for the transaction status")}, true, 1, false},
	} {
		fake := variantstest.New(tc.errs...)
		eng, err := alchemy.CreateEngine(tc.url, alchemy.WithConnector(fake))
		if err != nil {
			t.Fatal(err)
		}
		runs := 0
		err = eng.BeginRetry(ctx, alchemy.RetryPolicy{Backoff: time.Millisecond, Idempotent: tc.idempotent}, func(c *alchemy.Conn) error {
			runs++
			_, err := c.ExecContext(ctx, "UPDATE accounts SET balance = balance + 1 WHERE id = 1")
			return err
		})
		eng.Close()
		if got := errors.Is(err, alchemy.ErrCommitUnknown); got != tc.unknown {
			t.Errorf("%s: error %v; commit unknown = %v, want %v", tc.name, err, got, tc.unknown)
		}
		if !tc.unknown && err != nil {
			t.Errorf("%s: %v, want success after retries", tc.name, err)
		}
		if fake.Commits() != tc.wantCommits || runs != tc.wantCommits {
			t.Errorf("%s: %d runs, %d COMMITs, want %d of each", tc.name, runs, fake.Commits(), tc.wantCommits)
		}
	}
}
