package sqlexpr_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

// typeCase is one column of the type table: the value bound and the Go
// value that must come back, the same on every server.
type typeCase struct {
	col  string
	typ  types.Type
	bind any
	want any
}

func typeCases() []typeCase {
	zone := time.FixedZone("UTC+2", 2*3600)
	at := time.Date(2026, 12, 2, 10, 30, 0, 123456000, zone)
	return []typeCase{
		{"small", types.SmallInteger(), 7, int64(7)},
		{"num", types.Integer(), int64(-2147483648), int64(-2147483648)},
		{"big", types.BigInteger(), int64(1) << 62, int64(1) << 62},
		{"flag", types.Boolean(), true, true},
		{"noflag", types.Boolean(), false, false},
		{"name", types.String(50), "héllo", "héllo"},
		{"body", types.Text(), "a longer text", "a longer text"},
		{"mood", types.Enum("tt_mood", "happy", "sad"), "sad", "sad"},
		// A DateTime keeps the instant's UTC wall clock; it reads back in UTC.
		{"at", types.DateTime(), at, at.UTC()},
		{"attz", types.DateTimeTZ(), at, at.UTC()},
		{"day", types.Date(), types.CivilDate{Year: 2026, Month: 12, Day: 2}, types.CivilDate{Year: 2026, Month: 12, Day: 2}},
		// A time.Time bound for a Date is its date, in its own zone.
		{"day2", types.Date(), time.Date(2026, 1, 31, 23, 59, 0, 0, zone), types.CivilDate{Year: 2026, Month: 1, Day: 31}},
		{"tod", types.Time(), types.CivilTime{Hour: 10, Minute: 30, Second: 15, Nanosecond: 500000000},
			types.CivilTime{Hour: 10, Minute: 30, Second: 15, Nanosecond: 500000000}},
		// 30 significant digits: no float64 holds it.
		{"amount", types.Numeric(30, 10), decimal.RequireFromString("12345678901234567890.0123456789"),
			decimal.RequireFromString("12345678901234567890.0123456789")},
		{"price", types.Numeric(10, 2), decimal.RequireFromString("19.99"), decimal.RequireFromString("19.99")},
		{"ratio", types.Float(), 1.1, float64(float32(1.1))},
		{"dbl", types.Double(), 1.1, 1.1},
		{"blob", types.LargeBinary(), []byte{0, 1, 2, 255}, []byte{0, 1, 2, 255}},
		{"doc", types.JSON(), map[string]any{"a": []int{1, 2}}, json.RawMessage(`{"a":[1,2]}`)},
		{"uid", types.UUID(), uuid.MustParse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), uuid.MustParse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")},
	}
}

// typeTable declares a table with one column per case (and an integer
// key), creates it on s and drops it when the test ends.
func typeTable(t *testing.T, s server, cases []typeCase) *metadata.Table {
	t.Helper()
	md := metadata.New()
	items := []metadata.TableItem{metadata.Column("id", types.Integer(), metadata.PrimaryKey())}
	for _, c := range cases {
		items = append(items, metadata.Column(c.col, c.typ))
	}
	tbl := md.Table(uniqueName("types"), items...)
	if err := md.Err(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := md.CreateAll(ctx, s.db); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := md.DropAll(context.Background(), s.db); err != nil {
			t.Errorf("drop: %v", err)
		}
	})
	return tbl
}

// TestTypeTable binds a Go value of every type on every server and
// checks that the same Go value comes back: through Scan, Get, a struct
// and the generic One. The MySQL URL has no parseTime, so DATETIME comes
// from the driver as text and is parsed by the processing.
func TestTypeTable(t *testing.T) {
	forEachServer(t, runTypeTable)
}

// TestTypeTableMySQLParseTime runs the type table on MySQL with the
// driver's parseTime on: DATETIME then comes as a time.Time, DATE too,
// and the same Go values must come back.
func TestTypeTableMySQLParseTime(t *testing.T) {
	url := os.Getenv("ALCHEMY_TEST_MYSQL_URL")
	if url == "" {
		t.Skip("set ALCHEMY_TEST_MYSQL_URL to run against MySQL/MariaDB")
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	s := openServer(t, "mysql", url+sep+"parseTime=true")
	var now any
	if err := s.db.QueryRowContext(context.Background(), "SELECT CAST(NOW() AS DATETIME)").Scan(&now); err != nil {
		t.Fatal(err)
	}
	if _, ok := now.(time.Time); !ok {
		t.Fatalf("parseTime=true did not reach the driver: DATETIME came as %T", now)
	}
	runTypeTable(t, s)
}

func runTypeTable(t *testing.T, s server) {
	{
		cases := typeCases()
		if s.d.Family == "postgresql" {
			cases = append(cases, typeCase{"span", types.Interval(), 26*time.Hour + 3*time.Minute + 4500*time.Millisecond,
				26*time.Hour + 3*time.Minute + 4500*time.Millisecond})
		}
		tbl := typeTable(t, s, cases)
		ctx := context.Background()
		row := sqlexpr.Values{"id": 1}
		null := sqlexpr.Values{"id": 2}
		for _, c := range cases {
			row[c.col] = c.bind
			null[c.col] = nil
		}
		if _, err := sqlexpr.Execute(ctx, s.db, sqlexpr.Insert(tbl).Values(row, null)); err != nil {
			t.Fatal(err)
		}

		// Get on the typed SELECT of the whole table.
		rows, err := sqlexpr.Query(ctx, s.db, sqlexpr.Select(tbl).Where(tbl.C("id").Eq(1)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := rows.One()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if v := got.Get(c.col); !sameValue(v, c.want) {
				t.Errorf("%s (%v): Get = %T %v, want %T %v", c.col, c.typ, v, v, c.want, c.want)
			}
		}

		// Scan of each column into a destination of its Go type, and a
		// comparison bound through the column (WHERE col = value).
		for _, c := range cases {
			dst := reflect.New(reflect.TypeOf(c.want))
			err := sqlexpr.QueryRow(ctx, s.db, sqlexpr.Select(tbl.C(c.col)).Where(tbl.C("id").Eq(1))).Scan(dst.Interface())
			if err != nil {
				t.Errorf("%s: Scan: %v", c.col, err)
			} else if v := dst.Elem().Interface(); !sameValue(v, c.want) {
				t.Errorf("%s: Scan = %v, want %v", c.col, v, c.want)
			}
			if !comparable(c) {
				continue
			}
			n, err := sqlexpr.One[int64](ctx, s.db, sqlexpr.Select(sqlexpr.Count()).From(tbl).Where(tbl.C(c.col).Eq(c.bind)))
			if err != nil || n != 1 {
				t.Errorf("%s: WHERE %s = the bound value found %d rows, err %v", c.col, c.col, n, err)
			}
		}

		// NULL is nil, and a pointer destination stays nil.
		rows, err = sqlexpr.Query(ctx, s.db, sqlexpr.Select(tbl).Where(tbl.C("id").Eq(2)))
		if err != nil {
			t.Fatal(err)
		}
		nr, err := rows.One()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if v := nr.Get(c.col); v != nil {
				t.Errorf("%s: NULL read as %T %v", c.col, v, v)
			}
		}
		var at *time.Time = new(time.Time)
		if err := sqlexpr.QueryRow(ctx, s.db, sqlexpr.Select(tbl.C("at")).Where(tbl.C("id").Eq(2))).Scan(&at); err != nil || at != nil {
			t.Errorf("NULL into *time.Time: %v, %v", at, err)
		}

		// A struct of the Go types, through the generic One.
		type typed struct {
			ID     int64
			At     time.Time
			Day    types.CivilDate
			Amount decimal.Decimal
			Flag   bool
			Doc    struct{ A []int }
			UID    uuid.UUID
		}
		v, err := sqlexpr.One[typed](ctx, s.db, sqlexpr.Select(tbl.C("id"), tbl.C("at"), tbl.C("day"), tbl.C("amount"),
			tbl.C("flag"), tbl.C("doc"), tbl.C("uid")).Where(tbl.C("id").Eq(1)))
		if err != nil {
			t.Fatal(err)
		}
		want := typed{ID: 1, At: cases[8].want.(time.Time), Day: types.CivilDate{Year: 2026, Month: 12, Day: 2},
			Amount: decimal.RequireFromString("12345678901234567890.0123456789"), Flag: true,
			Doc: struct{ A []int }{[]int{1, 2}}, UID: uuid.MustParse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")}
		if !reflect.DeepEqual(fmt.Sprint(v), fmt.Sprint(want)) {
			t.Errorf("One[typed] = %+v\nwant %+v", v, want)
		}
	}
}

// comparable says whether WHERE col = value finds the row on every
// server (floating-point and JSON equality are not portable).
func comparable(c typeCase) bool {
	switch c.typ.Kind() {
	case types.KindFloat, types.KindJSON, types.KindBinary, types.KindText:
		return false
	}
	return true
}

// sameValue compares Go values: decimals numerically and with the same
// text, times as instants in the same location, others deeply.
func sameValue(got, want any) bool {
	switch w := want.(type) {
	case decimal.Decimal:
		g, ok := got.(decimal.Decimal)
		return ok && g.Equal(w) && g.String() == w.String()
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w) && g.Location() == w.Location()
	}
	return reflect.DeepEqual(got, want)
}

// TestTypeTableStored checks, from a plain connection of the underlying
// driver's values, what the servers hold for the values whose storage
// the processing chooses: a DateTime's UTC wall clock (SQLAlchemy's text
// format on SQLite), a UUID's canonical text.
func TestTypeTableStored(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		cases := []typeCase{
			{"at", types.DateTime(), time.Date(2026, 12, 2, 10, 30, 0, 123456000, time.FixedZone("", -5*3600)), nil},
			{"uid", types.UUID(), uuid.MustParse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), nil},
		}
		tbl := typeTable(t, s, cases)
		ctx := context.Background()
		if _, err := sqlexpr.Execute(ctx, s.db, sqlexpr.Insert(tbl).Values(sqlexpr.Values{"id": 1, "at": cases[0].bind, "uid": cases[1].bind})); err != nil {
			t.Fatal(err)
		}
		q, _ := s.d.QuoteIdent(tbl.Name())
		var at, uid string
		expr := map[string]string{
			"postgresql": "SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS.US'), uid::text FROM ",
			"mysql":      "SELECT DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), uid FROM ",
			"sqlite":     "SELECT at || '', uid FROM ", // as text: modernc would parse a DATETIME
		}[s.d.Family]
		if err := s.db.QueryRowContext(ctx, expr+q).Scan(&at, &uid); err != nil {
			t.Fatal(err)
		}
		if at != "2026-12-02 15:30:00.123456" || uid != "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" {
			t.Errorf("stored at=%q uid=%q, want the UTC wall clock 2026-12-02 15:30:00.123456 and the UUID's text", at, uid)
		}
	})
}

// TestDropInKeepsDriverValues checks that plain database/sql code on the
// "alchemy" driver sees the driver's own values, untouched by result
// processing: a MySQL DATETIME is still text there, a SQLite BOOLEAN an
// integer, a PostgreSQL NUMERIC a string.
func TestDropInKeepsDriverValues(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		tbl := typeTable(t, s, []typeCase{{"flag", types.Boolean(), nil, nil}, {"amount", types.Numeric(10, 2), nil, nil},
			{"at", types.DateTime(), nil, nil}})
		ctx := context.Background()
		if _, err := sqlexpr.Execute(ctx, s.db, sqlexpr.Insert(tbl).Values(sqlexpr.Values{"id": 1, "flag": true,
			"amount": decimal.RequireFromString("1.50"), "at": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})); err != nil {
			t.Fatal(err)
		}
		q, _ := s.d.QuoteIdent(tbl.Name())
		var flag, amount, at any
		if err := s.db.QueryRowContext(ctx, "SELECT flag, amount, at FROM "+q).Scan(&flag, &amount, &at); err != nil {
			t.Fatal(err)
		}
		want := map[string][3]string{
			"postgresql": {"bool", "string", "time.Time"},
			"mysql":      {"int64", "[]uint8", "[]uint8"},
			"sqlite":     {"int64", "float64", "time.Time"},
		}[s.d.Family]
		if got := [3]string{fmt.Sprintf("%T", flag), fmt.Sprintf("%T", amount), fmt.Sprintf("%T", at)}; got != want {
			t.Errorf("database/sql saw %v, want the driver's own %v", got, want)
		}
	})
}

// TestProcessingErrors: a value a column cannot hold fails the read with
// an error naming the column, never a panic or a silent zero.
func TestProcessingErrors(t *testing.T) {
	s := openServer(t, "sqlite", "sqlite://")
	ctx := context.Background()
	stmt := sqlexpr.Text("SELECT 'not a time' AS at").Columns(types.DateTime())
	var at time.Time
	err := sqlexpr.QueryRow(ctx, s.db, stmt).Scan(&at)
	if err == nil || !errorContains(err, `"at"`) || !errorContains(err, "not a time") {
		t.Errorf("err = %v, want one naming column at and the text", err)
	}
	rows, err := sqlexpr.Query(ctx, s.db, sqlexpr.Text("SELECT 'x' AS n").Columns(types.Integer()))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if !rows.Next() || rows.Scan(&n) == nil {
		t.Error("Scan of 'x' as an Integer succeeded")
	}
	rows.Close()
	_, err = sqlexpr.Execute(ctx, s.db, sqlexpr.Text("SELECT :v").Bind("v", types.JSON()), sqlexpr.Params{"v": make(chan int)})
	if err == nil || !errorContains(err, "JSON") {
		t.Errorf("binding a channel for JSON: %v", err)
	}
}

func errorContains(err error, s string) bool {
	return err != nil && contains(err.Error(), s)
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

var _ = errors.Is
