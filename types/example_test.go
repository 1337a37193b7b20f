package types_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	_ "github.com/go-alchemy/alchemy" // the "alchemy" driver, for the scanning examples
	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// ddl renders t as CREATE TABLE writes it on PostgreSQL, MySQL and
// SQLite, an error in place of the spelling where a dialect has none.
func ddl(t types.Type) string {
	var out []string
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect} {
		s, err := t.DDL(d)
		switch {
		case err != nil:
			s = "error: " + err.Error()
		case s == "":
			s = "(no type)"
		}
		out = append(out, d.Name+": "+s)
	}
	return strings.Join(out, " | ")
}

// scanned stores v in a SQLite column of type t through the schema layer
// and reads it back, printing the Go type of the value the typed result
// returns: the same on every dialect, whatever the driver hands over.
func scanned(t types.Type, v any) {
	ctx := context.Background()
	db, err := sql.Open("alchemy", "sqlite://")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one in-memory database
	md := metadata.New()
	tbl := md.Table("t", metadata.Column("v", t))
	if err := md.CreateAll(ctx, db); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := sqlexpr.Execute(ctx, db, sqlexpr.Insert(tbl), sqlexpr.Params{"v": v}); err != nil {
		fmt.Println(err)
		return
	}
	rows, err := sqlexpr.Query(ctx, db, sqlexpr.Select(tbl))
	if err != nil {
		fmt.Println(err)
		return
	}
	got, err := rows.ScalarOne()
	if err != nil {
		fmt.Println(err)
		return
	}
	if raw, ok := got.(json.RawMessage); ok {
		fmt.Printf("scans to %T: %s\n", raw, raw) // bytes, shown as the text they hold
		return
	}
	fmt.Printf("scans to %T: %v\n", got, got)
}

func ExampleInteger() {
	fmt.Println(ddl(types.Integer()))
	scanned(types.Integer(), 42)
	// Output:
	// postgresql: INTEGER | mysql: INTEGER | sqlite: INTEGER
	// scans to int64: 42
}

func ExampleBigInteger() {
	fmt.Println(ddl(types.BigInteger()))
	scanned(types.BigInteger(), int64(1)<<40)
	// Output:
	// postgresql: BIGINT | mysql: BIGINT | sqlite: BIGINT
	// scans to int64: 1099511627776
}

func ExampleSmallInteger() {
	fmt.Println(ddl(types.SmallInteger()))
	scanned(types.SmallInteger(), 7)
	// Output:
	// postgresql: SMALLINT | mysql: SMALLINT | sqlite: SMALLINT
	// scans to int64: 7
}

// String is a VARCHAR; MySQL needs a length, so String(0) fails there
// instead of guessing one.
func ExampleString() {
	fmt.Println(ddl(types.String(25)))
	fmt.Println(ddl(types.String(0)))
	scanned(types.String(25), "hello")
	// Output:
	// postgresql: VARCHAR(25) | mysql: VARCHAR(25) | sqlite: VARCHAR(25)
	// postgresql: VARCHAR | mysql: error: types: VARCHAR requires a length on dialect mysql | sqlite: VARCHAR
	// scans to string: hello
}

// CastTarget differs from DDL where a dialect casts to another type name
// than it declares columns with (MySQL casts strings to CHAR).
func ExampleStringType_CastTarget() {
	s := types.String(10)
	pg, _ := s.CastTarget(postgresql.Dialect)
	my, _ := s.CastTarget(mysql.Dialect)
	fmt.Println(s, s.Kind(), pg, my)
	// Output:
	// String(10) string VARCHAR(10) CHAR(10)
}

func ExampleText() {
	fmt.Println(ddl(types.Text()))
	scanned(types.Text(), "a long text")
	// Output:
	// postgresql: TEXT | mysql: LONGTEXT | sqlite: TEXT
	// scans to string: a long text
}

// SQLite stores a Boolean as 0 or 1; it still reads back as a bool.
func ExampleBoolean() {
	fmt.Println(ddl(types.Boolean()))
	scanned(types.Boolean(), true)
	// Output:
	// postgresql: BOOLEAN | mysql: BOOL | sqlite: BOOLEAN
	// scans to bool: true
}

// A Date reads as a types.CivilDate, which no time zone can shift.
func ExampleDate() {
	fmt.Println(ddl(types.Date()))
	scanned(types.Date(), types.CivilDate{Year: 2026, Month: time.December, Day: 3})
	// Output:
	// postgresql: DATE | mysql: DATE | sqlite: DATE
	// scans to types.CivilDate: 2026-12-03
}

// A DateTime stores the UTC wall clock and reads it back in UTC.
func ExampleDateTime() {
	fmt.Println(ddl(types.DateTime()))
	berlin := time.FixedZone("CET", 3600)
	scanned(types.DateTime(), time.Date(2026, 12, 3, 11, 30, 0, 0, berlin))
	// Output:
	// postgresql: TIMESTAMP WITHOUT TIME ZONE | mysql: DATETIME(6) | sqlite: DATETIME
	// scans to time.Time: 2026-12-03 10:30:00 +0000 UTC
}

// Only PostgreSQL has a zoned timestamp; elsewhere the instant is stored
// as DateTime stores it, so it reads back as the same instant either way.
func ExampleDateTimeTZ() {
	fmt.Println(ddl(types.DateTimeTZ()))
	scanned(types.DateTimeTZ(), time.Date(2026, 12, 3, 11, 30, 0, 0, time.FixedZone("CET", 3600)))
	// Output:
	// postgresql: TIMESTAMP WITH TIME ZONE | mysql: DATETIME(6) | sqlite: DATETIME
	// scans to time.Time: 2026-12-03 10:30:00 +0000 UTC
}

func ExampleTime() {
	fmt.Println(ddl(types.Time()))
	scanned(types.Time(), types.CivilTime{Hour: 10, Minute: 30, Nanosecond: 250_000_000})
	// Output:
	// postgresql: TIME WITHOUT TIME ZONE | mysql: TIME(6) | sqlite: TIME
	// scans to types.CivilTime: 10:30:00.25
}

func ExampleTimeTZ() {
	fmt.Println(ddl(types.TimeTZ()))
	// Output:
	// postgresql: TIME WITH TIME ZONE | mysql: TIME(6) | sqlite: TIME
}

// Numeric reads as an exact decimal.Decimal, rounded to the declared
// scale, never as a float.
func ExampleNumeric() {
	fmt.Println(ddl(types.Numeric(10, 2)))
	fmt.Println(ddl(types.Numeric(0, 0)))
	scanned(types.Numeric(10, 2), decimal.RequireFromString("19.99"))
	// Output:
	// postgresql: NUMERIC(10, 2) | mysql: NUMERIC(10, 2) | sqlite: NUMERIC(10, 2)
	// postgresql: NUMERIC | mysql: NUMERIC | sqlite: NUMERIC
	// scans to decimal.Decimal: 19.99
}

func ExampleNumericType_CastTarget() {
	n := types.Numeric(10, 2)
	pg, _ := n.CastTarget(postgresql.Dialect)
	my, _ := n.CastTarget(mysql.Dialect)
	fmt.Println(n, n.Kind(), pg, my)
	// Output:
	// Numeric(10, 2) numeric NUMERIC(10, 2) DECIMAL(10, 2)
}

// Float is single precision: the value read back is the float32 nearest
// to what was stored, held in a float64.
func ExampleFloat() {
	fmt.Println(ddl(types.Float()))
	scanned(types.Float(), 0.1)
	// Output:
	// postgresql: REAL | mysql: FLOAT | sqlite: FLOAT
	// scans to float64: 0.10000000149011612
}

func ExampleDouble() {
	fmt.Println(ddl(types.Double()))
	scanned(types.Double(), 0.1)
	// Output:
	// postgresql: DOUBLE PRECISION | mysql: DOUBLE | sqlite: DOUBLE
	// scans to float64: 0.1
}

func ExampleLargeBinary() {
	fmt.Println(ddl(types.LargeBinary()))
	scanned(types.LargeBinary(), []byte{0xde, 0xad})
	// Output:
	// postgresql: BYTEA | mysql: LONGBLOB | sqlite: BLOB
	// scans to []uint8: [222 173]
}

// JSON reads as a compacted json.RawMessage, ready to json.Unmarshal.
func ExampleJSON() {
	fmt.Println(ddl(types.JSON()))
	scanned(types.JSON(), json.RawMessage(`{"a": [1, 2]}`))
	// Output:
	// postgresql: JSONB | mysql: JSON | sqlite: JSON
	// scans to json.RawMessage: {"a":[1,2]}
}

// Where there is no native UUID the canonical text form is stored; it
// reads back as a uuid.UUID on every dialect.
func ExampleUUID() {
	fmt.Println(ddl(types.UUID()))
	scanned(types.UUID(), uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
	// Output:
	// postgresql: UUID | mysql: CHAR(36) | sqlite: CHAR(36)
	// scans to uuid.UUID: 6ba7b810-9dad-11d1-80b4-00c04fd430c8
}

// Interval exists only on PostgreSQL (where it reads as a time.Duration);
// on the others, rendering it is an error rather than a silent substitute.
func ExampleInterval() {
	fmt.Println(ddl(types.Interval()))
	// Output:
	// postgresql: INTERVAL | mysql: error: types: Interval cannot be rendered on dialect mysql | sqlite: error: types: Interval cannot be rendered on dialect sqlite
}

// Raw writes a type the portable ones do not cover, verbatim on every
// dialect; the driver's value is returned as it is.
func ExampleRaw() {
	fmt.Println(ddl(types.Raw("CHAR(2)")))
	scanned(types.Raw("CHAR(2)"), "de")
	// Output:
	// postgresql: CHAR(2) | mysql: CHAR(2) | sqlite: CHAR(2)
	// scans to string: de
}

// NullType is a column without a type, as reflection reads SQLite's
// CREATE TABLE kv (k, v): SQLite writes it as no type, the other dialects
// ask for one; values pass as the driver returns them.
func ExampleNullType() {
	fmt.Println(ddl(types.NullType()))
	scanned(types.NullType(), int64(7))
	// Output:
	// postgresql: error: types: NullType (a column without a type) cannot be rendered: declare the column with a type on dialect postgresql | mysql: error: types: NullType (a column without a type) cannot be rendered: declare the column with a type on dialect mysql | sqlite: (no type)
	// scans to int64: 7
}

// Labels and MaxLength are what the dialects build their enum DDL from:
// the IN list of the CHECK and the VARCHAR length.
func ExampleEnumType_Labels() {
	mood := types.Enum("mood", "happy", "sad", "so-so")
	fmt.Println(mood)
	fmt.Println(mood.Labels(sqlite.Dialect, ", "), mood.MaxLength())
	scanned(mood, "sad")
	// Output:
	// Enum(mood: 'happy', 'sad', 'so-so')
	// 'happy', 'sad', 'so-so' 5
	// scans to string: sad
}

// Kind is the key a dialect's DDLOptions.Types map spells a type with;
// the integer kinds are the ones a primary key autoincrements with.
func ExampleKind() {
	for _, t := range []types.Type{types.Integer(), types.BigInteger(), types.String(5), types.Numeric(3, 1)} {
		fmt.Println(t.Kind(), t.Kind().IsInteger())
	}
	fmt.Println(mysql.Dialect.DDL.Types[string(types.KindBoolean)])
	// Output:
	// integer true
	// biginteger true
	// string false
	// numeric false
	// BOOL
}

// A CivilTime carries no date and no zone; TimeOf takes the clock of a
// time.Time in its own location.
func ExampleCivilTime() {
	t := types.TimeOf(time.Date(2026, 12, 3, 10, 30, 15, 0, time.FixedZone("CET", 3600)))
	fmt.Println(t)
	text, _ := t.MarshalText()
	var back types.CivilTime
	_ = back.UnmarshalText(text)
	fmt.Println(back == t)
	// Output:
	// 10:30:15
	// true
}

// CivilDate and CivilTime implement sql.Scanner and driver.Valuer, so
// they also work with plain database/sql, outside the schema layer.
func ExampleCivilDate_Scan() {
	db, _ := sql.Open("alchemy", "sqlite://")
	defer db.Close()
	var d types.CivilDate
	err := db.QueryRow("SELECT ?", types.CivilDate{Year: 2026, Month: time.February, Day: 28}).Scan(&d)
	fmt.Println(d, err, d.IsZero())
	// Output:
	// 2026-02-28 <nil> false
}

// JSON encodes a CivilDate as its "2006-01-02" text.
func ExampleCivilDate_MarshalText() {
	b, _ := json.Marshal(struct {
		Born types.CivilDate `json:"born"`
	}{types.CivilDate{Year: 1990, Month: time.July, Day: 4}})
	fmt.Println(string(b))
	// Output:
	// {"born":"1990-07-04"}
}

// ParseDate reads the text drivers return for a DATE; a time part (as
// SQLite may keep) is dropped, and an impossible day is an error.
func ExampleParseDate() {
	for _, s := range []string{"2026-12-03", "2026-12-03 23:59:59", "2026-02-30"} {
		d, err := types.ParseDate(s)
		fmt.Println(d, err)
	}
	// Output:
	// 2026-12-03 <nil>
	// 2026-12-03 <nil>
	// 0000-00-00 types: "2026-02-30" is not a date (YYYY-MM-DD)
}

// DateOf takes the calendar day of a time.Time in its own location: the
// same instant is a different day in Tokyo and in New York.
func ExampleDateOf() {
	instant := time.Date(2026, 12, 3, 23, 30, 0, 0, time.UTC)
	tokyo := time.FixedZone("JST", 9*3600)
	fmt.Println(types.DateOf(instant), types.DateOf(instant.In(tokyo)))
	// Output:
	// 2026-12-03 2026-12-04
}

func ExampleTimeOf() {
	t := time.Date(2026, 12, 3, 8, 5, 9, 120_000_000, time.UTC)
	fmt.Println(types.TimeOf(t))
	// Output:
	// 08:05:09.12
}

// The parameterised types are structs, so code that reads a schema (a
// reflected one, say) can take their parameters back with a type switch.
func ExampleStringType() {
	for _, t := range []types.Type{types.String(40), types.Numeric(8, 3), types.Enum("size", "s", "m", "xl"), types.Text()} {
		switch t := t.(type) {
		case *types.StringType:
			fmt.Println("string of at most", t.Length)
		case *types.NumericType:
			fmt.Println("decimal", t.Precision, t.Scale)
		case *types.EnumType:
			fmt.Println("enum", t.Name, t.Values, "longest", t.MaxLength())
		default:
			fmt.Println("other:", t.Kind())
		}
	}
	// Output:
	// string of at most 40
	// decimal 8 3
	// enum size [s m xl] longest 2
	// other: text
}

// A bare Numeric leaves precision and scale to the server; MySQL's
// default is DECIMAL(10, 0), so give both for money.
func ExampleNumericType() {
	for _, n := range []*types.NumericType{types.Numeric(0, 0), types.Numeric(12, 4)} {
		ddl, _ := n.DDL(mysql.Dialect)
		fmt.Println(n, ddl)
	}
	// Output:
	// Numeric NUMERIC
	// Numeric(12, 4) NUMERIC(12, 4)
}

// On PostgreSQL an enum is a named type, so its cast target is the name;
// elsewhere it casts as a string.
func ExampleEnumType() {
	e := types.Enum("Mood", "happy", "sad")
	for _, d := range []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect} {
		cast, err := e.CastTarget(d)
		fmt.Println(d.Name, cast, err)
	}
	// Output:
	// postgresql "Mood" <nil>
	// mysql CHAR(5) <nil>
	// sqlite VARCHAR(5) <nil>
}
