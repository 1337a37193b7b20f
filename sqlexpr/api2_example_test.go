package sqlexpr_test

import (
	"fmt"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/sqlexpr"
)

// SetClientDefault is what metadata.Default sets on a declared column; a
// lightweight table can carry one too. The INSERT leaves out "status",
// so it gets the default; a value given (nil included) wins.
func ExampleColumnClause_SetClientDefault() {
	jobs := sqlexpr.NewTable("jobs", "id", "status", "attempt")
	jobs.C("status").SetClientDefault("queued")
	jobs.C("attempt").SetClientDefault(func() any { return 1 }) // called once per row
	fmt.Println(sqlexpr.Compile(sqlexpr.Insert(jobs).Values(sqlexpr.Values{"id": 7}), postgresql.Dialect))
	fmt.Println(sqlexpr.Compile(sqlexpr.Insert(jobs).Values(
		sqlexpr.Values{"id": 8, "status": nil}, sqlexpr.Values{"id": 9, "status": "held"}), postgresql.Dialect))
	// Output:
	// INSERT INTO jobs (id, status, attempt) VALUES ($1, $2, $3) [7 queued 1] <nil>
	// INSERT INTO jobs (id, status, attempt) VALUES ($1, $2, $3), ($4, $5, $6) [8 <nil> 1 9 held 1] <nil>
}

// SetClientUpdateDefault is what metadata.UpdateDefault sets: an UPDATE
// whose SET leaves the column out sets it too, after the items given.
func ExampleColumnClause_SetClientUpdateDefault() {
	docs := sqlexpr.NewTable("docs", "id", "title", "updated_at")
	docs.C("updated_at").SetClientUpdateDefault(sqlexpr.Now())
	fmt.Println(sqlexpr.Compile(sqlexpr.Update(docs).Values(sqlexpr.Values{"title": "draft"}).
		Where(docs.C("id").Eq(3)), postgresql.Dialect))
	// A value given wins.
	fmt.Println(sqlexpr.Compile(sqlexpr.Update(docs).Values(sqlexpr.Values{"updated_at": nil}), postgresql.Dialect))
	// Output:
	// UPDATE docs SET title=$1, updated_at=now() WHERE docs.id = $2 [draft 3] <nil>
	// UPDATE docs SET updated_at=$1 [<nil>] <nil>
}

// ClientUpdateDefault reports the update default a column carries.
func ExampleColumnClause_ClientUpdateDefault() {
	docs := sqlexpr.NewTable("docs", "id", "state")
	docs.C("state").SetClientUpdateDefault("edited")
	fmt.Println(docs.C("state").ClientUpdateDefault(), docs.C("id").ClientUpdateDefault())
	// Output:
	// edited <nil>
}
