package dialects

import (
	"database/sql/driver"
	"errors"
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
}

func (k ErrorKind) String() string {
	if int(k) >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Retryable reports whether a transaction that failed with this kind may
// succeed if run again from the start. Distributed engines (CockroachDB,
// YugabyteDB, TiDB) report contention this way far more often than a
// single server does.
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
