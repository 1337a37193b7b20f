// Package types holds the column types shared by the schema layer
// (metadata: CREATE TABLE, reflection) and the expression language
// (sqlexpr: CAST). A type renders itself per dialect.
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
