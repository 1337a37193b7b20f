package sqlexpr_test

import (
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// ex2Orders is the table the expression examples compile against.
var ex2Orders = sqlexpr.NewTable("orders", "id", "customer", "total", "status")

// ex2Print compiles stmt for PostgreSQL (numbered placeholders make the
// argument order visible) and prints the SQL and its arguments.
func ex2Print(stmt sqlexpr.Statement) {
	q, args, err := sqlexpr.Compile(stmt, postgresql.Dialect)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(q, args)
}

// The aggregates are the usual GROUP BY companions.
func ExampleSum() {
	ex2Print(sqlexpr.Select(ex2Orders.C("customer"), sqlexpr.Sum(ex2Orders.C("total")).Label("spent")).
		GroupBy(ex2Orders.C("customer")))
	// Output: SELECT orders.customer, sum(orders.total) AS spent FROM orders GROUP BY orders.customer []
}

func ExampleAvg() {
	ex2Print(sqlexpr.Select(sqlexpr.Avg(ex2Orders.C("total"))))
	// Output: SELECT avg(orders.total) AS avg_1 FROM orders []
}

func ExampleMin() {
	ex2Print(sqlexpr.Select(sqlexpr.Min(ex2Orders.C("id")).Label("first")))
	// Output: SELECT min(orders.id) AS first FROM orders []
}

func ExampleMax() {
	ex2Print(sqlexpr.Select(sqlexpr.Max(ex2Orders.C("total")).Label("largest")).Where(ex2Orders.C("status").Eq("paid")))
	// Output: SELECT max(orders.total) AS largest FROM orders WHERE orders.status = $1 [paid]
}

// Upper is the usual way to compare case-insensitively on any database.
func ExampleUpper() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(sqlexpr.Upper(ex2Orders.C("customer")).Eq("ADA")))
	// Output: SELECT orders.id FROM orders WHERE upper(orders.customer) = $1 [ADA]
}

// True and False are constant conditions, e.g. the start of a filter built
// up in a loop, or "match nothing" for an empty list.
func ExampleTrue() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(sqlexpr.True()))
	// Output: SELECT orders.id FROM orders WHERE true []
}

func ExampleFalse() {
	q, _, _ := sqlexpr.Compile(sqlexpr.Select(ex2Orders.C("id")).Where(sqlexpr.False()), sqlite.Dialect)
	fmt.Println(q)
	// Output: SELECT orders.id FROM orders WHERE 0
}

// The frame bounds of a window: a running total, and a centred moving
// window.
func ExampleUnboundedPreceding() {
	w := sqlexpr.Window{OrderBy: []sqlexpr.OrderItem{ex2Orders.C("id")},
		Frame: &sqlexpr.Frame{Mode: sqlexpr.FrameRows, Start: sqlexpr.UnboundedPreceding(), End: sqlexpr.CurrentRow()}}
	ex2Print(sqlexpr.Select(sqlexpr.Sum(ex2Orders.C("total")).Over(w).Label("running")))
	// Output: SELECT sum(orders.total) OVER (ORDER BY orders.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM orders []
}

func ExampleCurrentRow() {
	w := sqlexpr.Window{OrderBy: []sqlexpr.OrderItem{ex2Orders.C("id")},
		Frame: &sqlexpr.Frame{Mode: sqlexpr.FrameRows, Start: sqlexpr.CurrentRow()}}
	ex2Print(sqlexpr.Select(sqlexpr.Count().Over(w).Label("n")).From(ex2Orders))
	// Output: SELECT count(*) OVER (ORDER BY orders.id ROWS CURRENT ROW) AS n FROM orders []
}

func ExampleFollowing() {
	w := sqlexpr.Window{OrderBy: []sqlexpr.OrderItem{ex2Orders.C("id")},
		Frame: &sqlexpr.Frame{Mode: sqlexpr.FrameRows, Start: sqlexpr.Preceding(1), End: sqlexpr.Following(1)}}
	ex2Print(sqlexpr.Select(sqlexpr.Avg(ex2Orders.C("total")).Over(w).Label("smoothed")))
	// Output: SELECT avg(orders.total) OVER (ORDER BY orders.id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS smoothed FROM orders []
}

func ExampleUnboundedFollowing() {
	w := sqlexpr.Window{OrderBy: []sqlexpr.OrderItem{ex2Orders.C("id")},
		Frame: &sqlexpr.Frame{Mode: sqlexpr.FrameRows, Start: sqlexpr.CurrentRow(), End: sqlexpr.UnboundedFollowing()}}
	ex2Print(sqlexpr.Select(sqlexpr.Sum(ex2Orders.C("total")).Over(w).Label("remaining")))
	// Output: SELECT sum(orders.total) OVER (ORDER BY orders.id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS remaining FROM orders []
}

// FrameBound is one end of a frame; FrameMode says whether the bounds
// count rows, values (RANGE) or peer groups.
func ExampleFrameBound() {
	for _, b := range []sqlexpr.FrameBound{sqlexpr.UnboundedPreceding(), sqlexpr.Preceding(3)} {
		w := sqlexpr.Window{OrderBy: []sqlexpr.OrderItem{ex2Orders.C("id")}, Frame: &sqlexpr.Frame{Mode: sqlexpr.FrameRange, Start: b}}
		q, _, _ := sqlexpr.Compile(sqlexpr.Select(sqlexpr.Count().Over(w).Label("n")).From(ex2Orders), sqlite.Dialect)
		fmt.Println(q)
	}
	// Output:
	// SELECT count(*) OVER (ORDER BY orders.id RANGE UNBOUNDED PRECEDING) AS n FROM orders
	// SELECT count(*) OVER (ORDER BY orders.id RANGE 3 PRECEDING) AS n FROM orders
}

func ExampleFrameMode() {
	for _, m := range []sqlexpr.FrameMode{sqlexpr.FrameRows, sqlexpr.FrameRange, sqlexpr.FrameGroups} {
		w := sqlexpr.Window{OrderBy: []sqlexpr.OrderItem{ex2Orders.C("id")}, Frame: &sqlexpr.Frame{Mode: m, Start: sqlexpr.UnboundedPreceding()}}
		q, _, _ := sqlexpr.Compile(sqlexpr.Select(sqlexpr.Count().Over(w).Label("n")).From(ex2Orders), sqlite.Dialect)
		fmt.Println(q)
	}
	// Output:
	// SELECT count(*) OVER (ORDER BY orders.id ROWS UNBOUNDED PRECEDING) AS n FROM orders
	// SELECT count(*) OVER (ORDER BY orders.id RANGE UNBOUNDED PRECEDING) AS n FROM orders
	// SELECT count(*) OVER (ORDER BY orders.id GROUPS UNBOUNDED PRECEDING) AS n FROM orders
}

// A Window partitions and orders the rows a window function sees.
func ExampleWindow() {
	w := sqlexpr.Window{PartitionBy: []sqlexpr.Expr{ex2Orders.C("customer")}, OrderBy: []sqlexpr.OrderItem{ex2Orders.C("total").Desc()}}
	ex2Print(sqlexpr.Select(ex2Orders.C("id"), sqlexpr.Func("row_number").Over(w).Label("rank")))
	// Output: SELECT orders.id, row_number() OVER (PARTITION BY orders.customer ORDER BY orders.total DESC) AS rank FROM orders []
}

// OverExpr is what FuncExpr.Over returns; unlabelled, it gets a name.
func ExampleOverExpr() {
	var over *sqlexpr.OverExpr = sqlexpr.Count().Over(sqlexpr.Window{})
	ex2Print(sqlexpr.Select(ex2Orders.C("id"), over))
	// Output: SELECT orders.id, count(*) OVER () AS anon_1 FROM orders []
}

// FuncExpr is any SQL function call; Distinct puts DISTINCT in its
// argument list.
func ExampleFuncExpr() {
	ex2Print(sqlexpr.Select(sqlexpr.Count(ex2Orders.C("customer")).Distinct().Label("customers")))
	ex2Print(sqlexpr.Select(sqlexpr.Func("round", ex2Orders.C("total"), 1)))
	// Output:
	// SELECT count(DISTINCT orders.customer) AS customers FROM orders []
	// SELECT round(orders.total, $1) AS round_1 FROM orders [1]
}

// Except keeps the rows of the first query that the others lack;
// IntersectAll keeps duplicates that Intersect would fold.
func ExampleExcept() {
	paid := sqlexpr.Select(ex2Orders.C("customer")).Where(ex2Orders.C("status").Eq("paid"))
	refunded := sqlexpr.Select(ex2Orders.C("customer")).Where(ex2Orders.C("status").Eq("refunded"))
	ex2Print(sqlexpr.Except(paid, refunded))
	// Output: SELECT orders.customer FROM orders WHERE orders.status = $1 EXCEPT SELECT orders.customer FROM orders WHERE orders.status = $2 [paid refunded]
}

func ExampleIntersectAll() {
	a := sqlexpr.Select(ex2Orders.C("customer")).Where(ex2Orders.C("total").Gt(100))
	b := sqlexpr.Select(ex2Orders.C("customer")).Where(ex2Orders.C("status").Eq("paid"))
	ex2Print(sqlexpr.IntersectAll(a, b))
	// Output: SELECT orders.customer FROM orders WHERE orders.total > $1 INTERSECT ALL SELECT orders.customer FROM orders WHERE orders.status = $2 [100 paid]
}

// A CompoundSelect orders and limits the whole result, and becomes a
// subquery, a CTE or a scalar like a SELECT.
func ExampleCompoundSelect() {
	names := func() *sqlexpr.CompoundSelect {
		return sqlexpr.Union(
			sqlexpr.Select(ex2Orders.C("customer").Label("name")).Where(ex2Orders.C("total").Gt(100)),
			sqlexpr.Select(exUsers.C("name")))
	}
	stmt := names().OrderBy(sqlexpr.NewColumn("name")).Limit(5).Offset(10)
	fmt.Println(stmt.Err())
	ex2Print(stmt)
	// the builder methods change the statement they are called on, so each
	// use below starts from a fresh one
	sub := names().Subquery("names")
	ex2Print(sqlexpr.Select(sqlexpr.Count()).From(sub))
	ex2Print(sqlexpr.Select(names().Scalar().Label("any_name")))
	cte := names().CTE("names")
	ex2Print(sqlexpr.Select(cte.C("name")).With(cte))
	ex2Print(sqlexpr.UnionAll(sqlexpr.Select(cte.C("name")), sqlexpr.Select(cte.C("name"))).With(cte))
	// Output:
	// <nil>
	// SELECT orders.customer AS name FROM orders WHERE orders.total > $1 UNION SELECT users.name FROM users ORDER BY name LIMIT $2 OFFSET $3 [100 5 10]
	// SELECT count(*) AS count_1 FROM (SELECT orders.customer AS name FROM orders WHERE orders.total > $1 UNION SELECT users.name FROM users) AS names [100]
	// SELECT (SELECT orders.customer AS name FROM orders WHERE orders.total > $1 UNION SELECT users.name FROM users) AS any_name [100]
	// WITH names AS (SELECT orders.customer AS name FROM orders WHERE orders.total > $1 UNION SELECT users.name FROM users) SELECT names.name FROM names [100]
	// WITH names AS (SELECT orders.customer AS name FROM orders WHERE orders.total > $1 UNION SELECT users.name FROM users) SELECT names.name FROM names UNION ALL SELECT names.name FROM names [100]
}

// An AliasClause is a table under another name, needed to join a table to
// itself.
func ExampleAliasClause() {
	boss := exUsers.Alias("boss")
	emp := sqlexpr.NewTable("employees", "id", "name", "boss_id")
	ex2Print(sqlexpr.Select(emp.C("name"), boss.C("name").Label("boss")).
		Join(boss, emp.C("boss_id").Eq(boss.C("id"))))
	fmt.Println(boss.Name())
	// Output:
	// SELECT employees.name, boss.name AS boss FROM employees JOIN users AS boss ON employees.boss_id = boss.id []
	// boss
}

// A Subquery is a SELECT in FROM; its columns are reached with C.
func ExampleSubquery() {
	totals := sqlexpr.Select(ex2Orders.C("customer"), sqlexpr.Sum(ex2Orders.C("total")).Label("spent")).
		GroupBy(ex2Orders.C("customer")).Subquery("totals")
	ex2Print(sqlexpr.Select(totals.C("customer")).Where(totals.C("spent").Gt(1000)))
	fmt.Println(totals.Name())
	// Output:
	// SELECT totals.customer FROM (SELECT orders.customer, sum(orders.total) AS spent FROM orders GROUP BY orders.customer) AS totals WHERE totals.spent > $1 [1000]
	// totals
}

// A ScalarSubquery is a one-value SELECT used as an expression.
func ExampleScalarSubquery() {
	var avg *sqlexpr.ScalarSubquery = sqlexpr.Select(sqlexpr.Avg(ex2Orders.C("total"))).Scalar()
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(ex2Orders.C("total").Gt(avg)))
	// Output: SELECT orders.id FROM orders WHERE orders.total > (SELECT avg(orders.total) AS avg_1 FROM orders) []
}

// A JoinClause chains joins left to right, for FROM.
func ExampleJoinClause() {
	items := sqlexpr.NewTable("items", "id", "order_id", "product_id")
	products := sqlexpr.NewTable("products", "id", "name")
	notes := sqlexpr.NewTable("notes", "order_id", "text")
	j := sqlexpr.Join(ex2Orders, items, items.C("order_id").Eq(ex2Orders.C("id"))).
		LeftJoin(products, products.C("id").Eq(items.C("product_id"))).
		RightJoin(notes, notes.C("order_id").Eq(ex2Orders.C("id"))).
		FullJoin(exUsers, exUsers.C("name").Eq(ex2Orders.C("customer"))).
		Join(exAddresses, exAddresses.C("user_id").Eq(exUsers.C("id")))
	q, _, _ := sqlexpr.Compile(sqlexpr.Select(ex2Orders.C("id")).From(j), postgresql.Dialect)
	fmt.Println(q)
	// Output: SELECT orders.id FROM orders JOIN items ON items.order_id = orders.id LEFT OUTER JOIN products ON products.id = items.product_id RIGHT OUTER JOIN notes ON notes.order_id = orders.id FULL OUTER JOIN users ON users.name = orders.customer JOIN addresses ON addresses.user_id = users.id
}

// A TableClause is a table known by name and columns; AddColumn and
// SetPrimaryKey extend it, LookupColumn tells a missing column from a typo
// without panicking.
func ExampleTableClause() {
	t := sqlexpr.NewSchemaTable("sales", "invoices", "id")
	t.AddColumn("amount")
	t.SetPrimaryKey("id")
	fmt.Println(t.Schema(), t.Name(), t.PrimaryKeyNames(), len(t.Columns()), t.Clause() == t)
	fmt.Println(t.LookupColumn("amount") != nil, t.LookupColumn("amuont") == nil)
	ex2Print(sqlexpr.Select(t.C("amount")).From(t.LeftJoin(ex2Orders, ex2Orders.C("id").Eq(t.C("id")))))
	ex2Print(sqlexpr.Select(t.C("id")).From(t.Join(ex2Orders, ex2Orders.C("id").Eq(t.C("id")))))
	// Output:
	// sales invoices [id] 2 true
	// true true
	// SELECT sales.invoices.amount FROM sales.invoices LEFT OUTER JOIN orders ON orders.id = sales.invoices.id []
	// SELECT sales.invoices.id FROM sales.invoices JOIN orders ON orders.id = sales.invoices.id []
}

// A ColumnClause knows its table and, once given one, its type, which
// decides how values bound against it are converted.
func ExampleColumnClause() {
	c := ex2Orders.C("total")
	fmt.Println(c.Name(), c.Table().Name(), c.Type() == nil)
	c2 := sqlexpr.NewColumn("total")
	c2.SetType(types.Numeric(10, 2))
	fmt.Println(c2.Table() == nil, c2.Type() != nil)
	// Output:
	// total orders true
	// true true
}

// A BindParamExpr is a named parameter whose value comes at execution,
// so one compiled statement serves many values.
func ExampleBindParamExpr() {
	p := sqlexpr.BindParam("min").Typed(types.Integer())
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(ex2Orders.C("total").Ge(p)))
	fmt.Println(p.Name())
	// Output:
	// SELECT orders.id FROM orders WHERE orders.total >= $1 [:min]
	// min
}

// A CaseExpr is CASE WHEN …; When adds branches, Else the default.
func ExampleCaseExpr() {
	size := sqlexpr.Case().
		When(ex2Orders.C("total").Lt(10), "small").
		When(ex2Orders.C("total").Lt(100), "medium").
		Else("large")
	ex2Print(sqlexpr.Select(ex2Orders.C("id"), size.Label("size")))
	// Output: SELECT orders.id, CASE WHEN orders.total < $1 THEN $2 WHEN orders.total < $3 THEN $4 ELSE $5 END AS size FROM orders [10 small 100 medium large]
}

// A LabelExpr names a SELECT column: AS name.
func ExampleLabelExpr() {
	l := ex2Orders.C("total").Mul(2).Label("doubled")
	ex2Print(sqlexpr.Select(l).OrderBy(l))
	fmt.Println(l.Name())
	// Output:
	// SELECT orders.total * $1 AS doubled FROM orders ORDER BY doubled [2]
	// doubled
}

// An Ordering is Asc or Desc; NullsFirst and NullsLast place the NULLs.
func ExampleOrdering() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).OrderBy(ex2Orders.C("total").Desc().NullsLast(), ex2Orders.C("id").Asc().NullsFirst()))
	// Output: SELECT orders.id FROM orders ORDER BY orders.total DESC NULLS LAST, orders.id ASC NULLS FIRST []
}

// The operator methods return these node types; each compiles per dialect.
func ExampleBetweenExpr() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(ex2Orders.C("total").Between(10, 20), ex2Orders.C("id").NotBetween(5, 6)))
	// Output: SELECT orders.id FROM orders WHERE orders.total BETWEEN $1 AND $2 AND orders.id NOT BETWEEN $3 AND $4 [10 20 5 6]
}

func ExampleBinaryExpr() {
	ex2Print(sqlexpr.Select(ex2Orders.C("total").Add(1).Label("t")).Where(ex2Orders.C("status").Ne("void")))
	// Output: SELECT orders.total + $1 AS t FROM orders WHERE orders.status <> $2 [1 void]
}

func ExampleBoolExpr() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(sqlexpr.Or(ex2Orders.C("status").Eq("new"), sqlexpr.And(ex2Orders.C("status").Eq("paid"), ex2Orders.C("total").Gt(0)))))
	// Output: SELECT orders.id FROM orders WHERE orders.status = $1 OR orders.status = $2 AND orders.total > $3 [new paid 0]
}

func ExampleInExpr() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(ex2Orders.C("status").In("new", "paid"),
		ex2Orders.C("customer").NotIn(sqlexpr.Select(exUsers.C("name")).Where(exUsers.C("email").IsNull()))))
	// Output: SELECT orders.id FROM orders WHERE orders.status IN ($1, $2) AND orders.customer NOT IN (SELECT users.name FROM users WHERE users.email IS NULL) [new paid]
}

// LIKE patterns made by Contains escape the user's % and _.
func ExampleLikeExpr() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(ex2Orders.C("customer").Contains("50%")))
	// Output: SELECT orders.id FROM orders WHERE orders.customer LIKE $1 ESCAPE '/' [%50/%%]
}

func ExampleUnaryExpr() {
	ex2Print(sqlexpr.Select(ex2Orders.C("total").Neg().Label("refund")).Where(ex2Orders.C("status").IsNotNull().Not()))
	// Output: SELECT -orders.total AS refund FROM orders WHERE NOT (orders.status IS NOT NULL) []
}

func ExampleCastExpr() {
	ex2Print(sqlexpr.Select(ex2Orders.C("total").Cast(types.Integer()).Label("whole")))
	// Output: SELECT CAST(orders.total AS INTEGER) AS whole FROM orders []
}

func ExampleCollateExpr() {
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).OrderBy(ex2Orders.C("customer").Collate("C")))
	// Output: SELECT orders.id FROM orders ORDER BY orders.customer COLLATE "C" []
}

func ExampleExistsExpr() {
	var e *sqlexpr.ExistsExpr = sqlexpr.Exists(sqlexpr.Select(ex2Orders.C("id")).Where(ex2Orders.C("customer").Eq(exUsers.C("name"))))
	ex2Print(sqlexpr.Select(exUsers.C("name")).Where(e))
	// Output: SELECT users.name FROM users WHERE EXISTS (SELECT orders.id FROM orders WHERE orders.customer = users.name) []
}

// ExcludedExpr is the proposed row in an upsert's SET.
func ExampleExcludedExpr() {
	stmt := sqlexpr.Insert(ex2Orders).Values(sqlexpr.Values{"id": 1, "total": 5}).
		OnConflictDoUpdate([]string{"id"}, sqlexpr.Values{"total": ex2Orders.C("total").Add(sqlexpr.Excluded("total"))})
	ex2Print(stmt)
	// Output: INSERT INTO orders (id, total) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET total = (orders.total + excluded.total) [1 5]
}

// RawExpr is SQL written as it is, for what sqlexpr has no node for; it
// is never quoted or bound, so never build one from user input.
func ExampleRawExpr() {
	var r *sqlexpr.RawExpr = sqlexpr.LiteralColumn("now() - interval '1 day'")
	ex2Print(sqlexpr.Select(ex2Orders.C("id")).Where(sqlexpr.NewColumn("placed").Gt(r)).From(ex2Orders))
	// Output: SELECT orders.id FROM orders WHERE placed > now() - interval '1 day' []
}

// A TextClause is a whole statement in SQL with :name parameters; Bind
// types a parameter, Columns types the result columns.
func ExampleTextClause() {
	t := sqlexpr.Text("SELECT id, total FROM orders WHERE total > :min").
		Bind("min", types.Numeric(10, 2)).
		Columns(types.Integer(), types.Numeric(10, 2))
	q, args, _ := sqlexpr.Compile(t, postgresql.Dialect)
	fmt.Println(q, args)
	// Output: SELECT id, total FROM orders WHERE total > $1 [:min]
}

// InsertStmt: Values gives the rows; OnDuplicateKeyUpdate is MySQL's
// upsert; Err reports a mistake made while building.
func ExampleInsertStmt() {
	stmt := sqlexpr.Insert(ex2Orders).Values(sqlexpr.Values{"id": 1, "total": 5}).
		OnDuplicateKeyUpdate(sqlexpr.Values{"total": 5})
	q, args, _ := sqlexpr.Compile(stmt, mysql.Dialect)
	fmt.Println(q, args, stmt.Err())
	bad := sqlexpr.Insert(ex2Orders).Values(sqlexpr.Values{"totl": 5})
	fmt.Println(bad.Err())
	// Output:
	// INSERT INTO orders (id, total) VALUES (?, ?) ON DUPLICATE KEY UPDATE total = ? [1 5 5] <nil>
	// sqlexpr: invalid statement: table orders has no column "totl"
}

// UpdateStmt: Values sets, Where chooses, Returning reads back.
func ExampleUpdateStmt() {
	stmt := sqlexpr.Update(ex2Orders).Values(sqlexpr.Values{"status": "paid"}).
		Where(ex2Orders.C("id").Eq(7)).Returning(ex2Orders.C("total"))
	ex2Print(stmt)
	fmt.Println(stmt.Err())
	// Output:
	// UPDATE orders SET status=$1 WHERE orders.id = $2 RETURNING orders.total [paid 7]
	// <nil>
}

// DeleteStmt: Where chooses the rows, Returning reads them as they go.
func ExampleDeleteStmt() {
	stmt := sqlexpr.Delete(ex2Orders).Where(ex2Orders.C("status").Eq("void")).Returning(ex2Orders.C("id"))
	ex2Print(stmt)
	fmt.Println(stmt.Err())
	// Output:
	// DELETE FROM orders WHERE orders.status = $1 RETURNING orders.id [void]
	// <nil>
}

// Values and Params: Values are written into the statement, Params are
// the values of its named parameters at execution.
func ExampleValues() {
	ex2Print(sqlexpr.Update(ex2Orders).Values(sqlexpr.Values{"total": ex2Orders.C("total").Mul(2), "status": "doubled"}))
	// Output: UPDATE orders SET total=(orders.total * $1), status=$2 [2 doubled]
}

// A Compiler caches compiled SQL per statement shape and dialect; Stats
// shows whether the cache is earning its keep.
func ExampleCompiler() {
	c := sqlexpr.NewCompiler(10)
	for id := range 3 {
		_, _, _ = c.Compile(sqlexpr.Select(ex2Orders.C("id")).Where(ex2Orders.C("id").Eq(id)), sqlite.Dialect)
	}
	var s sqlexpr.CacheStats = c.Stats()
	fmt.Println(s.Size, s.Capacity, s.Hits, s.Misses)
	c.SetCacheSize(0) // off
	fmt.Println(c.Stats().Capacity)
	// Output:
	// 1 10 2 1
	// 0
}

func ExampleCacheStats() {
	c := sqlexpr.NewCompiler(1)
	_, _, _ = c.Compile(sqlexpr.Select(ex2Orders.C("id")), sqlite.Dialect)
	_, _, _ = c.Compile(sqlexpr.Select(ex2Orders.C("total")), sqlite.Dialect) // evicts the first
	s := c.Stats()
	fmt.Println(s.Size, s.Misses, s.Evictions)
	// Output: 1 2 1
}

// LintMode says what the FROM linter does on a cartesian product.
func ExampleLintMode() {
	stmt := sqlexpr.Select(exUsers.C("name")).Where(ex2Orders.C("total").Gt(1))
	for _, mode := range []sqlexpr.LintMode{sqlexpr.LintOff, sqlexpr.LintError} {
		c := sqlexpr.NewCompiler(10) // the mode is checked when SQL is rendered, not on a cache hit
		c.SetFromLinting(mode, nil)
		_, _, err := c.Compile(stmt, sqlite.Dialect)
		fmt.Println(errors.Is(err, sqlexpr.ErrCartesianProduct))
	}
	// Output:
	// false
	// true
}
