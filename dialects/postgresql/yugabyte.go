package postgresql

import (
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
)

// YugabyteDB is the YugabyteDB (YSQL) variant of the PostgreSQL dialect,
// under the URL scheme "yugabytedb" (the name sqlalchemy-yugabytedb
// registers), with pgx as its driver and 5433, YSQL's port, as its
// default port. YSQL is PostgreSQL's own query layer over a distributed
// store, so its catalog is pg_catalog and is read as PostgreSQL's (its
// system column ybctid has a negative attnum and is never listed).
//
// What differs from PostgreSQL:
//   - Conflicts: 40001 covers "Restart read required" (clock skew between
//     nodes), "could not serialize access" and "Transaction aborted" /
//     "aborted by a conflict"; 40P01 a detected deadlock. Both are
//     retried by BeginRetry. Older releases sent some of them as XX000
//     (internal error) with the same words ("Try again", "Restart read
//     required", "Transaction aborted", "Conflicts with …
//     transaction"); those are read as serialization failures too.
//   - An XX000 "Timed out" in answer to COMMIT leaves the outcome open
//     (the commit may have reached the transaction's status tablet): it
//     is a *CommitUnknownError, not a definite rollback.
//   - DDL is not transactional by default (each DDL statement commits on
//     its own; DDL atomicity and transactional DDL blocks are opt-in
//     server flags), so Features.TransactionalDDL is false: metadata and
//     migrate run DDL one statement at a time outside a transaction.
var YugabyteDB = func() *dialects.Dialect {
	d := Dialect.Clone()
	d.Name = "yugabytedb"
	d.DefaultPort = 5433
	d.Features.TransactionalDDL = false
	d.DDL.BatchDDL = false
	d.Classify = yugabyteClassify
	d.IsServerError = yugabyteIsServerError
	return d
}()

// yugabyteConflictWords are the words of YugabyteDB's conflict errors
// when they come as XX000 rather than 40001 (older releases).
var yugabyteConflictWords = []string{
	"try again",
	"restart read required",
	"transaction aborted",
	"aborted by a conflict",
	"conflicts with higher priority transaction",
	"conflicts with committed transaction",
	"unknown transaction, could be recently aborted",
}

func yugabyteClassify(err error) dialects.ErrorKind {
	if k := classify(err); k != dialects.KindUnknown {
		return k
	}
	if internal, msg := yugabyteInternal(err); internal {
		for _, w := range yugabyteConflictWords {
			if strings.Contains(msg, w) {
				return dialects.KindSerializationFailure
			}
		}
	}
	return dialects.KindUnknown
}

// yugabyteIsServerError: an ErrorResponse, except an internal timeout,
// after which a COMMIT may or may not have been applied.
func yugabyteIsServerError(err error) bool {
	if internal, msg := yugabyteInternal(err); internal && strings.Contains(msg, "timed out") {
		return false
	}
	return isServerError(err)
}

// yugabyteInternal reports an XX000 server error, with its message in
// lower case.
func yugabyteInternal(err error) (bool, string) {
	if sqlState(err) != "XX000" {
		return false, ""
	}
	return true, strings.ToLower(pgMessage(err))
}
