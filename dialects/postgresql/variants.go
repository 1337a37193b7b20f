package postgresql

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy/dialects"
)

// The distributed engines that speak PostgreSQL's protocol are registered
// with the base dialect, each under its own URL scheme and with the pgx
// binding, its default port filled in.
func init() {
	for _, d := range []*dialects.Dialect{CockroachDB, YugabyteDB} {
		dialects.MustRegister(d)
		dialects.RegisterDriver(d.Name, dialects.WithDefaultPort(PgxDriver, d.DefaultPort))
	}
}

// pgMessage returns a server error's message, "" for anything else.
func pgMessage(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message
	}
	return ""
}
