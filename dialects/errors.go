package dialects

import (
	"context"
	"database/sql/driver"
	"errors"
	"sort"
)

// ErrorKind is a portable meaning of a driver error, so that callers can
// branch on "unique violation" or "retry this transaction" without
// knowing which server they talk to.
type ErrorKind int

const (
	KindUnknown              ErrorKind = iota
	KindDisconnect                     // the connection is gone; retry on a new one
	KindUniqueViolation                // a unique or primary-key constraint rejected the row
	KindForeignKeyViolation            // a foreign-key constraint rejected the change
	KindNotNullViolation               // a NOT NULL column got NULL
	KindCheckViolation                 // a CHECK constraint rejected the row
	KindSerializationFailure           // the transaction lost a conflict; retry it whole
	KindDeadlock                       // the server chose this transaction as a deadlock victim; retry it whole
	KindUndefinedTable                 // the table does not exist
	KindSyntax                         // the server could not parse the statement
	KindQueryCanceled                  // the statement was cancelled (timeout or request)
	KindReadOnly                       // the server or transaction is read-only (a standby, read_only=ON)
	KindLockTimeout                    // a lock wait timed out (MySQL 1205, PostgreSQL 55P03)
)

var kindNames = [...]string{
	KindUnknown:              "unknown",
	KindDisconnect:           "disconnect",
	KindUniqueViolation:      "unique violation",
	KindForeignKeyViolation:  "foreign key violation",
	KindNotNullViolation:     "not null violation",
	KindCheckViolation:       "check violation",
	KindSerializationFailure: "serialization failure",
	KindDeadlock:             "deadlock",
	KindUndefinedTable:       "undefined table",
	KindSyntax:               "syntax error",
	KindQueryCanceled:        "query canceled",
	KindReadOnly:             "read-only",
	KindLockTimeout:          "lock timeout",
}

func (k ErrorKind) String() string {
	if int(k) >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Retryable reports whether a transaction that failed with this kind,
// before its COMMIT was sent, may succeed if run again from the start.
// Distributed engines (CockroachDB, YugabyteDB, TiDB, Galera) report
// contention this way far more often than a single server does.
//
// KindLockTimeout is not retryable by default: on MySQL a lock wait
// timeout rolls back only the statement, not the transaction, and across
// Vitess shards it often means a long-running holder that a rerun would
// wait for again. A retry policy may opt in.
func (k ErrorKind) Retryable() bool {
	return k == KindSerializationFailure || k == KindDeadlock || k == KindDisconnect
}

// Disconnected reports whether err means the connection is unusable,
// under dialect d (which may be nil).
func (d *Dialect) Disconnected(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) {
		return true
	}
	if d != nil && d.IsDisconnect != nil {
		return d.IsDisconnect(err)
	}
	return false
}

// ServerGone reports whether err means the server behind the connection
// is gone or unusable (it closed the session, the socket broke, a Galera
// node left the primary component), as opposed to this one connection
// being unusable for a local reason: driver.ErrBadConn alone (a driver
// saying "this connection is closed"), or a statement interrupted by its
// context. A pool invalidates every connection it holds only for the
// first kind; an interrupted statement costs its own connection at most.
func (d *Dialect) ServerGone(err error) bool {
	if err == nil || d == nil || d.IsDisconnect == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) {
		return false
	}
	return d.IsDisconnect(err)
}

// ServerAnswered reports whether err is a definite answer of a server
// that is still there: [Dialect.IsServerError] says the server sent it,
// and it is not a disconnect. A COMMIT that failed with such an error
// was not applied; any other failure of COMMIT leaves the outcome unknown.
func (d *Dialect) ServerAnswered(err error) bool {
	if err == nil || d == nil || d.IsServerError == nil || d.Disconnected(err) {
		return false
	}
	return d.IsServerError(err)
}

// Kind classifies err under dialect d (which may be nil).
func (d *Dialect) Kind(err error) ErrorKind {
	if err == nil {
		return KindUnknown
	}
	if d.Disconnected(err) {
		return KindDisconnect
	}
	if d != nil && d.Classify != nil {
		return d.Classify(err)
	}
	return KindUnknown
}

// The sentinel errors of the kinds, for errors.Is. An error returned by
// alchemy's Engine and Conn (and by sqlexpr and metadata on them) that
// the dialect classifies is an *Error, which matches its kind's sentinel
// and unwraps to the driver's own error value:
//
//	if errors.Is(err, alchemy.ErrUniqueViolation) { … }     // any server
//	var pgErr *pgconn.PgError; errors.As(err, &pgErr)      // the driver's detail
var (
	ErrDisconnect           = &kindSentinel{KindDisconnect}
	ErrUniqueViolation      = &kindSentinel{KindUniqueViolation}
	ErrForeignKeyViolation  = &kindSentinel{KindForeignKeyViolation}
	ErrNotNullViolation     = &kindSentinel{KindNotNullViolation}
	ErrCheckViolation       = &kindSentinel{KindCheckViolation}
	ErrSerializationFailure = &kindSentinel{KindSerializationFailure}
	ErrDeadlock             = &kindSentinel{KindDeadlock}
	ErrUndefinedTable       = &kindSentinel{KindUndefinedTable}
	ErrSyntax               = &kindSentinel{KindSyntax}
	ErrQueryCanceled        = &kindSentinel{KindQueryCanceled}
	ErrReadOnly             = &kindSentinel{KindReadOnly}
	ErrLockTimeout          = &kindSentinel{KindLockTimeout}
)

var sentinels = map[ErrorKind]error{
	KindDisconnect: ErrDisconnect, KindUniqueViolation: ErrUniqueViolation,
	KindForeignKeyViolation: ErrForeignKeyViolation, KindNotNullViolation: ErrNotNullViolation,
	KindCheckViolation: ErrCheckViolation, KindSerializationFailure: ErrSerializationFailure,
	KindDeadlock: ErrDeadlock, KindUndefinedTable: ErrUndefinedTable, KindSyntax: ErrSyntax,
	KindQueryCanceled: ErrQueryCanceled, KindReadOnly: ErrReadOnly, KindLockTimeout: ErrLockTimeout,
}

type kindSentinel struct{ kind ErrorKind }

func (s *kindSentinel) Error() string { return "dialects: " + s.kind.String() }

// Err returns the sentinel error of k (nil for KindUnknown).
func (k ErrorKind) Err() error { return sentinels[k] }

// Error is a driver error with its portable kind. Its text is the
// driver's; errors.Is matches the kind's sentinel (ErrUniqueViolation, …)
// and errors.As reaches the driver's error value.
type Error struct {
	Kind ErrorKind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the driver's error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of the error's kind.
func (e *Error) Is(target error) bool {
	s, ok := target.(*kindSentinel)
	return ok && s.kind == e.Kind
}

// Wrap returns err as an *Error when d classifies it, else err itself.
// An error already wrapped is returned as it is.
func (d *Dialect) Wrap(err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	if k := d.Kind(err); k != KindUnknown {
		return &Error{Kind: k, Err: err}
	}
	return err
}

// KindOf classifies err without a dialect in hand: it asks every
// registered dialect (each recognises only its own drivers' error
// values), and returns the first answer that is not KindUnknown. It is
// for errors of the drop-in path, which keeps the drivers' values as
// they are.
func KindOf(err error) ErrorKind {
	if err == nil {
		return KindUnknown
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	mu.RLock()
	ds := make([]*Dialect, 0, len(registry))
	for _, d := range registry {
		if d.Name == d.Family { // variants classify as their family does
			ds = append(ds, d)
		}
	}
	mu.RUnlock()
	sort.Slice(ds, func(i, j int) bool { return ds[i].Name < ds[j].Name })
	for _, d := range ds {
		if d.Classify != nil {
			if k := d.Classify(err); k != KindUnknown {
				return k
			}
		}
	}
	for _, d := range ds {
		if d.Disconnected(err) {
			return KindDisconnect
		}
	}
	if errors.Is(err, driver.ErrBadConn) {
		return KindDisconnect
	}
	return KindUnknown
}
