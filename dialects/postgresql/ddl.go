package postgresql

import "github.com/go-alchemy/alchemy/dialects"

// ddlOptions are the schema layer's choices for PostgreSQL.
var ddlOptions = dialects.DDLOptions{
	Types: map[string]string{
		"boolean":     "BOOLEAN",
		"datetime":    "TIMESTAMP WITHOUT TIME ZONE",
		"datetime_tz": "TIMESTAMP WITH TIME ZONE",
		"time":        "TIME WITHOUT TIME ZONE",
		"time_tz":     "TIME WITH TIME ZONE",
		"binary":      "BYTEA",
		"json":        "JSONB",
		"uuid":        "UUID",
		"interval":    "INTERVAL",
		"double":      "DOUBLE PRECISION",
	},
	AutoincrementStyle:   "serial",
	EnumStyle:            "named",
	DropForeignKeyClause: "DROP CONSTRAINT",
}
