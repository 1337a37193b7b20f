package postgresql

import (
	"testing"

	"github.com/go-alchemy/alchemy/metadata"
)

func TestParseType(t *testing.T) {
	for format, want := range map[string]string{
		"integer": "Integer", "bigint": "BigInteger", "smallint": "SmallInteger",
		"character varying(25)": "String(25)", "character varying": "String", "text": "Text",
		"timestamp without time zone": "DateTime", "timestamp(3) with time zone": "DateTimeTZ",
		"time without time zone": "Time", "time with time zone": "TimeTZ", "numeric(10,2)": "Numeric(10, 2)",
		"numeric": "Numeric", "real": "Float", "double precision": "Double", "bytea": "LargeBinary",
		"jsonb": "JSON", "uuid": "UUID", "interval": "Interval", "tsvector": "Raw(tsvector)",
		"character(2)": "Raw(character(2))",
	} {
		if got := parseType(format).(interface{ String() string }).String(); got != want {
			t.Errorf("parseType(%q) = %s, want %s", format, got, want)
		}
	}
}

func TestParseDefault(t *testing.T) {
	for text, want := range map[string]metadata.ServerDefaultDef{
		"'x'::character varying":        {Kind: metadata.DefaultLiteral, Text: "x"},
		"'it''s'::text":                 {Kind: metadata.DefaultLiteral, Text: "it's"},
		"'{}'::jsonb":                   {Kind: metadata.DefaultLiteral, Text: "{}"},
		"now()":                         {Kind: metadata.DefaultNow},
		"CURRENT_TIMESTAMP":             {Kind: metadata.DefaultNow},
		"0":                             {Kind: metadata.DefaultExpr, Text: "0"},
		"lower('X'::text)":              {Kind: metadata.DefaultExpr, Text: "lower('X'::text)"},
		"('a'::text || 'b'::text)":      {Kind: metadata.DefaultExpr, Text: "('a'::text || 'b'::text)"},
		"'2024-01-01'::date + 1":        {Kind: metadata.DefaultExpr, Text: "'2024-01-01'::date + 1"},
		"'a'::character varying || 'b'": {Kind: metadata.DefaultExpr, Text: "'a'::character varying || 'b'"},
	} {
		got := parseDefault(text)
		if got == nil || *got != want {
			t.Errorf("parseDefault(%q) = %+v, want %+v", text, got, want)
		}
	}
	if parseDefault("") != nil {
		t.Error("an empty default is no default")
	}
}

func TestCheckSQL(t *testing.T) {
	for def, want := range map[string]string{
		"CHECK (q > 0)":           "q > 0",
		"CHECK ((a > 0) OR b)":    "(a > 0) OR b",
		"CHECK (q > 0) NOT VALID": "q > 0",
	} {
		if got := checkSQL(def); got != want {
			t.Errorf("checkSQL(%q) = %q, want %q", def, got, want)
		}
	}
}
