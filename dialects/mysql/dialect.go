// Package mysql is alchemy's MySQL and MariaDB dialect. Importing it
// registers "mysql" and "mariadb" together with their default driver,
// go-sql-driver/mysql, and the "alchemy" database/sql driver, so this one import
// is all sql.Open needs:
//
//	import _ "github.com/go-alchemy/alchemy/dialects/mysql"
//
//	db, err := sql.Open("alchemy", "mysql://root@127.0.0.1:3306/app?parseTime=true")
//
// # Distributed variants: TiDB and Vitess
//
// The same import registers two variants that speak MySQL's protocol,
// each a Clone of [Dialect] with only what differs changed, and each with
// the go-sql-driver/mysql binding (host lists and failover included):
//
//	tidb://root@tidb1,tidb2/app        (also tidb+mysql; port 4000)
//	vitess://app@vtgate1/commerce      (also vitess+mysql; port 3306)
//
// A host without a port gets the variant's port. For Vitess the database
// part is the keyspace (commerce, commerce@primary, commerce@replica).
//
// What each variant changes is listed on [TiDB] and [Vitess]. In short:
// TiDB's write conflicts (9007, 8002, 8005, 8022, 8028) are retried by
// BeginRetry, 9001 (PD unreachable) makes the pool move to another TiDB
// server, and storage timeouts in answer to COMMIT are an unknown outcome;
// Vitess's "primary is not serving" and ended shard transactions are
// retryable, any shard's error in answer to COMMIT is an unknown outcome
// (vtgate commits shard by shard), and CHECK constraints are reflected
// from SHOW CREATE TABLE because vtgate refuses the
// information_schema.CHECK_CONSTRAINTS query.
//
// These servers do not run on alchemy's test machines: the variants are
// tested on the error values go-sql-driver/mysql returns for their
// answers and on the catalog rows they return (go-sqlmock), and their
// SHOW CREATE TABLE reading against the MySQL/MariaDB test server.
package mysql

import "github.com/go-alchemy/alchemy/dialects"

// Dialect is the MySQL dialect (MySQL 8 features).
var Dialect = &dialects.Dialect{
	Name:                "mysql",
	Family:              "mysql",
	ImportPath:          dialects.ModulePath + "/dialects/mysql",
	DefaultDriver:       "mysql",
	DefaultPort:         3306,
	Placeholder:         dialects.Question,
	IdentQuote:          '`',
	ReservedWords:       reservedWords,
	MaxIdentifierLength: 64,
	BackslashEscapes:    true,
	Features: dialects.Features{
		RightJoin:       true,
		Intersect:       true,
		Except:          true,
		ForUpdate:       true,
		ForUpdateOf:     true,
		ForShare:        true,
		NoWait:          true,
		SkipLocked:      true,
		CTE:             true,
		RecursiveCTE:    true,
		WindowFunctions: true,
		Savepoints:      true,
		Alter:           true,
		NativeEnum:      true,
		Comments:        true,
		MultiRowInsert:  true,
		IfNotExists:     true,
		OnDuplicateKey:  true,
	},
	SQL:           sqlOptions,
	DDL:           ddlOptions,
	PingQuery:     "SELECT 1",
	IsDisconnect:  isDisconnect,
	Classify:      classify,
	IsServerError: isServerError,
}

// MariaDB is the MariaDB variant: MySQL's dialect plus INSERT and DELETE
// … RETURNING (MariaDB 10.5+) and sequences, minus FOR UPDATE OF (MariaDB
// locks every table the SELECT reads and has no OF list).
var MariaDB = func() *dialects.Dialect {
	d := Dialect.Clone()
	d.Name = "mariadb"
	d.Features.ForUpdateOf = false
	d.Features.InsertReturning = true
	d.Features.DeleteReturning = true
	d.Features.Sequences = true
	// MariaDB stores JSON as LONGTEXT and has no CAST(… AS JSON).
	d.DDL.CastTypes["json"] = ""
	return d
}()

func init() {
	dialects.MustRegister(Dialect)
	dialects.MustRegister(MariaDB)
	dialects.RegisterDriver(Dialect.Name, Driver)
	dialects.RegisterDriver(MariaDB.Name, Driver)
}
