package types

import (
	"strconv"

	"github.com/go-alchemy/alchemy/dialects"
)

// StringType is a variable-length string of at most Length characters
// (VARCHAR(n)). A zero Length means "no length", which MySQL cannot
// render.
type StringType struct {
	Length int
}

// String returns a VARCHAR of at most length characters; 0 means no
// length (fine on PostgreSQL and SQLite, an error on MySQL).
func String(length int) *StringType { return &StringType{Length: length} }

// Kind returns KindString.
func (t *StringType) Kind() Kind { return KindString }

// String returns "String(25)" or "String".
func (t *StringType) String() string {
	if t.Length > 0 {
		return "String(" + strconv.Itoa(t.Length) + ")"
	}
	return "String"
}

// DDL returns VARCHAR(n), or VARCHAR where the dialect allows no length.
func (t *StringType) DDL(d *dialects.Dialect) (string, error) {
	base, ok := spelling(d, KindString)
	if !ok {
		return "", cannotRender(t, d)
	}
	return t.withLength(d, base)
}

// CastTarget returns the dialect's string cast target with the length
// (CHAR(n) on MySQL, VARCHAR(n) elsewhere).
func (t *StringType) CastTarget(d *dialects.Dialect) (string, error) {
	base, ok := castSpelling(d, KindString)
	if !ok {
		return "", cannotCast(t, d)
	}
	if t.Length == 0 {
		return base, nil
	}
	return base + "(" + strconv.Itoa(t.Length) + ")", nil
}

func (t *StringType) withLength(d *dialects.Dialect, base string) (string, error) {
	if t.Length > 0 {
		return base + "(" + strconv.Itoa(t.Length) + ")", nil
	}
	if t.Length < 0 {
		return "", unsupported(t, d, "VARCHAR length "+strconv.Itoa(t.Length)+" is negative")
	}
	if d.DDL.StringNeedsLength {
		return "", unsupported(t, d, base+" requires a length")
	}
	return base, nil
}
