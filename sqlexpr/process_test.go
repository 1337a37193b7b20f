package sqlexpr

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// TestProcessors feeds each processor every form a driver sends its
// type in (pgx, go-sql-driver/mysql with and without parseTime, modernc
// SQLite), and values it must refuse.
func TestProcessors(t *testing.T) {
	u := uuid.MustParse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	at := time.Date(2026, 12, 2, 10, 30, 0, 123456000, time.UTC)
	cases := []struct {
		typ  types.Type
		src  any
		want any // nil: an error
	}{
		{types.Integer(), int64(5), int64(5)},
		{types.Integer(), []byte("-12"), int64(-12)},
		{types.Integer(), "7", int64(7)},
		{types.Integer(), float64(3), int64(3)},
		{types.Integer(), 3.5, nil},
		{types.Integer(), []byte("x"), nil},
		{types.Integer(), math.Inf(1), nil},
		{types.Boolean(), true, true},
		{types.Boolean(), int64(0), false},
		{types.Boolean(), []byte("1"), true},
		{types.Boolean(), "f", false},
		{types.Boolean(), "maybe", nil},
		{types.Boolean(), 1.5, nil},
		{types.String(10), []byte("héllo"), "héllo"},
		{types.Text(), int64(5), "5"},
		{types.Enum("e", "a"), "a", "a"},
		{types.String(1), time.Time{}, nil},
		{types.DateTime(), at, at},
		{types.DateTime(), at.In(time.FixedZone("", 3600)), at},
		{types.DateTime(), []byte("2026-12-02 10:30:00.123456"), at},
		{types.DateTime(), "2026-12-02T10:30:00.123456Z", at},
		{types.DateTime(), "2026-12-02 11:30:00.123456+01:00", at},
		{types.DateTime(), "2026-12-02", time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)},
		{types.DateTime(), "tomorrow", nil},
		{types.DateTimeTZ(), at.In(time.FixedZone("", -7200)), at},
		{types.Date(), at, types.CivilDate{Year: 2026, Month: 12, Day: 2}},
		{types.Date(), []byte("2026-12-02"), types.CivilDate{Year: 2026, Month: 12, Day: 2}},
		{types.Date(), "2026-12-02 10:30:00", types.CivilDate{Year: 2026, Month: 12, Day: 2}},
		{types.Date(), "2026-13-02", nil},
		{types.Time(), []byte("10:30:00.500000"), types.CivilTime{Hour: 10, Minute: 30, Nanosecond: 500000000}},
		{types.TimeTZ(), "10:30:00+02", types.CivilTime{Hour: 10, Minute: 30}},
		{types.Time(), "25:00:00", nil},
		{types.Time(), "838:59:59", nil},
		{types.Interval(), "1 day 02:03:04.5", 26*time.Hour + 3*time.Minute + 4500*time.Millisecond},
		{types.Interval(), "-3 days -01:00:00", -73 * time.Hour},
		{types.Interval(), "00:00:00.000001", time.Microsecond},
		{types.Interval(), "1 mon", nil},
		{types.Interval(), "2 fortnights", nil},
		{types.Interval(), "5", nil},
		{types.Numeric(0, 0), "12345678901234567890.0123456789", decimal.RequireFromString("12345678901234567890.0123456789")},
		{types.Numeric(0, 0), []byte("-0.5"), decimal.RequireFromString("-0.5")},
		{types.Numeric(10, 2), 1.1, decimal.RequireFromString("1.10")},
		{types.Numeric(0, 0), int64(9), decimal.NewFromInt(9)},
		{types.Numeric(0, 0), math.NaN(), nil},
		{types.Numeric(0, 0), "1,5", nil},
		{types.Float(), 1.1, float64(float32(1.1))},
		{types.Float(), float32(1.1), float64(float32(1.1))},
		{types.Double(), []byte("2.5"), 2.5},
		{types.Double(), "x", nil},
		{types.LargeBinary(), "ab", []byte("ab")},
		{types.LargeBinary(), int64(1), nil},
		{types.JSON(), []byte(`{"a": [1, 2]}`), json.RawMessage(`{"a":[1,2]}`)},
		{types.JSON(), `[true ]`, json.RawMessage(`[true]`)},
		{types.JSON(), `{"a":`, nil},
		{types.JSON(), int64(1), nil},
		{types.UUID(), u.String(), u},
		{types.UUID(), []byte(u.String()), u},
		{types.UUID(), u[:], u},
		{types.UUID(), "not-a-uuid", nil},
	}
	for _, c := range cases {
		p := processorFor(c.typ, nil)
		if p == nil {
			t.Fatalf("%v: no processor", c.typ)
		}
		got, err := p(c.src)
		if c.want == nil {
			if err == nil {
				t.Errorf("%v(%T %v) = %v, want an error", c.typ, c.src, c.src, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v(%T %v): %v", c.typ, c.src, c.src, err)
			continue
		}
		if !sameProcessed(got, c.want) {
			t.Errorf("%v(%T %v) = %T %v, want %T %v", c.typ, c.src, c.src, got, got, c.want, c.want)
		}
	}
}

func sameProcessed(got, want any) bool {
	switch w := want.(type) {
	case decimal.Decimal:
		g, ok := got.(decimal.Decimal)
		return ok && g.Equal(w) && g.Exponent() == w.Exponent()
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w) && g.Location() == time.UTC
	}
	return reflect.DeepEqual(got, want)
}

// TestDriverGivesIsIdentity: a kind the driver already returns has no
// processor, on the dialects measured; every kind has one elsewhere.
func TestDriverGivesIsIdentity(t *testing.T) {
	pg := &dialects.Dialect{Name: "postgresql", Family: "postgresql"}
	other := &dialects.Dialect{Name: "x", Family: "x"}
	for _, typ := range []types.Type{types.Integer(), types.Boolean(), types.String(5), types.DateTime(), types.Double(), types.LargeBinary()} {
		if processorFor(typ, pg) != nil {
			t.Errorf("%v on postgresql has a processor", typ)
		}
		if processorFor(typ, other) == nil {
			t.Errorf("%v on an unknown family has no processor", typ)
		}
	}
	for _, typ := range []types.Type{types.Numeric(0, 0), types.JSON(), types.UUID(), types.Date(), types.DateTimeTZ()} {
		if processorFor(typ, pg) == nil {
			t.Errorf("%v on postgresql has no processor", typ)
		}
	}
	if processorFor(types.Raw("tsvector"), pg) != nil || processorFor(nil, pg) != nil {
		t.Error("a Raw or nil type has a processor")
	}
}

// TestBindValue checks the bind direction for each kind that converts.
func TestBindValue(t *testing.T) {
	sqlite := &dialects.Dialect{Name: "sqlite", Family: "sqlite"}
	at := time.Date(2026, 12, 2, 12, 30, 0, 5000, time.FixedZone("", 2*3600))
	cases := []struct {
		typ      types.Type
		v        any
		d        *dialects.Dialect
		want     any
		wantText string // for values compared as text
	}{
		{types.DateTime(), at, nil, at.UTC(), ""},
		{types.DateTime(), at, sqlite, "2026-12-02 10:30:00.000005", ""},
		{types.Date(), at, nil, "2026-12-02", ""},
		{types.Time(), at, nil, "12:30:00.000005", ""},
		{types.Interval(), -(26*time.Hour + 1500*time.Millisecond), nil, "-26:00:01.500000", ""},
		{types.Numeric(0, 0), decimal.RequireFromString("1.25"), sqlite, "1.25", ""},
		{types.Numeric(0, 0), decimal.RequireFromString("1234567890.1234567"), sqlite, []byte("1234567890.1234567"), ""},
		{types.Numeric(0, 0), decimal.RequireFromString("1234567890.1234567"), nil, "1234567890.1234567", ""},
		{types.Numeric(0, 0), decimal.RequireFromString("1234567890123456789"), sqlite, int64(1234567890123456789), ""},
		{types.Numeric(0, 0), decimal.RequireFromString("123456789012345678901"), sqlite, []byte("123456789012345678901"), ""},
		{types.UUID(), uuid.MustParse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), nil, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", ""},
		{types.JSON(), map[string]int{"a": 1}, nil, `{"a":1}`, ""},
		{types.JSON(), json.RawMessage(`[1]`), nil, "[1]", ""},
		{types.JSON(), `{"raw": true}`, nil, `{"raw": true}`, ""},
		{types.Integer(), int32(5), nil, int32(5), ""},
	}
	for _, c := range cases {
		v := bindValue(c.typ, c.v)
		args := []any{v}
		if err := bindArgs(args, c.d); err != nil {
			t.Errorf("%v %v: %v", c.typ, c.v, err)
			continue
		}
		if !reflect.DeepEqual(args[0], c.want) {
			t.Errorf("%v %v on %v: bound %T %v, want %T %v", c.typ, c.v, c.d, args[0], args[0], c.want, c.want)
		}
	}
	// A value JSON cannot encode fails when the statement runs, with a
	// message naming the type.
	v := bindValue(types.JSON(), func() {})
	if err := bindArgs([]any{v}, nil); err == nil || !strings.Contains(err.Error(), "func()") {
		t.Errorf("a func for JSON: %v", err)
	}
}

// FuzzSplitText: splitting never panics, and the text put back with
// its placeholders loses nothing but escapes.
func FuzzSplitText(f *testing.F) {
	for _, s := range []string{"SELECT :a, :b_1 FROM t", "x::int", `\:x`, "'it''s :x'", "a[1:2]", ":x:", "?? ? :", "-- :x\n:y", "/* :z */"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, backslash bool) {
		parts := splitText(s, backslash)
		if len(parts) == 0 || parts[len(parts)-1].ph || parts[len(parts)-1].name != "" {
			t.Fatalf("%q: the last part must be text only: %+v", s, parts)
		}
		for _, p := range parts[:len(parts)-1] {
			if p.ph == (p.name != "") {
				t.Fatalf("%q: a part must end in exactly one placeholder: %+v", s, p)
			}
			if p.name != "" && !isNameStart(p.name[0]) {
				t.Fatalf("%q: bad name %q", s, p.name)
			}
		}
	})
}

// FuzzParseInterval: never a panic; what parses is consistent with its
// clock part.
func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"1 day 02:03:04.5", "-3 days -01:00:00", "1 mon", "00:00:00", "x", "1 day", ":::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseInterval(s)
		if err == nil {
			if _, ok := v.(time.Duration); !ok {
				t.Fatalf("%q parsed to %T", s, v)
			}
		}
		_, _ = types.ParseTime(s)
		_, _ = types.ParseDate(s)
	})
}
