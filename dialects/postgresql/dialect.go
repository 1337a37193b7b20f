// Package postgresql is alchemy's PostgreSQL dialect. Importing it
// registers the dialect under "postgresql" (alias "postgres") together
// with its default driver, jackc/pgx/v5 through its database/sql adapter, and the "alchemy" database/sql driver, so this
// one import is all sql.Open needs:
//
//	import _ "github.com/go-alchemy/alchemy/dialects/postgresql"
//
//	db, err := sql.Open("alchemy", "postgresql+pgx://user:secret@localhost:5432/app")
package postgresql

import "github.com/go-alchemy/alchemy/dialects"

// Dialect is the PostgreSQL dialect. Variants (CockroachDB, YugabyteDB)
// start from Dialect.Clone().
var Dialect = &dialects.Dialect{
	Name:                "postgresql",
	Family:              "postgresql",
	ImportPath:          dialects.ModulePath + "/dialects/postgresql",
	DefaultDriver:       "pgx",
	DefaultPort:         5432,
	Placeholder:         dialects.Dollar,
	IdentQuote:          '"',
	ReservedWords:       reservedWords,
	MaxIdentifierLength: 63,
	Features: dialects.Features{
		InsertReturning:    true,
		UpdateReturning:    true,
		DeleteReturning:    true,
		NullsOrdering:      true,
		ILike:              true,
		DistinctOn:         true,
		FullOuterJoin:      true,
		RightJoin:          true,
		Intersect:          true,
		Except:             true,
		ForUpdate:          true,
		ForUpdateOf:        true,
		ForShare:           true,
		NoWait:             true,
		SkipLocked:         true,
		CTE:                true,
		RecursiveCTE:       true,
		WindowFunctions:    true,
		Savepoints:         true,
		TransactionalDDL:   true,
		Alter:              true,
		NativeEnum:         true,
		NativeBoolean:      true,
		NativeUUID:         true,
		Comments:           true,
		Sequences:          true,
		MultiRowInsert:     true,
		IsDistinctFrom:     true,
		DropTableCascade:   true,
		IfNotExists:        true,
		OnConflict:         true,
		PartialIndexes:     true,
		SchemaQualifiedDDL: true,
	},
	SQL:           sqlOptions,
	DDL:           ddlOptions,
	PingQuery:     "SELECT 1",
	IsDisconnect:  isDisconnect,
	Classify:      classify,
	IsServerError: isServerError,
}

func init() {
	dialects.MustRegister(Dialect)
	dialects.RegisterDriver(Dialect.Name, PgxDriver)
}
