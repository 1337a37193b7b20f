package mysql

import (
	"database/sql"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// FuzzConfig checks that the settings of a URL reach go-sql-driver/mysql
// unchanged: user, password and database whatever bytes they hold, and
// the value of a session variable (a key the driver does not know, which
// it sets with SET on connect) — including '+', '&', '/' and '%', which
// the driver's own DSN syntax gives a meaning.
func FuzzConfig(f *testing.F) {
	f.Add("root", "", "shop", "'+00:00'", uint16(0))
	f.Add("a@b", "p@ss/w:rd?#", "db/x", "a&b=c/d%e", uint16(3307))
	f.Add("ünï", "%41", "%2F", "x+y z", uint16(1))
	f.Fuzz(func(t *testing.T, user, password, database, value string, port uint16) {
		if !utf8.ValidString(value) {
			return
		}
		p := dialects.ConnParams{Dialect: Dialect, Host: "db.internal", Port: int(port), User: user,
			Password: password, HasPassword: password != "", Database: database,
			Query: url.Values{"time_zone": {value}}}
		cfg, err := Config(p)
		if err != nil {
			t.Fatalf("Config with time_zone=%q: %v", value, err)
		}
		if cfg.User != user || cfg.Passwd != password || cfg.DBName != database || cfg.Params["time_zone"] != value {
			t.Fatalf("Config read back user %q password %q database %q time_zone %q, want %q %q %q %q",
				cfg.User, cfg.Passwd, cfg.DBName, cfg.Params["time_zone"], user, password, database, value)
		}
		if !strings.HasPrefix(cfg.Addr, "db.internal:") {
			t.Fatalf("Addr = %q", cfg.Addr)
		}
	})
}

// FuzzEnumLabels round-trips enum labels through the COLUMN_TYPE text
// MySQL keeps (enum('a','it”s')), written as the dialect quotes them.
func FuzzEnumLabels(f *testing.F) {
	f.Add("happy\x00sad")
	f.Add(`it's\x00back\slash\x00''`)
	f.Add(`\'\x00,`)
	f.Fuzz(func(t *testing.T, joined string) {
		enumLabels(joined) // arbitrary text: no panic
		labels := strings.Split(joined, "\x00")
		for _, l := range labels {
			if l == "" || !utf8.ValidString(l) {
				return
			}
		}
		columnType := "enum(" + types.Enum("", labels...).Labels(Dialect, ",") + ")"
		got := enumLabels(columnType)
		if strings.Join(got, "\x00") != joined {
			t.Fatalf("%s read back as %q, want %q", columnType, got, labels)
		}
	})
}

// FuzzParseType checks that the types information_schema describes map
// to types that render on MySQL again (reflect + CreateAll, and Diff,
// which compares types by their DDL). The input is built the way MySQL
// writes DATA_TYPE and COLUMN_TYPE, so that it is one MySQL can hold.
func FuzzParseType(f *testing.F) {
	f.Add(uint8(0), uint16(25), uint8(10), uint8(2))
	f.Add(uint8(1), uint16(0), uint8(0), uint8(0))
	f.Add(uint8(5), uint16(36), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, kind uint8, length uint16, precision, scale uint8) {
		dataTypes := []string{"varchar", "char", "int", "bigint", "decimal", "char", "tinyint", "text", "datetime", "double", "json"}
		dt := dataTypes[int(kind)%len(dataTypes)]
		n, p, s := int(length), int(precision)%66, int(scale)%31
		if p == 0 {
			p = 10 // MySQL's DECIMAL always has a precision
		}
		if s > p {
			s = p
		}
		columnType := dt
		switch dt {
		case "varchar", "char":
			columnType = dt + "(" + itoa(n) + ")"
		case "decimal":
			columnType = "decimal(" + itoa(p) + "," + itoa(s) + ")"
		case "tinyint":
			columnType = "tinyint(" + itoa(n%5) + ")"
		}
		typ := parseType(dt, columnType, n, p, s)
		if _, err := typ.DDL(Dialect); err != nil {
			t.Fatalf("parseType(%q, %q) = %v, which does not render: %v", dt, columnType, typ, err)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestSessionVariableWithPlusReachesTheServer is FuzzConfig's finding
// checked on a real server: time_zone='+00:00' in the URL is the time
// zone the session gets.
func TestSessionVariableWithPlusReachesTheServer(t *testing.T) {
	raw := os.Getenv("ALCHEMY_TEST_MYSQL_URL")
	if raw == "" {
		t.Skip("set ALCHEMY_TEST_MYSQL_URL (for example mysql://root@127.0.0.1:3306/test) to run this against a server")
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(u.Port())
	pw, hasPW := u.User.Password()
	p := dialects.ConnParams{Dialect: Dialect, Host: u.Hostname(), Port: port, User: u.User.Username(),
		Password: pw, HasPassword: hasPW, Query: url.Values{"time_zone": {"'+05:30'"}}}
	c, err := Driver.OpenConnector(p)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	var tz string
	if err := db.QueryRow("SELECT @@session.time_zone").Scan(&tz); err != nil {
		t.Fatal(err)
	}
	if tz != "+05:30" {
		t.Fatalf("session time_zone = %q, want +05:30", tz)
	}
}
