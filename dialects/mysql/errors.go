package mysql

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/go-alchemy/alchemy/dialects"
)

// Server error numbers that mean the session is gone.
const (
	erServerShutdown           = 1053 // ER_SERVER_SHUTDOWN
	erQueryInterrupted         = 1317 // ER_QUERY_INTERRUPTED
	erConnectionKilled         = 1927 // MariaDB ER_CONNECTION_KILLED
	crServerGone               = 2006 // CR_SERVER_GONE_ERROR
	crServerLost               = 2013 // CR_SERVER_LOST
	erClientInteractionTimeout = 4031 // MySQL 8.0.24+: idle session closed by the server

	// Galera: a node that is not (or no longer) part of the primary
	// component answers every statement with 1047 "WSREP has not yet
	// prepared node for application use" (SQLSTATE 08S01), and a COMMIT
	// it cannot replicate with 1180 "Got error 6 during COMMIT". The
	// session is alive but the node is unusable until it rejoins, so both
	// are disconnect-like: the pool drops the connection and reconnects,
	// reaching another node when the URL lists several.
	erUnknownComError   = 1047 // ER_UNKNOWN_COM_ERROR (Galera: node not ready)
	erErrorDuringCommit = 1180 // ER_ERROR_DURING_COMMIT (Galera: not in the primary component)
)

func isDisconnect(err error) bool {
	if errors.Is(err, gomysql.ErrInvalidConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var myErr *gomysql.MySQLError
	if errors.As(err, &myErr) {
		switch myErr.Number {
		case erServerShutdown, erConnectionKilled, crServerGone, crServerLost, erClientInteractionTimeout,
			erUnknownComError, erErrorDuringCommit:
			return true
		}
		if classify(err) != dialects.KindUnknown {
			// An answer of a kind the server gives to a live session, in
			// whatever wording: Percona XtraDB Cluster and MySQL-wsrep
			// report a certification conflict as 1213 "WSREP detected
			// deadlock/conflict and aborted the transaction", which is a
			// deadlock to retry, not a node to leave.
			return false
		}
		return myErr.SQLState == [5]byte{'0', '8', 'S', '0', '1'} || strings.Contains(myErr.Message, "WSREP")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "broken pipe") || strings.Contains(msg, "connection reset by peer")
}

func classify(err error) dialects.ErrorKind {
	var myErr *gomysql.MySQLError
	if !errors.As(err, &myErr) {
		return dialects.KindUnknown
	}
	switch myErr.Number {
	case 1062, 1586: // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME
		return dialects.KindUniqueViolation
	case 1451, 1452, 1216, 1217: // row referenced / no parent
		return dialects.KindForeignKeyViolation
	case 1048, 1364: // ER_BAD_NULL_ERROR, ER_NO_DEFAULT_FOR_FIELD
		return dialects.KindNotNullViolation
	case 3819, 4025: // MySQL ER_CHECK_CONSTRAINT_VIOLATED, MariaDB ER_CONSTRAINT_FAILED
		return dialects.KindCheckViolation
	case 1213: // ER_LOCK_DEADLOCK
		return dialects.KindDeadlock
	case 9007, 8002, 8022: // TiDB write conflict, SELECT FOR UPDATE conflict, retryable txn
		return dialects.KindSerializationFailure
	case 1146: // ER_NO_SUCH_TABLE
		return dialects.KindUndefinedTable
	case 1064: // ER_PARSE_ERROR
		return dialects.KindSyntax
	case erQueryInterrupted, 3024, 1969: // interrupted, max_execution_time, MariaDB statement timeout
		return dialects.KindQueryCanceled
	case 1792, 1836: // a write in a READ ONLY transaction; MariaDB read-only mode
		return dialects.KindReadOnly
	case 1290: // ER_OPTION_PREVENTS_STATEMENT: --read-only / --super-read-only among other options
		if strings.Contains(myErr.Message, "read-only") || strings.Contains(myErr.Message, "read_only") {
			return dialects.KindReadOnly
		}
	case 1205: // ER_LOCK_WAIT_TIMEOUT (also Vitess across shards)
		return dialects.KindLockTimeout
	}
	return dialects.KindUnknown
}

// isServerError: an error packet from the server. Client-side error
// numbers (CR_*, 2000–2999) are not answers of the server.
func isServerError(err error) bool {
	var myErr *gomysql.MySQLError
	return errors.As(err, &myErr) && (myErr.Number < 2000 || myErr.Number >= 3000)
}
