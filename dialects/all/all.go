// Package all registers every dialect that ships with alchemy
// (PostgreSQL, MySQL/MariaDB, SQLite) their default drivers and the "alchemy" database/sql driver:
//
//	import _ "github.com/go-alchemy/alchemy/dialects/all"
package all

import (
	_ "github.com/go-alchemy/alchemy/dialects/mysql"      // mysql, mariadb
	_ "github.com/go-alchemy/alchemy/dialects/postgresql" // postgresql, postgres
	_ "github.com/go-alchemy/alchemy/dialects/sqlite"     // sqlite
)
