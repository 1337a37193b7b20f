package types_test

import (
	"errors"
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/types"
)

// errText marks an expected error in the tables below.
const errText = "ERROR"

func TestDDL(t *testing.T) {
	tests := []struct {
		typ          types.Type
		pg, my, lite string
	}{
		{types.Integer(), "INTEGER", "INTEGER", "INTEGER"},
		{types.BigInteger(), "BIGINT", "BIGINT", "BIGINT"},
		{types.SmallInteger(), "SMALLINT", "SMALLINT", "SMALLINT"},
		{types.String(50), "VARCHAR(50)", "VARCHAR(50)", "VARCHAR(50)"},
		{types.String(0), "VARCHAR", errText, "VARCHAR"},
		{types.Text(), "TEXT", "LONGTEXT", "TEXT"},
		{types.Boolean(), "BOOLEAN", "BOOL", "BOOLEAN"},
		{types.Date(), "DATE", "DATE", "DATE"},
		{types.DateTime(), "TIMESTAMP WITHOUT TIME ZONE", "DATETIME(6)", "DATETIME"},
		{types.DateTimeTZ(), "TIMESTAMP WITH TIME ZONE", "DATETIME(6)", "DATETIME"},
		{types.Time(), "TIME WITHOUT TIME ZONE", "TIME(6)", "TIME"},
		{types.TimeTZ(), "TIME WITH TIME ZONE", "TIME(6)", "TIME"},
		{types.Numeric(10, 2), "NUMERIC(10, 2)", "NUMERIC(10, 2)", "NUMERIC(10, 2)"},
		{types.Numeric(0, 0), "NUMERIC", "NUMERIC", "NUMERIC"},
		{types.Numeric(2, 5), errText, errText, errText},
		{types.Float(), "REAL", "FLOAT", "FLOAT"},
		{types.Double(), "DOUBLE PRECISION", "DOUBLE", "DOUBLE"},
		{types.LargeBinary(), "BYTEA", "LONGBLOB", "BLOB"},
		{types.JSON(), "JSONB", "JSON", "JSON"},
		{types.UUID(), "UUID", "CHAR(36)", "CHAR(36)"},
		{types.Interval(), "INTERVAL", errText, errText},
		{types.Enum("mood", "happy", "it's ok"), "mood", "ENUM('happy','it''s ok')", "VARCHAR(7)"},
		{types.Enum("Mood", "a"), `"Mood"`, "ENUM('a')", "VARCHAR(1)"},
		{types.Enum("", "a"), errText, "ENUM('a')", "VARCHAR(1)"},
		{types.Enum("e"), errText, errText, errText},
		{types.Raw("tsvector"), "tsvector", "tsvector", "tsvector"},
	}
	for _, tc := range tests {
		for _, d := range []struct {
			d    *dialects.Dialect
			want string
		}{{postgresql.Dialect, tc.pg}, {mysql.Dialect, tc.my}, {sqlite.Dialect, tc.lite}} {
			got, err := tc.typ.DDL(d.d)
			if d.want == errText {
				if !errors.Is(err, types.ErrUnsupported) {
					t.Errorf("%v on %s: got %q, %v; want an ErrUnsupported", tc.typ, d.d.Name, got, err)
				}
				continue
			}
			if err != nil || got != d.want {
				t.Errorf("%v on %s: got %q, %v; want %q", tc.typ, d.d.Name, got, err, d.want)
			}
		}
	}
}

func TestCastTarget(t *testing.T) {
	tests := []struct {
		typ          types.Type
		pg, my, lite string
	}{
		{types.Integer(), "INTEGER", "SIGNED", "INTEGER"},
		{types.BigInteger(), "BIGINT", "SIGNED", "BIGINT"},
		{types.String(10), "VARCHAR(10)", "CHAR(10)", "VARCHAR(10)"},
		{types.String(0), "VARCHAR", "CHAR", "VARCHAR"},
		{types.Text(), "TEXT", "CHAR", "TEXT"},
		{types.Boolean(), "BOOLEAN", errText, "BOOLEAN"},
		{types.Numeric(10, 2), "NUMERIC(10, 2)", "DECIMAL(10, 2)", "NUMERIC(10, 2)"},
		{types.Float(), "REAL", "FLOAT", "FLOAT"},
		{types.Double(), "DOUBLE PRECISION", "DOUBLE", "DOUBLE"},
		{types.DateTime(), "TIMESTAMP WITHOUT TIME ZONE", "DATETIME(6)", "DATETIME"},
		{types.LargeBinary(), "BYTEA", "BINARY", "BLOB"},
		{types.JSON(), "JSONB", "JSON", "JSON"},
		{types.Enum("mood", "happy", "sad"), "mood", "CHAR(5)", "VARCHAR(5)"},
		{types.Interval(), "INTERVAL", errText, errText},
	}
	for _, tc := range tests {
		for _, d := range []struct {
			d    *dialects.Dialect
			want string
		}{{postgresql.Dialect, tc.pg}, {mysql.Dialect, tc.my}, {sqlite.Dialect, tc.lite}} {
			got, err := tc.typ.CastTarget(d.d)
			if d.want == errText {
				if !errors.Is(err, types.ErrUnsupported) {
					t.Errorf("CAST to %v on %s: got %q, %v; want an ErrUnsupported", tc.typ, d.d.Name, got, err)
				}
				continue
			}
			if err != nil || got != d.want {
				t.Errorf("CAST to %v on %s: got %q, %v; want %q", tc.typ, d.d.Name, got, err, d.want)
			}
		}
	}
}

func TestUnsupportedErrorNamesTheDialect(t *testing.T) {
	_, err := types.String(0).DDL(mysql.Dialect)
	var ue *types.UnsupportedError
	if !errors.As(err, &ue) || ue.Dialect != "mysql" || ue.Type != "String" {
		t.Fatalf("err = %#v", err)
	}
	if want := "types: VARCHAR requires a length on dialect mysql"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	_, err = types.Boolean().CastTarget(mysql.Dialect)
	if want := "types: CAST to Boolean is not supported on dialect mysql"; err == nil || err.Error() != want {
		t.Errorf("message %v, want %q", err, want)
	}
}

// A variant dialect changes spellings through its Types map; an empty
// entry makes a type unrenderable there.
func TestVariantDialect(t *testing.T) {
	v := postgresql.Dialect.Clone()
	v.Name = "variant"
	v.DDL.Types["json"] = "JSON"
	v.DDL.Types["interval"] = ""
	if got, _ := types.JSON().DDL(v); got != "JSON" {
		t.Errorf("JSON on the variant: %q", got)
	}
	if _, err := types.Interval().DDL(v); !errors.Is(err, types.ErrUnsupported) {
		t.Errorf("Interval on the variant: err = %v", err)
	}
	if got, _ := types.JSON().DDL(postgresql.Dialect); got != "JSONB" {
		t.Errorf("Clone shared the Types map: PostgreSQL's JSON is now %q", got)
	}
}

func TestKinds(t *testing.T) {
	for _, k := range []types.Kind{types.KindInteger, types.KindBigInteger, types.KindSmallInteger} {
		if !k.IsInteger() {
			t.Errorf("%s.IsInteger() = false", k)
		}
	}
	if types.KindNumeric.IsInteger() {
		t.Error("numeric is not an integer kind")
	}
	if types.Enum("m", "a", "bbb").MaxLength() != 3 {
		t.Error("MaxLength")
	}
	if got := types.Enum("m", "a", "it's").String(); got != "Enum(m: 'a', 'it''s')" {
		t.Errorf("String() = %q", got)
	}
}
