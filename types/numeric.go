package types

import (
	"strconv"

	"github.com/go-alchemy/alchemy/dialects"
)

// NumericType is an exact decimal number with Precision digits, Scale of
// them after the point. Zero Precision leaves both to the server
// (unbounded on PostgreSQL and SQLite, DECIMAL(10, 0) on MySQL).
type NumericType struct {
	Precision, Scale int
}

// Numeric returns NUMERIC(precision, scale); Numeric(0, 0) is a bare
// NUMERIC.
func Numeric(precision, scale int) *NumericType {
	return &NumericType{Precision: precision, Scale: scale}
}

// Kind returns KindNumeric.
func (t *NumericType) Kind() Kind { return KindNumeric }

// String returns "Numeric(10, 2)" or "Numeric".
func (t *NumericType) String() string { return "Numeric" + t.args() }

func (t *NumericType) args() string {
	if t.Precision <= 0 {
		return ""
	}
	return "(" + strconv.Itoa(t.Precision) + ", " + strconv.Itoa(t.Scale) + ")"
}

// DDL returns NUMERIC(p, s) in the dialect's spelling.
func (t *NumericType) DDL(d *dialects.Dialect) (string, error) {
	if err := t.check(d); err != nil {
		return "", err
	}
	base, ok := spelling(d, KindNumeric)
	if !ok {
		return "", cannotRender(t, d)
	}
	return base + t.args(), nil
}

// CastTarget returns the dialect's decimal cast target (DECIMAL(p, s) on
// MySQL, NUMERIC(p, s) elsewhere).
func (t *NumericType) CastTarget(d *dialects.Dialect) (string, error) {
	if err := t.check(d); err != nil {
		return "", err
	}
	base, ok := castSpelling(d, KindNumeric)
	if !ok {
		return "", cannotCast(t, d)
	}
	return base + t.args(), nil
}

func (t *NumericType) check(d *dialects.Dialect) error {
	if t.Precision < 0 || t.Scale < 0 || (t.Precision > 0 && t.Scale > t.Precision) {
		return unsupported(t, d, "NUMERIC("+strconv.Itoa(t.Precision)+", "+strconv.Itoa(t.Scale)+") is not a valid precision and scale")
	}
	if t.Precision == 0 && t.Scale != 0 {
		return unsupported(t, d, "NUMERIC with a scale needs a precision")
	}
	return nil
}
