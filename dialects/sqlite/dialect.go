// Package sqlite is alchemy's SQLite dialect. Importing it registers
// "sqlite" together with its default driver, the pure-Go modernc.org/sqlite
// (no cgo), and the "alchemy" database/sql driver, so this one import is
// all sql.Open needs:
//
//	import _ "github.com/go-alchemy/alchemy/dialects/sqlite"
//
//	db, err := sql.Open("alchemy", "sqlite:///app.db")  // relative path
//	db, err := sql.Open("alchemy", "sqlite://")         // in memory
package sqlite

import "github.com/go-alchemy/alchemy/dialects"

// Dialect is the SQLite dialect (SQLite 3.35+ features: RETURNING, upsert,
// window functions).
var Dialect = &dialects.Dialect{
	Name:          "sqlite",
	Family:        "sqlite",
	ImportPath:    dialects.ModulePath + "/dialects/sqlite",
	DefaultDriver: "modernc",
	Placeholder:   dialects.Question,
	IdentQuote:    '"',
	ReservedWords: reservedWords,
	Features: dialects.Features{
		InsertReturning:  true,
		UpdateReturning:  true,
		DeleteReturning:  true,
		NullsOrdering:    true,
		FullOuterJoin:    true,
		RightJoin:        true,
		Intersect:        true,
		Except:           true,
		CTE:              true,
		RecursiveCTE:     true,
		WindowFunctions:  true,
		Savepoints:       true,
		TransactionalDDL: true,
		MultiRowInsert:   true,
		IfNotExists:      true,
		OnConflict:       true,
		PartialIndexes:   true,
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
	dialects.RegisterDriver(Dialect.Name, ModerncDriver)
}
