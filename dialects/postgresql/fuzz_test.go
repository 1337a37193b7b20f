package postgresql

import (
	"database/sql"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
)

// fuzzHosts are the hosts FuzzConnString picks from: a host name is not
// free text in a URL, so the fuzzer varies what is (user, password,
// database, parameters) and the port.
var fuzzHosts = []string{"localhost", "db.internal", "127.0.0.1", "::1", "fe80::1%eth0"}

// FuzzConnString round-trips the connection settings through the
// connection string pgx parses: whatever bytes the user name, password,
// database name and a parameter value hold, pgx must read back the same
// values (a password with '@' or '/' must not move the host).
func FuzzConnString(f *testing.F) {
	f.Add("app", "s3cret", "shop", "alchemy", uint8(0), uint16(5432))
	f.Add("a@b", "p@ss/w:rd?#", "db name/with?odd#chars", "x=y&z", uint8(1), uint16(0))
	f.Add("ünï", "%41%", "%2F", "", uint8(3), uint16(6432))
	f.Fuzz(func(t *testing.T, user, password, database, appName string, hostIdx uint8, port uint16) {
		if user == "" || strings.ContainsRune(user+password+database+appName, 0) ||
			!utf8.ValidString(user+password+database+appName) {
			return // libpq strings end at NUL; an empty user falls back to the OS user
		}
		host := fuzzHosts[int(hostIdx)%len(fuzzHosts)]
		p := dialects.ConnParams{Dialect: Dialect, Host: host, Port: int(port), User: user,
			Password: password, HasPassword: true, Database: database,
			Query: url.Values{"application_name": {appName}, "sslmode": {"disable"}}}
		cs := ConnString(p)
		cfg, err := pgconn.ParseConfig(cs)
		if err != nil {
			t.Fatalf("ConnString(%+v) = %q, which pgx rejects: %v", p, cs, err)
		}
		wantPort := uint16(5432)
		if port != 0 {
			wantPort = port
		}
		if cfg.User != user || cfg.Password != password || cfg.Database != database || cfg.Host != host ||
			cfg.Port != wantPort || cfg.RuntimeParams["application_name"] != appName {
			t.Fatalf("ConnString = %q read back as user %q password %q database %q host %q port %d application_name %q",
				cs, cfg.User, cfg.Password, cfg.Database, cfg.Host, cfg.Port, cfg.RuntimeParams["application_name"])
		}
	})
}

// FuzzParseType checks that any format_type text reflects to a type that
// renders on PostgreSQL again, the precondition for reflect + CreateAll
// and for Diff, which compares types by their DDL.
func FuzzParseType(f *testing.F) {
	for _, s := range []string{"integer", "bigint", "character varying(25)", "character varying", "numeric(10,2)", "numeric",
		"timestamp without time zone", "timestamp with time zone", "time(3) with time zone", "boolean", "jsonb", "uuid",
		"interval", "bytea", "double precision", "real", "text", "tsvector", "character(2)", "integer[]", "\"Mood\"",
		"numeric(99999999999999999999)", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, format string) {
		typ := parseType(format)
		if typ == nil {
			t.Fatalf("parseType(%q) = nil", format)
		}
		if format == "" {
			return // format_type never prints an empty type
		}
		if _, err := typ.DDL(Dialect); err != nil {
			t.Fatalf("parseType(%q) = %v, which does not render: %v", format, typ, err)
		}
	})
}

// FuzzParseDefault round-trips string defaults through the text
// pg_get_expr prints for them: a quoted literal, quotes doubled, with a
// cast such as ::character varying.
func FuzzParseDefault(f *testing.F) {
	for _, s := range []string{"", "x", "it's", "''", "now()", "a::b"} {
		f.Add(s, "::character varying")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, s, cast string) {
		parseDefault(s + cast) // arbitrary text: no panic
		if cast != "" && cast != "::character varying" && cast != "::text" {
			return
		}
		lit := Dialect.QuoteString(s) + cast
		d := parseDefault(lit)
		if d == nil || d.Kind != metadata.DefaultLiteral || d.Text != s {
			t.Fatalf("default %s read back as %+v, want the literal %q", lit, d, s)
		}
	})
}

// TestConnStringSpacesReachTheServer is FuzzConnString's finding checked
// on a real server: a parameter value with spaces (options, the usual
// way to set a session default) reaches PostgreSQL as written, not with
// '+' in place of the spaces.
func TestConnStringSpacesReachTheServer(t *testing.T) {
	raw := os.Getenv("ALCHEMY_TEST_POSTGRES_URL")
	if raw == "" {
		t.Skip("set ALCHEMY_TEST_POSTGRES_URL (for example postgresql://postgres@127.0.0.1:5432/test) to run this against a server")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(u.Port())
	pw, hasPW := u.User.Password()
	p := dialects.ConnParams{Dialect: Dialect, Host: u.Hostname(), Port: port, User: u.User.Username(),
		Password: pw, HasPassword: hasPW, Database: strings.TrimPrefix(u.Path, "/"),
		Query: url.Values{"application_name": {"alchemy fuzz test"}, "options": {"-c statement_timeout=1234"}}}
	c, err := PgxDriver.OpenConnector(p)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	var app, timeout string
	if err := db.QueryRow("SELECT current_setting('application_name'), current_setting('statement_timeout')").Scan(&app, &timeout); err != nil {
		t.Fatal(err)
	}
	if app != "alchemy fuzz test" || timeout != "1234ms" {
		t.Fatalf("the server got application_name %q and statement_timeout %q, want %q and %q", app, timeout, "alchemy fuzz test", "1234ms")
	}
}
