package mysql

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/dialects"
)

func testFailover(t *testing.T, q url.Values) *failover {
	t.Helper()
	c, err := newFailover(dialects.ConnParams{
		Hosts: []dialects.HostPort{{Host: "a", Port: 1}, {Host: "b", Port: 2}, {Host: "c", Port: 3}},
		Query: q,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.(*failover)
}

// TestFailoverOrder: servers in the URL's order; one that failed goes
// last until host_retry_after has passed, then is tried first again.
func TestFailoverOrder(t *testing.T) {
	f := testFailover(t, url.Values{"host_retry_after": {"10"}})
	now := time.Unix(1000, 0)
	f.now = func() time.Time { return now }
	want := func(order ...int) {
		t.Helper()
		got := f.order()
		for i := range order {
			if got[i] != order[i] {
				t.Fatalf("order = %v, want %v", got, order)
			}
		}
	}
	want(0, 1, 2)
	f.markDown(0)
	want(1, 2, 0)
	now = now.Add(5 * time.Second)
	f.markDown(1)
	want(2, 0, 1) // both down: the one that recovers first is tried first
	if st := f.Servers(); !st[0].Down || !st[1].Down || st[2].Down || st[0].Addr != "a:1" {
		t.Errorf("Servers() = %+v", st)
	}
	now = now.Add(6 * time.Second) // a's 10 s are over: fail back to it
	want(0, 2, 1)
	f.HostDown(&hostConn{f: f, host: 2}, nil)
	want(0, 1, 2)
}

// TestFailoverRandom: load_balance_hosts=random puts each usable server
// first about equally often, and down servers still last.
func TestFailoverRandom(t *testing.T) {
	f := testFailover(t, url.Values{"load_balance_hosts": {"random"}})
	first := map[int]int{}
	for range 3000 {
		first[f.order()[0]]++
	}
	for i := range 3 {
		if first[i] < 800 || first[i] > 1200 {
			t.Errorf("server %d first %d times of 3000, want about 1000", i, first[i])
		}
	}
	f.markDown(1)
	for range 100 {
		if o := f.order(); o[2] != 1 {
			t.Fatalf("order = %v, want the down server last", o)
		}
	}
}

func TestFailoverBadKeys(t *testing.T) {
	for _, q := range []url.Values{
		{"load_balance_hosts": {"sometimes"}},
		{"host_retry_after": {"-1"}},
		{"host_retry_after": {"soon"}},
	} {
		if _, err := newFailover(dialects.ConnParams{Hosts: []dialects.HostPort{{Host: "a", Port: 1}, {Host: "b", Port: 2}}, Query: q}); err == nil {
			t.Errorf("%v accepted", q)
		}
	}
	if _, err := openMySQL(dialects.ConnParams{Host: "a", Query: url.Values{"host_retry_after": {"5"}}}); err == nil {
		t.Error("host_retry_after on a single-host URL accepted")
	}
}

// TestConfigKeepsValues: driver parameters reach go-sql-driver/mysql as
// written (charset lists are comma-separated).
func TestConfigKeepsValues(t *testing.T) {
	cfg, err := Config(dialects.ConnParams{Host: "h", Query: url.Values{
		"charset": {"none,utf8mb4"}, "loc": {"Europe/Berlin"}, "parseTime": {"true"}, "sql_mode": {"'ANSI_QUOTES,STRICT_ALL_TABLES'"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Params["charset"]; got != "" && got != "none,utf8mb4" {
		t.Errorf("charset reached the driver as %q", got)
	}
	if cfg.Loc == nil || cfg.Loc.String() != "Europe/Berlin" || !cfg.ParseTime {
		t.Errorf("loc %v parseTime %v", cfg.Loc, cfg.ParseTime)
	}
	if got := cfg.Params["sql_mode"]; got != "'ANSI_QUOTES,STRICT_ALL_TABLES'" {
		t.Errorf("sql_mode reached the driver as %q", got)
	}
	dsn := cfg.FormatDSN()
	if !strings.Contains(dsn, "charset=none,utf8mb4") && !strings.Contains(dsn, "charset=none%2Cutf8mb4") {
		t.Logf("dsn %s", dsn)
	}
}
