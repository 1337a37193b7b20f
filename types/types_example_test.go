package types_test

import (
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/types"
)

// Each type renders itself per dialect, for CREATE TABLE and for CAST.
func ExampleType() {
	for _, t := range []types.Type{types.String(20), types.Boolean(), types.DateTime(), types.JSON(), types.Numeric(10, 2)} {
		line := fmt.Sprint(t)
		for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect} {
			ddl, _ := t.DDL(d)
			line += " | " + ddl
		}
		fmt.Println(line)
	}
	// Output:
	// String(20) | VARCHAR(20) | VARCHAR(20) | VARCHAR(20)
	// Boolean | BOOLEAN | BOOL | BOOLEAN
	// DateTime | TIMESTAMP WITHOUT TIME ZONE | DATETIME(6) | DATETIME
	// JSON | JSONB | JSON | JSON
	// Numeric(10, 2) | NUMERIC(10, 2) | NUMERIC(10, 2) | NUMERIC(10, 2)
}

func ExampleEnum() {
	mood := types.Enum("mood", "happy", "sad")
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect} {
		ddl, _ := mood.DDL(d)
		fmt.Println(d.Name, ddl)
	}
	// Output:
	// postgresql mood
	// mysql ENUM('happy','sad')
	// sqlite VARCHAR(5)
}

// A type a dialect cannot render is an error naming both, never a silent
// substitute.
func ExampleUnsupportedError() {
	_, err := types.String(0).DDL(mysql.Dialect)
	fmt.Println(err)
	fmt.Println(errors.Is(err, types.ErrUnsupported))
	// Output:
	// types: VARCHAR requires a length on dialect mysql
	// true
}
