package sqlexpr_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	_ "github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// ex2People is a plain table of three people, with its primary key
// declared so that INSERT can report the keys it made.
var ex2People = sqlexpr.NewTable("people", "id", "name", "age").SetPrimaryKey("id")

// ex2DB opens an in-memory SQLite database holding ex2People's rows.
func ex2DB() *sql.DB {
	db, err := sql.Open("alchemy", "sqlite://")
	if err != nil {
		panic(err)
	}
	db.SetMaxOpenConns(1) // one in-memory database
	for _, q := range []string{
		"CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER)",
		"INSERT INTO people (name, age) VALUES ('ada', 36), ('bob', 25), ('cy', NULL)",
	} {
		if _, err := db.Exec(q); err != nil {
			panic(err)
		}
	}
	return db
}

// ex2Query runs stmt on db, panicking on error (examples only).
func ex2Query(db *sql.DB, stmt sqlexpr.Statement) *sqlexpr.Rows {
	rows, err := sqlexpr.Query(context.Background(), db, stmt)
	if err != nil {
		panic(err)
	}
	return rows
}

// Rows is a query's result read by column name: Next and Get, or one of
// the verbs that say how many rows are expected.
func ExampleRows() {
	db := ex2DB()
	defer db.Close()
	rows := ex2Query(db, sqlexpr.Select(ex2People.C("name"), ex2People.C("age")).OrderBy(ex2People.C("id")))
	defer rows.Close()
	fmt.Println(rows.Columns())
	for rows.Next() {
		fmt.Println(rows.Get("name"), rows.Get("age"))
	}
	fmt.Println(rows.Err())
	// Output:
	// [name age]
	// ada 36
	// bob 25
	// cy <nil>
	// <nil>
}

func ExampleRows_All() {
	db := ex2DB()
	defer db.Close()
	all, err := ex2Query(db, sqlexpr.Select(ex2People.C("name")).Where(ex2People.C("age").IsNotNull())).All()
	fmt.Println(len(all), all[0].Get("name"), err)
	// Output: 2 ada <nil>
}

func ExampleRows_Columns() {
	db := ex2DB()
	defer db.Close()
	rows := ex2Query(db, sqlexpr.Select(ex2People.C("name"), sqlexpr.Upper(ex2People.C("name")).Label("shout")))
	defer rows.Close()
	fmt.Println(rows.Columns())
	// Output: [name shout]
}

// Err holds the error of a Get of a column that is not there, so a loop
// can read freely and check once.
func ExampleRows_Err() {
	db := ex2DB()
	defer db.Close()
	rows := ex2Query(db, sqlexpr.Select(ex2People.C("name")))
	defer rows.Close()
	for rows.Next() {
		_ = rows.Get("nmae")
	}
	var nc *sqlexpr.NoSuchColumnError
	fmt.Println(errors.As(rows.Err(), &nc), nc.Column)
	// Output: true nmae
}

// First takes the top row of an ordered query; nil means none.
func ExampleRows_First() {
	db := ex2DB()
	defer db.Close()
	oldest, err := ex2Query(db, sqlexpr.Select(ex2People.C("name")).OrderBy(ex2People.C("age").Desc().NullsLast())).First()
	fmt.Println(oldest.Get("name"), err)
	none, err := ex2Query(db, sqlexpr.Select(ex2People.C("name")).Where(ex2People.C("age").Gt(99))).First()
	fmt.Println(none == nil, err)
	// Output:
	// ada <nil>
	// true <nil>
}

func ExampleRows_Map() {
	db := ex2DB()
	defer db.Close()
	rows := ex2Query(db, sqlexpr.Select(ex2People.C("id"), ex2People.C("name")).Where(ex2People.C("id").Eq(2)))
	defer rows.Close()
	for rows.Next() {
		fmt.Println(rows.Map())
	}
	// Output: map[id:2 name:bob]
}

// Next advances to the next row; false at the end or on an error (see Err).
func ExampleRows_Next() {
	db := ex2DB()
	defer db.Close()
	rows := ex2Query(db, sqlexpr.Select(ex2People.C("name")).OrderBy(ex2People.C("name").Desc()))
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	fmt.Println(n, rows.Err())
	// Output: 3 <nil>
}

// OneOrNone is for a lookup that may miss but must not find two.
func ExampleRows_OneOrNone() {
	db := ex2DB()
	defer db.Close()
	row, err := ex2Query(db, sqlexpr.Select(ex2People.C("age")).Where(ex2People.C("name").Eq("bob"))).OneOrNone()
	fmt.Println(row.Get("age"), err)
	_, err = ex2Query(db, sqlexpr.Select(ex2People.C("age"))).OneOrNone()
	fmt.Println(errors.Is(err, sqlexpr.ErrMultipleResultsFound))
	// Output:
	// 25 <nil>
	// true
}

func ExampleRows_Scalar() {
	db := ex2DB()
	defer db.Close()
	n, err := ex2Query(db, sqlexpr.Select(sqlexpr.Count()).From(ex2People)).Scalar()
	fmt.Println(n, err)
	// Output: 3 <nil>
}

// ScalarOne insists on exactly one row: "none" is an error here.
func ExampleRows_ScalarOne() {
	db := ex2DB()
	defer db.Close()
	_, err := ex2Query(db, sqlexpr.Select(ex2People.C("id")).Where(ex2People.C("name").Eq("dee"))).ScalarOne()
	fmt.Println(errors.Is(err, sqlexpr.ErrNoResultFound), errors.Is(err, sql.ErrNoRows))
	// Output: true true
}

func ExampleRows_Scan() {
	db := ex2DB()
	defer db.Close()
	rows := ex2Query(db, sqlexpr.Select(ex2People.C("name"), ex2People.C("age")).Where(ex2People.C("id").Le(2)))
	defer rows.Close()
	for rows.Next() {
		var name string
		var age int
		_ = rows.Scan(&name, &age)
		fmt.Println(name, age)
	}
	// Output:
	// ada 36
	// bob 25
}

func ExampleRows_ScanStruct() {
	db := ex2DB()
	defer db.Close()
	type person struct {
		Name string
		Age  *int `db:"age"` // a pointer: age may be NULL
	}
	rows := ex2Query(db, sqlexpr.Select(ex2People.C("name"), ex2People.C("age")).Where(ex2People.C("id").Ge(2)))
	defer rows.Close()
	for rows.Next() {
		var p person
		_ = rows.ScanStruct(&p)
		fmt.Println(p.Name, p.Age != nil)
	}
	// Output:
	// bob true
	// cy false
}

// A Row is the result of QueryRow, or one row kept from Rows.All.
func ExampleRow() {
	db := ex2DB()
	defer db.Close()
	row := sqlexpr.QueryRow(context.Background(), db, sqlexpr.Select(ex2People.C("id"), ex2People.C("name")).Where(ex2People.C("name").Eq("ada")))
	fmt.Println(row.Columns(), row.Values(), row.Get("name"), row.Err())
	// Output: [id name] [1 ada] ada <nil>
}

func ExampleRow_Columns() {
	db := ex2DB()
	defer db.Close()
	row := sqlexpr.QueryRow(context.Background(), db, sqlexpr.Select(ex2People))
	fmt.Println(row.Columns())
	// Output: [id name age]
}

// Err of a Row that found nothing is sql.ErrNoRows, as with database/sql.
func ExampleRow_Err() {
	db := ex2DB()
	defer db.Close()
	row := sqlexpr.QueryRow(context.Background(), db, sqlexpr.Select(ex2People.C("id")).Where(ex2People.C("id").Eq(42)))
	fmt.Println(errors.Is(row.Err(), sql.ErrNoRows))
	// Output: true
}

func ExampleRow_Get() {
	db := ex2DB()
	defer db.Close()
	row := sqlexpr.QueryRow(context.Background(), db, sqlexpr.Select(ex2People).Where(ex2People.C("id").Eq(3)))
	fmt.Println(row.Get("name"), row.Get("age"))
	// Output: cy <nil>
}

func ExampleRow_Map() {
	db := ex2DB()
	defer db.Close()
	row := sqlexpr.QueryRow(context.Background(), db, sqlexpr.Select(ex2People).Where(ex2People.C("id").Eq(1)))
	fmt.Println(row.Map())
	// Output: map[age:36 id:1 name:ada]
}

func ExampleRow_Scan() {
	db := ex2DB()
	defer db.Close()
	var age sql.NullInt64 // NULL-able column
	err := sqlexpr.QueryRow(context.Background(), db, sqlexpr.Select(ex2People.C("age")).Where(ex2People.C("name").Eq("cy"))).Scan(&age)
	fmt.Println(age.Valid, err)
	// Output: false <nil>
}

func ExampleRow_Values() {
	db := ex2DB()
	defer db.Close()
	row := sqlexpr.QueryRow(context.Background(), db, sqlexpr.Select(ex2People.C("name"), ex2People.C("age")).Where(ex2People.C("id").Eq(2)))
	for i, v := range row.Values() {
		fmt.Println(row.Columns()[i], v)
	}
	// Output:
	// name bob
	// age 25
}

// A Result is what Execute returns; for an INSERT into a table with a
// known primary key it reports the keys the server made.
func ExampleResult() {
	db := ex2DB()
	defer db.Close()
	res, _ := sqlexpr.Execute(context.Background(), db, sqlexpr.Update(ex2People).
		Values(sqlexpr.Values{"age": ex2People.C("age").Add(1)}).Where(ex2People.C("age").IsNotNull()))
	n, err := res.RowsAffected()
	fmt.Println(n, err)
	// Output: 2 <nil>
}

func ExampleResult_InsertedPrimaryKey() {
	db := ex2DB()
	defer db.Close()
	res, _ := sqlexpr.Execute(context.Background(), db, sqlexpr.Insert(ex2People).Values(sqlexpr.Values{"name": "dee"}))
	fmt.Println(res.InsertedPrimaryKey())
	// Output: [4]
}

// InsertedPrimaryKeys gives every new row's key, for a multi-row INSERT.
func ExampleResult_InsertedPrimaryKeys() {
	db := ex2DB()
	defer db.Close()
	res, _ := sqlexpr.Execute(context.Background(), db, sqlexpr.Insert(ex2People).Values(
		sqlexpr.Values{"name": "dee"}, sqlexpr.Values{"name": "eve"}))
	keys, err := res.InsertedPrimaryKeys()
	fmt.Println(keys, err)
	// Output: [[4] [5]] <nil>
}

func ExampleResult_LastInsertId() {
	db := ex2DB()
	defer db.Close()
	res, _ := sqlexpr.Execute(context.Background(), db, sqlexpr.Insert(ex2People).Values(sqlexpr.Values{"name": "dee", "age": 50}))
	id, err := res.LastInsertId()
	fmt.Println(id, err)
	// Output: 4 <nil>
}

func ExampleResult_RowsAffected() {
	db := ex2DB()
	defer db.Close()
	res, _ := sqlexpr.Execute(context.Background(), db, sqlexpr.Delete(ex2People).Where(ex2People.C("age").IsNull()))
	n, _ := res.RowsAffected()
	fmt.Println(n)
	// Output: 1
}

// NoSuchColumnError names the column asked for and the ones there are,
// which usually shows the typo.
func ExampleNoSuchColumnError() {
	db := ex2DB()
	defer db.Close()
	row := sqlexpr.QueryRow(context.Background(), db, sqlexpr.Select(ex2People.C("id"), ex2People.C("name")))
	_ = row.Get("nane")
	var nc *sqlexpr.NoSuchColumnError
	fmt.Println(errors.As(row.Err(), &nc), nc.Column, nc.Columns)
	// Output: true nane [id name]
}

// CompileError says which construct a dialect lacks; errors.Is with
// ErrUnsupported tells it from a mistake in the statement.
func ExampleCompileError() {
	stmt := sqlexpr.Select(ex2People.C("name")).DistinctOn(ex2People.C("age"))
	_, _, err := sqlexpr.Compile(stmt, mysql.Dialect)
	var ce *sqlexpr.CompileError
	fmt.Println(errors.As(err, &ce), ce.Dialect, ce.Construct, errors.Is(err, sqlexpr.ErrUnsupported))
	// Output: true mysql SELECT DISTINCT ON true
}

// CartesianProductError names the FROM elements no join connects, when the
// compiler's FROM linting is set to fail.
func ExampleCartesianProductError() {
	c := sqlexpr.NewCompiler(10)
	c.SetFromLinting(sqlexpr.LintError, nil)
	_, _, err := c.Compile(sqlexpr.Select(ex2People.C("name"), exUsers.C("email")), sqlite.Dialect)
	var cp *sqlexpr.CartesianProductError
	fmt.Println(errors.As(err, &cp), cp.From, cp.Unjoined, errors.Is(err, sqlexpr.ErrCartesianProduct))
	// Output: true people [users] true
}

// A Target is what the run functions take: a *sql.DB, *sql.Tx, *sql.Conn,
// or an alchemy Engine or Conn.
func ExampleTarget() {
	db := ex2DB()
	defer db.Close()
	ctx := context.Background()
	count := func(t sqlexpr.Target) int64 {
		n, _ := sqlexpr.One[int64](ctx, t, sqlexpr.Select(sqlexpr.Count()).From(ex2People))
		return n
	}
	fmt.Println(count(db))
	tx, _ := db.BeginTx(ctx, nil)
	defer tx.Rollback()
	_, _ = sqlexpr.Execute(ctx, tx, sqlexpr.Delete(ex2People).Where(ex2People.C("id").Eq(1)))
	fmt.Println(count(tx)) // the tx sees its own delete
	// Output:
	// 3
	// 2
}

// ex2Target wraps a *sql.DB with a compiler of its own.
type ex2Target struct {
	*sql.DB
	c *sqlexpr.Compiler
}

func (t ex2Target) SQLCompiler() *sqlexpr.Compiler { return t.c }

// A Target that is also a CompilerProvider compiles with its own Compiler
// (its own cache), as an alchemy Engine does.
func ExampleCompilerProvider() {
	db := ex2DB()
	defer db.Close()
	t := ex2Target{db, sqlexpr.NewCompiler(10)}
	_, _ = sqlexpr.Query(context.Background(), t, sqlexpr.Select(ex2People.C("id")))
	fmt.Println(t.c.Stats().Misses)
	// Output: 1
}

// Params are the values of named parameters, given at execution; one
// statement then serves every value.
func ExampleParams() {
	db := ex2DB()
	defer db.Close()
	byName := sqlexpr.Select(ex2People.C("age")).Where(ex2People.C("name").Eq(sqlexpr.BindParam("name")))
	for _, name := range []string{"ada", "bob"} {
		age, _ := sqlexpr.One[int64](context.Background(), db, byName, sqlexpr.Params{"name": name})
		fmt.Println(name, age)
	}
	// Output:
	// ada 36
	// bob 25
}

// Statement is any complete statement; code that runs "whatever it is
// given" takes one.
func ExampleStatement() {
	for _, s := range []sqlexpr.Statement{
		sqlexpr.Select(ex2People.C("id")),
		sqlexpr.Delete(ex2People),
		sqlexpr.Text("VACUUM"),
	} {
		q, _, _ := sqlexpr.Compile(s, sqlite.Dialect)
		fmt.Println(q)
	}
	// Output:
	// SELECT people.id FROM people
	// DELETE FROM people
	// VACUUM
}

// SelectBase is a SELECT or a compound of them: both nest the same ways.
func ExampleSelectBase() {
	for _, q := range []sqlexpr.SelectBase{
		sqlexpr.Select(ex2People.C("id")),
		sqlexpr.Union(sqlexpr.Select(ex2People.C("id")), sqlexpr.Select(exUsers.C("id"))),
	} {
		s, _, _ := sqlexpr.Compile(sqlexpr.Select(sqlexpr.Count()).From(q.Subquery("ids")), sqlite.Dialect)
		fmt.Println(s)
	}
	// Output:
	// SELECT count(*) AS count_1 FROM (SELECT people.id FROM people) AS ids
	// SELECT count(*) AS count_1 FROM (SELECT people.id FROM people UNION SELECT users.id FROM users) AS ids
}

// SelectItem: columns, expressions, and whole tables (all their columns).
func ExampleSelectItem() {
	items := []sqlexpr.SelectItem{ex2People, sqlexpr.Count().Label("n")}
	s, _, _ := sqlexpr.Compile(sqlexpr.Select(items...).GroupBy(ex2People.C("id")), sqlite.Dialect)
	fmt.Println(s)
	// Output: SELECT people.id, people.name, people.age, count(*) AS n FROM people GROUP BY people.id
}

// OrderItem: an expression, or an Ordering from Asc/Desc.
func ExampleOrderItem() {
	order := []sqlexpr.OrderItem{ex2People.C("age").Desc(), ex2People.C("name")}
	s, _, _ := sqlexpr.Compile(sqlexpr.Select(ex2People.C("id")).OrderBy(order...), sqlite.Dialect)
	fmt.Println(s)
	// Output: SELECT people.id FROM people ORDER BY people.age DESC, people.name
}

// FromClause: a table, alias, subquery, CTE or join.
func ExampleFromClause() {
	var from sqlexpr.FromClause = sqlexpr.Join(ex2People, exUsers, exUsers.C("name").Eq(ex2People.C("name")))
	s, _, _ := sqlexpr.Compile(sqlexpr.Select(ex2People.C("age"), exUsers.C("email")).From(from), sqlite.Dialect)
	fmt.Println(s)
	// Output: SELECT people.age, users.email FROM people JOIN users ON users.name = people.name
}

// Expr is any SQL value or condition; helpers that build conditions take
// and return one.
func ExampleExpr() {
	olderThan := func(n int) sqlexpr.Expr { return ex2People.C("age").Gt(n) }
	conds := []sqlexpr.Expr{olderThan(30), ex2People.C("name").Ne("bob")}
	s, args, _ := sqlexpr.Compile(sqlexpr.Select(ex2People.C("id")).Where(conds...), postgresql.Dialect)
	fmt.Println(s, args)
	// Output: SELECT people.id FROM people WHERE people.age > $1 AND people.name <> $2 [30 bob]
}
