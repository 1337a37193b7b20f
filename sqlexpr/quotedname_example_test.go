package sqlexpr_test

import (
	"fmt"

	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// QuotedName is a table's name as a dialect writes it: a reserved word
// is quoted in the dialect's style, a plain name is left alone.
func ExampleTableClause_QuotedName() {
	t := sqlexpr.NewSchemaTable("sales", "order", "id")
	pg, _ := t.QuotedName(postgresql.Dialect)
	my, _ := t.QuotedName(mysql.Dialect)
	plain, _ := sqlexpr.NewTable("invoices").QuotedName(postgresql.Dialect)
	fmt.Println(pg, my, plain)
	// Output:
	// "order" `order` invoices
}

// A column's name is quoted where the dialect needs it (here upper case
// on PostgreSQL, which folds unquoted names to lower case), and a name
// no quoting can carry is an error.
func ExampleColumnClause_QuotedName() {
	t := sqlexpr.NewTable("users", "Email", "id")
	q, _ := t.C("Email").QuotedName(postgresql.Dialect)
	id, _ := t.C("id").QuotedName(postgresql.Dialect)
	_, err := sqlexpr.NewColumn("").QuotedName(postgresql.Dialect)
	fmt.Println(q, id)
	fmt.Println(err)
	// Output:
	// "Email" id
	// dialects: empty identifier on dialect postgresql
}
