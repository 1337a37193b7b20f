package sqlexpr_test

import (
	"fmt"

	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// A SelectStmt is built by chaining; each method changes the statement
// and returns it, so Clone before deriving two queries from one base.
func ExampleSelectStmt() {
	base := sqlexpr.Select(ex2Orders.C("id"), ex2Orders.C("total")).Where(ex2Orders.C("status").Eq("paid"))
	page2 := base.Clone().OrderBy(ex2Orders.C("id")).Limit(20).Offset(20)
	ex2Print(base)
	ex2Print(page2)
	// Output:
	// SELECT orders.id, orders.total FROM orders WHERE orders.status = $1 [paid]
	// SELECT orders.id, orders.total FROM orders WHERE orders.status = $1 ORDER BY orders.id LIMIT $2 OFFSET $3 [paid 20 20]
}

// CTE turns the SELECT into a WITH entry; With attaches it to the query
// that reads it.
func ExampleSelectStmt_CTE() {
	big := sqlexpr.Select(ex2Orders.C("customer")).Where(ex2Orders.C("total").Gt(1000)).CTE("big_spenders")
	ex2Print(sqlexpr.Select(exUsers.C("email")).With(big).Join(big, big.C("customer").Eq(exUsers.C("name"))))
	// Output: WITH big_spenders AS (SELECT orders.customer FROM orders WHERE orders.total > $1) SELECT users.email FROM users JOIN big_spenders ON big_spenders.customer = users.name [1000]
}

func ExampleSelectStmt_With() {
	recent := sqlexpr.Select(ex2Orders.C("id")).OrderBy(ex2Orders.C("id").Desc()).Limit(10).CTE("recent")
	ex2Print(sqlexpr.Select(sqlexpr.Count()).From(recent).With(recent))
	// Output: WITH recent AS (SELECT orders.id FROM orders ORDER BY orders.id DESC LIMIT $1) SELECT count(*) AS count_1 FROM recent [10]
}

// Clone copies a statement so the copy can change without the original.
func ExampleSelectStmt_Clone() {
	q := sqlexpr.Select(ex2Orders.C("id"))
	withTotal := q.Clone().Columns(ex2Orders.C("total"))
	ex2Print(q)
	ex2Print(withTotal)
	// Output:
	// SELECT orders.id FROM orders []
	// SELECT orders.id, orders.total FROM orders []
}

// Columns adds to the SELECT list, e.g. when the columns depend on options.
func ExampleSelectStmt_Columns() {
	q := sqlexpr.Select(ex2Orders.C("id"))
	if wantTotals := true; wantTotals {
		q.Columns(ex2Orders.C("total"))
	}
	ex2Print(q)
	// Output: SELECT orders.id, orders.total FROM orders []
}

func ExampleSelectStmt_Distinct() {
	ex2Print(sqlexpr.Select(ex2Orders.C("customer")).Distinct())
	// Output: SELECT DISTINCT orders.customer FROM orders []
}

// DistinctOn keeps one row per customer (the first in ORDER BY): the
// latest order of each. PostgreSQL only; others refuse to compile it.
func ExampleSelectStmt_DistinctOn() {
	q := sqlexpr.Select(ex2Orders.C("customer"), ex2Orders.C("id")).
		DistinctOn(ex2Orders.C("customer")).
		OrderBy(ex2Orders.C("customer"), ex2Orders.C("id").Desc())
	ex2Print(q)
	_, _, err := sqlexpr.Compile(q, mysql.Dialect)
	fmt.Println(err != nil)
	// Output:
	// SELECT DISTINCT ON (orders.customer) orders.customer, orders.id FROM orders ORDER BY orders.customer, orders.id DESC []
	// true
}

// Err reports a mistake made while building, before anything runs.
func ExampleSelectStmt_Err() {
	q := sqlexpr.Select(ex2Orders.C("id")).Limit(-1)
	fmt.Println(q.Err() != nil)
	fmt.Println(sqlexpr.Select(ex2Orders.C("id")).Err())
	// Output:
	// true
	// <nil>
}

// ForShare locks the rows read against writes but not against readers.
func ExampleSelectStmt_ForShare() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(ex2Orders.C("id").Eq(1)).ForShare())
	// Output: SELECT orders.id FROM orders WHERE orders.id = $1 FOR SHARE [1]
}

// ForUpdateOf locks only the rows of the tables named, in a join.
func ExampleSelectStmt_ForUpdateOf() {
	q := sqlexpr.Select(ex2Orders.C("id")).
		Join(exUsers, exUsers.C("name").Eq(ex2Orders.C("customer"))).
		ForUpdateOf(ex2Orders)
	ex2Print(q)
	// Output: SELECT orders.id FROM orders JOIN users ON users.name = orders.customer FOR UPDATE OF orders []
}

// NoWait fails at once instead of waiting for a locked row.
func ExampleSelectStmt_NoWait() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).ForUpdate().NoWait())
	// Output: SELECT orders.id FROM orders FOR UPDATE NOWAIT []
}

// SkipLocked skips locked rows: several workers take jobs from one queue.
func ExampleSelectStmt_SkipLocked() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(ex2Orders.C("status").Eq("new")).
		OrderBy(ex2Orders.C("id")).Limit(1).ForUpdate().SkipLocked())
	// Output: SELECT orders.id FROM orders WHERE orders.status = $1 ORDER BY orders.id LIMIT $2 FOR UPDATE SKIP LOCKED [new 1]
}

// From names what to read when the SELECT list does not say it, as for
// count(*).
func ExampleSelectStmt_From() {
	ex2Print(sqlexpr.Select(sqlexpr.Count()).From(ex2Orders))
	// Output: SELECT count(*) AS count_1 FROM orders []
}

// The join methods join to the SELECT's FROM.
func ExampleSelectStmt_Join() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id"), exUsers.C("email")).Join(exUsers, exUsers.C("name").Eq(ex2Orders.C("customer"))))
	// Output: SELECT orders.id, users.email FROM orders JOIN users ON users.name = orders.customer []
}

// LeftJoin keeps orders with no matching user; their email is NULL.
func ExampleSelectStmt_LeftJoin() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id"), exUsers.C("email")).LeftJoin(exUsers, exUsers.C("name").Eq(ex2Orders.C("customer"))))
	// Output: SELECT orders.id, users.email FROM orders LEFT OUTER JOIN users ON users.name = orders.customer []
}

func ExampleSelectStmt_RightJoin() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id"), exUsers.C("email")).RightJoin(exUsers, exUsers.C("name").Eq(ex2Orders.C("customer"))))
	// Output: SELECT orders.id, users.email FROM orders RIGHT OUTER JOIN users ON users.name = orders.customer []
}

func ExampleSelectStmt_FullJoin() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id"), exUsers.C("email")).FullJoin(exUsers, exUsers.C("name").Eq(ex2Orders.C("customer"))))
	// Output: SELECT orders.id, users.email FROM orders FULL OUTER JOIN users ON users.name = orders.customer []
}

// GroupBy and Having: customers with more than five orders.
func ExampleSelectStmt_GroupBy() {
	ex2Print(sqlexpr.Select(ex2Orders.C("customer"), sqlexpr.Count().Label("n")).
		GroupBy(ex2Orders.C("customer")).Having(sqlexpr.Count().Gt(5)))
	// Output: SELECT orders.customer, count(*) AS n FROM orders GROUP BY orders.customer HAVING count(*) > $1 [5]
}

func ExampleSelectStmt_Having() {
	ex2Print(sqlexpr.Select(ex2Orders.C("customer")).GroupBy(ex2Orders.C("customer")).
		Having(sqlexpr.Sum(ex2Orders.C("total")).Ge(100), sqlexpr.Min(ex2Orders.C("total")).Gt(0)))
	// Output: SELECT orders.customer FROM orders GROUP BY orders.customer HAVING sum(orders.total) >= $1 AND min(orders.total) > $2 [100 0]
}

// Limit and Offset page through an ordered result; they are bound, so
// each page reuses the compiled SQL.
func ExampleSelectStmt_Limit() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).OrderBy(ex2Orders.C("id")).Limit(50))
	// Output: SELECT orders.id FROM orders ORDER BY orders.id LIMIT $1 [50]
}

// MySQL writes the pair as LIMIT offset, count.
func ExampleSelectStmt_Offset() {
	q, args, _ := sqlexpr.Compile(sqlexpr.Select(ex2Orders.C("id")).OrderBy(ex2Orders.C("id")).Limit(50).Offset(100), mysql.Dialect)
	fmt.Println(q, args)
	// Output: SELECT orders.id FROM orders ORDER BY orders.id LIMIT ?, ? [100 50]
}

func ExampleSelectStmt_OrderBy() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).OrderBy(ex2Orders.C("total").Desc(), ex2Orders.C("id")))
	// Output: SELECT orders.id FROM orders ORDER BY orders.total DESC, orders.id []
}

// Where conditions are joined with AND; a second Where adds to the first.
func ExampleSelectStmt_Where() {
	q := sqlexpr.Select(ex2Orders.C("id")).Where(ex2Orders.C("status").Eq("paid"))
	q.Where(ex2Orders.C("total").Gt(10))
	q2, args, _ := sqlexpr.Compile(q, postgresql.Dialect)
	fmt.Println(q2, args)
	// Output: SELECT orders.id FROM orders WHERE orders.status = $1 AND orders.total > $2 [paid 10]
}
