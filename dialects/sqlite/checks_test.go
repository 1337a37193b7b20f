package sqlite

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/metadata"
)

func TestParseChecks(t *testing.T) {
	ddl := `CREATE TABLE "odd, name" (
	id INTEGER NOT NULL, -- a comment with CHECK (nothing)
	"a, b" VARCHAR(5) DEFAULT 'CHECK (x)' CHECK ("a, b" IN ('x', 'y)')),
	qty INTEGER CONSTRAINT "ck qty" CHECK (qty >= (0)) /* CHECK (no) */,
	[br] INTEGER check(br<>1),
	PRIMARY KEY (id),
	CONSTRAINT ck_t CHECK (qty < 10 AND (id > 0)),
	CHECK (id <> qty)
)`
	want := []metadata.CheckInfo{
		{Column: "a, b", SQL: `"a, b" IN ('x', 'y)')`},
		{Name: "ck qty", Column: "qty", SQL: "qty >= (0)"},
		{Column: "br", SQL: "br<>1"},
		{Name: "ck_t", SQL: "qty < 10 AND (id > 0)"},
		{SQL: "id <> qty"},
	}
	if diff := cmp.Diff(want, parseChecks(ddl)); diff != "" {
		t.Errorf("parseChecks (-want +got):\n%s", diff)
	}
}

func TestParseType(t *testing.T) {
	for decl, want := range map[string]string{
		"INTEGER": "Integer", "BIGINT": "BigInteger", "VARCHAR(25)": "String(25)", "varchar": "String",
		"NUMERIC(10, 2)": "Numeric(10, 2)", "CHAR(36)": "UUID", "CHAR(2)": "Raw(CHAR(2))", "DATETIME": "DateTime",
		"BOOLEAN": "Boolean", "DOUBLE": "Double", "FLOAT": "Float", "JSON": "JSON", "BLOB": "LargeBinary",
	} {
		if got := parseType(decl).(interface{ String() string }).String(); got != want {
			t.Errorf("parseType(%q) = %s, want %s", decl, got, want)
		}
	}
}
