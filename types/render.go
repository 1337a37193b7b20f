package types

import (
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects"
)

// ErrUnsupported is matched (errors.Is) by every [*UnsupportedError].
var ErrUnsupported = errors.New("types: unsupported")

// UnsupportedError reports a type that a dialect cannot render, in DDL
// or as a CAST target. The metadata package wraps it with the table and
// column it was met in.
type UnsupportedError struct {
	Type    string // the type, as its String method writes it ("String")
	Dialect string // the dialect's name ("mysql")
	Reason  string // what is missing ("VARCHAR requires a length")
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("types: %s on dialect %s", e.Reason, e.Dialect)
}

// Unwrap makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// generic are the spellings of the kinds that a dialect's Types map does
// not mention. Interval and Enum have none: Interval exists only where a
// dialect names it, and Enum is spelled by the dialect's EnumStyle.
var generic = map[Kind]string{
	KindInteger:      "INTEGER",
	KindBigInteger:   "BIGINT",
	KindSmallInteger: "SMALLINT",
	KindString:       "VARCHAR",
	KindText:         "TEXT",
	KindBoolean:      "BOOLEAN",
	KindDate:         "DATE",
	KindDateTime:     "TIMESTAMP",
	KindDateTimeTZ:   "TIMESTAMP WITH TIME ZONE",
	KindTime:         "TIME",
	KindTimeTZ:       "TIME WITH TIME ZONE",
	KindNumeric:      "NUMERIC",
	KindFloat:        "FLOAT",
	KindDouble:       "DOUBLE PRECISION",
	KindBinary:       "BLOB",
	KindJSON:         "JSON",
	KindUUID:         "UUID",
}

// spelling returns how d writes kind k in DDL: its Types entry, else the
// generic spelling. ok is false when d cannot write k at all.
func spelling(d *dialects.Dialect, k Kind) (s string, ok bool) {
	if s, found := d.DDL.Types[string(k)]; found {
		return s, s != ""
	}
	s, ok = generic[k]
	return s, ok
}

// castSpelling returns how d writes kind k as a CAST target: its
// CastTypes entry, else the DDL spelling.
func castSpelling(d *dialects.Dialect, k Kind) (s string, ok bool) {
	if s, found := d.DDL.CastTypes[string(k)]; found {
		return s, s != ""
	}
	return spelling(d, k)
}

func unsupported(t fmt.Stringer, d *dialects.Dialect, reason string) error {
	return &UnsupportedError{Type: t.String(), Dialect: d.Name, Reason: reason}
}

// cannotRender is the error for a kind the dialect has no spelling for.
func cannotRender(t fmt.Stringer, d *dialects.Dialect) error {
	return unsupported(t, d, t.String()+" cannot be rendered")
}

// cannotCast is the error for a kind the dialect cannot CAST to (Boolean
// and Float on MySQL, which SQLAlchemy silently drops the CAST for).
func cannotCast(t fmt.Stringer, d *dialects.Dialect) error {
	return unsupported(t, d, "CAST to "+t.String()+" is not supported")
}
