package alchemy

import (
	"errors"

	"fmt"
	"github.com/go-alchemy/alchemy/dialects"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// URL is a parsed SQLAlchemy database URL:
//
//	dialect[+driver]://[user[:password]@][host][:port][/database][?key=value&…]
//
// Examples:
//
//	postgresql+pgx://john:secret@localhost:5432/test_db?pool_size=10&max_overflow=5
//	mysql://root@127.0.0.1:3306/test?parseTime=true
//	sqlite:///relative/app.db     (a path relative to the working directory)
//	sqlite:////abs/path/app.db    (an absolute path)
//	sqlite://  and  sqlite:///:memory:   (an in-memory database)
//
// User, password and database are percent-decoded; a password containing
// '@', ':' or '/' must be percent-encoded (%40, %3A, %2F). Host and port
// are taken as written; an IPv6 host is written in brackets. Query values
// are form-decoded, and a repeated key keeps all of its values.
//
// The query keys pool_size, max_overflow, pool_timeout, pool_recycle,
// pool_recycle_jitter, pool_pre_ping, pool_use_lifo, pool_reset_on_return
// and pool_leak_threshold configure the pool (see [PoolConfigFromURL]),
// echo turns on SQL logging (see [EchoConfig]); every other key is passed
// to the underlying driver.
//
// String never shows the password; [URL.RenderAsString] does when asked.
type URL struct {
	Dialect  string // as written, e.g. "postgresql" or its alias "postgres"
	Driver   string // empty: the dialect's default driver
	Username string
	Password string
	// PasswordSet distinguishes an empty password ("user:@host") from
	// none ("user@host").
	PasswordSet bool
	Host        string // without brackets; the first of Hosts when there are several
	Port        int    // 0: the driver's default
	// Hosts lists the servers of a URL with several
	// (h1:p1,h2:p2,[::1]:p3), in order; nil for one server. See
	// [URL.Servers].
	Hosts    []HostPort
	Database string
	Query    url.Values // never nil after ParseURL
}

// URLError reports a URL that cannot be used. Its text shows the URL with
// the password replaced by "***".
type URLError struct {
	URL string // masked
	Msg string
	Err error // the underlying cause, if any
}

func (e *URLError) Error() string {
	s := "alchemy: invalid URL " + strconv.Quote(e.URL) + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *URLError) Unwrap() error { return e.Err }

// ParseURL parses a SQLAlchemy URL. It does not check that the dialect
// is registered; the connector does that.
func ParseURL(raw string) (*URL, error) {
	bad := func(msg string, err error) (*URL, error) {
		return nil, &URLError{URL: maskRawURL(raw), Msg: msg, Err: err}
	}
	name, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return bad(`expected "dialect[+driver]://…"`, nil)
	}
	if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+") != "" {
		return bad("the dialect name may hold only letters, digits, '_' and one '+'", nil)
	}
	u := &URL{Query: url.Values{}}
	u.Dialect, u.Driver, _ = strings.Cut(name, "+")
	if u.Dialect == "" || strings.Contains(u.Driver, "+") || (strings.Contains(name, "+") && u.Driver == "") {
		return bad(`expected "dialect" or "dialect+driver" before "://"`, nil)
	}
	// The user info comes first, as in SQLAlchemy's grammar: the
	// password runs to the first '@', so an unencoded '?' or '/' in it is
	// still the password, never the query or the database (and never
	// quoted in an error).
	rest, err := u.parseUserinfo(rest)
	if err != nil {
		return bad("malformed user or password", err)
	}
	rest, query, hasQuery := strings.Cut(rest, "?")
	if authority, _, _ := strings.Cut(rest, "/"); strings.IndexByte(authority, '@') >= 0 {
		return bad("an '@' after the user info: percent-encode '@' in a password as %40", nil)
	}
	if hasQuery {
		q, err := url.ParseQuery(query)
		if err != nil {
			return bad("malformed query", err)
		}
		for k, vs := range q {
			if len(vs) > 1 && !multiValueKeys[k] {
				return bad(fmt.Sprintf("the key %q is given %d times; give it once", k, len(vs)), nil)
			}
		}
		u.Query = q
	}
	rest, msg := u.parseHostPort(rest)
	if msg != "" {
		return bad(msg, nil)
	}
	if rest != "" {
		// rest starts with '/': the database runs to the query.
		db, err := url.PathUnescape(rest[1:])
		if err != nil {
			return bad("malformed database name", err)
		}
		u.Database = db
	}
	return u, nil
}

// multiValueKeys are the query keys that may be repeated: modernc.org/sqlite
// takes one pragma per _pragma value. Any other repeated key is an error,
// not a silent choice of one of its values.
var multiValueKeys = map[string]bool{"_pragma": true}

// parseUserinfo consumes "user[:password]@" when present. The user runs
// to the first ':', '/', '?' or '@'; the password runs to the first '@'
// (SQLAlchemy's grammar), so a password may hold '?' and '/' unencoded.
func (u *URL) parseUserinfo(s string) (string, error) {
	i := strings.IndexAny(s, ":/@?")
	if i < 0 || s[i] == '/' || s[i] == '?' {
		return s, nil
	}
	user := s[:i]
	var pass string
	hasPass := false
	rest := s[i+1:]
	if s[i] == ':' {
		at := strings.IndexByte(rest, '@')
		if at < 0 {
			return s, nil // the ':' starts a port, not a password
		}
		pass, rest, hasPass = rest[:at], rest[at+1:], true
	}
	var err error
	if u.Username, err = url.PathUnescape(user); err != nil {
		return "", errors.New("bad percent-encoding in the user name")
	}
	if hasPass {
		if u.Password, err = url.PathUnescape(pass); err != nil {
			// The message must not quote the password.
			return "", errors.New("bad percent-encoding in the password")
		}
		u.PasswordSet = true
	}
	return rest, nil
}

// parseHostPort consumes the host part: "host[:port]", "[ipv6][:port]",
// or a comma-separated list of them, and returns the remainder (empty or
// starting with '/') or a message on error.
func (u *URL) parseHostPort(s string) (string, string) {
	authority, rest := s, ""
	if i := strings.IndexByte(s, '/'); i >= 0 {
		authority, rest = s[:i], s[i:]
	}
	if authority == "" {
		return rest, ""
	}
	parts := strings.Split(authority, ",")
	hosts := make([]HostPort, 0, len(parts))
	for _, part := range parts {
		h, msg := parseOneHost(part)
		if msg != "" {
			return "", msg
		}
		if h.Host == "" && len(parts) > 1 {
			return "", "an empty host in the list of hosts"
		}
		hosts = append(hosts, h)
	}
	u.Host, u.Port = hosts[0].Host, hosts[0].Port
	if len(hosts) > 1 {
		u.Hosts = hosts
	}
	return rest, ""
}

func parseOneHost(s string) (HostPort, string) {
	var h HostPort
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return h, "unterminated '[' in the IPv6 host"
		}
		h.Host, s = s[1:end], s[end+1:]
		if h.Host == "" {
			return h, "empty IPv6 host"
		}
		if s != "" && s[0] != ':' {
			return h, "unexpected text after the IPv6 host"
		}
	} else {
		end := strings.IndexByte(s, ':')
		if end < 0 {
			end = len(s)
		}
		h.Host, s = s[:end], s[end:]
	}
	if strings.HasPrefix(s, ":") {
		port := s[1:]
		if port != "" {
			n, err := strconv.Atoi(port)
			if err != nil || n < 1 || n > 65535 {
				return h, fmt.Sprintf("port %q is not a number between 1 and 65535", port)
			}
			h.Port = n
		}
	}
	return h, ""
}

// HostPort is one server of a URL's host list.
type HostPort = dialects.HostPort

// Servers returns the URL's hosts in order: Hosts when the URL lists
// several, else Host and Port.
func (u *URL) Servers() []HostPort {
	if len(u.Hosts) > 1 {
		return append([]HostPort(nil), u.Hosts...)
	}
	return []HostPort{{Host: u.Host, Port: u.Port}}
}

// String returns the URL with the password shown as "***". It has a
// value receiver so that a URL printed by value (%v, %+v) is masked too.
func (u URL) String() string { return u.RenderAsString(true) }

// GoString masks the password in %#v output as well.
func (u URL) GoString() string { return "alchemy.URL(" + strconv.Quote(u.RenderAsString(true)) + ")" }

// RenderAsString returns the URL, with the password as "***" when
// hidePassword is true. The unmasked form parses back to an equal URL.
func (u *URL) RenderAsString(hidePassword bool) string {
	var b strings.Builder
	b.WriteString(u.Dialect)
	if u.Driver != "" {
		b.WriteByte('+')
		b.WriteString(u.Driver)
	}
	b.WriteString("://")
	// A host that contains '@' needs the userinfo separator even when
	// there is no user, or it would be read as the userinfo.
	if u.Username != "" || u.PasswordSet || strings.Contains(u.Host, "@") {
		b.WriteString(escapeUserinfo(u.Username))
		if u.PasswordSet {
			b.WriteByte(':')
			if hidePassword {
				b.WriteString("***")
			} else {
				b.WriteString(escapeUserinfo(u.Password))
			}
		}
		b.WriteByte('@')
	}
	if len(u.Hosts) > 1 {
		for i, h := range u.Hosts {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(h.String())
		}
	} else {
		if strings.Contains(u.Host, ":") || strings.HasPrefix(u.Host, "[") {
			b.WriteString("[" + u.Host + "]")
		} else {
			b.WriteString(u.Host)
		}
		if u.Port != 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(u.Port))
		}
	}
	if u.Database != "" {
		b.WriteByte('/')
		b.WriteString(escapeDatabase(u.Database))
	}
	if len(u.Query) > 0 {
		b.WriteByte('?')
		b.WriteString(u.Query.Encode()) // sorted by key
	}
	return b.String()
}

// escapeUserinfo percent-encodes what would end the user or password
// field, '%' itself, and bytes outside printable ASCII.
func escapeUserinfo(s string) string { return escapeBytes(s, "%@:/?#[]") }

// escapeDatabase keeps '/' and ':' (file paths, ":memory:"). '@' is
// encoded: in a URL with no user info, an '@' in the database would be
// read back as the end of a user info (the password runs to the first
// '@', '/' included), so "x://:1/@0" would come back with a password.
func escapeDatabase(s string) string { return escapeBytes(s, "%?#@") }

func escapeBytes(s, special string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || strings.IndexByte(special, c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// maskRawURL hides the password of a URL that may not parse: whatever
// lies between the first ':' after the scheme and the last '@' of the
// authority becomes "***".
func maskRawURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		if strings.Contains(raw, "@") {
			return "***"
		}
		return raw
	}
	// The last '@' anywhere, not the last one before a '?': a password
	// may hold '?', '/' and even (unencoded, wrongly) '@'. Masking a query
	// value by mistake is harmless; showing a password is not.
	at := strings.LastIndexByte(rest, '@')
	if at >= 0 {
		if colon := strings.IndexByte(rest[:at], ':'); colon >= 0 {
			rest = rest[:colon+1] + "***" + rest[at:]
		}
	}
	return scheme + "://" + rest
}

// Pool setting keys recognised in a URL's query.
const (
	keyPoolSize      = "pool_size"
	keyMaxOverflow   = "max_overflow"
	keyPoolTimeout   = "pool_timeout"
	keyPoolRecycle   = "pool_recycle"
	keyPoolPrePing   = "pool_pre_ping"
	keyPoolUseLIFO   = "pool_use_lifo"
	keyPoolResetMode = "pool_reset_on_return"
	keyPoolClass     = "poolclass"
	// keyIsolationLevel is read by the connector (see IsolationLevel).
	keyIsolationLevel = "isolation_level"
	// See leak.go and PoolConfig.RecycleJitter.
	keyPoolLeakThreshold = "pool_leak_threshold"
	keyPoolRecycleJitter = "pool_recycle_jitter"
	// keyEcho is SQLAlchemy's echo (echo.go).
	keyEcho = "echo"
)

var poolKeys = map[string]bool{
	keyPoolSize: true, keyMaxOverflow: true, keyPoolTimeout: true, keyPoolRecycle: true,
	keyPoolPrePing: true, keyPoolUseLIFO: true, keyPoolResetMode: true, keyPoolClass: true,
	keyIsolationLevel: true, keyPoolLeakThreshold: true, keyPoolRecycleJitter: true,
}

// alchemyKeys are every query key alchemy reads itself (the pool's, and
// echo): none of them reaches the underlying driver.
var alchemyKeys = func() map[string]bool {
	m := map[string]bool{keyEcho: true}
	for k := range poolKeys {
		m[k] = true
	}
	return m
}()

// DriverQuery returns the query keys meant for the underlying driver:
// all of them but the pool settings.
func (u *URL) DriverQuery() url.Values {
	q := url.Values{}
	for k, v := range u.Query {
		if !alchemyKeys[k] {
			q[k] = append([]string(nil), v...)
		}
	}
	return q
}

// PoolConfigFromURL applies the URL's pool settings to base and returns
// the result. Keys and defaults (SQLAlchemy's):
//
//	pool_size             5     idle connections kept; 0 = no limit
//	max_overflow          10    connections opened beyond pool_size; -1 = no limit
//	pool_timeout          30    seconds to wait for a connection (fractions allowed; "none" = no limit)
//	pool_recycle          -1    seconds after which a connection is replaced at checkout; -1 = never
//	pool_pre_ping         false test each connection at checkout and replace it if dead
//	pool_use_lifo         false reuse the most recently returned connection first
//	pool_reset_on_return  rollback  rollback | commit | none
//	poolclass             queue  queue | null (NullPool) | static (StaticPool)
//	pool_recycle_jitter   0.1   fraction of pool_recycle by which each connection's life is shortened at random
//	pool_leak_threshold   -1    seconds a checkout may last before it is reported as a possible leak; -1 = off
//
// The key echo (true, debug or false) is read by [NewConnector], not here.
//
// An unknown key that starts with "pool_" is an error rather than being
// passed to the driver, so a misspelt setting never goes unnoticed.
func PoolConfigFromURL(u *URL, base PoolConfig) (PoolConfig, error) {
	cfg := base
	keys := make([]string, 0, len(u.Query))
	for k := range u.Query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !poolKeys[k] {
			if strings.HasPrefix(k, "pool_") {
				return cfg, u.configError(k, "unknown pool setting (known: pool_size, max_overflow, pool_timeout, pool_recycle, pool_recycle_jitter, pool_pre_ping, pool_use_lifo, pool_reset_on_return, pool_leak_threshold)")
			}
			continue
		}
		v := u.Query.Get(k)
		if err := applyPoolKey(&cfg, k, v); err != nil {
			return cfg, u.configError(k, err.Error())
		}
	}
	return cfg, nil
}

func (u *URL) configError(key, msg string) error {
	return &URLError{URL: u.String(), Msg: key + ": " + msg}
}

func applyPoolKey(cfg *PoolConfig, key, v string) error {
	switch key {
	case keyPoolSize:
		n, err := strconv.Atoi(v)
		if err != nil && !errors.Is(err, strconv.ErrRange) || n < 0 {
			return fmt.Errorf("%q is not a whole number ≥ 0", v)
		}
		if err != nil || n > MaxPoolConnections {
			return fmt.Errorf("%s connections: at most %d", v, MaxPoolConnections)
		}
		cfg.Size = n
	case keyMaxOverflow:
		n, err := strconv.Atoi(v)
		if err != nil && !errors.Is(err, strconv.ErrRange) || n < -1 {
			return fmt.Errorf("%q is not a whole number ≥ -1 (-1 = no limit)", v)
		}
		if err != nil || n > MaxPoolConnections {
			return fmt.Errorf("%s connections: at most %d (-1 = no limit)", v, MaxPoolConnections)
		}
		cfg.MaxOverflow = n
	case keyPoolTimeout:
		d, err := parseSeconds(v, true)
		if err != nil {
			return err
		}
		cfg.Timeout = d
	case keyPoolRecycle:
		d, err := parseSeconds(v, false)
		if err != nil {
			return err
		}
		cfg.Recycle = d
	case keyPoolPrePing, keyPoolUseLIFO:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not a boolean (true or false)", v)
		}
		if key == keyPoolPrePing {
			cfg.PrePing = b
		} else {
			cfg.UseLIFO = b
		}
	case keyPoolLeakThreshold:
		d, err := parseSeconds(v, false)
		if err != nil {
			return err
		}
		cfg.LeakThreshold = d
	case keyPoolRecycleJitter:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f >= 0 && f <= MaxRecycleJitter) {
			return fmt.Errorf("%q is not a fraction between 0 and %g", v, MaxRecycleJitter)
		}
		cfg.RecycleJitter = f
	case keyPoolResetMode:
		m, err := ParseResetMode(v)
		if err != nil {
			return err
		}
		cfg.ResetOnReturn = m
	case keyIsolationLevel: // the connector reads it
	case keyPoolClass:
		c, err := ParsePoolClass(v)
		if err != nil {
			return err
		}
		cfg.Class = c
	}
	return nil
}

// noTimeout stands for "wait as long as the caller's context allows".
const noTimeout = time.Duration(math.MaxInt64)

// parseSeconds reads a number of seconds (fractions allowed). For a
// timeout, "none" means no limit; for recycle, -1 means off.
func parseSeconds(v string, timeout bool) (time.Duration, error) {
	if timeout && strings.EqualFold(v, "none") {
		return noTimeout, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number of seconds", v)
	}
	if !timeout && (f == -1 || f == 0) {
		return 0, nil // recycle off
	}
	if f < 0 {
		if timeout {
			return 0, fmt.Errorf("%q: a timeout cannot be negative", v)
		}
		return 0, fmt.Errorf("%q: use -1 to turn recycling off", v)
	}
	if f*float64(time.Second) >= float64(math.MaxInt64) {
		return noTimeout, nil
	}
	return time.Duration(f * float64(time.Second)), nil
}
