package dialects

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

func TestLookupNamesTheImport(t *testing.T) {
	// The examples (package dialects_test) import the dialect packages
	// into this test binary: set their registrations aside, so that every
	// known name is unregistered and must say which package to import.
	mu.Lock()
	saved := registry
	registry = map[string]*Dialect{}
	mu.Unlock()
	t.Cleanup(func() {
		mu.Lock()
		registry = saved
		mu.Unlock()
	})
	for name, pkg := range map[string]string{
		"postgresql": "/dialects/postgresql", "postgres": "/dialects/postgresql",
		"mysql": "/dialects/mysql", "mariadb": "/dialects/mysql", "sqlite": "/dialects/sqlite",
		"cockroachdb": "/dialects/postgresql", "yugabytedb": "/dialects/postgresql",
		"tidb": "/dialects/mysql", "vitess": "/dialects/mysql",
	} {
		_, err := Lookup(name)
		if !errors.Is(err, ErrUnknownDialect) || !strings.Contains(err.Error(), ModulePath+pkg) {
			t.Errorf("Lookup(%q) = %v; want ErrUnknownDialect naming %s", name, err, pkg)
		}
	}
	if _, err := Lookup("oracle"); !errors.Is(err, ErrUnknownDialect) || !strings.Contains(err.Error(), "registered:") {
		t.Errorf("Lookup(oracle) = %v", err)
	}
}

var runs atomic.Int64

func TestRegisterVariant(t *testing.T) {
	// Registration is global: unique names keep -count=N runs apart.
	suffix := strconv.FormatInt(runs.Add(1), 10)
	base := &Dialect{Name: "basedb" + suffix, DefaultDriver: "x", ReservedWords: Words("select from"), IdentQuote: '"'}
	if err := Register(base); err != nil {
		t.Fatal(err)
	}
	if err := Register(base); err == nil {
		t.Error("registering a name twice succeeded")
	}
	variant := base.Clone()
	variant.Name = "variantdb" + suffix
	variant.ReservedWords["user"] = struct{}{}
	if err := Register(variant); err != nil {
		t.Fatal(err)
	}
	if base.IsReserved("user") {
		t.Error("Clone shares the reserved-word map with its base")
	}
	RegisterDriver(base.Name, Driver{Name: "x"})
	// A clone keeps its base's Family, and with it the base's drivers.
	if d, err := LookupDriver(variant, ""); err != nil || d.Name != "x" {
		t.Errorf("LookupDriver through the family: %v, %v", d, err)
	}
	other := &Dialect{Name: "otherdb", Family: "otherdb", DefaultDriver: "x"}
	if _, err := LookupDriver(other, ""); !errors.Is(err, ErrUnknownDriver) {
		t.Errorf("a dialect of another family found the base's driver: %v", err)
	}
	if _, err := LookupDriver(variant, "sqlmock"); err == nil || !strings.Contains(err.Error(), "/dialects/sqlmock") {
		t.Errorf("unregistered sqlmock: %v", err)
	}
}

func TestQuoteIdent(t *testing.T) {
	d := &Dialect{Name: "t", IdentQuote: '"', ReservedWords: Words("order user select")}
	tests := []struct{ in, want string }{
		{"users", "users"}, {"order", `"order"`}, {"ORDER", `"ORDER"`}, {"Group", `"Group"`},
		{"with space", `"with space"`}, {"1st", `"1st"`}, {"$x", `"$x"`}, {`a"b`, `"a""b"`},
		{"snake_case_9", "snake_case_9"}, {"ünï", `"ünï"`},
	}
	for _, tt := range tests {
		if got, err := d.QuoteIdent(tt.in); err != nil || got != tt.want {
			t.Errorf("QuoteIdent(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "a\x00b"} {
		if _, err := d.QuoteIdent(bad); !errors.Is(err, ErrInvalidIdentifier) {
			t.Errorf("QuoteIdent(%q) = %v, want ErrInvalidIdentifier", bad, err)
		}
	}
	mysqlish := &Dialect{Name: "m", IdentQuote: '`', BackslashEscapes: true}
	if got, _ := mysqlish.QuoteIdent("a`b"); got != "`a``b`" {
		t.Errorf("backquote doubling: %q", got)
	}
	if got := mysqlish.QuoteString(`it's \ here`); got != `'it''s \\ here'` {
		t.Errorf("QuoteString = %q", got)
	}
	if got := d.QuoteString(`it's \ here`); got != `'it''s \ here'` {
		t.Errorf("QuoteString = %q", got)
	}
}

func TestKindRetryable(t *testing.T) {
	d := &Dialect{Name: "t", Classify: func(error) ErrorKind { return KindSerializationFailure }}
	err := errors.New("could not serialize access")
	if k := d.Kind(err); k != KindSerializationFailure || !k.Retryable() || k.String() != "serialization failure" {
		t.Errorf("Kind = %v", k)
	}
	if KindUniqueViolation.Retryable() {
		t.Error("a unique violation is not retryable")
	}
	var nilDialect *Dialect
	if nilDialect.Kind(err) != KindUnknown {
		t.Error("nil dialect must classify as unknown")
	}
}

type notAlchemy struct{}

func (notAlchemy) ExecContext(context.Context, string, ...any) (sql.Result, error) {
	return nil, errors.New("sql: converting argument $1 type: unsupported type *dialects.Probe")
}

func TestOfRejectsOtherDrivers(t *testing.T) {
	if _, err := Of(context.Background(), notAlchemy{}); !errors.Is(err, ErrNotAlchemy) {
		t.Errorf("Of(non-alchemy) = %v, want ErrNotAlchemy", err)
	}
	if _, err := Of(context.Background(), 42); !errors.Is(err, ErrNotAlchemy) {
		t.Errorf("Of(int) = %v, want ErrNotAlchemy", err)
	}
}
