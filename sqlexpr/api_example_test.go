package sqlexpr_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// Every expression has the operator methods of Operators: a column, a
// function call, a CASE, a bound parameter alike.
func ExampleOperators() {
	u := exUsers
	stmt := sqlexpr.Select(u.C("id")).Where(
		u.C("id").Between(10, 20),
		sqlexpr.Lower(u.C("name")).Like("j%").Or(u.C("email").IsNull()),
		u.C("id").Mod(2).Eq(0))
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT users.id FROM users WHERE users.id BETWEEN $1 AND $2 AND (lower(users.name) LIKE $3 OR users.email IS NULL) AND users.id % $4 = $5 [10 20 j% 2 0]
}

func ExampleJoin() {
	j := sqlexpr.Join(exUsers, exAddresses, exUsers.C("id").Eq(exAddresses.C("user_id")))
	stmt := sqlexpr.Select(exUsers.C("name"), exAddresses.C("city")).From(j)
	sql, _, _ := sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(sql)
	// Output:
	// SELECT users.name, addresses.city FROM users JOIN addresses ON users.id = addresses.user_id
}

// An alias reads the same table twice: here a self-join of managers.
func ExampleAlias() {
	emp := sqlexpr.NewTable("employees", "id", "name", "manager_id")
	boss := sqlexpr.Alias(emp, "boss")
	stmt := sqlexpr.Select(emp.C("name"), boss.C("name").Label("manager")).
		LeftJoin(boss, emp.C("manager_id").Eq(boss.C("id")))
	sql, _, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql)
	// Output:
	// SELECT employees.name, boss.name AS manager FROM employees LEFT OUTER JOIN employees AS boss ON employees.manager_id = boss.id
}

// A subquery is a SELECT used as a FROM element; its columns are read
// with C.
func ExampleSelectStmt_Subquery() {
	counts := sqlexpr.Select(exAddresses.C("user_id"), sqlexpr.Count().Label("n")).
		GroupBy(exAddresses.C("user_id")).
		Subquery("counts")
	stmt := sqlexpr.Select(exUsers.C("name"), counts.C("n")).
		Join(counts, counts.C("user_id").Eq(exUsers.C("id"))).
		Where(counts.C("n").Gt(1))
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT users.name, counts.n FROM users JOIN (SELECT addresses.user_id, count(*) AS n FROM addresses GROUP BY addresses.user_id) AS counts ON counts.user_id = users.id WHERE counts.n > $1 [1]
}

func ExampleUnion() {
	stmt := sqlexpr.Union(
		sqlexpr.Select(exUsers.C("email")).Where(exUsers.C("name").Eq("john")),
		sqlexpr.Select(exUsers.C("email")).Where(exUsers.C("name").Eq("mary")),
	).OrderBy(sqlexpr.NewColumn("email")).Limit(5)
	sql, args, _ := sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT users.email FROM users WHERE users.name = ? UNION SELECT users.email FROM users WHERE users.name = ? ORDER BY email LIMIT ? OFFSET ? [john mary 5 0]
}

func ExampleCase() {
	size := sqlexpr.Case().
		When(exAddresses.C("id").Lt(10), "small").
		When(exAddresses.C("id").Lt(100), "medium").
		Else("large").
		Label("size")
	sql, args, _ := sqlexpr.Compile(sqlexpr.Select(exAddresses.C("city"), size), postgresql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT addresses.city, CASE WHEN addresses.id < $1 THEN $2 WHEN addresses.id < $3 THEN $4 ELSE $5 END AS size FROM addresses [10 small 100 medium large]
}

// CASE x WHEN value THEN result: CaseOf compares one expression.
func ExampleCaseOf() {
	label := sqlexpr.CaseOf(exAddresses.C("city")).When("Paris", "FR").When("Berlin", "DE").Else("?")
	sql, _, _ := sqlexpr.Compile(sqlexpr.Select(label.Label("country")), sqlite.Dialect)
	fmt.Println(sql)
	// Output:
	// SELECT CASE addresses.city WHEN ? THEN ? WHEN ? THEN ? ELSE ? END AS country FROM addresses
}

// A CAST is typed: the value read back is the type's Go value on every
// dialect.
func ExampleCast() {
	db, _ := exampleDB()
	defer db.Close()
	stmt := sqlexpr.Select(sqlexpr.Cast("42", types.Integer()).Label("n"))
	sql, _, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql)
	n, err := sqlexpr.One[int64](context.Background(), db, stmt)
	fmt.Println(n, err)
	// Output:
	// SELECT CAST($1 AS INTEGER) AS n
	// 42 <nil>
}

// A window function: a function call with Over.
func ExampleFuncExpr_Over() {
	db, orders := exampleDB()
	defer db.Close()
	running := sqlexpr.Sum(orders.C("total")).Over(sqlexpr.Window{
		PartitionBy: []sqlexpr.Expr{orders.C("customer")},
		OrderBy:     []sqlexpr.OrderItem{orders.C("id")},
	}).Label("running")
	stmt := sqlexpr.Select(orders.C("customer"), orders.C("total"), running).OrderBy(orders.C("id"))
	sql, _, _ := sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(sql)
	rows, err := sqlexpr.Query(context.Background(), db, stmt)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		fmt.Println(rows.Get("customer"), rows.Get("total"), rows.Get("running"))
	}
	// Output:
	// SELECT orders.customer, orders.total, sum(orders.total) OVER (PARTITION BY orders.customer ORDER BY orders.id) AS running FROM orders ORDER BY orders.id
	// ann 19.99 19.99
	// bob 5 5
	// ann 7.5 27.49
}

// RETURNING reads back what the server computed, here the generated key.
func ExampleInsertStmt_Returning() {
	db, orders := exampleDB()
	defer db.Close()
	stmt := sqlexpr.Insert(orders).
		Values(sqlexpr.Values{"customer": "cy", "paid": false}).
		Returning(orders.C("id"), orders.C("customer"))
	row := sqlexpr.QueryRow(context.Background(), db, stmt)
	var id int64
	var who string
	fmt.Println(row.Scan(&id, &who), id, who)
	// Output:
	// <nil> 4 cy
}

func ExampleExists() {
	has := sqlexpr.Select(exAddresses.C("id")).Where(exAddresses.C("user_id").Eq(exUsers.C("id")))
	stmt := sqlexpr.Select(exUsers.C("name")).Where(sqlexpr.Exists(has))
	sql, _, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql)
	// Output:
	// SELECT users.name FROM users WHERE EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id)
}

// One reads exactly one row as a T: a scalar for one column, a struct
// for several.
func ExampleOne() {
	db, orders := exampleDB()
	defer db.Close()
	ctx := context.Background()
	n, err := sqlexpr.One[int](ctx, db, sqlexpr.Select(sqlexpr.Count()).From(orders))
	fmt.Println(n, err)
	type order struct {
		Customer string
		Paid     bool
	}
	o, err := sqlexpr.One[order](ctx, db, sqlexpr.Select(orders.C("customer"), orders.C("paid")).Where(orders.C("id").Eq(2)))
	fmt.Printf("%+v %v\n", o, err)
	_, err = sqlexpr.One[order](ctx, db, sqlexpr.Select(orders.C("customer"), orders.C("paid")))
	fmt.Println(errors.Is(err, sqlexpr.ErrMultipleResultsFound))
	// Output:
	// 3 <nil>
	// {Customer:bob Paid:false} <nil>
	// true
}

func ExampleExecute() {
	db, orders := exampleDB()
	defer db.Close()
	res, err := sqlexpr.Execute(context.Background(), db,
		sqlexpr.Update(orders).Values(sqlexpr.Values{"paid": true}).Where(orders.C("paid").Eq(false)))
	if err != nil {
		fmt.Println(err)
		return
	}
	n, _ := res.RowsAffected()
	fmt.Println(n, "row updated")
	// Output:
	// 1 row updated
}

func ExampleQuery() {
	db, orders := exampleDB()
	defer db.Close()
	rows, err := sqlexpr.Query(context.Background(), db,
		sqlexpr.Select(orders.C("id"), orders.C("customer")).Where(orders.C("paid")).OrderBy(orders.C("id")))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var customer string
		if err := rows.Scan(&id, &customer); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(id, customer)
	}
	fmt.Println(rows.Err())
	// Output:
	// 1 ann
	// 3 ann
	// <nil>
}

// QueryRow reports no row as sql.ErrNoRows, as database/sql does.
func ExampleQueryRow() {
	db, orders := exampleDB()
	defer db.Close()
	ctx := context.Background()
	row := sqlexpr.QueryRow(ctx, db, sqlexpr.Select(orders.C("total")).Where(orders.C("id").Eq(1)))
	fmt.Println(row.Get("total"), row.Err())
	row = sqlexpr.QueryRow(ctx, db, sqlexpr.Select(orders.C("total")).Where(orders.C("id").Eq(99)))
	fmt.Println(errors.Is(row.Err(), sql.ErrNoRows))
	// Output:
	// 19.99 <nil>
	// true
}

// RowFrom gives a query run with database/sql the Row of QueryRow:
// values by column name, Map, ScanStruct.
func ExampleRowFrom() {
	db, _ := exampleDB()
	defer db.Close()
	row := sqlexpr.RowFrom(db.QueryContext(context.Background(), "SELECT customer, paid FROM orders WHERE id = 2"))
	fmt.Println(row.Columns(), row.Get("customer"), row.Err())
	// Output:
	// [customer paid] bob <nil>
}

// A column that belongs to no table, for output columns of a compound
// SELECT or a text query.
func ExampleNewColumn() {
	stmt := sqlexpr.Select(sqlexpr.NewColumn("name")).From(sqlexpr.NewTable("users")).Where(sqlexpr.NewColumn("id").Gt(3))
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT name FROM users WHERE id > $1 [3]
}
