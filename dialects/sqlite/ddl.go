package sqlite

import "github.com/go-alchemy/alchemy/dialects"

// ddlOptions are the schema layer's choices for SQLite.
//
// SQLite has no ALTER TABLE … ADD CONSTRAINT, but it resolves a FOREIGN
// KEY target only when a row is written, so every foreign key stays
// inside its CREATE TABLE and cycles need no ALTER (LateForeignKeyTargets).
// Dropping the tables of a cycle defers the foreign-key checks to the end
// of the transaction instead. SQLite has no interval type, and a column may have no type at all
// (UntypedColumns: types.NullType, which reflection gives for one).
var ddlOptions = dialects.DDLOptions{
	Types: map[string]string{
		"boolean":     "BOOLEAN",
		"datetime":    "DATETIME",
		"datetime_tz": "DATETIME",
		"time":        "TIME",
		"time_tz":     "TIME",
		"binary":      "BLOB",
		"json":        "JSON",
		"uuid":        "CHAR(36)",
		"double":      "DOUBLE",
	},
	AutoincrementStyle:      "rowid",
	EnumStyle:               "check",
	DropForeignKeyClause:    "",
	ParenthesizeDefaultExpr: true,
	LateForeignKeyTargets:   true,
	DeferrableConstraints:   true,
	LocalSchemaReferences:   true,
	BatchDDL:                true,
	UntypedColumns:          true,
	DeferForeignKeys:        "PRAGMA defer_foreign_keys = ON",
	Catalog:                 catalog{},
}
