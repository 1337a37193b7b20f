package sqlexpr_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	_ "github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// exampleDB opens an in-memory SQLite database with a typed orders
// table holding three rows.
func exampleDB() (*sql.DB, *metadata.Table) {
	db, err := sql.Open("alchemy", "sqlite://")
	if err != nil {
		panic(err)
	}
	db.SetMaxOpenConns(1) // one in-memory database
	md := metadata.New()
	orders := md.Table("orders",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("customer", types.String(50)),
		metadata.Column("total", types.Numeric(10, 2)),
		metadata.Column("paid", types.Boolean()),
		metadata.Column("placed", types.DateTime()))
	ctx := context.Background()
	if err := md.CreateAll(ctx, db); err != nil {
		panic(err)
	}
	at := time.Date(2026, 12, 2, 10, 30, 0, 0, time.UTC)
	_, err = sqlexpr.Execute(ctx, db, sqlexpr.Insert(orders),
		sqlexpr.Params{"customer": "ann", "total": decimal.RequireFromString("19.99"), "paid": true, "placed": at},
		sqlexpr.Params{"customer": "bob", "total": decimal.RequireFromString("5.00"), "paid": false, "placed": at.Add(time.Hour)},
		sqlexpr.Params{"customer": "ann", "total": decimal.RequireFromString("7.50"), "paid": true, "placed": at.Add(2 * time.Hour)})
	if err != nil {
		panic(err)
	}
	return db, orders
}

// The verbs of the result say how many rows they expect.
func ExampleRows_One() {
	db, orders := exampleDB()
	defer db.Close()
	ctx := context.Background()

	rows, _ := sqlexpr.Query(ctx, db, sqlexpr.Select(orders).Where(orders.C("id").Eq(1)))
	row, err := rows.One()
	fmt.Println(row.Get("customer"), row.Get("total"), row.Get("paid"), row.Get("placed"), err)

	rows, _ = sqlexpr.Query(ctx, db, sqlexpr.Select(orders).Where(orders.C("customer").Eq("ann")))
	_, err = rows.One()
	fmt.Println(errors.Is(err, sqlexpr.ErrMultipleResultsFound))

	rows, _ = sqlexpr.Query(ctx, db, sqlexpr.Select(orders).Where(orders.C("customer").Eq("zed")))
	_, err = rows.One()
	fmt.Println(errors.Is(err, sqlexpr.ErrNoResultFound), errors.Is(err, sql.ErrNoRows))

	rows, _ = sqlexpr.Query(ctx, db, sqlexpr.Select(sqlexpr.Count()).From(orders))
	n, _ := rows.ScalarOne()
	fmt.Printf("%T %v\n", n, n)
	// Output:
	// ann 19.99 true 2026-12-02 10:30:00 +0000 UTC <nil>
	// true
	// true true
	// int64 3
}

// A typo in a column name is an error that lists the columns.
func ExampleRows_Get() {
	db, orders := exampleDB()
	defer db.Close()
	rows, _ := sqlexpr.Query(context.Background(), db, sqlexpr.Select(orders.C("id"), orders.C("customer")))
	for rows.Next() {
		fmt.Println(rows.Get("custmer"))
	}
	fmt.Println(rows.Err())
	// Output:
	// <nil>
	// sqlexpr: the result has no column "custmer" (its columns: id, customer)
}

// Rows read into structs (by db tag or field name) or scalars, with
// the Go types of the columns.
func ExampleAll() {
	db, orders := exampleDB()
	defer db.Close()
	ctx := context.Background()
	type order struct {
		ID     int64
		Total  decimal.Decimal
		Placed time.Time
	}
	all, err := sqlexpr.All[order](ctx, db, sqlexpr.Select(orders.C("id"), orders.C("total"), orders.C("placed")).
		Where(orders.C("paid").Eq(true)).OrderBy(orders.C("id")))
	for _, o := range all {
		fmt.Println(o.ID, o.Total, o.Placed.Format(time.Kitchen))
	}
	names, _ := sqlexpr.All[string](ctx, db, sqlexpr.Select(orders.C("customer")).Distinct().OrderBy(orders.C("customer")))
	fmt.Println(names, err)
	// Output:
	// 1 19.99 10:30AM
	// 3 7.5 12:30PM
	// [ann bob] <nil>
}

// Iter streams the rows one at a time, without reading the whole result.
func ExampleIter() {
	db, orders := exampleDB()
	defer db.Close()
	sum := decimal.Zero
	for total, err := range sqlexpr.Iter[decimal.Decimal](context.Background(), db, sqlexpr.Select(orders.C("total"))) {
		if err != nil {
			fmt.Println(err)
			return
		}
		sum = sum.Add(total)
	}
	fmt.Println(sum)
	// Output:
	// 32.49
}

// Text takes :name parameters, written as each dialect's placeholders;
// their values come with the statement or when it runs.
func ExampleText_named() {
	stmt := sqlexpr.Text("SELECT id FROM orders WHERE customer = :who AND placed > CAST(:since AS timestamp)").
		Bind("since", types.DateTime())
	sqlText, _, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sqlText)

	db, _ := exampleDB()
	defer db.Close()
	ids, err := sqlexpr.All[int64](context.Background(), db,
		sqlexpr.Text("SELECT id FROM orders WHERE customer = :who ORDER BY id").Columns(types.Integer()),
		sqlexpr.Params{"who": "ann"})
	fmt.Println(ids, err)
	// Output:
	// SELECT id FROM orders WHERE customer = $1 AND placed > CAST($2 AS timestamp)
	// [1 3] <nil>
}

// A BindParam is a placeholder whose value is given when the statement
// runs: the statement is built and compiled once.
func ExampleBindParam() {
	db, orders := exampleDB()
	defer db.Close()
	ctx := context.Background()
	byCustomer := sqlexpr.Select(sqlexpr.Count()).From(orders).Where(orders.C("customer").Eq(sqlexpr.BindParam("who")))
	for _, who := range []string{"ann", "bob", "zed"} {
		n, _ := sqlexpr.One[int64](ctx, db, byCustomer, sqlexpr.Params{"who": who})
		fmt.Println(who, n)
	}
	sqlText, _, _ := sqlexpr.Compile(byCustomer, postgresql.Dialect)
	fmt.Println(sqlText)
	// Output:
	// ann 2
	// bob 1
	// zed 0
	// SELECT count(*) AS count_1 FROM orders WHERE orders.customer = $1
}

// Execute with a list of Params inserts them in one multi-row INSERT and,
// where the dialect has INSERT … RETURNING, reports every key.
func ExampleExecute_executemany() {
	db, orders := exampleDB()
	defer db.Close()
	res, err := sqlexpr.Execute(context.Background(), db, sqlexpr.Insert(orders),
		sqlexpr.Params{"customer": "cy", "paid": false},
		sqlexpr.Params{"customer": "di", "paid": true})
	if err != nil {
		fmt.Println(err)
		return
	}
	keys, err := res.InsertedPrimaryKeys()
	n, _ := res.RowsAffected()
	fmt.Println(n, keys, err)
	// Output:
	// 2 [[4] [5]] <nil>
}

// A table clause with typed columns converts values both ways, like a
// metadata.Table.
func ExampleTableClause_AddTypedColumn() {
	events := sqlexpr.NewTable("events")
	events.AddTypedColumn("id", types.Integer())
	events.AddTypedColumn("at", types.DateTime())
	local := time.Date(2026, 12, 2, 12, 30, 0, 0, time.FixedZone("CET", 3600))
	_, args, _ := sqlexpr.Compile(sqlexpr.Select(events.C("id")).Where(events.C("at").Gt(local)), postgresql.Dialect)
	fmt.Println(args[0].(driver.Valuer).Value())
	// Output:
	// 2026-12-02 11:30:00 +0000 UTC <nil>
}

// FROM linting reports a table that WHERE names but nothing joins.
func ExampleCompiler_SetFromLinting() {
	users := sqlexpr.NewTable("users", "id", "name")
	addresses := sqlexpr.NewTable("addresses", "id", "user_id", "city")
	c := sqlexpr.NewCompiler(100)
	c.SetFromLinting(sqlexpr.LintError, nil)
	_, _, err := c.Compile(sqlexpr.Select(users.C("name")).Where(addresses.C("city").Eq("Paris")), postgresql.Dialect)
	fmt.Println(err)
	sqlText, _, err := c.Compile(sqlexpr.Select(users.C("name")).
		Where(users.C("id").Eq(addresses.C("user_id")), addresses.C("city").Eq("Paris")), postgresql.Dialect)
	fmt.Println(sqlText, err)
	// Output:
	// sqlexpr: SELECT statement has a cartesian product between FROM element users and addresses; join them (Join, or a WHERE comparison of their columns), or name them all in From to mean it
	// SELECT users.name FROM users, addresses WHERE users.id = addresses.user_id AND addresses.city = $1 <nil>
}

// OneOrNone tells "no row" apart from an error.
func ExampleOneOrNone() {
	db, orders := exampleDB()
	defer db.Close()
	total, found, err := sqlexpr.OneOrNone[decimal.Decimal](context.Background(), db,
		sqlexpr.Select(orders.C("total")).Where(orders.C("id").Eq(2)))
	fmt.Println(total, found, err)
	_, found, err = sqlexpr.OneOrNone[decimal.Decimal](context.Background(), db,
		sqlexpr.Select(orders.C("total")).Where(orders.C("id").Eq(99)))
	fmt.Println(found, err)
	// Output:
	// 5 true <nil>
	// false <nil>
}

// IterRows streams rows already queried; Scalars reads a column.
func ExampleIterRows() {
	db, orders := exampleDB()
	defer db.Close()
	ctx := context.Background()
	rows, _ := sqlexpr.Query(ctx, db, sqlexpr.Select(orders.C("customer"), orders.C("paid")).OrderBy(orders.C("id")))
	type row struct {
		Customer string
		Paid     bool
	}
	for r, err := range sqlexpr.IterRows[row](rows) {
		fmt.Println(r, err)
	}
	rows, _ = sqlexpr.Query(ctx, db, sqlexpr.Select(orders.C("placed")).OrderBy(orders.C("id")).Limit(1))
	placed, _ := rows.Scalars()
	fmt.Printf("%T\n", placed[0])
	// Output:
	// {ann true} <nil>
	// {bob false} <nil>
	// {ann true} <nil>
	// time.Time
}
