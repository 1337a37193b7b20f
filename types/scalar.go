package types

import "github.com/go-alchemy/alchemy/dialects"

// scalar is a type with no parameters; its kind says everything.
type scalar struct {
	kind Kind
	name string
}

func (s scalar) Kind() Kind     { return s.kind }
func (s scalar) String() string { return s.name }

func (s scalar) DDL(d *dialects.Dialect) (string, error) {
	if sp, ok := spelling(d, s.kind); ok {
		return sp, nil
	}
	return "", cannotRender(s, d)
}

func (s scalar) CastTarget(d *dialects.Dialect) (string, error) {
	if sp, ok := castSpelling(d, s.kind); ok {
		return sp, nil
	}
	if _, ok := spelling(d, s.kind); !ok {
		return "", cannotRender(s, d)
	}
	return "", cannotCast(s, d)
}

// Integer is a 32-bit signed integer (generic INTEGER).
func Integer() Type { return scalar{KindInteger, "Integer"} }

// BigInteger is a 64-bit signed integer (generic BIGINT).
func BigInteger() Type { return scalar{KindBigInteger, "BigInteger"} }

// SmallInteger is a 16-bit signed integer (generic SMALLINT).
func SmallInteger() Type { return scalar{KindSmallInteger, "SmallInteger"} }

// Text is a string of unbounded length (generic TEXT).
func Text() Type { return scalar{KindText, "Text"} }

// Boolean is true or false (generic BOOLEAN; BOOL on MySQL, where it is
// TINYINT(1)). On dialects without a native boolean the metadata package
// adds CHECK (col IN (0, 1)).
func Boolean() Type { return scalar{KindBoolean, "Boolean"} }

// Date is a calendar date (DATE).
func Date() Type { return scalar{KindDate, "Date"} }

// DateTime is a date and time without time zone (generic TIMESTAMP;
// TIMESTAMP WITHOUT TIME ZONE on PostgreSQL, DATETIME(6) on MySQL,
// DATETIME on SQLite).
func DateTime() Type { return scalar{KindDateTime, "DateTime"} }

// DateTimeTZ is a date and time with time zone (TIMESTAMP WITH TIME ZONE
// on PostgreSQL). MySQL and SQLite have no such type and store it as
// DateTime does.
func DateTimeTZ() Type { return scalar{KindDateTimeTZ, "DateTimeTZ"} }

// Time is a time of day without time zone.
func Time() Type { return scalar{KindTime, "Time"} }

// TimeTZ is a time of day with time zone (PostgreSQL); elsewhere Time.
func TimeTZ() Type { return scalar{KindTimeTZ, "TimeTZ"} }

// Float is a single-precision floating-point number (REAL on PostgreSQL,
// FLOAT on MySQL and SQLite). Use [Double] for float64 values.
func Float() Type { return scalar{KindFloat, "Float"} }

// Double is a double-precision floating-point number (DOUBLE PRECISION
// on PostgreSQL, DOUBLE on MySQL and SQLite).
func Double() Type { return scalar{KindDouble, "Double"} }

// LargeBinary is a byte string of unbounded length (BYTEA on PostgreSQL,
// BLOB elsewhere).
func LargeBinary() Type { return scalar{KindBinary, "LargeBinary"} }

// JSON is a JSON document (JSONB on PostgreSQL, JSON elsewhere).
func JSON() Type { return scalar{KindJSON, "JSON"} }

// UUID is a universally unique identifier (UUID on PostgreSQL, CHAR(36)
// in its canonical text form on MySQL and SQLite).
func UUID() Type { return scalar{KindUUID, "UUID"} }

// Interval is a time span (INTERVAL on PostgreSQL). MySQL and SQLite have
// no interval type; rendering it there is an [*UnsupportedError] (store a
// time.Duration in a BigInteger instead).
func Interval() Type { return scalar{KindInterval, "Interval"} }

// raw is a type written exactly as given, on every dialect.
type raw struct{ sql string }

// Raw is a type written as sql on every dialect ("tsvector",
// "CHAR(2)"), for what the portable types do not cover. Reflection maps
// the types it does not recognise to Raw.
func Raw(sql string) Type { return raw{sql} }

func (r raw) Kind() Kind     { return KindRaw }
func (r raw) String() string { return "Raw(" + r.sql + ")" }

func (r raw) DDL(d *dialects.Dialect) (string, error) {
	if r.sql == "" {
		return "", unsupported(r, d, "Raw type without text cannot be rendered")
	}
	return r.sql, nil
}

func (r raw) CastTarget(d *dialects.Dialect) (string, error) { return r.DDL(d) }

// nullType is the type of NullType.
type nullType struct{}

// NullType is the type of a column declared without one, SQLAlchemy's
// NullType: what reflection gives for SQLite's CREATE TABLE kv (k, v).
// Where the dialect allows a column without a type
// (dialects.DDLOptions.UntypedColumns: SQLite) it is written as no type
// at all; elsewhere rendering it is an [*UnsupportedError] saying that
// the column needs a type (CREATE TABLE names the column). It is never a
// CAST target. Its values pass as the driver gives them.
func NullType() Type { return nullType{} }

func (nullType) Kind() Kind     { return KindNull }
func (nullType) String() string { return "NullType" }

func (n nullType) DDL(d *dialects.Dialect) (string, error) {
	if d.DDL.UntypedColumns {
		return "", nil
	}
	return "", unsupported(n, d, "NullType (a column without a type) cannot be rendered: declare the column with a type")
}

func (n nullType) CastTarget(d *dialects.Dialect) (string, error) {
	return "", unsupported(n, d, "CAST needs a type; NullType has none")
}
