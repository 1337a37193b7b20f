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
