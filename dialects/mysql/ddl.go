package mysql

import "github.com/go-alchemy/alchemy/dialects"

// ddlOptions are the schema layer's choices for MySQL and MariaDB.
//
// Text and LargeBinary are LONGTEXT and LONGBLOB: TEXT and BLOB hold only
// 64 KiB, and a longer value is an error in strict mode and silently cut
// outside it. DateTime and Time keep microseconds (DATETIME(6), TIME(6)),
// as PostgreSQL does; a server default of now is CURRENT_TIMESTAMP(6) to
// match. MySQL has no interval type, so Interval cannot be rendered.
var ddlOptions = dialects.DDLOptions{
	Types: map[string]string{
		"text":        "LONGTEXT",
		"boolean":     "BOOL",
		"datetime":    "DATETIME(6)",
		"datetime_tz": "DATETIME(6)",
		"time":        "TIME(6)",
		"time_tz":     "TIME(6)",
		"binary":      "LONGBLOB",
		"json":        "JSON",
		"uuid":        "CHAR(36)",
		"double":      "DOUBLE",
	},
	// CAST accepts a few type names only. Boolean has none: SQLAlchemy
	// drops such a CAST silently, so the query means something else than
	// it says; an error is better.
	CastTypes: map[string]string{
		"integer":      "SIGNED",
		"biginteger":   "SIGNED",
		"smallinteger": "SIGNED",
		"string":       "CHAR",
		"text":         "CHAR",
		"boolean":      "",
		"numeric":      "DECIMAL",
		"binary":       "BINARY",
	},
	AutoincrementStyle:      "auto_increment",
	EnumStyle:               "inline",
	StringNeedsLength:       true,
	DropForeignKeyClause:    "DROP FOREIGN KEY",
	DropIndexOnTable:        true,
	InlineComments:          true,
	ParenthesizeDefaultExpr: true,
	NowDefault:              "CURRENT_TIMESTAMP(6)",
	NotNullBeforeDefault:    true,
	NamedChecksAtTableLevel: true,
	Catalog:                 catalog{},
}
