package postgresql

import "github.com/go-alchemy/alchemy/dialects"

// ddlOptions are the schema layer's choices for PostgreSQL.
//
// An autoincrementing integer primary key is an IDENTITY column (GENERATED
// BY DEFAULT AS IDENTITY), not SERIAL: it is the SQL standard form the
// PostgreSQL documentation recommends since version 10; its sequence is
// owned by the column, so it is dropped with the table and follows the
// table's privileges; and "BY DEFAULT" still accepts explicit ids, as
// SERIAL does. Float is REAL (single precision, as MySQL's FLOAT) so that
// it reflects back as Float; JSON is JSONB, which can be indexed and
// compared.
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
		"float":       "REAL",
		"double":      "DOUBLE PRECISION",
	},
	AutoincrementStyle:    "identity",
	EnumStyle:             "named",
	DropForeignKeyClause:  "DROP CONSTRAINT",
	DeferrableConstraints: true,
	BatchDDL:              true,
	Catalog:               catalog{},
}
