package types_test

import (
	"fmt"
	"time"

	"github.com/go-alchemy/alchemy/types"
)

// A Date column reads as a CivilDate: a calendar day that no time zone
// can move.
func ExampleCivilDate() {
	d, err := types.ParseDate("2026-12-02 10:30:00") // SQLite may keep a time part; a Date drops it
	fmt.Println(d, err)
	fmt.Println(types.DateOf(time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC)))
	fmt.Println(d.In(time.UTC))
	// Output:
	// 2026-12-02 <nil>
	// 2026-01-31
	// 2026-12-02 00:00:00 +0000 UTC
}

// A Time column reads as a CivilTime.
func ExampleParseTime() {
	t, err := types.ParseTime("10:30:00.500000")
	fmt.Println(t, err)
	_, err = types.ParseTime("838:59:59") // a MySQL TIME span, no time of day
	fmt.Println(err)
	// Output:
	// 10:30:00.5 <nil>
	// types: "838:59:59" is not a time of day (HH:MM:SS[.fraction])
}
