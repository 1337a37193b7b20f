package types

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-alchemy/alchemy/dialects"
)

// Enum styles, the values of dialects.DDLOptions.EnumStyle.
const (
	// EnumNamed is a named type created before the tables that use it
	// (PostgreSQL's CREATE TYPE … AS ENUM).
	EnumNamed = "named"
	// EnumInline is an inline ENUM('a','b') column type (MySQL).
	EnumInline = "inline"
	// EnumCheck is a VARCHAR as long as the longest label, constrained by
	// CHECK (col IN (…)) (SQLite).
	EnumCheck = "check"
)

// EnumType is a string restricted to Values. Name names the type where
// enums are named types (PostgreSQL); elsewhere it is unused.
type EnumType struct {
	Name   string
	Values []string
}

// Enum returns an enumerated type named name with the given labels.
func Enum(name string, values ...string) *EnumType {
	return &EnumType{Name: name, Values: append([]string(nil), values...)}
}

// Kind returns KindEnum.
func (t *EnumType) Kind() Kind { return KindEnum }

// String returns "Enum(mood: 'happy', 'sad')".
func (t *EnumType) String() string {
	q := make([]string, len(t.Values))
	for i, v := range t.Values {
		q[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return "Enum(" + t.Name + ": " + strings.Join(q, ", ") + ")"
}

// MaxLength is the length in characters of the longest label, the VARCHAR
// length of the check style.
func (t *EnumType) MaxLength() int {
	n := 0
	for _, v := range t.Values {
		n = max(n, utf8.RuneCountInString(v))
	}
	return n
}

// DDL returns the column type: the quoted type name (named style),
// ENUM('a','b') (inline style) or VARCHAR(n) (check style, where the
// metadata package adds the CHECK).
func (t *EnumType) DDL(d *dialects.Dialect) (string, error) {
	if len(t.Values) == 0 {
		return "", unsupported(t, d, "Enum without values cannot be rendered")
	}
	switch d.DDL.EnumStyle {
	case EnumNamed:
		if t.Name == "" {
			return "", unsupported(t, d, "Enum requires a name")
		}
		return d.QuoteIdent(t.Name)
	case EnumInline:
		return "ENUM(" + t.Labels(d, ",") + ")", nil
	case EnumCheck, "":
		return "VARCHAR(" + strconv.Itoa(t.MaxLength()) + ")", nil
	}
	return "", unsupported(t, d, "enum style "+strconv.Quote(d.DDL.EnumStyle)+" is unknown")
}

// CastTarget returns the named type (named style) or the dialect's string
// cast target (other styles).
func (t *EnumType) CastTarget(d *dialects.Dialect) (string, error) {
	if d.DDL.EnumStyle == EnumNamed {
		return t.DDL(d)
	}
	return String(t.MaxLength()).CastTarget(d)
}

// Labels renders the labels as quoted literals joined by sep, as in
// ENUM('a','b') or IN ('a', 'b').
func (t *EnumType) Labels(d *dialects.Dialect, sep string) string {
	q := make([]string, len(t.Values))
	for i, v := range t.Values {
		q[i] = d.QuoteString(v)
	}
	return strings.Join(q, sep)
}
