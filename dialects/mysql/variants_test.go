package mysql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/internal/variantstest"
)

func myErr(n uint16, msg string) error { return &gomysql.MySQLError{Number: n, Message: msg} }

// TestVariantURLs: tidb:// and vitess:// select the variants over
// go-sql-driver/mysql; a host list gets the variant's port on every host.
func TestVariantURLs(t *testing.T) {
	for _, tc := range []struct {
		url, dialect, hosts string
	}{
		{"tidb://root@tidb1/app", "tidb", ""},
		{"tidb+mysql://root@tidb1:4001/app?parseTime=true", "tidb", ""},
		{"tidb://root@t1,t2:4001,[::1]/app", "tidb", "t1:4000,t2:4001,[::1]:4000"},
		{"vitess://user@vtgate1/commerce", "vitess", ""},
		{"vitess+mysql://user@g1,g2:15306/commerce@primary", "vitess", "g1:3306,g2:15306"},
	} {
		eng, err := alchemy.CreateEngine(tc.url)
		if err != nil {
			t.Errorf("CreateEngine(%q): %v", tc.url, err)
			continue
		}
		d := eng.Dialect()
		if d.Name != tc.dialect || d.Family != "mysql" {
			t.Errorf("%s: dialect %s (family %s), want %s (family mysql)", tc.url, d.Name, d.Family, tc.dialect)
		}
		if tc.hosts != "" && !strings.Contains(eng.String(), tc.hosts) {
			t.Errorf("%s: engine %s does not list %s", tc.url, eng, tc.hosts)
		}
		eng.Close()
	}
	_, err := alchemy.CreateEngine("tidb+pymysql://root@tidb1/app")
	if !errors.Is(err, dialects.ErrUnknownDriver) || !strings.Contains(err.Error(), "pymysql") {
		t.Errorf("tidb+pymysql: %v, want an unknown-driver error naming pymysql", err)
	}
}

// TestTiDBDefaultPort: a TiDB URL without a port dials 4000 (nothing
// listens there on the test machine), never the MySQL server on 3306.
func TestTiDBDefaultPort(t *testing.T) {
	eng, err := alchemy.CreateEngine("tidb://root@127.0.0.1/app?timeout=2s")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := eng.Connect(ctx)
	if err == nil {
		c.Close()
		t.Skip("something answers on 127.0.0.1:4000; this test needs the port closed")
	}
	if !strings.Contains(err.Error(), "127.0.0.1:4000") {
		t.Errorf("connect error %q does not name 127.0.0.1:4000", err)
	}
}

// TestTiDBErrors classifies the error values go-sql-driver/mysql returns
// for TiDB's answers.
func TestTiDBErrors(t *testing.T) {
	d := TiDB
	for _, tc := range []struct {
		err      error
		kind     dialects.ErrorKind
		answered bool // a definite answer: a COMMIT that got it was not applied
		gone     bool // the pool drops this server's connections
	}{
		{myErr(9007, "Write conflict, txnStartTS=452, conflictStartTS=451, conflictCommitTS=453, key={tableID=88, handle=1} primary=... [try again later]"),
			dialects.KindSerializationFailure, true, false},
		{myErr(8002, "[tikv:8002]can not retry select for update statement"), dialects.KindSerializationFailure, true, false},
		{myErr(8005, "Write Conflict, txnStartTS is stale"), dialects.KindSerializationFailure, true, false},
		{myErr(8022, "Error: KV error safe to retry tikv restarts txn: Txn(Mvcc(WriteConflict ...)) [try again later]"), dialects.KindSerializationFailure, true, false},
		{myErr(8028, "Information schema is changed during the execution of the statement"), dialects.KindSerializationFailure, true, false},
		{myErr(9001, "PD server timeout: "), dialects.KindDisconnect, false, true},
		{myErr(9002, "TiKV server timeout"), dialects.KindDisconnect, false, false},
		{myErr(9005, "Region is unavailable"), dialects.KindDisconnect, false, false},
		{myErr(9004, "Resolve lock timeout"), dialects.KindLockTimeout, false, false},
		{myErr(1105, "unknown error: something internal"), dialects.KindUnknown, true, false},
		{myErr(1105, "tikv aborts txn: Txn(Mvcc(TxnLockNotFound)) [try again later]"), dialects.KindSerializationFailure, true, false},
		{myErr(1062, "Duplicate entry '1' for key 'users.PRIMARY'"), dialects.KindUniqueViolation, true, false},
		{myErr(1213, "Deadlock found when trying to get lock; try restarting transaction"), dialects.KindDeadlock, true, false},
		{fmt.Errorf("exec: %w", gomysql.ErrInvalidConn), dialects.KindDisconnect, false, true},
	} {
		if got := d.Kind(tc.err); got != tc.kind {
			t.Errorf("%v: Kind = %s, want %s", tc.err, got, tc.kind)
		}
		if got := d.ServerAnswered(tc.err); got != tc.answered {
			t.Errorf("%v: ServerAnswered = %v, want %v", tc.err, got, tc.answered)
		}
		if got := d.ServerGone(tc.err); got != tc.gone {
			t.Errorf("%v: ServerGone = %v, want %v", tc.err, got, tc.gone)
		}
	}
}

// TestVitessErrors classifies vtgate's relays of vttablet errors.
func TestVitessErrors(t *testing.T) {
	d := Vitess
	for _, tc := range []struct {
		err      error
		kind     dialects.ErrorKind
		answered bool
		gone     bool
	}{
		{myErr(1105, "target: commerce.-80.primary: primary is not serving, there may be a reparent operation in progress"), dialects.KindDisconnect, false, false},
		{myErr(1105, "target: commerce.0.primary: primary is not serving, there is a reparent operation in progress"), dialects.KindDisconnect, false, false},
		{myErr(1105, "target: commerce.0.primary: vttablet: rpc error: code = FailedPrecondition desc = operation not allowed in state NOT_SERVING (CallerID: app)"), dialects.KindDisconnect, false, false},
		{myErr(1105, "target: commerce.0.primary: vttablet: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing\""), dialects.KindDisconnect, false, false},
		{myErr(1105, "no healthy tablet available for 'keyspace:\"commerce\" shard:\"0\" tablet_type:PRIMARY'"), dialects.KindDisconnect, true, false},
		{myErr(1105, "vttablet: rpc error: code = Aborted desc = transaction 1656362196194291371: not found (CallerID: app)"), dialects.KindDisconnect, false, false},
		{myErr(1317, "target: commerce.0.primary: vttablet: rpc error: code = Aborted desc = transaction 1656362196194291371: ended at 2026-12-03 12:00:00.000 UTC (unlocked closed connection) (CallerID: app)"), dialects.KindDisconnect, false, false},
		{myErr(1317, "target: commerce.0.primary: vttablet: rpc error: code = Aborted desc = transaction 1656362196194291371: ended at 2026-12-03 12:00:00.000 UTC (exceeded timeout: 30s) (CallerID: app)"), dialects.KindQueryCanceled, false, false},
		{myErr(1213, "target: commerce.-80.primary: vttablet: rpc error: code = Aborted desc = Deadlock found when trying to get lock; try restarting transaction (errno 1213) (sqlstate 40001)"), dialects.KindDeadlock, false, false},
		{myErr(1062, "target: commerce.-80.primary: vttablet: Duplicate entry '1' for key 'customer.PRIMARY' (errno 1062) (sqlstate 23000)"), dialects.KindUniqueViolation, false, false},
		{myErr(1105, "VT03019: column foo not found"), dialects.KindUnknown, true, false},
		{myErr(1064, "syntax error at position 7"), dialects.KindSyntax, true, false},
	} {
		if got := d.Kind(tc.err); got != tc.kind {
			t.Errorf("%v: Kind = %s, want %s", tc.err, got, tc.kind)
		}
		if got := d.ServerAnswered(tc.err); got != tc.answered {
			t.Errorf("%v: ServerAnswered = %v, want %v", tc.err, got, tc.answered)
		}
		if got := d.ServerGone(tc.err); got != tc.gone {
			t.Errorf("%v: ServerGone = %v, want %v", tc.err, got, tc.gone)
		}
	}
	// MySQL keeps its own reading of the same numbers.
	if Dialect.Kind(myErr(1105, "primary is not serving")) != dialects.KindUnknown {
		t.Error("the mysql dialect reads Vitess's words")
	}
}

// TestVariantCommitPath runs transactions through an Engine whose COMMIT
// fails with the variant's errors.
func TestVariantCommitPath(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name        string
		url         string
		errs        []error
		unknown     bool
		wantCommits int
	}{
		{"tidb write conflict", "tidb://root@t1/app", []error{myErr(9007, "Write conflict"), myErr(8022, "KV error safe to retry"), nil}, false, 3},
		{"tidb tikv timeout at commit", "tidb://root@t1/app", []error{myErr(9002, "TiKV server timeout")}, true, 1},
		{"tidb connection closed at commit", "tidb://root@t1/app", []error{gomysql.ErrInvalidConn}, true, 1},
		{"vitess shard error at commit", "vitess://u@g1/commerce", []error{myErr(1105, "target: commerce.80-.primary: vttablet: rpc error: code = Unavailable desc = not serving")}, true, 1},
		{"vitess vtgate refusal at commit", "vitess://u@g1/commerce", []error{myErr(1213, "Deadlock found when trying to get lock"), nil}, false, 2},
	} {
		fake := variantstest.New(tc.errs...)
		eng, err := alchemy.CreateEngine(tc.url, alchemy.WithConnector(fake))
		if err != nil {
			t.Fatal(err)
		}
		runs := 0
		err = eng.BeginRetry(ctx, alchemy.RetryPolicy{Backoff: time.Millisecond}, func(c *alchemy.Conn) error {
			runs++
			_, err := c.ExecContext(ctx, "UPDATE counters SET n = n + 1 WHERE id = 1")
			return err
		})
		eng.Close()
		if got := errors.Is(err, alchemy.ErrCommitUnknown); got != tc.unknown {
			t.Errorf("%s: error %v; commit unknown = %v, want %v", tc.name, err, got, tc.unknown)
		}
		if !tc.unknown && err != nil {
			t.Errorf("%s: %v, want success after retries", tc.name, err)
		}
		if fake.Commits() != tc.wantCommits || runs != tc.wantCommits {
			t.Errorf("%s: %d runs, %d COMMITs, want %d of each", tc.name, runs, fake.Commits(), tc.wantCommits)
		}
	}
}
