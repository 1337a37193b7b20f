package alchemy

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
)

// ErrSessionState is returned, behind a transaction pooler
// (pgbouncer=true), for a statement that would leave state on the server
// connection after its transaction — a session-level SET, LISTEN, a
// session advisory lock, a temporary table, a SQL-level PREPARE — because
// the pooler hands that server connection to other clients next and this
// client's next transaction may run on another one. Use the transaction-
// scoped form (SET LOCAL, pg_advisory_xact_lock, ON COMMIT DROP), or
// connect to the server directly for such work.
var ErrSessionState = errors.New("alchemy: behind a transaction pooler (pgbouncer=true) this statement would leave session state on a server connection that other clients share next")

// sessionState reports whether query leaves state on a PostgreSQL server
// connection beyond its transaction. Like txControl it errs on the side
// of yes only where the statement is plainly of such a kind.
func sessionState(query string) bool {
	for {
		q := skipSpaceAndComments(query)
		switch {
		case hasWord(q, "set"):
			rest := skipSpaceAndComments(q[3:])
			if !hasWord(rest, "local") && !hasWord(rest, "transaction") && !hasWord(rest, "constraints") {
				return true
			}
		case hasWord(q, "reset"), hasWord(q, "listen"), hasWord(q, "prepare"), hasWord(q, "load"):
			return true
		case hasWord(q, "create"):
			rest := skipSpaceAndComments(q[6:])
			if hasWord(rest, "temp") || hasWord(rest, "temporary") {
				stmt, _, _ := strings.Cut(rest, ";")
				if !containsFold(stmt, "on commit drop") {
					return true
				}
			}
		case hasWord(q, "declare"):
			stmt, _, _ := strings.Cut(q, ";")
			if containsFold(stmt, "with hold") {
				return true
			}
		}
		stmt, rest, more := strings.Cut(q, ";")
		lower := strings.ToLower(stmt)
		if strings.Contains(lower, "pg_advisory_lock") || strings.Contains(lower, "pg_try_advisory_lock") ||
			strings.Contains(lower, "set_config(") && !strings.Contains(lower, "true)") {
			return true // session advisory locks; set_config(…, is_local => false)
		}
		if !more {
			return false
		}
		query = rest
	}
}

// textStmt is a prepared statement kept as its SQL text, for a
// transaction pooler: every execution sends the text (pgx's exec mode
// uses the unnamed statement), so no named statement is left on a server
// connection that another client gets next. NumInput is -1: the server
// checks the arguments.
type textStmt struct {
	cn     *conn
	query  string
	closed bool
}

func (s *textStmt) Close() error {
	s.closed = true
	return nil
}

func (s *textStmt) unbind(bool)   { s.closed = true }
func (s *textStmt) NumInput() int { return -1 }

func (s *textStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), valuesToNamed(args))
}

func (s *textStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), valuesToNamed(args))
}

func (s *textStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.cn.ExecContext(ctx, s.query, args)
}

func (s *textStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.cn.QueryContext(ctx, s.query, args)
}

func (s *textStmt) CheckNamedValue(nv *driver.NamedValue) error { return s.cn.CheckNamedValue(nv) }

func valuesToNamed(args []driver.Value) []driver.NamedValue {
	named := make([]driver.NamedValue, len(args))
	for i, v := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return named
}

var (
	_ driver.StmtExecContext   = (*textStmt)(nil)
	_ driver.StmtQueryContext  = (*textStmt)(nil)
	_ driver.NamedValueChecker = (*textStmt)(nil)
)
