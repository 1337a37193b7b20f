package sqlexpr

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// Result processing: the Go value of each column type, the same whatever
// the server and driver (SQLAlchemy's result processors). The drivers
// disagree: MySQL without parseTime sends DATETIME as text, SQLite
// BOOLEAN as an integer, PostgreSQL NUMERIC as text, and so on.
//
//	Integer, BigInteger, SmallInteger   int64
//	Boolean                             bool
//	String, Text, Enum                  string
//	DateTime                            time.Time in UTC (the stored wall clock, read as UTC)
//	DateTimeTZ                          time.Time in UTC (the instant)
//	Date                                types.CivilDate
//	Time, TimeTZ                        types.CivilTime (a TimeTZ's offset is dropped)
//	Interval (PostgreSQL)               time.Duration (months and years are an error)
//	Numeric                             decimal.Decimal (github.com/shopspring/decimal), exact;
//	                                    rounded to the declared scale when there is one
//	Float                               float64 holding a float32 (REAL, FLOAT: single precision)
//	Double                              float64
//	LargeBinary                         []byte
//	JSON                                json.RawMessage, compacted (the key order is the server's)
//	UUID                                uuid.UUID (github.com/google/uuid)
//	Raw                                 as the driver returns it
//
// Zones: a DateTime holds no zone, so alchemy stores a time.Time's UTC
// wall clock and reads the stored wall clock back as UTC; two programs
// in different zones see the same instant. On MySQL the driver's
// parseTime may be on or off (text is parsed here); with parseTime keep
// the driver's loc at UTC (its default), since the driver reads the wall
// clock in loc. A DateTimeTZ (TIMESTAMP WITH TIME ZONE on PostgreSQL)
// reads back as the same instant, in UTC.
//
// NULL is nil. A processor is nil where the dialect's driver already
// returns the Go value (pgx's time.Time for TIMESTAMP), so that reading
// such a column costs what database/sql costs.

// processor converts a non-NULL driver value into the Go value of a
// column type.
type processor func(src any) (any, error)

// processorFor returns the processor of values of type t read from d,
// nil when no conversion is needed.
func processorFor(t types.Type, d *dialects.Dialect) processor {
	if t == nil {
		return nil
	}
	k := t.Kind()
	if d != nil && driverGives(d.Family, k) {
		return nil
	}
	switch k {
	case types.KindInteger, types.KindBigInteger, types.KindSmallInteger:
		return toInt64
	case types.KindBoolean:
		return toBool
	case types.KindString, types.KindText, types.KindEnum:
		return toString
	case types.KindDateTime, types.KindDateTimeTZ:
		return toDateTime
	case types.KindDate:
		return toDate
	case types.KindTime, types.KindTimeTZ:
		return toTimeOfDay
	case types.KindInterval:
		return toDuration
	case types.KindNumeric:
		if n, ok := t.(*types.NumericType); ok && n.Precision > 0 {
			scale := int32(n.Scale)
			return func(src any) (any, error) {
				v, err := toDecimal(src)
				if err != nil {
					return nil, err
				}
				return v.(decimal.Decimal).Round(scale), nil
			}
		}
		return toDecimal
	case types.KindFloat:
		return toFloat32
	case types.KindDouble:
		return toFloat64
	case types.KindBinary:
		return toBytes
	case types.KindJSON:
		return toJSON
	case types.KindUUID:
		return toUUID
	}
	return nil
}

// driverGives reports whether the driver of a dialect family already
// returns kind k's Go value for every non-NULL value (measured with pgx,
// go-sql-driver/mysql and modernc.org/sqlite; see TestTypeTable).
func driverGives(family string, k types.Kind) bool {
	switch family {
	case "postgresql":
		switch k {
		case types.KindInteger, types.KindBigInteger, types.KindSmallInteger, types.KindBoolean,
			types.KindString, types.KindText, types.KindEnum, types.KindDateTime,
			types.KindDouble, types.KindFloat, types.KindBinary:
			return true
		}
	case "mysql":
		switch k {
		case types.KindInteger, types.KindBigInteger, types.KindSmallInteger, types.KindDouble, types.KindBinary:
			return true
		}
	case "sqlite":
		switch k {
		case types.KindInteger, types.KindBigInteger, types.KindSmallInteger, types.KindDouble:
			return true
		}
	}
	return false
}

func cannotRead(src any, what string) error {
	if b, ok := src.([]byte); ok {
		src = string(b)
	}
	return fmt.Errorf("cannot read %T %v as %s", src, src, what)
}

func toInt64(src any) (any, error) {
	switch x := src.(type) {
	case int64:
		return src, nil // as it is: boxing x again would allocate
	case int32:
		return int64(x), nil
	case int:
		return int64(x), nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return int64(x), nil
		}
	case []byte:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n, nil
		}
	}
	return nil, cannotRead(src, "an integer")
}

func toBool(src any) (any, error) {
	switch x := src.(type) {
	case bool:
		return src, nil
	case int64:
		return x != 0, nil
	case []byte:
		return parseBool(string(x), src)
	case string:
		return parseBool(x, src)
	}
	return nil, cannotRead(src, "a boolean")
}

func parseBool(s string, src any) (any, error) {
	switch strings.ToLower(s) {
	case "1", "t", "true", "y", "yes", "on":
		return true, nil
	case "0", "f", "false", "n", "no", "off":
		return false, nil
	}
	return nil, cannotRead(src, "a boolean")
}

func toString(src any) (any, error) {
	switch x := src.(type) {
	case string:
		return src, nil
	case []byte:
		return string(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil // SQLite stores what it is given
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	}
	return nil, cannotRead(src, "a string")
}

// dateTimeLayouts are the texts a DATETIME comes as: MySQL without
// parseTime, SQLite (SQLAlchemy's format, and modernc's own with an
// offset), ISO 8601.
var dateTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	time.RFC3339Nano,
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	time.DateOnly,
}

// parseDateTime reads a date and time; a text without an offset is UTC.
func parseDateTime(s string) (time.Time, error) {
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, cannotRead(s, "a date and time")
}

func toDateTime(src any) (any, error) {
	switch x := src.(type) {
	case time.Time:
		if x.Location() == time.UTC {
			return src, nil
		}
		return x.UTC(), nil
	case []byte:
		if t, err := parseDateTime(string(x)); err == nil {
			return t, nil
		}
	case string:
		if t, err := parseDateTime(x); err == nil {
			return t, nil
		}
	}
	return nil, cannotRead(src, "a date and time")
}

func toDate(src any) (any, error) {
	var d types.CivilDate
	if err := d.Scan(src); err != nil {
		return nil, cannotRead(src, "a date")
	}
	return d, nil
}

func toTimeOfDay(src any) (any, error) {
	if s, ok := src.([]byte); ok {
		src = string(s)
	}
	if s, ok := src.(string); ok {
		// A TIME WITH TIME ZONE comes with its offset: "10:30:00+02".
		if i := strings.LastIndexAny(s, "+-"); i > 0 {
			src = s[:i]
		}
	}
	var t types.CivilTime
	if err := t.Scan(src); err != nil {
		return nil, cannotRead(src, "a time of day")
	}
	return t, nil
}

func toDecimal(src any) (any, error) {
	switch x := src.(type) {
	case decimal.Decimal:
		return x, nil
	case string:
		if d, err := decimal.NewFromString(x); err == nil {
			return d, nil
		}
	case []byte:
		if d, err := decimal.NewFromString(string(x)); err == nil {
			return d, nil
		}
	case int64:
		return decimal.NewFromInt(x), nil
	case float64:
		// SQLite stores a NUMERIC that fits in 15 digits as a REAL: the
		// shortest decimal that reads back as x is the value bound.
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return decimal.NewFromFloat(x), nil
		}
	}
	return nil, cannotRead(src, "a decimal")
}

func toFloat64(src any) (any, error) {
	switch x := src.(type) {
	case float64:
		return src, nil
	case float32:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case []byte:
		if f, err := strconv.ParseFloat(string(x), 64); err == nil {
			return f, nil
		}
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f, nil
		}
	}
	return nil, cannotRead(src, "a float")
}

// toFloat32 reads a single-precision column as the float32 the server
// holds (SQLite keeps a double: it is rounded the same way), so that 1.1
// reads as float64(float32(1.1)) on every server.
func toFloat32(src any) (any, error) {
	if f, ok := src.(float32); ok {
		return float64(f), nil
	}
	v, err := toFloat64(src)
	if err != nil {
		return nil, err
	}
	return float64(float32(v.(float64))), nil
}

func toBytes(src any) (any, error) {
	switch x := src.(type) {
	case []byte:
		return x, nil
	case string:
		return []byte(x), nil
	}
	return nil, cannotRead(src, "bytes")
}

func toJSON(src any) (any, error) {
	var b []byte
	switch x := src.(type) {
	case []byte:
		b = x
	case string:
		b = []byte(x)
	default:
		return nil, cannotRead(src, "JSON")
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return nil, fmt.Errorf("reading JSON: %w", err)
	}
	return json.RawMessage(out.Bytes()), nil
}

func toUUID(src any) (any, error) {
	switch x := src.(type) {
	case uuid.UUID:
		return x, nil
	case string:
		if u, err := uuid.Parse(x); err == nil {
			return u, nil
		}
	case []byte:
		if len(x) == 16 {
			return uuid.UUID(x), nil
		}
		if u, err := uuid.ParseBytes(x); err == nil {
			return u, nil
		}
	}
	return nil, cannotRead(src, "a UUID")
}

// toDuration reads a PostgreSQL interval in its default output style,
// "1 day 02:03:04.5" or "-3 days -01:00:00".
func toDuration(src any) (any, error) {
	switch x := src.(type) {
	case time.Duration:
		return x, nil
	case int64:
		return time.Duration(x) * time.Microsecond, nil
	case []byte:
		return parseInterval(string(x))
	case string:
		return parseInterval(x)
	}
	return nil, cannotRead(src, "an interval")
}

func parseInterval(s string) (any, error) {
	var total time.Duration
	fields := strings.Fields(s)
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if strings.Contains(f, ":") {
			d, err := parseClock(f)
			if err != nil {
				return nil, cannotRead(s, "an interval")
			}
			total += d
			continue
		}
		if i+1 >= len(fields) {
			return nil, cannotRead(s, "an interval")
		}
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, cannotRead(s, "an interval")
		}
		i++
		switch strings.TrimSuffix(fields[i], "s") {
		case "day":
			total += time.Duration(n) * 24 * time.Hour
		case "year", "mon":
			if n != 0 {
				return nil, fmt.Errorf("interval %q has months or years, which are no fixed time.Duration", s)
			}
		default:
			return nil, cannotRead(s, "an interval")
		}
	}
	return total, nil
}

// parseClock reads [-]H:MM:SS[.f] with any number of hours.
func parseClock(s string) (time.Duration, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	sec, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	whole, frac := math.Modf(sec)
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(whole)*time.Second +
		time.Duration(math.Round(frac*1e6))*time.Microsecond
	if neg {
		d = -d
	}
	return d, nil
}

// Bind direction. A Go value given for a typed column (users.C("at").Eq(t),
// a Values for INSERT or UPDATE) is made the value the column's type stores,
// when the statement is built: a time.Time for a Date is its date, a
// time.Duration for an Interval is its text, a map for a JSON column is
// its encoding. What depends on the dialect (SQLite keeps DATETIME as
// text, and a NUMERIC of more than 15 digits would lose digits) is
// wrapped in a *typedValue, resolved per dialect when the statement runs
// (and, run by database/sql itself, through its driver.Valuer).

// bindValue returns v as bound for a column of type t.
func bindValue(t types.Type, v any) any {
	switch v.(type) {
	case string, int, int64, float64, bool, nil, Expr, SelectBase:
		return v // what every driver takes as it is, or no value
	}
	switch t.Kind() {
	case types.KindDateTime, types.KindDateTimeTZ:
		if x, ok := v.(time.Time); ok {
			return &typedValue{v: x.UTC(), kind: t.Kind()}
		}
	case types.KindDate:
		if x, ok := v.(time.Time); ok {
			return types.DateOf(x).String()
		}
	case types.KindTime, types.KindTimeTZ:
		if x, ok := v.(time.Time); ok {
			return types.TimeOf(x).String()
		}
	case types.KindInterval:
		if x, ok := v.(time.Duration); ok {
			return intervalText(x)
		}
	case types.KindNumeric:
		if x, ok := v.(decimal.Decimal); ok {
			return &typedValue{v: x, kind: types.KindNumeric}
		}
	case types.KindUUID:
		if x, ok := v.(uuid.UUID); ok {
			return x.String()
		}
	case types.KindJSON:
		switch x := v.(type) {
		case json.RawMessage:
			return string(x)
		case []byte:
			return string(x)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return badValue{fmt.Errorf("sqlexpr: encoding a %T for a JSON column: %w", v, err)}
		}
		return string(b)
	}
	return v
}

// bindOperand is toOperand for a value compared with, or stored into,
// the column col (nil or untyped: no conversion).
func bindOperand(col *ColumnClause, v any) operand {
	if col == nil {
		return toOperand(v)
	}
	return typedOperand(col, v)
}

func typedOperand(col *ColumnClause, v any) operand {
	if col.typ != nil {
		if b, ok := v.(*BindParamExpr); ok {
			v = b.withType(col.typ)
		} else {
			v = bindValue(col.typ, v)
		}
	}
	return toOperand(v)
}

// typedColumn returns e as a typed column, nil otherwise.
func typedColumn(e Expr) *ColumnClause {
	if c, ok := e.(*ColumnClause); ok && c != nil && c.typ != nil {
		return c
	}
	return nil
}

// intervalText writes d as [-]H:MM:SS.ffffff, which PostgreSQL reads as
// an interval of that many hours (microseconds: its precision).
func intervalText(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	us := d / time.Microsecond
	h, us := us/(3600e6), us%3600e6
	m, us := us/60e6, us%60e6
	s, us := us/1e6, us%1e6
	return fmt.Sprintf("%s%d:%02d:%02d.%06d", sign, h, m, s, us)
}

// typedValue is a bound value whose form depends on the dialect.
type typedValue struct {
	v    any
	kind types.Kind
}

// Value is the form for a driver used directly through database/sql
// (Compile's arguments given to db.Exec): what the PostgreSQL and MySQL
// forms are.
func (t *typedValue) Value() (driver.Value, error) { return t.forDialect(nil), nil }

// forDialect returns the value to bind on d.
func (t *typedValue) forDialect(d *dialects.Dialect) any {
	sqlite := d != nil && d.Family == "sqlite"
	switch x := t.v.(type) {
	case time.Time:
		if sqlite {
			// SQLAlchemy's SQLite storage format: sortable text, no
			// offset (the value is UTC).
			return x.Format("2006-01-02 15:04:05.000000")
		}
		return x
	case decimal.Decimal:
		s := x.String()
		if sqlite && x.IsInteger() && x.BigInt().IsInt64() {
			return x.IntPart() // an INTEGER keeps every digit
		}
		if sqlite && significantDigits(s) > 15 {
			// SQLite's NUMERIC affinity would turn the text into a
			// REAL and keep 15 digits; as a BLOB it is kept as it is.
			return []byte(s)
		}
		return s
	}
	return t.v
}

func significantDigits(s string) int {
	s = strings.TrimLeft(strings.TrimPrefix(s, "-"), "0.")
	return strings.Count(strings.ReplaceAll(s, ".", ""), "") - 1
}

// badValue is a value that could not be converted for its column: the
// statement fails with err when it runs.
type badValue struct{ err error }

func (b badValue) Value() (driver.Value, error) { return nil, b.err }

// bindArgs resolves the dialect-dependent values among args in place.
func bindArgs(args []any, d *dialects.Dialect) error {
	for i, a := range args {
		switch x := a.(type) {
		case *typedValue:
			args[i] = x.forDialect(d)
		case badValue:
			return x.err
		}
	}
	return nil
}
