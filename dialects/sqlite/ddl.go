package sqlite

import "github.com/go-alchemy/alchemy/dialects"

// ddlOptions are the schema layer's choices for SQLite.
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
		"interval":    "INTEGER",
		"double":      "DOUBLE",
	},
	AutoincrementStyle:      "rowid",
	EnumStyle:               "check",
	DropForeignKeyClause:    "",
	ParenthesizeDefaultExpr: true,
}
