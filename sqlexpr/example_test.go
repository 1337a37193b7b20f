package sqlexpr_test

import (
	"fmt"

	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

var (
	exUsers     = sqlexpr.NewTable("users", "id", "name", "email")
	exAddresses = sqlexpr.NewTable("addresses", "id", "user_id", "city")
)

func ExampleSelect() {
	stmt := sqlexpr.Select(exUsers.C("name"), exAddresses.C("city")).
		Join(exAddresses, exUsers.C("id").Eq(exAddresses.C("user_id"))).
		Where(exUsers.C("name").Eq("john"), exAddresses.C("city").In("Berlin", "Paris")).
		OrderBy(exUsers.C("id").Desc()).
		Limit(10)
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql)
	fmt.Println(args)
	sql, args, _ = sqlexpr.Compile(stmt, mysql.Dialect)
	fmt.Println(sql)
	fmt.Println(args)
	// Output:
	// SELECT users.name, addresses.city FROM users JOIN addresses ON users.id = addresses.user_id WHERE users.name = $1 AND addresses.city IN ($2, $3) ORDER BY users.id DESC LIMIT $4
	// [john Berlin Paris 10]
	// SELECT users.name, addresses.city FROM users INNER JOIN addresses ON users.id = addresses.user_id WHERE users.name = ? AND addresses.city IN (?, ?) ORDER BY users.id DESC LIMIT ?
	// [john Berlin Paris 10]
}

func ExampleInsert() {
	stmt := sqlexpr.Insert(exUsers).Values(
		sqlexpr.Values{"name": "john", "email": "john@example.com"},
		sqlexpr.Values{"name": "mary", "email": "mary@example.com"})
	sql, args, _ := sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(sql)
	fmt.Println(args)
	// Output:
	// INSERT INTO users (name, email) VALUES (?, ?), (?, ?)
	// [john john@example.com mary mary@example.com]
}

func ExampleUpdate() {
	stmt := sqlexpr.Update(exUsers).
		Values(sqlexpr.Values{"email": sqlexpr.Lower(exUsers.C("email"))}).
		Where(exUsers.C("id").Eq(7)).
		Returning(exUsers.C("email"))
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql, args)
	_, _, err := sqlexpr.Compile(stmt, mysql.Dialect)
	fmt.Println(err)
	// Output:
	// UPDATE users SET email=lower(users.email) WHERE users.id = $1 RETURNING users.email [7]
	// sqlexpr: dialect mysql does not support UPDATE … RETURNING
}

func ExampleDelete() {
	stmt := sqlexpr.Delete(exAddresses).Where(exAddresses.C("city").In())
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql, len(args))
	// Output:
	// DELETE FROM addresses WHERE 1 = 0 0
}

func ExampleCompile() {
	stmt := sqlexpr.Select(exUsers.C("name"), sqlexpr.Count(exAddresses.C("id"))).
		LeftJoin(exAddresses, exAddresses.C("user_id").Eq(exUsers.C("id"))).
		GroupBy(exUsers.C("name")).
		Having(sqlexpr.Count(exAddresses.C("id")).Gt(1)).
		Offset(20)
	for _, d := range goldenDialects {
		sql, args, err := sqlexpr.Compile(stmt, d)
		fmt.Println(d.Name+":", sql, args, err)
	}
	// Output:
	// postgresql: SELECT users.name, count(addresses.id) AS count_1 FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id GROUP BY users.name HAVING count(addresses.id) > $1 LIMIT ALL OFFSET $2 [1 20] <nil>
	// mysql: SELECT users.name, count(addresses.id) AS count_1 FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id GROUP BY users.name HAVING count(addresses.id) > ? LIMIT ?, 18446744073709551615 [1 20] <nil>
	// sqlite: SELECT users.name, count(addresses.id) AS count_1 FROM users LEFT OUTER JOIN addresses ON addresses.user_id = users.id GROUP BY users.name HAVING count(addresses.id) > ? LIMIT ? OFFSET ? [1 -1 20] <nil>
}

func ExampleInsertStmt_OnConflictDoUpdate() {
	stmt := sqlexpr.Insert(exUsers).
		Values(sqlexpr.Values{"id": 1, "name": "john", "email": "j@example.com"}).
		OnConflictDoUpdate([]string{"id"}, sqlexpr.Values{"email": sqlexpr.Excluded("email")})
	for _, d := range goldenDialects {
		sql, _, _ := sqlexpr.Compile(stmt, d)
		fmt.Println(sql)
	}
	// Output:
	// INSERT INTO users (id, name, email) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET email = excluded.email
	// INSERT INTO users (id, name, email) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE email = VALUES(email)
	// INSERT INTO users (id, name, email) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET email = excluded.email
}

func ExampleCTE() {
	active := sqlexpr.Select(exAddresses.C("user_id")).
		Where(exAddresses.C("city").Eq("Paris")).
		CTE("parisians")
	stmt := sqlexpr.Select(exUsers.C("name")).
		Join(active, active.C("user_id").Eq(exUsers.C("id"))).
		With(active)
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// WITH parisians AS (SELECT addresses.user_id FROM addresses WHERE addresses.city = $1) SELECT users.name FROM users JOIN parisians ON parisians.user_id = users.id [Paris]
}

func ExampleRecursiveCTE() {
	nums := sqlexpr.RecursiveCTE("nums", "n")
	nums.As(sqlexpr.UnionAll(
		sqlexpr.Select(sqlexpr.InlineLiteral(1)),
		sqlexpr.Select(nums.C("n").Add(1)).Where(nums.C("n").Lt(5))))
	sql, args, _ := sqlexpr.Compile(sqlexpr.Select(nums.C("n")).With(nums), sqlite.Dialect)
	fmt.Println(sql, args)
	// Output:
	// WITH RECURSIVE nums(n) AS (SELECT 1 AS anon_1 UNION ALL SELECT nums.n + ? AS anon_1 FROM nums WHERE nums.n < ?) SELECT nums.n FROM nums [1 5]
}

func ExampleText() {
	stmt := sqlexpr.Text("SELECT name FROM users WHERE name LIKE ? AND id > ?", "jo%", 3)
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT name FROM users WHERE name LIKE $1 AND id > $2 [jo% 3]
}

// Contains matches its argument literally: the %, _ and / of a Go string
// are escaped and the pattern is bound as one value, with ESCAPE '/' in
// the SQL on every dialect. A column argument is wrapped in '%' in SQL,
// with the dialect's concatenation.
func ExampleColumnClause_Contains() {
	stmt := sqlexpr.Select(exUsers.C("name")).Where(exUsers.C("email").Contains("100%_sure"))
	sql, args, _ := sqlexpr.Compile(stmt, postgresql.Dialect)
	fmt.Println(sql)
	fmt.Println(args)
	stmt = sqlexpr.Select(exUsers.C("id")).Where(exUsers.C("email").StartsWith(exUsers.C("name")))
	sql, _, _ = sqlexpr.Compile(stmt, mysql.Dialect)
	fmt.Println(sql)
	sql, _, _ = sqlexpr.Compile(stmt, sqlite.Dialect)
	fmt.Println(sql)
	// Output:
	// SELECT users.name FROM users WHERE users.email LIKE $1 ESCAPE '/'
	// [%100/%/_sure%]
	// SELECT users.id FROM users WHERE users.email LIKE concat(users.name, '%')
	// SELECT users.id FROM users WHERE users.email LIKE users.name || '%'
}
