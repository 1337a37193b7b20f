package alchemy

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-alchemy/alchemy/dialects"
)

// Sentinel errors that callers branch on with errors.Is.
var (
	// ErrPoolTimeout: every connection the pool may open (pool_size +
	// max_overflow) stayed checked out for pool_timeout. Usually leaked
	// connections (rows or transactions left open) or a pool too small for
	// the concurrency. It invalidates nothing.
	ErrPoolTimeout = errors.New("alchemy: pool timeout")
	// ErrPoolClosed: the pool (or the engine or *sql.DB that owns it) has
	// been closed.
	ErrPoolClosed = errors.New("alchemy: pool is closed")
	// ErrUnsupported: the dialect or the underlying driver cannot do what
	// was asked.
	ErrUnsupported = errors.New("alchemy: unsupported")
)

// PoolTimeoutError is returned when a checkout waited pool_timeout for a
// connection. It matches ErrPoolTimeout.
type PoolTimeoutError struct {
	Size       int           // pool_size
	Overflow   int           // max_overflow (-1: unlimited)
	Timeout    time.Duration // pool_timeout
	CheckedOut int           // connections checked out (or being opened) when the wait ended
	// Oldest is the checkout that had been out longest, with its stack;
	// nil unless leak detection is on (pool_leak_threshold).
	Oldest *Checkout
}

func (e *PoolTimeoutError) Error() string {
	s := fmt.Sprintf("alchemy: QueuePool limit of size %d overflow %d reached, connection timed out, timeout %.2fs; %d connections checked out",
		e.Size, e.Overflow, e.Timeout.Seconds(), e.CheckedOut)
	if e.Oldest != nil {
		return s + fmt.Sprintf(", the oldest (connection %d) for %v, taken at %s", e.Oldest.ConnID, e.Oldest.Age.Round(time.Millisecond), e.Oldest.TakenAt)
	}
	return s + " (set pool_leak_threshold to see where they were taken)"
}

// Unwrap makes errors.Is(err, ErrPoolTimeout) true.
func (e *PoolTimeoutError) Unwrap() error { return ErrPoolTimeout }

// ErrCommitUnknown is matched (errors.Is) by the error of a COMMIT whose
// outcome is unknown: it was sent, and the connection failed before a
// definite answer came back. The transaction may have been applied.
// alchemy never guesses: [Engine.BeginRetry] does not run such a
// transaction again unless its policy says it is idempotent. Check the
// database (a row the transaction wrote, an idempotency key) to know.
var ErrCommitUnknown = errors.New("alchemy: the outcome of COMMIT is unknown")

// CommitUnknownError is the error of a COMMIT whose outcome is unknown.
// It matches ErrCommitUnknown, and errors.As reaches the driver's error
// through it.
type CommitUnknownError struct {
	Err error // what the driver reported
}

func (e *CommitUnknownError) Error() string {
	return "alchemy: COMMIT was sent but the connection failed before the server answered; the transaction may or may not have been committed: " + e.Err.Error()
}

// Unwrap returns the driver's error.
func (e *CommitUnknownError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrCommitUnknown) true.
func (e *CommitUnknownError) Is(target error) bool { return target == ErrCommitUnknown }

// The kinds of database errors, for errors.Is on any error returned by an
// Engine, a Conn, sqlexpr or metadata: the same test on every server.
// errors.As still reaches the driver's own value (*pgconn.PgError,
// *mysql.MySQLError, *sqlite.Error). The drop-in path (sql.Open) returns
// the drivers' errors unchanged, as legacy code expects; classify those
// with [KindOf].
var (
	ErrUniqueViolation      = dialects.ErrUniqueViolation
	ErrForeignKeyViolation  = dialects.ErrForeignKeyViolation
	ErrNotNullViolation     = dialects.ErrNotNullViolation
	ErrCheckViolation       = dialects.ErrCheckViolation
	ErrSerializationFailure = dialects.ErrSerializationFailure // retry the transaction (BeginRetry does)
	ErrDeadlock             = dialects.ErrDeadlock             // retry the transaction (BeginRetry does)
	ErrDisconnect           = dialects.ErrDisconnect           // the connection or the server is gone
	ErrReadOnly             = dialects.ErrReadOnly             // a write on a replica, standby or READ ONLY transaction
	ErrLockTimeout          = dialects.ErrLockTimeout
	ErrQueryCanceled        = dialects.ErrQueryCanceled
	ErrUndefinedTable       = dialects.ErrUndefinedTable
	ErrSyntax               = dialects.ErrSyntax
)

// KindOf classifies any driver error — from the drop-in path too —
// without an engine: the registered dialects each recognise their own
// drivers' errors. It cannot tell which server answered, so it applies
// the base dialect's rules (PostgreSQL's for a CockroachDB or YugabyteDB
// error, MySQL's for TiDB or Vitess); where a variant classifies a code
// differently, ask the dialect of the database the error came from:
//
//	d, err := dialects.Of(ctx, db) // the *sql.DB opened with sql.Open("alchemy", url)
//	kind := d.Kind(queryErr)
func KindOf(err error) dialects.ErrorKind { return dialects.KindOf(err) }
