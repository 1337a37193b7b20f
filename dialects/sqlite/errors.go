package sqlite

import (
	"errors"
	"strings"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/go-alchemy/alchemy/dialects"
)

// isDisconnect: an embedded database has no connection to lose. An I/O
// error (SQLITE_IOERR, CORRUPT, NOTADB, CANTOPEN) is about the file, and
// the connection stays usable over the driver, so it is not a disconnect:
// treating it as one would replace every pooled connection for a full
// disk.
func isDisconnect(error) bool { return false }

// ioError reports SQLite's I/O-level failures, after which the state of
// the journal, and so the outcome of a COMMIT, is not known.
func ioError(err error) bool {
	var e *msqlite.Error
	if errors.As(err, &e) {
		switch e.Code() & 0xff {
		case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CANTOPEN:
			return true
		}
	}
	return false
}

func classify(err error) dialects.ErrorKind {
	var e *msqlite.Error
	if !errors.As(err, &e) {
		return dialects.KindUnknown
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return dialects.KindUniqueViolation
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return dialects.KindForeignKeyViolation
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return dialects.KindNotNullViolation
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return dialects.KindCheckViolation
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		// Another connection holds the lock past busy_timeout; the
		// transaction can be retried.
		return dialects.KindSerializationFailure
	case sqlite3.SQLITE_INTERRUPT:
		return dialects.KindQueryCanceled
	case sqlite3.SQLITE_ERROR:
		msg := e.Error()
		switch {
		case strings.Contains(msg, "no such table"):
			return dialects.KindUndefinedTable
		case strings.Contains(msg, "syntax error"):
			return dialects.KindSyntax
		}
	}
	return dialects.KindUnknown
}

// isServerError: SQLite is embedded, so every result code is the engine's
// own answer, except I/O failures, after which the state of the journal
// (and so of a COMMIT) is not known.
func isServerError(err error) bool {
	var e *msqlite.Error
	return errors.As(err, &e) && !ioError(err)
}
