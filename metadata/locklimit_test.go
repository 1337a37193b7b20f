package metadata_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy/internal/testserver"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// TestMain stops the private servers testserver started (the lock-limit
// test's PostgreSQL) when the tests end.
func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// lockLimitTables is enough tables to fill the lock table of a server
// with max_locks_per_transaction = 10 and the testserver's
// max_connections = 200: about 2,200 lock slots, plus the shared memory
// the server lends the table when it is full. Creating a table of this
// schema holds 11 locks until the commit (counted in pg_locks); 500
// tables (5,500 locks) still fit, 1,000 do not.
const lockLimitTables = 1000

// lockChain declares n tables, each referencing the one before.
func lockChain(n int) (*metadata.MetaData, []string) {
	md := metadata.New()
	keys := make([]string, n)
	for i := range n {
		items := []metadata.TableItem{
			metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
			metadata.Column("label", types.String(80)),
		}
		if i > 0 {
			items = append(items, metadata.Column("parent", nil, metadata.ForeignKey(fmt.Sprintf("c%04d.id", i-1))))
		}
		keys[i] = fmt.Sprintf("c%04d", i)
		md.Table(keys[i], items...)
	}
	return md, keys
}

// TestLockLimitError runs CreateAll and DropAll on a private PostgreSQL
// whose lock table is too small for the schema: the error must say so and
// how to fix it, still match the driver's error, and leave nothing
// behind; and the fix it proposes (smaller groups with Only) must work.
func TestLockLimitError(t *testing.T) {
	srv := testserver.Postgres(t)
	ctx := context.Background()
	setLocks := func(stmt string) {
		admin := srv.Admin(t)
		if _, err := admin.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		admin.Close()
		srv.Restart(t) // max_locks_per_transaction is read at server start
	}
	setLocks("ALTER SYSTEM SET max_locks_per_transaction = 10")
	t.Cleanup(func() { setLocks("ALTER SYSTEM RESET max_locks_per_transaction") })

	db := open(t, srv.URL(""))
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA locks"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = open(t, srv.URL("search_path=locks"))
	defer db.Close()
	tableCount := func() int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'locks'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	md, keys := lockChain(lockLimitTables)
	checkErr := func(t *testing.T, err error, setting string) {
		t.Helper()
		var le *metadata.LockLimitError
		if !errors.As(err, &le) {
			t.Fatalf("error is not a *LockLimitError: %v", err)
		}
		if le.MaxLocksPerTransaction != setting {
			t.Errorf("MaxLocksPerTransaction = %q, want %q", le.MaxLocksPerTransaction, setting)
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "53200" {
			t.Errorf("errors.As does not reach the driver's 53200 error: %v", err)
		}
		var ee *metadata.ExecError
		if !errors.As(err, &ee) {
			t.Errorf("errors.As does not reach the ExecError: %v", err)
		}
		msg := err.Error()
		for _, want := range []string{"too large for one transaction", "max_locks_per_transaction", "SQLSTATE 53200", "Only"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message lacks %q: %s", want, msg)
			}
		}
		if setting != "" && !strings.Contains(msg, "max_locks_per_transaction ("+setting+")") {
			t.Errorf("message does not give the setting %s: %s", setting, msg)
		}
		if len(msg) > 1000 {
			t.Errorf("message of %d bytes: the script must not be in it", len(msg))
		}
	}

	t.Run("CreateAll", func(t *testing.T) {
		err := md.CreateAll(ctx, db)
		checkErr(t, err, "10")
		t.Log(err)
		if n := tableCount(); n != 0 {
			t.Errorf("%d tables left behind by the failed CreateAll", n)
		}
	})

	t.Run("CreateAllInTx", func(t *testing.T) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		checkErr(t, md.CreateAll(ctx, tx), "") // the aborted tx cannot be asked
	})

	// The remedy the message proposes: groups small enough for the lock
	// table, referenced tables first. Then DropAll, all at once, fails
	// the same way and leaves every table.
	t.Run("OnlyGroupsThenDropAll", func(t *testing.T) {
		const group = 100
		for i := 0; i < len(keys); i += group {
			if err := md.CreateAll(ctx, db, metadata.Only(keys[i:min(i+group, len(keys))]...)); err != nil {
				t.Fatalf("CreateAll of tables %d..: %v", i, err)
			}
		}
		if n := tableCount(); n != lockLimitTables {
			t.Fatalf("%d tables after the groups, want %d", n, lockLimitTables)
		}
		checkErr(t, md.DropAll(ctx, db), "10")
		if n := tableCount(); n != lockLimitTables {
			t.Errorf("%d tables after the failed DropAll, want all %d", n, lockLimitTables)
		}
		for i := len(keys); i > 0; i -= group {
			if err := md.DropAll(ctx, db, metadata.Only(keys[max(i-group, 0):i]...)); err != nil {
				t.Fatalf("DropAll of tables ..%d: %v", i, err)
			}
		}
		if n := tableCount(); n != 0 {
			t.Errorf("%d tables after dropping in groups", n)
		}
	})
}
