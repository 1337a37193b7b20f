package mysql

import (
	"context"
	"slices"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
)

// TiDB error numbers (TiDB's own range, 8000–9999).
const (
	tidbForUpdateCantRetry = 8002 // a SELECT FOR UPDATE transaction lost a commit conflict; rolled back
	tidbWriteConflictStale = 8005 // "Write Conflict, txnStartTS is stale" (automatic retry off)
	tidbTxnRetryable       = 8022 // commit failed and was rolled back; safe to rerun
	tidbInfoSchemaChanged  = 8028 // a DDL changed a table the transaction used; rerun it
	tidbPDTimeout          = 9001 // this TiDB server cannot reach PD (placement driver)
	tidbTiKVTimeout        = 9002 // a TiKV request timed out
	tidbTiKVBusy           = 9003 // TiKV is overloaded
	tidbResolveLockTimeout = 9004 // waiting for other transactions' locks to be resolved timed out
	tidbRegionUnavailable  = 9005 // a Raft group has no leader (a TiKV node down or busy)
	tidbWriteConflict      = 9007 // optimistic write conflict in TiKV; rolled back
	erUnknownError         = 1105 // ER_UNKNOWN_ERROR: TiDB's catch-all, and Vitess's
)

// TiDB is the TiDB variant of the MySQL dialect, under the URL scheme
// "tidb", with go-sql-driver/mysql as its driver (host lists and
// failover as for MySQL) and 4000 as its default port.
//
// What differs from MySQL:
//   - Conflicts: 9007 (write conflict), 8002 (a SELECT FOR UPDATE
//     transaction that cannot be retried in optimistic mode), 8005, 8022
//     (commit failed, rolled back) and 8028 (a concurrent DDL changed the
//     schema) are serialization failures, retried by BeginRetry.
//   - The storage layer: 9001 (this TiDB server cannot reach PD) is a
//     disconnect — the pool drops the server's connections and, with a
//     host list, goes to the next TiDB server; 9002, 9003 and 9005 (TiKV
//     timed out, busy, a region without a leader) are the same on every
//     TiDB server, so they classify as KindDisconnect (retryable) without
//     invalidating the pool. 9004 (resolving locks timed out) is a lock
//     timeout. After COMMIT, 9001–9005 leave the outcome open (the
//     commit may have reached TiKV) and are reported as a
//     *CommitUnknownError. TiDB itself closes the connection when it
//     cannot tell whether a commit was applied, which alchemy reports
//     the same way.
//   - 1105 (ER_UNKNOWN_ERROR), TiDB's catch-all, stays unknown — never
//     retried on a guess — unless TiDB marked its message "[try again
//     later]", its own sign of a transient error inside a transaction.
//   - SKIP LOCKED is parsed but not implemented by TiDB's planner, so the
//     compiler refuses it. Foreign keys are enforced only from TiDB 6.6
//     (earlier releases accept and ignore them); TiDB before 6.2 takes
//     one schema change per ALTER TABLE, which is how metadata and
//     migrate write them. DDL is not transactional, as on MySQL.
//   - Reflection: CHECK constraints are read where the server keeps them
//     (TiDB 7.2+); a server without information_schema.CHECK_CONSTRAINTS
//     has none. The hidden _tidb_rowid of a table without a clustered
//     primary key is never reflected.
var TiDB = func() *dialects.Dialect {
	d := Dialect.Clone()
	d.Name = "tidb"
	d.Family = "mysql"
	d.DefaultPort = 4000
	d.Features.SkipLocked = false
	d.DDL.Catalog = tidbCatalog{catalog{checks: checksIfPresent}}
	d.IsDisconnect = tidbIsDisconnect
	d.Classify = tidbClassify
	d.IsServerError = tidbIsServerError
	return d
}()

func tidbIsDisconnect(err error) bool {
	if n, _ := myNumber(err); n == tidbPDTimeout {
		return true
	}
	return isDisconnect(err)
}

func tidbClassify(err error) dialects.ErrorKind {
	n, msg := myNumber(err)
	switch n {
	case tidbWriteConflict, tidbForUpdateCantRetry, tidbWriteConflictStale, tidbTxnRetryable, tidbInfoSchemaChanged:
		return dialects.KindSerializationFailure
	case tidbTiKVTimeout, tidbTiKVBusy, tidbRegionUnavailable:
		return dialects.KindDisconnect
	case tidbResolveLockTimeout:
		return dialects.KindLockTimeout
	case erUnknownError:
		if strings.Contains(msg, tidbRetryableMark) {
			return dialects.KindSerializationFailure
		}
		return dialects.KindUnknown
	}
	return classify(err)
}

// tidbRetryableMark is what TiDB appends to the message of an error that
// happened inside a transaction and that it expects to clear up soon: its
// own word that running the transaction again is worth it.
const tidbRetryableMark = "[try again later]"

// tidbIsServerError: an error packet, except the storage-layer failures
// after which a COMMIT may have been applied.
func tidbIsServerError(err error) bool {
	switch n, _ := myNumber(err); n {
	case tidbPDTimeout, tidbTiKVTimeout, tidbTiKVBusy, tidbResolveLockTimeout, tidbRegionUnavailable:
		return false
	}
	return isServerError(err)
}

// tidbRowID is the column TiDB adds to a table whose primary key is not
// clustered; it is hidden, and would be a column nobody declared.
const tidbRowID = "_tidb_rowid"

// tidbCatalog is MySQL's information_schema reader without _tidb_rowid.
type tidbCatalog struct{ catalog }

var _ metadata.Catalog = tidbCatalog{}

func (c tidbCatalog) ReflectTable(ctx context.Context, q metadata.Querier, schema, name string) (*metadata.TableInfo, error) {
	info, err := c.catalog.ReflectTable(ctx, q, schema, name)
	if err != nil || info == nil {
		return info, err
	}
	info.Columns = slices.DeleteFunc(info.Columns, func(c metadata.ColumnInfo) bool { return c.Name == tidbRowID })
	if slices.Equal(info.PrimaryKey.Columns, []string{tidbRowID}) {
		info.PrimaryKey = metadata.ConstraintInfo{}
	}
	return info, nil
}
