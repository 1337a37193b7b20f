package mysql_test

import (
	"fmt"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects/mysql"
)

// A TiDB URL: several TiDB servers on TiDB's port 4000, tried in order
// (alchemy's MySQL host-list failover). A write conflict (9007) is
// retried by BeginRetry; a TiKV timeout in answer to COMMIT leaves the
// outcome open.
func ExampleTiDB() {
	eng, err := alchemy.CreateEngine("tidb://app@tidb1,tidb2/shop?parseTime=true")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Close()
	fmt.Println(eng.URL())
	d := mysql.TiDB
	conflict := &gomysql.MySQLError{Number: 9007, Message: "Write conflict, txnStartTS=1, conflictStartTS=2"}
	timeout := &gomysql.MySQLError{Number: 9002, Message: "TiKV server timeout"}
	fmt.Println("9007:", d.Kind(conflict), "- retryable:", d.Kind(conflict).Retryable())
	fmt.Println("9002 a definite answer to COMMIT:", d.ServerAnswered(timeout))
	// Output:
	// tidb://app@tidb1:4000,tidb2:4000/shop?parseTime=true
	// 9007: serialization failure - retryable: true
	// 9002 a definite answer to COMMIT: false
}

// A Vitess URL names vtgates and a keyspace. A shard whose primary is
// being reparented is retryable; an error relayed from a shard in answer
// to COMMIT leaves the outcome open (the other shards may have
// committed).
func ExampleVitess() {
	eng, err := alchemy.CreateEngine("vitess://app@vtgate1,vtgate2:15306/commerce")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer eng.Close()
	fmt.Println(eng.URL())
	d := mysql.Vitess
	reparent := &gomysql.MySQLError{Number: 1105, Message: "target: commerce.-80.primary: primary is not serving, there may be a reparent operation in progress"}
	fmt.Println("reparent:", d.Kind(reparent), "- retryable:", d.Kind(reparent).Retryable())
	fmt.Println("a definite answer to COMMIT:", d.ServerAnswered(reparent))
	// Output:
	// vitess://app@vtgate1:3306,vtgate2:15306/commerce
	// reparent: disconnect - retryable: true
	// a definite answer to COMMIT: false
}
