package types_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy/types"
)

func TestCivilDate(t *testing.T) {
	for _, c := range []struct {
		in   any
		want types.CivilDate
		ok   bool
	}{
		{"2026-12-02", types.CivilDate{Year: 2026, Month: 12, Day: 2}, true},
		{[]byte("2026-02-28 23:59:59"), types.CivilDate{Year: 2026, Month: 2, Day: 28}, true},
		{"2026-02-28T10:00:00Z", types.CivilDate{Year: 2026, Month: 2, Day: 28}, true},
		{time.Date(2026, 1, 31, 23, 0, 0, 0, time.FixedZone("", -3600)), types.CivilDate{Year: 2026, Month: 1, Day: 31}, true},
		{"2026-02-30", types.CivilDate{}, false},
		{"02/12/2026", types.CivilDate{}, false},
		{int64(5), types.CivilDate{}, false},
	} {
		var d types.CivilDate
		err := d.Scan(c.in)
		if (err == nil) != c.ok || d != c.want {
			t.Errorf("Scan(%v) = %v, %v; want %v (ok %v)", c.in, d, err, c.want, c.ok)
		}
	}
	d := types.CivilDate{Year: 7, Month: 3, Day: 4}
	if v, _ := d.Value(); v != "0007-03-04" || d.String() != "0007-03-04" {
		t.Errorf("Value = %v", v)
	}
	if got := d.In(time.UTC); !got.Equal(time.Date(7, 3, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("In = %v", got)
	}
	b, _ := json.Marshal(struct{ D types.CivilDate }{d})
	var back struct{ D types.CivilDate }
	if err := json.Unmarshal(b, &back); err != nil || back.D != d || string(b) != `{"D":"0007-03-04"}` {
		t.Errorf("JSON %s → %v, %v", b, back.D, err)
	}
}

func TestCivilTime(t *testing.T) {
	for _, c := range []struct {
		in   string
		want types.CivilTime
		ok   bool
	}{
		{"10:30:00", types.CivilTime{Hour: 10, Minute: 30}, true},
		{"23:59:59.999999999", types.CivilTime{Hour: 23, Minute: 59, Second: 59, Nanosecond: 999999999}, true},
		{"00:00:01.5", types.CivilTime{Second: 1, Nanosecond: 500000000}, true},
		{"24:00:00", types.CivilTime{}, false},
		{"1:00:00", types.CivilTime{}, false},
		{"10:30", types.CivilTime{}, false},
		{"10:30:00.1234567890", types.CivilTime{}, false},
		{"10:30:00.-5", types.CivilTime{}, false},
	} {
		got, err := types.ParseTime(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseTime(%q) = %v, %v; want %v (ok %v)", c.in, got, err, c.want, c.ok)
		}
		if c.ok && got.String() != c.in && c.in != "10:30:00" {
			if back, _ := types.ParseTime(got.String()); back != got {
				t.Errorf("String %q does not parse back", got.String())
			}
		}
	}
	if s := (types.CivilTime{Hour: 1, Second: 2, Nanosecond: 500000}).String(); s != "01:00:02.0005" {
		t.Errorf("String = %q", s)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"10:30:00", "23:59:59.5", "x", "::", "99:99:99.999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := types.ParseTime(s)
		if err != nil {
			return
		}
		back, err := types.ParseTime(v.String())
		if err != nil || back != v {
			t.Fatalf("%q → %v → %q → %v, %v", s, v, v.String(), back, err)
		}
	})
}
