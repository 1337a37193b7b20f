package postgresql

import (
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/go-alchemy/alchemy/dialects"
)

func TestConnStringHostList(t *testing.T) {
	p := dialects.ConnParams{
		User: "u", Host: "h1", Port: 5441, Database: "db",
		Hosts: []dialects.HostPort{{Host: "h1", Port: 5441}, {Host: "h2", Port: 5442}, {Host: "::1", Port: 5443}},
		Query: url.Values{"target_session_attrs": {"read-write"}, "load_balance_hosts": {"random"}},
	}
	got := ConnString(p)
	want := "postgres://u@h1:5441,h2:5442,[::1]:5443/db?target_session_attrs=read-write"
	if got != want {
		t.Errorf("ConnString = %q, want %q", got, want)
	}
	cfg, err := pgx.ParseConfig(got)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "h1" || len(cfg.Fallbacks) < 2 {
		t.Errorf("pgx read %s with %d fallbacks", cfg.Host, len(cfg.Fallbacks))
	}
}

// TestShuffleHosts: each server comes first about equally often, and a
// server's TLS and plain attempts stay together, TLS first.
func TestShuffleHosts(t *testing.T) {
	base, err := pgx.ParseConfig("postgres://u@h1:1,h2:2,h3:3/db?sslmode=prefer")
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]int{}
	for range 3000 {
		cfg := base.Copy()
		shuffleHosts(cfg)
		first[cfg.Host]++
		all := append([]string{cfg.Host}, nil...)
		tls := []bool{cfg.TLSConfig != nil}
		for _, f := range cfg.Fallbacks {
			all = append(all, f.Host)
			tls = append(tls, f.TLSConfig != nil)
		}
		if len(all) != 6 {
			t.Fatalf("%d attempts after shuffling, want 6", len(all))
		}
		for i := 0; i < 6; i += 2 {
			if all[i] != all[i+1] || !tls[i] || tls[i+1] {
				t.Fatalf("attempts %v (tls %v): a server's two attempts were split or reordered", all, tls)
			}
		}
	}
	for _, h := range []string{"h1", "h2", "h3"} {
		if first[h] < 800 || first[h] > 1200 {
			t.Errorf("%s first %d times of 3000, want about 1000", h, first[h])
		}
	}
}
