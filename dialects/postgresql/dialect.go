// Package postgresql is alchemy's PostgreSQL dialect. Importing it
// registers the dialect under "postgresql" (alias "postgres") together
// with its default driver, jackc/pgx/v5 through its database/sql adapter, and the "alchemy" database/sql driver, so this
// one import is all sql.Open needs:
//
//	import _ "github.com/go-alchemy/alchemy/dialects/postgresql"
//
//	db, err := sql.Open("alchemy", "postgresql+pgx://user:secret@localhost:5432/app")
//
// # Distributed variants: CockroachDB and YugabyteDB
//
// The same import registers two variants that speak PostgreSQL's
// protocol, each a Clone of [Dialect] with only what differs changed,
// and each with the pgx binding:
//
//	cockroachdb://root@node1,node2/bank   (also cockroachdb+pgx; port 26257)
//	yugabytedb://yugabyte@yb1/yugabyte    (also yugabytedb+pgx; port 5433)
//
// A host without a port gets the variant's port, not PostgreSQL's 5432.
// Python driver names (cockroachdb+psycopg2, …) are refused as they are
// for postgresql: the part after "+" names a Go driver.
//
// What each variant changes — retry and commit-outcome codes, DDL outside
// transactions, reflection of hidden columns — is listed on
// [CockroachDB] and [YugabyteDB]. In short: 40001 is retried by
// BeginRetry on both; CockroachDB's 40003 ("result is ambiguous") and
// XXA00, and YugabyteDB's internal timeouts, in answer to COMMIT are an
// unknown outcome (alchemy.ErrCommitUnknown), never retried unless the
// policy says the transaction is idempotent; Features.TransactionalDDL is
// false, so metadata and migrate send DDL one statement at a time outside
// a transaction.
//
// These servers do not run on alchemy's test machines: the variants are
// tested on the error values pgx returns for their answers and on the
// catalog rows they return (go-sqlmock), and the PostgreSQL parts they
// reuse are tested on PostgreSQL.
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
