package types

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CivilDate is a calendar date without a time of day or a zone: the Go
// value of a [Date] column. Go's time.Time always carries a clock and a
// location, so a date read into one could shift a day when a program
// changes its zone; a CivilDate cannot.
type CivilDate struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) CivilDate {
	y, m, d := t.Date()
	return CivilDate{y, m, d}
}

// ParseDate parses "2006-01-02"; a time part after the date (SQLite's
// "2006-01-02 15:04:05", an ISO "T…") is ignored, as a Date column keeps
// none.
func ParseDate(s string) (CivilDate, error) {
	if len(s) > 10 && (s[10] == ' ' || s[10] == 'T') {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return CivilDate{}, fmt.Errorf("types: %q is not a date (YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// String returns the date as "2006-01-02".
func (d CivilDate) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// In returns midnight of the date in loc.
func (d CivilDate) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// IsZero reports whether d is the zero CivilDate.
func (d CivilDate) IsZero() bool { return d == CivilDate{} }

// Value binds the date as its "2006-01-02" text, which every dialect's
// DATE accepts.
func (d CivilDate) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a date from a time.Time (its date in its own location), a
// string or []byte ("2006-01-02", a time part ignored).
func (d *CivilDate) Scan(src any) error {
	switch x := src.(type) {
	case time.Time:
		*d = DateOf(x)
		return nil
	case string:
		v, err := ParseDate(x)
		*d = v
		return err
	case []byte:
		v, err := ParseDate(string(x))
		*d = v
		return err
	case CivilDate:
		*d = x
		return nil
	}
	return fmt.Errorf("types: cannot read a date from %T", src)
}

// MarshalText writes "2006-01-02" (JSON, encoding).
func (d CivilDate) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "2006-01-02".
func (d *CivilDate) UnmarshalText(b []byte) error { return d.Scan(b) }

// CivilTime is a time of day without a date or a zone, with nanoseconds:
// the Go value of a [Time] column.
type CivilTime struct {
	Hour, Minute, Second, Nanosecond int
}

// TimeOf returns the time of day of t in t's location.
func TimeOf(t time.Time) CivilTime {
	return CivilTime{t.Hour(), t.Minute(), t.Second(), t.Nanosecond()}
}

// ParseTime parses "15:04:05" with an optional fraction of up to nine
// digits; the hour must be below 24 (a MySQL TIME can hold a span of
// up to 838 hours, which is no time of day).
func ParseTime(s string) (CivilTime, error) {
	bad := fmt.Errorf("types: %q is not a time of day (HH:MM:SS[.fraction])", s)
	main, frac, _ := strings.Cut(s, ".")
	parts := strings.Split(main, ":")
	if len(parts) != 3 || len(frac) > 9 {
		return CivilTime{}, bad
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || len(p) != 2 {
			return CivilTime{}, bad
		}
		v[i] = n
	}
	if v[0] > 23 || v[1] > 59 || v[2] > 59 {
		return CivilTime{}, bad
	}
	ns := 0
	if frac != "" {
		n, err := strconv.Atoi(frac)
		if err != nil || n < 0 {
			return CivilTime{}, bad
		}
		for i := len(frac); i < 9; i++ {
			n *= 10
		}
		ns = n
	}
	return CivilTime{v[0], v[1], v[2], ns}, nil
}

// String returns "15:04:05", with the fraction's significant digits
// when there are nanoseconds ("10:30:00.5").
func (t CivilTime) String() string {
	s := fmt.Sprintf("%02d:%02d:%02d", t.Hour, t.Minute, t.Second)
	if t.Nanosecond != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", t.Nanosecond), "0")
	}
	return s
}

// Value binds the time as its text, which every dialect's TIME accepts.
func (t CivilTime) Value() (driver.Value, error) { return t.String(), nil }

// Scan reads a time of day from a string or []byte ("15:04:05[.f]") or a
// time.Time (its clock in its own location).
func (t *CivilTime) Scan(src any) error {
	switch x := src.(type) {
	case time.Time:
		*t = TimeOf(x)
		return nil
	case string:
		v, err := ParseTime(x)
		*t = v
		return err
	case []byte:
		v, err := ParseTime(string(x))
		*t = v
		return err
	case CivilTime:
		*t = x
		return nil
	}
	return fmt.Errorf("types: cannot read a time of day from %T", src)
}

// MarshalText writes the time as String does.
func (t CivilTime) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads "15:04:05[.f]".
func (t *CivilTime) UnmarshalText(b []byte) error { return t.Scan(b) }
