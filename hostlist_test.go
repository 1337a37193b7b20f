package alchemy_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/dialects/mysql"
)

// deadAddr returns a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// withHosts rewrites the host part of a test URL to hosts.
func withHosts(t *testing.T, raw, hosts string) string {
	t.Helper()
	scheme, rest, _ := strings.Cut(raw, "://")
	at := strings.LastIndexByte(rest, '@')
	slash := strings.IndexByte(rest[at+1:], '/')
	return scheme + "://" + rest[:at+1] + hosts + rest[at+1+slash:]
}

// TestHostListFailover: the first server of the list refuses
// connections; the engine uses the next one, and the failed one is
// skipped afterwards (MariaDB: alchemy's failover; PostgreSQL: pgx's).
func TestHostListFailover(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			raw := s.newURL(t)
			u, err := alchemy.ParseURL(raw)
			if err != nil {
				t.Fatal(err)
			}
			live := u.Host + ":" + map[string]string{"postgresql": "5432", "mariadb": "3306"}[s.name]
			if u.Port != 0 {
				live = net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
			}
			dead := deadAddr(t)
			url := withHosts(t, raw, dead+","+live)
			eng, err := alchemy.CreateEngine(url)
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			if !strings.Contains(eng.String(), dead+","+live) {
				t.Errorf("Engine.String() = %s, want both servers with their ports", eng)
			}
			ctx := context.Background()
			for range 3 {
				var one int
				if err := eng.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
					t.Fatalf("a query through the host list failed: %v", err)
				}
				eng.Dispose() // a new connection each time: the dial goes through the list again
			}
			if s.name == "mariadb" {
				c, err := alchemy.ConnectorOf(ctx, eng.DB())
				if err != nil {
					t.Fatal(err)
				}
				st := c.Underlying().(interface{ Servers() []mysql.ServerState }).Servers()
				if len(st) != 2 || !st[0].Down || st[1].Down {
					t.Errorf("servers = %+v, want the dead one marked down", st)
				}
			}
			// Every server down: the error names each one.
			eng2, err := alchemy.CreateEngine(withHosts(t, raw, dead+","+deadAddr(t)))
			if err != nil {
				t.Fatal(err)
			}
			defer eng2.Close()
			err = eng2.DB().PingContext(ctx)
			if err == nil || !strings.Contains(err.Error(), dead) {
				t.Errorf("all servers down: %v, want an error naming %s", err, dead)
			}
			var ce *alchemy.ConnectError
			if !errors.As(err, &ce) {
				t.Errorf("all servers down: %T, want *alchemy.ConnectError", err)
			}
		})
	}
}

// TestHostListLoadBalance: load_balance_hosts=random is read by alchemy
// (pgx does not know it, and the server would reject it as a run-time
// parameter) and every connection still reaches a server of the list.
// The spread itself is tested on the bindings' shuffling.
func TestHostListLoadBalance(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			raw := s.newURL(t)
			port := map[string]string{"postgresql": "5432", "mariadb": "3306"}[s.name]
			url := withQuery(withHosts(t, raw, "127.0.0.1:"+port+",localhost:"+port), "load_balance_hosts=random&pool_size=0")
			eng, err := alchemy.CreateEngine(url)
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			ctx := context.Background()
			for range 10 {
				var one int
				if err := eng.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
					t.Fatal(err)
				}
				eng.Dispose()
			}
			bad := withQuery(withHosts(t, raw, "127.0.0.1:"+port+",localhost:"+port), "load_balance_hosts=sometimes")
			if _, err := alchemy.CreateEngine(bad); err == nil || !strings.Contains(err.Error(), "want disable or random") {
				t.Errorf("load_balance_hosts=sometimes: %v, want an error naming the values", err)
			}
		})
	}
}
