package mysql

import (
	"database/sql"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

func TestParseType(t *testing.T) {
	for _, tc := range []struct {
		dataType, columnType string
		length               int
		want                 string
	}{
		{"int", "int(11)", 0, "Integer"},
		{"tinyint", "tinyint(1)", 0, "Boolean"},
		{"tinyint", "tinyint(4)", 0, "Raw(tinyint(4))"},
		{"varchar", "varchar(25)", 25, "String(25)"},
		{"char", "char(36)", 36, "UUID"},
		{"longtext", "longtext", 0, "Text"},
		{"enum", "enum('a','it''s','b\\\\c')", 0, "Enum(: 'a', 'it''s', 'b\\c')"},
		{"decimal", "decimal(10,2)", 0, "Numeric(10, 2)"},
	} {
		prec, scale := 0, 0
		if tc.dataType == "decimal" {
			prec, scale = 10, 2
		}
		got := parseType(tc.dataType, tc.columnType, tc.length, prec, scale).(interface{ String() string }).String()
		if got != tc.want {
			t.Errorf("parseType(%q, %q) = %s, want %s", tc.dataType, tc.columnType, got, tc.want)
		}
	}
}

func TestParseDefault(t *testing.T) {
	maria, mysql8 := &reader{mariadb: true}, &reader{}
	str := func(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
	for _, tc := range []struct {
		r     *reader
		text  sql.NullString
		extra string
		typ   types.Type
		want  *metadata.ServerDefaultDef
	}{
		{maria, str("NULL"), "", types.Integer(), nil},
		{maria, sql.NullString{}, "", types.Integer(), nil},
		{maria, str("'it''s'"), "", types.String(5), &metadata.ServerDefaultDef{Kind: metadata.DefaultLiteral, Text: "it's"}},
		{maria, str("current_timestamp(6)"), "", types.DateTime(), &metadata.ServerDefaultDef{Kind: metadata.DefaultNow}},
		{maria, str("0"), "", types.Integer(), &metadata.ServerDefaultDef{Kind: metadata.DefaultExpr, Text: "0"}},
		{maria, str("(1 + 1)"), "", types.Integer(), &metadata.ServerDefaultDef{Kind: metadata.DefaultExpr, Text: "1 + 1"}},
		{mysql8, str("x"), "", types.String(5), &metadata.ServerDefaultDef{Kind: metadata.DefaultLiteral, Text: "x"}},
		{mysql8, str("0"), "", types.Integer(), &metadata.ServerDefaultDef{Kind: metadata.DefaultExpr, Text: "0"}},
		{mysql8, str("CURRENT_TIMESTAMP(6)"), "DEFAULT_GENERATED", types.DateTime(), &metadata.ServerDefaultDef{Kind: metadata.DefaultNow}},
		{mysql8, str("lower(_utf8mb4'X')"), "DEFAULT_GENERATED", types.String(5), &metadata.ServerDefaultDef{Kind: metadata.DefaultExpr, Text: "lower(_utf8mb4'X')"}},
	} {
		if diff := cmp.Diff(tc.want, tc.r.parseDefault(tc.text, tc.extra, tc.typ)); diff != "" {
			t.Errorf("parseDefault(%v, mariadb=%v) (-want +got):\n%s", tc.text, tc.r.mariadb, diff)
		}
	}
}
