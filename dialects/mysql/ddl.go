package mysql

import "github.com/go-alchemy/alchemy/dialects"

// ddlOptions are the schema layer's choices for MySQL and MariaDB.
var ddlOptions = dialects.DDLOptions{
	Types: map[string]string{
		"boolean":     "BOOL",
		"datetime":    "DATETIME(6)",
		"datetime_tz": "DATETIME(6)",
		"time":        "TIME(6)",
		"time_tz":     "TIME(6)",
		"binary":      "BLOB",
		"json":        "JSON",
		"uuid":        "CHAR(36)",
		"double":      "DOUBLE",
	},
	AutoincrementStyle:      "auto_increment",
	EnumStyle:               "inline",
	StringNeedsLength:       true,
	DropForeignKeyClause:    "DROP FOREIGN KEY",
	DropIndexOnTable:        true,
	InlineComments:          true,
	ParenthesizeDefaultExpr: true,
}
