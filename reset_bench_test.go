package alchemy_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// BenchmarkCheckinReset compares, on the real servers, one point query
// through the drop-in path when checkin resets only a connection it
// cannot prove clean (alchemy) with a ROLLBACK at every checkin
// (SQLAlchemy's reset_on_return), and with database/sql over the driver
// directly. Run the three side by side:
//
//	go test -run '^$' -bench CheckinReset -count 6 .
func BenchmarkCheckinReset(b *testing.B) {
	for _, s := range []struct {
		name string
		url  func(testing.TB) string
	}{{"postgresql", testdb.Postgres}, {"mariadb", testdb.MySQL}} {
		raw := s.url(b)
		plain := testdb.Plain(b, raw)
		plain.SetMaxIdleConns(1)
		for _, mode := range []string{"alchemy", "rollback-always", "database-sql"} {
			b.Run(s.name+"/"+mode, func(b *testing.B) {
				db := plain
				if mode != "database-sql" {
					c, err := alchemy.NewConnector(withQuery(raw, "pool_size=1"))
					if err != nil {
						b.Fatal(err)
					}
					alchemy.SetResetAlways(c, mode == "rollback-always")
					db = sql.OpenDB(c)
					defer db.Close()
				}
				ctx := context.Background()
				var one int
				b.ResetTimer()
				for b.Loop() {
					if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
