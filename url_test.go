package alchemy

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want URL
	}{
		{"postgresql+pgx://john:secret@localhost:5432/test_db?pool_size=10&max_overflow=5",
			URL{Dialect: "postgresql", Driver: "pgx", Username: "john", Password: "secret", PasswordSet: true,
				Host: "localhost", Port: 5432, Database: "test_db",
				Query: url.Values{"pool_size": {"10"}, "max_overflow": {"5"}}}},
		{"mysql://root@127.0.0.1:3306/test",
			URL{Dialect: "mysql", Username: "root", Host: "127.0.0.1", Port: 3306, Database: "test", Query: url.Values{}}},
		{"postgresql+psycopg2://scott:p%40ss%2Fw%3Ard@host:5433/db?sslmode=require",
			URL{Dialect: "postgresql", Driver: "psycopg2", Username: "scott", Password: "p@ss/w:rd", PasswordSet: true,
				Host: "host", Port: 5433, Database: "db", Query: url.Values{"sslmode": {"require"}}}},
		{"postgresql://us%20er:p%2Bw+x@h/my%20db?x=a+b%20c",
			URL{Dialect: "postgresql", Username: "us er", Password: "p+w+x", PasswordSet: true,
				Host: "h", Database: "my db", Query: url.Values{"x": {"a b c"}}}},
		{"postgresql://user:@h/db", URL{Dialect: "postgresql", Username: "user", PasswordSet: true, Host: "h", Database: "db", Query: url.Values{}}},
		{"postgresql://u:pw@h1:5441,h2,[::1]:5443/db?target_session_attrs=read-write", URL{Dialect: "postgresql", Username: "u", Password: "pw", PasswordSet: true,
			Host: "h1", Port: 5441, Hosts: []HostPort{{Host: "h1", Port: 5441}, {Host: "h2"}, {Host: "::1", Port: 5443}},
			Database: "db", Query: url.Values{"target_session_attrs": {"read-write"}}}},
		{"sqlite:///f.db?_pragma=a(1)&_pragma=b(2)", URL{Dialect: "sqlite", Database: "f.db", Query: url.Values{"_pragma": {"a(1)", "b(2)"}}}},
		{"postgresql://u:S3cret?PW@h/db?x=1", URL{Dialect: "postgresql", Username: "u", Password: "S3cret?PW", PasswordSet: true, Host: "h", Database: "db", Query: url.Values{"x": {"1"}}}},
		{"postgresql://u:a/b@h/db", URL{Dialect: "postgresql", Username: "u", Password: "a/b", PasswordSet: true, Host: "h", Database: "db", Query: url.Values{}}},
		{"postgresql://u:pw@[::1]:5432/db", URL{Dialect: "postgresql", Username: "u", Password: "pw", PasswordSet: true, Host: "::1", Port: 5432, Database: "db", Query: url.Values{}}},
		{"postgresql://[fe80::1%25eth0]/db", URL{Dialect: "postgresql", Host: "fe80::1%25eth0", Database: "db", Query: url.Values{}}},
		{"postgres://h", URL{Dialect: "postgres", Host: "h", Query: url.Values{}}},
		{"postgresql://h:5432", URL{Dialect: "postgresql", Host: "h", Port: 5432, Query: url.Values{}}},
		{"sqlite:///relative.db", URL{Dialect: "sqlite", Database: "relative.db", Query: url.Values{}}},
		{"sqlite:////abs/path.db", URL{Dialect: "sqlite", Database: "/abs/path.db", Query: url.Values{}}},
		{"sqlite://", URL{Dialect: "sqlite", Query: url.Values{}}},
		{"sqlite:///:memory:", URL{Dialect: "sqlite", Database: ":memory:", Query: url.Values{}}},
		{"sqlite:///dir@x/file.db", URL{Dialect: "sqlite", Database: "dir@x/file.db", Query: url.Values{}}},
		{"sqlite+modernc:///app.db?journal_mode=wal", URL{Dialect: "sqlite", Driver: "modernc", Database: "app.db", Query: url.Values{"journal_mode": {"wal"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseURL(tt.in)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			again, err := ParseURL(got.RenderAsString(false))
			if err != nil {
				t.Fatalf("reparse of %q: %v", got.RenderAsString(false), err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("render/parse round trip (-first +second):\n%s", diff)
			}
		})
	}
}

func TestURLStringMasksPassword(t *testing.T) {
	tests := []struct{ in, masked, revealed string }{
		{"postgresql+pgx://john:secret@localhost:5432/db", "postgresql+pgx://john:***@localhost:5432/db", "postgresql+pgx://john:secret@localhost:5432/db"},
		{"postgresql://user:@h/db", "postgresql://user:***@h/db", "postgresql://user:@h/db"},
		{"postgresql://us%40er:p%40ss%2Fw%3Ard%25@h/d?k=v+w", "postgresql://us%40er:***@h/d?k=v+w", "postgresql://us%40er:p%40ss%2Fw%3Ard%25@h/d?k=v+w"},
		{"mysql://root@h/db?b=2&a=1", "mysql://root@h/db?a=1&b=2", "mysql://root@h/db?a=1&b=2"},
		{"postgresql://u:pw@[::1]:5432/db", "postgresql://u:***@[::1]:5432/db", "postgresql://u:pw@[::1]:5432/db"},
	}
	for _, tt := range tests {
		u, err := ParseURL(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.String(); got != tt.masked {
			t.Errorf("String() = %q, want %q", got, tt.masked)
		}
		if got := u.RenderAsString(false); got != tt.revealed {
			t.Errorf("RenderAsString(false) = %q, want %q", got, tt.revealed)
		}
	}
}

func TestURLFormattingNeverShowsThePassword(t *testing.T) {
	u, err := ParseURL("postgresql://john:hunter2@h/db")
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{u, *u} {
			if got := fmt.Sprintf(verb, v); strings.Contains(got, "hunter2") {
				t.Errorf("fmt %s of %T shows the password: %s", verb, v, got)
			}
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	const secret = "s3cr3t-pw"
	tests := []struct{ in, want string }{
		{"not a url", `expected "dialect[+driver]://…"`},
		{"://h/db", "dialect name"},
		{"post gres://h/db", "dialect name"},
		{"postgresql+://h/db", `expected "dialect" or "dialect+driver"`},
		{"postgresql+pgx+x://h/db", `expected "dialect" or "dialect+driver"`},
		{"postgresql://u:" + secret + "@h:abc/db", `port "abc"`},
		{"postgresql://u:" + secret + "@h:0/db", `port "0"`},
		{"postgresql://u:" + secret + "@h:70000/db", `port "70000"`},
		{"postgresql://u:" + secret + "@[::1/db", "unterminated '['"},
		{"postgresql://u:" + secret + "@[::1]x/db", "after the IPv6 host"},
		{"postgresql://u%zz:" + secret + "@h/db", "user name"},
		{"postgresql://u:" + secret + "%zz@h/db", "bad percent-encoding in the password"},
		{"postgresql://u:" + secret + "@h/db?a=%zz", "malformed query"},
		{"postgresql://u:" + secret + "@h/d%zzb", "malformed database name"},
		// Issue 10's malformed URLs: the password must stay hidden however
		// the URL is broken, and nothing is silently guessed.
		{"postgresql://u:" + secret + "?PW@h:abc/db", `port "abc"`},
		{"postgresql://u:" + secret + "@x@h/db", "percent-encode '@'"},
		{"postgresql://u:x@" + secret + "@h/db", "percent-encode '@'"},
		{"postgresql://u:" + secret + "@h/db?pool_size=5&pool_size=abc", `"pool_size" is given 2 times`},
		{"postgresql://u:" + secret + "@h1,,h2:5442/db", "empty host in the list"},
		{"postgresql://u:" + secret + "@h1:5441,h2:x/db", `port "x"`},
		{"postgresql://u:" + secret + "@h1:5441,[::1/db", "unterminated '['"},
	}
	for _, tt := range tests {
		_, err := ParseURL(tt.in)
		if err == nil {
			t.Errorf("ParseURL(%q): no error", tt.in)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseURL(%q) = %q, want it to mention %q", tt.in, err, tt.want)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("ParseURL(%q) error shows the password: %q", tt.in, err)
		}
		var ue *URLError
		if !errors.As(err, &ue) {
			t.Errorf("ParseURL(%q) error is %T, want *URLError", tt.in, err)
		}
	}
}

func TestPoolConfigFromURL(t *testing.T) {
	u, err := ParseURL("postgresql://h/db?pool_size=10&max_overflow=-1&pool_timeout=2.5&pool_recycle=3600&pool_pre_ping=true&pool_use_lifo=1&pool_reset_on_return=commit&sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := PoolConfigFromURL(u, DefaultPoolConfig())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Size != 10 || cfg.MaxOverflow != -1 || cfg.Timeout != 2500*time.Millisecond || cfg.Recycle != time.Hour ||
		!cfg.PrePing || !cfg.UseLIFO || cfg.ResetOnReturn != ResetCommit {
		t.Errorf("config = %+v", cfg)
	}
	if q := u.DriverQuery(); len(q) != 1 || q.Get("sslmode") != "disable" {
		t.Errorf("DriverQuery() = %v, want only sslmode", q)
	}
	def, _ := ParseURL("postgresql://h/db?pool_recycle=-1")
	cfg, err = PoolConfigFromURL(def, DefaultPoolConfig())
	if err != nil || cfg.Size != 5 || cfg.MaxOverflow != 10 || cfg.Timeout != 30*time.Second || cfg.Recycle != 0 || cfg.ResetOnReturn != ResetRollback {
		t.Errorf("defaults = %+v, %v", cfg, err)
	}
}

func TestPoolConfigFromURLErrors(t *testing.T) {
	tests := []struct{ query, want string }{
		{"pool_size=-1", "pool_size"},
		{"pool_size=five", "pool_size"},
		{"max_overflow=-2", "max_overflow"},
		{"pool_timeout=soon", "pool_timeout"},
		{"pool_timeout=-3", "cannot be negative"},
		{"pool_timeout=NaN", "pool_timeout"},
		{"pool_recycle=-5", "use -1"},
		{"pool_pre_ping=maybe", "pool_pre_ping"},
		{"pool_use_lifo=2", "pool_use_lifo"},
		{"pool_reset_on_return=bogus", "bogus"},
		{"pool_sise=3", "unknown pool setting"},
		{"pool_size=9223372036854775807", "at most 100000"},
		{"pool_size=1000000000000", "at most 100000"},
		{"max_overflow=100001", "at most 100000"},
	}
	for _, tt := range tests {
		u, err := ParseURL("postgresql://u:hunter2@h/db?" + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		_, err = PoolConfigFromURL(u, DefaultPoolConfig())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.query, err, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error shows the password: %v", tt.query, err)
		}
	}
}

func TestMaskRawURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgresql://u:pw@h:x/db", "postgresql://u:***@h:x/db"},
		{"postgresql://u:p@w@h/db", "postgresql://u:***@h/db"},
		{"postgresql://h:5432/db", "postgresql://h:5432/db"},
		{"garbage u:pw@h", "***"},
		{"postgresql://u:S3cret?PW@host/db", "postgresql://u:***@host/db"},
		{"postgresql://u:S3/c?r@t@host/db?x=1", "postgresql://u:***@host/db?x=1"},
	}
	for _, tt := range tests {
		if got := maskRawURL(tt.in); got != tt.want {
			t.Errorf("maskRawURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"postgresql+pgx://john:secret@localhost:5432/test_db?pool_size=10",
		"mysql://root@127.0.0.1:3306/test", "sqlite:///app.db", "sqlite://", "sqlite:////abs/x.db",
		"postgresql://us%40er:p%40ss%2Fw%3Ard%25@[::1]:1/d?k=v+w&k=2", "a+b://:@:1/%2F?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			return
		}
		rendered := u.RenderAsString(false)
		again, err := ParseURL(rendered)
		if err != nil {
			t.Fatalf("ParseURL(%q) ok, but its rendering %q does not parse: %v", s, rendered, err)
		}
		if diff := cmp.Diff(u, again); diff != "" {
			t.Fatalf("round trip of %q via %q changed the URL:\n%s", s, rendered, diff)
		}
		if u.PasswordSet {
			prefix := strings.SplitN(rendered, "://", 2)[0] + "://" + escapeUserinfo(u.Username) + ":***@"
			if !strings.HasPrefix(u.String(), prefix) {
				t.Fatalf("String() of %q = %q does not mask the password", s, u.String())
			}
		}
	})
}

// FuzzURLNeverShowsPassword builds URLs around a password with arbitrary
// bytes and checks that no error and no String() shows it, however the
// rest of the URL fails to parse.
func FuzzURLNeverShowsPassword(f *testing.F) {
	for _, s := range [][2]string{
		{"S3cret?PW", "pool_size=5"}, {"a/b?c", "pool_size=5&pool_size=abc"}, {"x@y", ""},
		{"p:q", "pool_size=9223372036854775807"}, {"%zz", "x=%zz"}, {"]:[", "pool_timeout=x"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pw, query string) {
		secret := "Zq" + pw + "Qz" // distinctive, so a match is a leak, not chance
		for _, host := range []string{"h", "h:abc", "h1,h2:5442", "[::1]:1"} {
			raw := "postgresql://u:" + secret + "@" + host + "/db?" + query
			check := func(what, text string) {
				if strings.Contains(text, secret) {
					t.Fatalf("%s shows the password for %q: %s", what, raw, text)
				}
			}
			u, err := ParseURL(raw)
			if err != nil {
				check("ParseURL error", err.Error())
				continue
			}
			check("String()", u.String())
			check("%v", fmt.Sprintf("%v %+v %#v", u, u, u))
			if _, err := PoolConfigFromURL(u, DefaultPoolConfig()); err != nil {
				check("PoolConfigFromURL error", err.Error())
			}
			if c, err := NewConnector(raw); err != nil {
				check("NewConnector error", err.Error())
			} else {
				check("Connector.String()", c.String())
				check("Pool.Status()", c.Pool().Status())
				c.Close()
			}
		}
	})
}

// TestHostListPorts: a host of a list written without a port gets the
// dialect's default port, visibly, never another server's port.
func TestHostListPorts(t *testing.T) {
	u, err := ParseURL("postgresql://u:pw@h1,h2:5442/db")
	if err != nil {
		t.Fatal(err)
	}
	if got := u.String(); got != "postgresql://u:***@h1,h2:5442/db" {
		t.Errorf("String() = %q", got)
	}
	back, err := ParseURL(u.RenderAsString(false))
	if err != nil || !cmp.Equal(u, back) {
		t.Errorf("round trip: %v %v", cmp.Diff(u, back), err)
	}
	d := &dialects.Dialect{Name: "hostlist_test", DefaultPort: 5432, DefaultDriver: "x"}
	_ = dialects.Register(d) // a second -count run finds it registered
	dialects.RegisterDriver("hostlist_test", dialects.Driver{Name: "x", OpenConnector: func(p dialects.ConnParams) (driver.Connector, error) {
		if len(p.Hosts) != 2 || p.Hosts[0] != (HostPort{Host: "h1", Port: 5432}) || p.Hosts[1] != (HostPort{Host: "h2", Port: 5442}) {
			t.Errorf("ConnParams.Hosts = %v", p.Hosts)
		}
		return nopConnector{}, nil
	}})
	c, err := NewConnector("hostlist_test://u:pw@h1,h2:5442/db")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.String(); got != "alchemy.Connector(hostlist_test://u:***@h1:5432,h2:5442/db)" {
		t.Errorf("Connector.String() = %q: every server's port must show", got)
	}
}

type nopConnector struct{}

func (nopConnector) Connect(context.Context) (driver.Conn, error) { return nil, errors.New("nop") }
func (nopConnector) Driver() driver.Driver                        { return nil }
