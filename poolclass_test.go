package alchemy_test

import (
	"context"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
)

// TestPoolClasses: NullPool keeps no connection (each checkout opens one,
// each checkin closes it: the server's session count goes back to 0);
// StaticPool keeps exactly one for every checkout.
func TestPoolClasses(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			raw := s.newURL(t)
			admin := s.admin(t)
			name := dbName(t, raw)
			ctx := context.Background()

			db := openDB(t, withQuery(raw, "poolclass=null"))
			pool := poolOf(t, db)
			if pool.Status() != "NullPool" {
				t.Errorf("Status() = %q", pool.Status())
			}
			var wg sync.WaitGroup
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := db.ExecContext(ctx, s.sleep); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			// A closed session leaves the server's list a moment after
			// the client's close: poll.
			if n := sessionsSettle(t, s, admin, name, 0); n != 0 {
				t.Errorf("NullPool: %d sessions left on the server, want 0", n)
			}
			if st := pool.Stats(); st.Opens < 8 || st.Idle != 0 || st.Opens != st.Closes {
				t.Errorf("NullPool stats %+v", st)
			}
			db.Close()

			sdb := openDB(t, withQuery(raw, "poolclass=static&pool_size=7"))
			spool := poolOf(t, sdb)
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := sdb.ExecContext(ctx, s.sleep); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if st := spool.Stats(); st.Opens != 1 || st.Idle != 1 {
				t.Errorf("StaticPool stats %+v, want one connection, kept", st)
			}
			if n := serverConns(t, admin, s.connCount, name); n != 1 {
				t.Errorf("StaticPool: %d sessions on the server, want 1", n)
			}
		})
	}
	if _, err := alchemy.CreateEngine("sqlite://?poolclass=bogus"); err == nil {
		t.Error("poolclass=bogus accepted")
	}
}
