package types_test

import (
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/types"
)

// FuzzParseDate checks the date parser on what drivers hand over (SQLite
// keeps dates as text, sometimes with a time part): no panic; a date it
// accepts is a real calendar day, and its String, Value and Scan all come
// back to the same date.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-02", "2026-12-02 10:30:00", "2026-12-02T10:30:00Z", "2026-02-30", "0000-01-01",
		"9999-12-31", "-001-01-01", "2026-1-2", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := types.ParseDate(s)
		if err != nil {
			return
		}
		if real := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC); real.Day() != d.Day || real.Month() != d.Month {
			t.Fatalf("ParseDate(%q) = %+v, which is no calendar day", s, d)
		}
		back, err := types.ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, d, d.String(), back, err)
		}
		v, err := d.Value()
		if err != nil {
			t.Fatalf("Value of %+v: %v", d, err)
		}
		var scanned types.CivilDate
		if err := scanned.Scan(v); err != nil || scanned != d {
			t.Fatalf("Scan(Value(%+v)) = %+v, %v", d, scanned, err)
		}
		if types.DateOf(d.In(time.UTC)) != d {
			t.Fatalf("DateOf(In(%+v)) = %+v", d, types.DateOf(d.In(time.UTC)))
		}
	})
}

// FuzzCivilTimeText round-trips a time of day through its text forms
// (MarshalText for JSON, Value for the driver) for every valid clock.
func FuzzCivilTimeText(f *testing.F) {
	f.Add(uint8(10), uint8(30), uint8(0), uint32(500_000_000))
	f.Add(uint8(23), uint8(59), uint8(59), uint32(999_999_999))
	f.Add(uint8(0), uint8(0), uint8(0), uint32(1))
	f.Fuzz(func(t *testing.T, h, m, s uint8, ns uint32) {
		ct := types.CivilTime{Hour: int(h) % 24, Minute: int(m) % 60, Second: int(s) % 60, Nanosecond: int(ns % 1_000_000_000)}
		text, err := ct.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back types.CivilTime
		if err := back.UnmarshalText(text); err != nil || back != ct {
			t.Fatalf("%+v → %q → %+v, %v", ct, text, back, err)
		}
		v, _ := ct.Value()
		var scanned types.CivilTime
		if err := scanned.Scan(v); err != nil || scanned != ct {
			t.Fatalf("Scan(Value(%+v)) = %+v, %v", ct, scanned, err)
		}
	})
}
