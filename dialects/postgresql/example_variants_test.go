package postgresql_test

import (
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
)

// A CockroachDB URL: the scheme sqlalchemy-cockroachdb uses, several
// nodes, each given CockroachDB's port. A 40001 "restart transaction" is
// retried by BeginRetry; a 40003 "result is ambiguous" in answer to
// COMMIT is not a definite answer, so alchemy reports it as
// ErrCommitUnknown.
func ExampleCockroachDB() {
	eng, err := alchemy.CreateEngine("cockroachdb://app@node1,node2,node3:26300/bank?sslmode=verify-full")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Close()
	fmt.Println(eng.Dialect().Name, "of the", eng.Dialect().Family, "family")
	fmt.Println(eng.URL())
	fmt.Println("transactional DDL:", eng.Dialect().Features.TransactionalDDL)

	d := postgresql.CockroachDB
	restart := &pgconn.PgError{Code: "40001", Message: "restart transaction: TransactionRetryWithProtoRefreshError: ... RETRY_WRITE_TOO_OLD"}
	ambiguous := &pgconn.PgError{Code: "40003", Message: "result is ambiguous"}
	fmt.Println("40001 retryable:", d.Kind(restart).Retryable())
	fmt.Println("40003 a definite answer:", d.ServerAnswered(ambiguous))
	// Output:
	// cockroachdb of the postgresql family
	// cockroachdb://app@node1:26257,node2:26257,node3:26300/bank?sslmode=verify-full
	// transactional DDL: false
	// 40001 retryable: true
	// 40003 a definite answer: false
}

// A YugabyteDB URL (YSQL, port 5433). A read restart is a serialization
// failure, retried by BeginRetry.
func ExampleYugabyteDB() {
	eng, err := alchemy.CreateEngine("yugabytedb://yugabyte@yb1,yb2/yugabyte?load_balance_hosts=random")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Close()
	fmt.Println(eng.URL())
	readRestart := &pgconn.PgError{Code: "40001", Message: "Restart read required at: { read: { physical: 1 } }"}
	fmt.Println(postgresql.YugabyteDB.Kind(readRestart))
	// Output:
	// yugabytedb://yugabyte@yb1:5433,yb2:5433/yugabyte?load_balance_hosts=random
	// serialization failure
}
