package sqlexpr_test

import (
	"fmt"

	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// A LiteralExpr is a bound value that can stand where Go would not take a
// plain value as an expression: on the left of an operator, here.
func ExampleLiteralExpr() {
	users := sqlexpr.NewTable("users", "id", "name")
	stmt := sqlexpr.Select(users.C("name")).Where(sqlexpr.Literal("ann").Eq(users.C("name")))
	sql, args, _ := sqlexpr.Compile(stmt, mysql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT users.name FROM users WHERE ? = users.name [ann]
}

// An InlineLiteralExpr is written into the SQL text: for trusted
// constants only (a value from a user belongs in Literal or a parameter).
func ExampleInlineLiteralExpr() {
	users := sqlexpr.NewTable("users", "id", "active")
	stmt := sqlexpr.Select(users.C("id")).Where(users.C("active").Eq(sqlexpr.InlineLiteral(1)))
	sql, args, _ := sqlexpr.Compile(stmt, mysql.Dialect)
	fmt.Println(sql, args)
	// Output:
	// SELECT users.id FROM users WHERE users.active = 1 []
}
