// Package dialects holds the description of a SQL dialect ([Dialect]) and
// the registry that maps a URL's "dialect+driver" to it.
//
// It is the lowest layer of alchemy: the expression compiler (sqlexpr),
// the schema layer (metadata) and the root package read a *Dialect; the
// packages beneath it (postgresql, mysql, sqlite) build the values and
// register them, with their default drivers, when imported:
//
//	import _ "github.com/go-alchemy/alchemy/dialects/postgresql"
//
// The package all imports the three. A variant dialect (a distributed
// engine that speaks the PostgreSQL or MySQL protocol, or an older server
// version) is a Clone of a base dialect with a few fields changed, as
// postgresql.CockroachDB, postgresql.YugabyteDB, mysql.TiDB and
// mysql.Vitess are; one of an application's own is made the same way:
//
//	pg12 := postgresql.Dialect.Clone()
//	pg12.Name = "postgresql12"
//	pg12.Features.SkipLocked = false
//	dialects.MustRegister(pg12)
//	dialects.RegisterDriver("postgresql12", postgresql.PgxDriver)
package dialects
