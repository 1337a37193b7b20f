package postgresql

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy/dialects"
)

// isDisconnect reports errors after which a PostgreSQL connection cannot
// be used again: connection-exception SQLSTATEs (class 08), the backend
// being terminated (57P01 admin shutdown, e.g. pg_terminate_backend;
// 57P02 crash shutdown; 57P03 cannot connect now), broken sockets and
// pgx's own "conn closed".
func isDisconnect(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// pgx closes the connection when a query is interrupted by its
		// context; the pool learns that from the connection itself.
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "connection reset by peer") || strings.Contains(msg, "unexpected EOF")
}

// classify maps SQLSTATE codes to portable kinds.
func classify(err error) dialects.ErrorKind {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return dialects.KindUnknown
	}
	switch pgErr.Code {
	case "23505":
		return dialects.KindUniqueViolation
	case "23503":
		return dialects.KindForeignKeyViolation
	case "23502":
		return dialects.KindNotNullViolation
	case "23514":
		return dialects.KindCheckViolation
	case "40001":
		return dialects.KindSerializationFailure
	case "40P01":
		return dialects.KindDeadlock
	case "42P01":
		return dialects.KindUndefinedTable
	case "42601":
		return dialects.KindSyntax
	case "57014":
		return dialects.KindQueryCanceled
	case "25006": // read_only_sql_transaction: a write on a hot standby or in a READ ONLY transaction
		return dialects.KindReadOnly
	case "55P03": // lock_not_available: lock_timeout or NOWAIT
		return dialects.KindLockTimeout
	}
	return dialects.KindUnknown
}

// isServerError: an ErrorResponse from the server.
func isServerError(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr)
}
