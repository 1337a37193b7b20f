// Package types holds the column types shared by the schema layer
// (metadata: CREATE TABLE, reflection) and the expression language
// (sqlexpr: CAST). A type renders itself per dialect.
//
// Every type has a [Kind], the key a dialect uses in its
// dialects.DDLOptions.Types map to spell it ("boolean" → "BOOL" on MySQL).
// A kind the map does not mention has the generic spelling listed with
// its constructor; a kind mapped to the empty string cannot be rendered
// on that dialect, and neither can Interval on a dialect that does not
// map it (MySQL and SQLite have no interval type). Rendering such a type
// returns an [*UnsupportedError] naming the type and the dialect.
//
//	types.String(25).DDL(postgresql.Dialect)  // "VARCHAR(25)"
//	types.Boolean().DDL(mysql.Dialect)        // "BOOL"
//	types.String(0).DDL(mysql.Dialect)        // error: VARCHAR requires a length on dialect mysql
//
// Types are immutable values, safe for concurrent use.
package types

import "github.com/go-alchemy/alchemy/dialects"

// Type is a SQL column type.
type Type interface {
	// Kind is the generic kind, the key dialects use in DDLOptions.Types.
	Kind() Kind
	// DDL renders the type as written in CREATE TABLE on dialect d. An
	// error names the type and the dialect (for example String without a
	// length on MySQL).
	DDL(d *dialects.Dialect) (string, error)
	// CastTarget renders the type as the target of CAST(x AS …) on d,
	// which differs from DDL on some dialects (MySQL casts to CHAR and
	// SIGNED INTEGER). An error means the dialect cannot cast to it.
	CastTarget(d *dialects.Dialect) (string, error)
}

// Kind names a generic type.
type Kind string

// The kinds of the types in this package. Their string values are the
// keys of dialects.DDLOptions.Types and CastTypes.
const (
	KindInteger      Kind = "integer"
	KindBigInteger   Kind = "biginteger"
	KindSmallInteger Kind = "smallinteger"
	KindString       Kind = "string"
	KindText         Kind = "text"
	KindBoolean      Kind = "boolean"
	KindDate         Kind = "date"
	KindDateTime     Kind = "datetime"
	KindDateTimeTZ   Kind = "datetime_tz"
	KindTime         Kind = "time"
	KindTimeTZ       Kind = "time_tz"
	KindNumeric      Kind = "numeric"
	KindFloat        Kind = "float"
	KindDouble       Kind = "double"
	KindBinary       Kind = "binary"
	KindJSON         Kind = "json"
	KindUUID         Kind = "uuid"
	KindEnum         Kind = "enum"
	KindInterval     Kind = "interval"
	// KindRaw is the kind of [Raw] types, written verbatim.
	KindRaw Kind = "raw"
	// KindNull is the kind of [NullType], a column without a type.
	KindNull Kind = "null"
)

// IsInteger reports whether k is one of the integer kinds, the kinds a
// single-column primary key autoincrements with.
func (k Kind) IsInteger() bool {
	return k == KindInteger || k == KindBigInteger || k == KindSmallInteger
}
