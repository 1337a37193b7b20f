package sqlexpr_test

import (
	"fmt"

	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// compilePG prints stmt compiled for PostgreSQL.
func compilePG(stmt sqlexpr.Statement) {
	sql, args, err := sqlexpr.Compile(stmt, postgresql.Dialect)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sql, args)
}

func ExampleNewTable() {
	users := sqlexpr.NewTable("users", "id", "name")
	fmt.Println(users.Name(), len(users.Columns()), users.LookupColumn("nope") == nil)
	compilePG(sqlexpr.Select(users).Where(users.C("id").Eq(1)))
	// Output:
	// users 2 true
	// SELECT users.id, users.name FROM users WHERE users.id = $1 [1]
}

// The aggregate functions; unlabelled calls are named <function>_<n>.
func ExampleCount() {
	a := exAddresses
	compilePG(sqlexpr.Select(sqlexpr.Count(), sqlexpr.Count(a.C("city")).Distinct(),
		sqlexpr.Sum(a.C("id")), sqlexpr.Avg(a.C("id")), sqlexpr.Min(a.C("id")), sqlexpr.Max(a.C("id"))))
	// Output:
	// SELECT count(*) AS count_1, count(DISTINCT addresses.city) AS count_2, sum(addresses.id) AS sum_1, avg(addresses.id) AS avg_1, min(addresses.id) AS min_1, max(addresses.id) AS max_1 FROM addresses []
}

func ExampleCoalesce() {
	compilePG(sqlexpr.Select(sqlexpr.Coalesce(exUsers.C("email"), exUsers.C("name"), "?").Label("contact")))
	// Output:
	// SELECT coalesce(users.email, users.name, $1) AS contact FROM users [?]
}

func ExampleLower() {
	compilePG(sqlexpr.Select(exUsers.C("id")).Where(sqlexpr.Lower(exUsers.C("email")).Eq(sqlexpr.Upper("X@Y"))))
	// Output:
	// SELECT users.id FROM users WHERE lower(users.email) = upper($1) [X@Y]
}

func ExampleNow() {
	log := sqlexpr.NewTable("log", "msg", "at")
	compilePG(sqlexpr.Insert(log).Values(sqlexpr.Values{"msg": "hi", "at": sqlexpr.Now()}))
	// Output:
	// INSERT INTO log (msg, at) VALUES ($1, now()) [hi]
}

// Null, True and False are SQL's constants; Eq(Null()) is IS NULL.
func ExampleNull() {
	compilePG(sqlexpr.Select(exUsers.C("id")).Where(exUsers.C("email").Eq(sqlexpr.Null()), sqlexpr.True()))
	_, _, err := sqlexpr.Compile(sqlexpr.Select(exUsers.C("id")).Where(sqlexpr.False()), mysql.Dialect)
	fmt.Println(err)
	// Output:
	// SELECT users.id FROM users WHERE users.email IS NULL AND true []
	// <nil>
}

func ExampleOr() {
	compilePG(sqlexpr.Select(exUsers.C("id")).Where(sqlexpr.Or(exUsers.C("id").Lt(3), exUsers.C("id").Gt(9))))
	// Output:
	// SELECT users.id FROM users WHERE users.id < $1 OR users.id > $2 [3 9]
}

func ExampleNot() {
	compilePG(sqlexpr.Select(exUsers.C("id")).Where(sqlexpr.Not(exUsers.C("name").Like("j%"))))
	// Output:
	// SELECT users.id FROM users WHERE NOT (users.name LIKE $1) [j%]
}

func ExampleNotExists() {
	has := sqlexpr.Select(exAddresses.C("id")).Where(exAddresses.C("user_id").Eq(exUsers.C("id")))
	compilePG(sqlexpr.Select(exUsers.C("name")).Where(sqlexpr.NotExists(has)))
	// Output:
	// SELECT users.name FROM users WHERE NOT EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id) []
}

// InlineLiteral writes trusted constants into the SQL text (no arguments).
func ExampleInlineLiteral() {
	compilePG(sqlexpr.Select(sqlexpr.InlineLiteral("it's").Label("s"), sqlexpr.InlineLiteral(true).Label("b"), sqlexpr.InlineLiteral(nil).Label("n")))
	// Output:
	// SELECT 'it''s' AS s, true AS b, NULL AS n []
}

func ExampleLiteralColumn() {
	compilePG(sqlexpr.Select(sqlexpr.LiteralColumn("count(*) FILTER (WHERE paid)").Label("paid")).From(sqlexpr.NewTable("orders")))
	// Output:
	// SELECT count(*) FILTER (WHERE paid) AS paid FROM orders []
}

func ExampleFullJoin() {
	j := sqlexpr.FullJoin(exUsers, exAddresses, exAddresses.C("user_id").Eq(exUsers.C("id")))
	compilePG(sqlexpr.Select(exUsers.C("name"), exAddresses.C("city")).From(j))
	_, _, err := sqlexpr.Compile(sqlexpr.Select(exUsers.C("name")).From(j), mysql.Dialect)
	fmt.Println(err != nil)
	// Output:
	// SELECT users.name, addresses.city FROM users FULL OUTER JOIN addresses ON addresses.user_id = users.id []
	// true
}

func ExampleRightJoin() {
	j := sqlexpr.RightJoin(exUsers, exAddresses, exAddresses.C("user_id").Eq(exUsers.C("id")))
	compilePG(sqlexpr.Select(exAddresses.C("city")).From(j))
	// Output:
	// SELECT addresses.city FROM users RIGHT OUTER JOIN addresses ON addresses.user_id = users.id []
}

func ExampleUnionAll() {
	compilePG(sqlexpr.UnionAll(sqlexpr.Select(exUsers.C("id")), sqlexpr.Select(exAddresses.C("user_id"))))
	// Output:
	// SELECT users.id FROM users UNION ALL SELECT addresses.user_id FROM addresses []
}

func ExampleExceptAll() {
	compilePG(sqlexpr.ExceptAll(sqlexpr.Select(exUsers.C("id")), sqlexpr.Select(exAddresses.C("user_id"))))
	compilePG(sqlexpr.IntersectAll(sqlexpr.Select(exUsers.C("id")), sqlexpr.Select(exAddresses.C("user_id"))))
	// Output:
	// SELECT users.id FROM users EXCEPT ALL SELECT addresses.user_id FROM addresses []
	// SELECT users.id FROM users INTERSECT ALL SELECT addresses.user_id FROM addresses []
}

// Excluded names the row an upsert tried to insert.
func ExampleExcluded() {
	stmt := sqlexpr.Insert(exUsers).Values(sqlexpr.Values{"id": 1, "email": "e"}).
		OnConflictDoUpdate([]string{"id"}, sqlexpr.Values{"email": sqlexpr.Excluded("email")})
	sql, _, _ := sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(sql)
	// Output:
	// INSERT INTO users (id, email) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET email = excluded.email
}

// The bounds of a window frame.
func ExamplePreceding() {
	w := func(start, end sqlexpr.FrameBound) sqlexpr.Window {
		return sqlexpr.Window{OrderBy: []sqlexpr.OrderItem{exUsers.C("id")}, Frame: &sqlexpr.Frame{Mode: sqlexpr.FrameRows, Start: start, End: end}}
	}
	for _, win := range []sqlexpr.Window{
		w(sqlexpr.UnboundedPreceding(), sqlexpr.CurrentRow()),
		w(sqlexpr.Preceding(2), sqlexpr.Following(2)),
		w(sqlexpr.CurrentRow(), sqlexpr.UnboundedFollowing()),
	} {
		sql, _, _ := sqlexpr.Compile(sqlexpr.Select(sqlexpr.Count().Over(win).Label("n")).From(exUsers), sqlite.Dialect)
		fmt.Println(sql)
	}
	// Output:
	// SELECT count(*) OVER (ORDER BY users.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n FROM users
	// SELECT count(*) OVER (ORDER BY users.id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS n FROM users
	// SELECT count(*) OVER (ORDER BY users.id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS n FROM users
}

// The default Compiler serves Compile, Execute, Query and QueryRow for
// targets without a compiler of their own; SetCacheSize sizes its cache.
func ExampleDefaultCompiler() {
	c := sqlexpr.DefaultCompiler()
	_, _, _ = sqlexpr.Compile(sqlexpr.Select(exUsers.C("id")), sqlite.Dialect)
	fmt.Println(c.Stats().Size > 0)
	// Output: true
}

func ExampleSetCacheSize() {
	sqlexpr.SetCacheSize(1000)
	fmt.Println(sqlexpr.DefaultCompiler().Stats().Capacity)
	sqlexpr.SetCacheSize(sqlexpr.DefaultCacheSize)
	// Output: 1000
}
