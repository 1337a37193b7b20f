package sqlexpr_test

import (
	"context"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// Func calls any SQL function by name; Count, Sum, Lower, … are the
// common ones, typed where the result type is known.
func ExampleFunc() {
	stmt := sqlexpr.Select(
		sqlexpr.Func("coalesce", exUsers.C("email"), "none"),
		sqlexpr.Count(exUsers.C("id")).Distinct(),
		sqlexpr.Upper(exUsers.C("name")))
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT coalesce(users.email, $1) AS coalesce_1, count(DISTINCT users.id) AS count_1, upper(users.name) AS upper_1 FROM users [none]
}

// And, Or and Not combine conditions; Where's arguments are ANDed.
func ExampleAnd() {
	cond := sqlexpr.Or(
		sqlexpr.And(exUsers.C("name").Eq("john"), exUsers.C("email").IsNotNull()),
		sqlexpr.Not(exUsers.C("id").In(1, 2)))
	sql, args, _ := sqlexpr.Compile(sqlexpr.Select(exUsers.C("id")).Where(cond), sqlite.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT users.id FROM users WHERE users.name = ? AND users.email IS NOT NULL OR NOT (users.id IN (?, ?)) [john 1 2]
}

// Literal binds a Go value where an expression is wanted (SQLAlchemy's
// literal()); InlineLiteral writes a trusted constant into the SQL;
// LiteralColumn writes SQL text as it is.
func ExampleLiteral() {
	stmt := sqlexpr.Select(
		sqlexpr.Literal(5).Add(exUsers.C("id")).Label("bound"),
		sqlexpr.InlineLiteral("fixed").Label("inline"),
		sqlexpr.LiteralColumn("current_date").Label("raw"))
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT $1 + users.id AS bound, 'fixed' AS inline, current_date AS raw FROM users [5]
}

func ExampleLabel() {
	stmt := sqlexpr.Select(sqlexpr.Label("who", exUsers.C("name")))
	sql, _, _ := sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(sql)
	// Output:
	// SELECT users.name AS who FROM users
}

func ExampleNewSchemaTable() {
	events := sqlexpr.NewSchemaTable("audit", "events", "id", "at")
	sql, _, _ := sqlexpr.Compile(sqlexpr.Select(events.C("at")).Where(events.C("id").Gt(0)), postgresql.Dialect)
	fmt.Println(events.Schema(), events.Name())
	fmt.Println(sql)
	// Output:
	// audit events
	// SELECT audit.events.at FROM audit.events WHERE audit.events.id > $1
}

// A Compiler of its own keeps its own cache of compiled statements.
func ExampleNewCompiler() {
	c := sqlexpr.NewCompiler(100)
	for id := range 3 {
		_, _, _ = c.Compile(sqlexpr.Select(exUsers.C("name")).Where(exUsers.C("id").Eq(id)), sqlite.Dialect)
	}
	st := c.Stats()
	fmt.Println(st.Size, st.Hits, st.Misses)
	// Output: 1 2 1
}

// ScanAs reads the current row as a T while iterating Rows.
func ExampleScanAs() {
	db, orders := exampleDB()
	defer db.Close()
	type order struct {
		ID       int64
		Customer string
	}
	rows, err := sqlexpr.Query(context.Background(), db,
		sqlexpr.Select(orders.C("id"), orders.C("customer")).OrderBy(orders.C("id").Desc()).Limit(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		o, err := sqlexpr.ScanAs[order](rows)
		fmt.Printf("%+v %v\n", o, err)
	}
	// Output:
	// {ID:3 Customer:ann} <nil>
	// {ID:2 Customer:bob} <nil>
}

// ScanAll reads every row into a slice of structs, by db tag or field
// name.
func ExampleRows_ScanAll() {
	db, orders := exampleDB()
	defer db.Close()
	var got []struct {
		Who  string `db:"customer"`
		Paid bool
	}
	rows, _ := sqlexpr.Query(context.Background(), db, sqlexpr.Select(orders.C("customer"), orders.C("paid")).OrderBy(orders.C("id")))
	fmt.Println(rows.ScanAll(&got), got)
	// Output: <nil> [{ann true} {bob false} {ann true}]
}

func ExampleRows_Scalars() {
	db, orders := exampleDB()
	defer db.Close()
	rows, _ := sqlexpr.Query(context.Background(), db, sqlexpr.Select(orders.C("customer")).Distinct().OrderBy(orders.C("customer")))
	fmt.Println(rows.Scalars())
	// Output: [ann bob] <nil>
}

func ExampleRows_Mappings() {
	db, orders := exampleDB()
	defer db.Close()
	rows, _ := sqlexpr.Query(context.Background(), db, sqlexpr.Select(orders.C("id"), orders.C("paid")).Where(orders.C("id").Le(2)).OrderBy(orders.C("id")))
	fmt.Println(rows.Mappings())
	// Output: [map[id:1 paid:true] map[id:2 paid:false]] <nil>
}

func ExampleRow_ScanStruct() {
	db, orders := exampleDB()
	defer db.Close()
	var o struct{ Customer string }
	row := sqlexpr.QueryRow(context.Background(), db, sqlexpr.Select(orders.C("customer")).Where(orders.C("id").Eq(3)))
	fmt.Println(row.ScanStruct(&o), o.Customer)
	// Output: <nil> ann
}

// FOR UPDATE and its variants, where the dialect has them.
func ExampleSelectStmt_ForUpdate() {
	stmt := sqlexpr.Select(exUsers.C("id")).Where(exUsers.C("name").Eq("john")).ForUpdate().SkipLocked()
	sql, _, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql)
	_, _, err := sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(err)
	// Output:
	// SELECT users.id FROM users WHERE users.name = $1 FOR UPDATE SKIP LOCKED
	// sqlexpr: dialect sqlite does not support SELECT … FOR UPDATE
}

// Scalar turns a one-column SELECT into an expression.
func ExampleSelectStmt_Scalar() {
	n := sqlexpr.Select(sqlexpr.Count()).From(exAddresses).Where(exAddresses.C("user_id").Eq(exUsers.C("id"))).Scalar()
	stmt := sqlexpr.Select(exUsers.C("name"), n.Label("addresses"))
	sql, _, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql)
	// Output:
	// SELECT users.name, (SELECT count(*) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS addresses FROM users
}

func ExampleInsertStmt_FromSelect() {
	archive := sqlexpr.NewTable("archive", "name", "email")
	stmt := sqlexpr.Insert(archive).FromSelect([]string{"name", "email"},
		sqlexpr.Select(exUsers.C("name"), exUsers.C("email")).Where(exUsers.C("id").Lt(100)))
	sql, args, _ := sqlexpr.Compile(stmt, mysql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// INSERT INTO archive (name, email) SELECT users.name, users.email FROM users WHERE users.id < ? [100]
}

func ExampleInsertStmt_OnConflictDoNothing() {
	stmt := sqlexpr.Insert(exUsers).Values(sqlexpr.Values{"id": 1, "name": "john"}).OnConflictDoNothing("id")
	sql, _, _ := sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(sql)
	// Output:
	// INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING
}

// A window frame: the sum over the current row and the one before.
func ExampleFrame() {
	w := sqlexpr.Window{
		OrderBy: []sqlexpr.OrderItem{exUsers.C("id")},
		Frame:   &sqlexpr.Frame{Mode: sqlexpr.FrameRows, Start: sqlexpr.Preceding(1), End: sqlexpr.CurrentRow()},
	}
	stmt := sqlexpr.Select(exUsers.C("id"), sqlexpr.Sum(exUsers.C("id")).Over(w).Label("pair"))
	sql, _, _ := sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(sql)
	// Output:
	// SELECT users.id, sum(users.id) OVER (ORDER BY users.id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair FROM users
}

func ExampleLeftJoin() {
	j := sqlexpr.LeftJoin(exUsers, exAddresses, exAddresses.C("user_id").Eq(exUsers.C("id")))
	stmt := sqlexpr.Select(exUsers.C("name"), exAddresses.C("city")).From(j).Where(exAddresses.C("id").IsNull())
	sql, _, _ := sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(sql)
	// Output:
	// SELECT users.name, addresses.city FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id WHERE addresses.id IS NULL
}

func ExampleIntersect() {
	stmt := sqlexpr.Except(
		sqlexpr.Select(exUsers.C("id")),
		sqlexpr.Select(exAddresses.C("user_id")))
	sql, _, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql)
	sql, _, _ = sqlexpr.Compile(sqlexpr.Intersect(sqlexpr.Select(exUsers.C("id")), sqlexpr.Select(exAddresses.C("user_id"))), postgresql.Dialect)
	fmt.Println(sql)
	// Output:
	// SELECT users.id FROM users EXCEPT SELECT addresses.user_id FROM addresses
	// SELECT users.id FROM users INTERSECT SELECT addresses.user_id FROM addresses
}
