package metadata_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy/metadata"
)

// A schema too large for one PostgreSQL transaction at the server's
// max_locks_per_transaction: CreateAll fails with a LockLimitError and
// leaves nothing behind. Raise the setting, or create the tables in
// groups with Only, referenced tables first, each group its own
// transaction.
func ExampleLockLimitError() {
	ctx := context.Background()
	db, err := sql.Open("alchemy", "postgresql://app@db.internal/app")
	if err != nil {
		panic(err)
	}
	md := metadata.New() // … thousands of tables
	groups := [][]string{{"accounts", "users"}, {"orders", "order_lines"}}

	err = md.CreateAll(ctx, db)
	var lle *metadata.LockLimitError
	if errors.As(err, &lle) {
		fmt.Println("the server allows", lle.MaxLocksPerTransaction, "locks per transaction; creating in groups")
		for _, g := range groups {
			if err := md.CreateAll(ctx, db, metadata.Only(g...)); err != nil {
				panic(err)
			}
		}
	}
}

// What the error says, and what it wraps.
func ExampleLockLimitError_Error() {
	cause := &metadata.ExecError{SQL: "CREATE TABLE t1999 (id INTEGER)", Err: errors.New("ERROR: out of shared memory (SQLSTATE 53200)")}
	err := &metadata.LockLimitError{MaxLocksPerTransaction: "64", Statements: 5200, Err: cause}
	fmt.Println(err)
	var ee *metadata.ExecError
	fmt.Println(errors.As(err, &ee), errors.Unwrap(err) == cause)
	// Output:
	// metadata: the schema (5200 statements) is too large for one transaction at the server's max_locks_per_transaction (64): the server ran out of shared memory for locks (a transaction holds one on every table, index and sequence it creates or drops until it commits); raise max_locks_per_transaction (postgresql.conf or ALTER SYSTEM, then restart the server) or create or drop the tables in smaller groups with Only, each its own transaction: ERROR: out of shared memory (SQLSTATE 53200)
	// true true
}
