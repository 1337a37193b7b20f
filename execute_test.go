package alchemy_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// TestEngineTypedParams runs Execute with several Params (executemany),
// Query with one, and reads typed values through an Engine and a Conn,
// on SQLite and the real servers.
func TestEngineTypedParams(t *testing.T) {
	urls := map[string]func(testing.TB) string{
		"sqlite":     func(testing.TB) string { return "sqlite://" },
		"postgresql": testdb.Postgres,
		"mysql":      testdb.MySQL,
	}
	for name, newURL := range urls {
		t.Run(name, func(t *testing.T) {
			eng, err := alchemy.CreateEngine(newURL(t), alchemy.PoolSize(1), alchemy.MaxOverflow(0))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			ctx := context.Background()
			md := metadata.New()
			ev := md.Table(testdb.UniqueName("events"),
				metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
				metadata.Column("at", types.DateTime()),
				metadata.Column("ok", types.Boolean()))
			if err := md.CreateAll(ctx, eng); err != nil {
				t.Fatal(err)
			}
			defer md.DropAll(ctx, eng)
			at := time.Date(2026, 12, 2, 10, 30, 0, 0, time.UTC)
			res, err := eng.Execute(ctx, sqlexpr.Insert(ev),
				sqlexpr.Params{"at": at, "ok": true}, sqlexpr.Params{"at": at.Add(time.Hour), "ok": false})
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n != 2 {
				t.Errorf("RowsAffected = %d", n)
			}
			byOK := sqlexpr.Select(ev.C("at")).Where(ev.C("ok").Eq(sqlexpr.BindParam("ok")))
			rows, err := eng.Query(ctx, byOK, sqlexpr.Params{"ok": false})
			if err != nil {
				t.Fatal(err)
			}
			v, err := rows.ScalarOne()
			if err != nil || v != any(at.Add(time.Hour)) {
				t.Errorf("ScalarOne = %T %v, %v; want the time.Time %v", v, v, err, at.Add(time.Hour))
			}
			err = eng.Begin(ctx, func(c *alchemy.Conn) error {
				row := c.QueryRow(ctx, byOK, sqlexpr.Params{"ok": true})
				var got time.Time
				if err := row.Scan(&got); err != nil || !got.Equal(at) {
					t.Errorf("Conn.QueryRow = %v, %v", got, err)
				}
				_, err := c.Execute(ctx, sqlexpr.Update(ev).Values(sqlexpr.Values{"ok": sqlexpr.BindParam("ok")}),
					sqlexpr.Params{"ok": true})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			n, err := sqlexpr.One[int64](ctx, eng, sqlexpr.Select(sqlexpr.Count()).From(ev).Where(ev.C("ok").Eq(true)))
			if err != nil || n != 2 {
				t.Errorf("after the UPDATE, %d rows ok (%v)", n, err)
			}
			if _, err := eng.Query(ctx, byOK); !errors.Is(err, sqlexpr.ErrInvalid) {
				t.Errorf("Query without its Params: %v", err)
			}
		})
	}
}
