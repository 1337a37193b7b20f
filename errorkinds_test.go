package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestErrorKindsOfClusteredServers classifies the answers of clustered
// and replicated servers: what makes the pool reconnect (node unusable),
// what a retry policy may retry, and what is its own kind.
func TestErrorKindsOfClusteredServers(t *testing.T) {
	my := func(n uint16, state, msg string) error {
		e := &gomysql.MySQLError{Number: n, Message: msg}
		copy(e.SQLState[:], state)
		return e
	}
	pg := func(code string) error { return &pgconn.PgError{Severity: "FATAL", Code: code, Message: code} }
	tests := []struct {
		d          *dialects.Dialect
		err        error
		kind       dialects.ErrorKind
		serverGone bool // the pool replaces its other connections
		answered   bool // a definite answer of a live server
	}{
		{mysql.Dialect, my(1047, "08S01", "WSREP has not yet prepared node for application use"), dialects.KindDisconnect, true, false},
		{mysql.Dialect, my(1180, "HY000", "Got error 6 \"No such device or address\" during COMMIT"), dialects.KindDisconnect, true, false},
		{mysql.Dialect, my(1213, "40001", "Deadlock found when trying to get lock; try restarting transaction"), dialects.KindDeadlock, false, true},
		{mysql.Dialect, my(1205, "HY000", "Lock wait timeout exceeded; try restarting transaction"), dialects.KindLockTimeout, false, true},
		{mysql.Dialect, my(1792, "25006", "Cannot execute statement in a READ ONLY transaction"), dialects.KindReadOnly, false, true},
		{mysql.Dialect, my(1290, "HY000", "The MariaDB server is running with the --read-only option so it cannot execute this statement"), dialects.KindReadOnly, false, true},
		{mysql.Dialect, my(1062, "23000", "Duplicate entry"), dialects.KindUniqueViolation, false, true},
		{mysql.Dialect, gomysql.ErrInvalidConn, dialects.KindDisconnect, true, false},
		{mysql.Dialect, driver.ErrBadConn, dialects.KindDisconnect, false, false},
		{mysql.Dialect, context.Canceled, dialects.KindUnknown, false, false},
		{postgresql.Dialect, pg("57P01"), dialects.KindDisconnect, true, false},
		{postgresql.Dialect, pg("57P02"), dialects.KindDisconnect, true, false},
		{postgresql.Dialect, pg("57P03"), dialects.KindDisconnect, true, false},
		{postgresql.Dialect, pg("25006"), dialects.KindReadOnly, false, true},
		{postgresql.Dialect, pg("55P03"), dialects.KindLockTimeout, false, true},
		{postgresql.Dialect, pg("40001"), dialects.KindSerializationFailure, false, true},
		{postgresql.Dialect, io.ErrUnexpectedEOF, dialects.KindDisconnect, true, false},
		{postgresql.Dialect, fmt.Errorf("wrapped: %w", driver.ErrBadConn), dialects.KindDisconnect, false, false},
		{postgresql.Dialect, context.DeadlineExceeded, dialects.KindUnknown, false, false},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s/%v", tt.d.Name, tt.err)
		if got := tt.d.Kind(tt.err); got != tt.kind {
			t.Errorf("%s: Kind = %v, want %v", name, got, tt.kind)
		}
		if got := tt.d.ServerGone(tt.err); got != tt.serverGone {
			t.Errorf("%s: ServerGone = %v, want %v", name, got, tt.serverGone)
		}
		if got := tt.d.ServerAnswered(tt.err); got != tt.answered {
			t.Errorf("%s: ServerAnswered = %v, want %v", name, got, tt.answered)
		}
	}
	if dialects.KindLockTimeout.Retryable() {
		t.Error("a lock wait timeout is retryable only when a policy opts in")
	}
}

// TestErrorKindsFromRealServers provokes the new kinds on the servers
// themselves, so the classification is checked on the drivers' real
// error values, not only on ones built by hand.
func TestErrorKindsFromRealServers(t *testing.T) {
	ctx := context.Background()
	lockTimeout := func(t *testing.T, db *sql.DB, setTimeout, update string) error {
		t.Helper()
		if _, err := db.Exec("CREATE TABLE lk (id INTEGER PRIMARY KEY, v INTEGER)"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("INSERT INTO lk VALUES (1, 0)"); err != nil {
			t.Fatal(err)
		}
		holder, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Rollback()
		if _, err := holder.Exec(update); err != nil {
			t.Fatal(err)
		}
		waiter, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer waiter.Close()
		if _, err := waiter.ExecContext(ctx, setTimeout); err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		_, err = waiter.ExecContext(cctx, update)
		return err
	}
	readOnly := func(t *testing.T, db *sql.DB) error {
		t.Helper()
		if _, err := db.Exec("CREATE TABLE ro (id INTEGER)"); err != nil {
			t.Fatal(err)
		}
		tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		_, err = tx.Exec("INSERT INTO ro VALUES (1)")
		return err
	}
	t.Run("postgresql", func(t *testing.T) {
		db := openDB(t, testdb.Postgres(t))
		d := postgresql.Dialect
		if err := readOnly(t, db); d.Kind(err) != dialects.KindReadOnly {
			t.Errorf("write in a READ ONLY transaction: %v is %v, want read-only", err, d.Kind(err))
		}
		err := lockTimeout(t, db, "SET lock_timeout = '100ms'", "UPDATE lk SET v = v + 1 WHERE id = 1")
		if d.Kind(err) != dialects.KindLockTimeout || !d.ServerAnswered(err) {
			t.Errorf("lock_timeout: %v is %v, want lock timeout", err, d.Kind(err))
		}
	})
	t.Run("mariadb", func(t *testing.T) {
		db := openDB(t, testdb.MySQL(t))
		d := mysql.Dialect
		if err := readOnly(t, db); d.Kind(err) != dialects.KindReadOnly {
			t.Errorf("write in a READ ONLY transaction: %v is %v, want read-only", err, d.Kind(err))
		}
		err := lockTimeout(t, db, "SET SESSION innodb_lock_wait_timeout = 1", "UPDATE lk SET v = v + 1 WHERE id = 1")
		var myErr *gomysql.MySQLError
		if d.Kind(err) != dialects.KindLockTimeout || !errors.As(err, &myErr) || myErr.Number != 1205 {
			t.Errorf("lock wait timeout: %v is %v, want lock timeout (1205)", err, d.Kind(err))
		}
	})
}
