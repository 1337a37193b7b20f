package mysql

import (
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
)

// Vitess is the Vitess variant of the MySQL dialect, under the URL scheme
// "vitess": alchemy talks to vtgate, which speaks MySQL's protocol, with
// go-sql-driver/mysql (host lists of several vtgates and failover as for
// MySQL). The default port is 3306, where the Vitess operator and hosted
// Vitess expose vtgate; Vitess's local examples listen on 15306, which a
// URL then names.
//
// What differs from MySQL:
//   - vttablet's errors reach the client through vtgate, mostly as 1105
//     (ER_UNKNOWN_ERROR) or 1317 with the gRPC code in the text. A shard
//     whose primary is not serving ("primary is not serving, there may be
//     a reparent operation in progress", NOT_SERVING, code = Unavailable,
//     no healthy tablet) and a shard transaction that vttablet ended
//     ("code = Aborted … transaction … ended at …" or "… not found",
//     after a reparent or a restart) classify as KindDisconnect: the
//     transaction is gone, rerunning it reaches the new primary, and
//     BeginRetry does so. The connection to vtgate is healthy, so the
//     pool is not invalidated and the vtgate is not marked down. A
//     transaction ended for exceeding vttablet's transaction timeout is a
//     query cancellation, not retried.
//   - COMMIT: vtgate commits each shard of a transaction in turn (unless
//     the keyspace uses two-phase commit), so an error relayed from a
//     shard in answer to COMMIT does not tell what the other shards did;
//     it is reported as a *CommitUnknownError, never retried blindly.
//   - DDL is not transactional (as on MySQL); online DDL strategies
//     (ddl_strategy) return before the change is applied. Foreign keys
//     hold only inside one shard (unsharded keyspaces, or rows that the
//     vschema keeps together); metadata writes what is declared, so a
//     sharded schema should not declare cross-shard foreign keys.
//   - Reflection: vtgate refuses information_schema.CHECK_CONSTRAINTS, so
//     CHECK constraints are read from SHOW CREATE TABLE instead.
var Vitess = func() *dialects.Dialect {
	d := Dialect.Clone()
	d.Name = "vitess"
	d.DefaultPort = 3306
	d.DDL.Catalog = catalog{checks: checksFromShowCreate}
	d.Classify = vitessClassify
	d.IsServerError = vitessIsServerError
	return d
}()

// vitessUnavailable are the words of an error from a shard that cannot
// serve now (lower case).
var vitessUnavailable = []string{
	"not serving",
	"not_serving", // "operation not allowed in state NOT_SERVING"
	"code = unavailable",
	"no healthy tablet",
	"no valid tablet",
}

func vitessClassify(err error) dialects.ErrorKind {
	n, msg := myNumber(err)
	if n == 0 {
		return dialects.KindUnknown
	}
	low := strings.ToLower(msg)
	for _, w := range vitessUnavailable {
		if strings.Contains(low, w) {
			return dialects.KindDisconnect
		}
	}
	if strings.Contains(low, "code = aborted") && strings.Contains(low, "transaction") &&
		(strings.Contains(low, "ended at") || strings.Contains(low, "not found")) {
		if strings.Contains(low, "exceeded timeout") {
			return dialects.KindQueryCanceled
		}
		return dialects.KindDisconnect
	}
	if n == erUnknownError {
		return dialects.KindUnknown
	}
	return classify(err)
}

// vitessIsServerError: an error packet that vtgate produced itself. One
// relayed from a vttablet (its text names the tablet's target or
// "vttablet:") is the answer of one shard only.
func vitessIsServerError(err error) bool {
	if !isServerError(err) {
		return false
	}
	_, msg := myNumber(err)
	return !strings.Contains(msg, "vttablet:") && !strings.Contains(msg, "target: ")
}
