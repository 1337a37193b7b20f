package alchemy

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy/dialects"
)

// TestReplicaUnusable: which failures of a read-only transaction on a
// replica skip that replica for a while (markDown) and which move the
// transaction elsewhere (reroute). A transaction is only moved when fn
// had not run; the real stopped standby is in
// TestPGStandbyReplicas/replica_down_skipped.
func TestReplicaUnusable(t *testing.T) {
	d, err := dialects.Lookup("postgresql")
	if err != nil {
		t.Fatal(err)
	}
	shutdown := &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}
	conflict := &pgconn.PgError{Severity: "ERROR", Code: "40001", Message: "canceling statement due to conflict with recovery"}
	cases := []struct {
		name              string
		err               error
		ran               bool
		markDown, reroute bool
	}{
		{"success", nil, true, false, false},
		{"refused connection", &ConnectError{URL: "postgresql://h/db", Err: errors.New("connection refused")}, false, true, true},
		{"server shut down at BEGIN", fmt.Errorf("begin: %w", shutdown), false, true, true},
		{"server shut down during fn", shutdown, true, true, false},
		{"socket closed at BEGIN", io.ErrUnexpectedEOF, false, true, true},
		{"one stale connection at BEGIN", driver.ErrBadConn, false, false, true},
		{"caller's context ended", context.Canceled, false, false, false},
		{"recovery conflict in fn", conflict, true, false, false},
		{"plain error of fn", errors.New("no such row"), true, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			markDown, reroute := replicaUnusable(d, c.err, c.ran)
			if markDown != c.markDown || reroute != c.reroute {
				t.Errorf("replicaUnusable(%v, ran=%v) = markDown %v, reroute %v; want %v, %v", c.err, c.ran, markDown, reroute, c.markDown, c.reroute)
			}
		})
	}
}
