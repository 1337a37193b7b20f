package sqlexpr_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects"
	. "github.com/go-alchemy/alchemy/sqlexpr"
)

// conformanceCase is a query whose rows must be the same on every server
// that has the features it needs.
type conformanceCase struct {
	name  string
	needs func(f dialects.Features) bool // nil: every dialect
	build func(f fixture) Statement
	want  []map[string]any
}

func conformanceCases() []conformanceCase {
	return []conformanceCase{
		{"where eq order", nil, func(f fixture) Statement {
			u := f.users
			return Select(u.C("name")).Where(u.C("age").Eq(30)).OrderBy(u.C("id"))
		}, []map[string]any{r("name", "john"), r("name", "Zed")}},
		{"join in", nil, func(f fixture) Statement {
			u, a := f.users, f.addresses
			return Select(u.C("name"), a.C("city")).Join(a, u.C("id").Eq(a.C("user_id"))).
				Where(a.C("city").In("Berlin", "Paris")).OrderBy(u.C("id"), a.C("id"))
		}, []map[string]any{r("name", "john", "city", "Berlin"), r("name", "john", "city", "Paris"), r("name", "mary", "city", "Paris")}},
		{"left join group having", nil, func(f fixture) Statement {
			u, a := f.users, f.addresses
			return Select(u.C("name"), Count(a.C("id")).Label("n")).LeftJoin(a, u.C("id").Eq(a.C("user_id"))).
				GroupBy(u.C("id"), u.C("name")).Having(Count(a.C("id")).Gt(0)).OrderBy(u.C("id"))
		}, []map[string]any{r("name", "john", "n", 2), r("name", "mary", "n", 1), r("name", "alice", "n", 1)}},
		{"right join", func(f dialects.Features) bool { return f.RightJoin }, func(f fixture) Statement {
			u, a := f.users, f.addresses
			return Select(a.C("city"), u.C("name")).From(a).RightJoin(u, u.C("id").Eq(a.C("user_id"))).
				Where(u.C("id").Gt(2)).OrderBy(u.C("id"))
		}, []map[string]any{r("city", nil, "name", "bob"), r("city", "Rome", "name", "alice"), r("city", nil, "name", "Zed")}},
		{"full join", func(f dialects.Features) bool { return f.FullOuterJoin }, func(f fixture) Statement {
			u, a := f.users, f.addresses
			return Select(Count()).From(u).FullJoin(a, u.C("id").Eq(a.C("user_id")))
		}, []map[string]any{r("count_1", 6)}},
		{"limit offset", nil, func(f fixture) Statement {
			return Select(f.users.C("id")).OrderBy(f.users.C("id")).Limit(2).Offset(1)
		}, []map[string]any{r("id", 2), r("id", 3)}},
		{"offset only", nil, func(f fixture) Statement {
			return Select(f.users.C("id")).OrderBy(f.users.C("id")).Offset(3)
		}, []map[string]any{r("id", 4), r("id", 5)}},
		{"limit only", nil, func(f fixture) Statement {
			return Select(f.users.C("id")).OrderBy(f.users.C("id").Desc()).Limit(1)
		}, []map[string]any{r("id", 5)}},
		{"empty in", nil, func(f fixture) Statement { return Select(f.users.C("id")).Where(f.users.C("id").In()) }, nil},
		{"empty not in", nil, func(f fixture) Statement {
			return Select(Count()).From(f.users).Where(f.users.C("age").NotIn([]int{}))
		}, []map[string]any{r("count_1", 5)}},
		{"is null and distinct", nil, func(f fixture) Statement {
			u := f.users
			return Select(u.C("id")).Where(Or(u.C("email").IsNull(), u.C("age").IsNotDistinctFrom(41))).OrderBy(u.C("id"))
		}, []map[string]any{r("id", 3), r("id", 4)}},
		{"is distinct from", nil, func(f fixture) Statement {
			u := f.users
			return Select(u.C("id")).Where(u.C("age").IsDistinctFrom(30)).OrderBy(u.C("id"))
		}, []map[string]any{r("id", 2), r("id", 3), r("id", 4)}},
		{"ilike", nil, func(f fixture) Statement {
			u := f.users
			return Select(u.C("name")).Where(Or(u.C("name").ILike("Z%"), u.C("name").ILike("JO%"))).OrderBy(u.C("id"))
		}, []map[string]any{r("name", "john"), r("name", "Zed")}},
		{"like between", nil, func(f fixture) Statement {
			u := f.users
			return Select(u.C("name")).Where(u.C("name").Like("%a%"), u.C("age").Between(20, 41)).OrderBy(u.C("id"))
		}, []map[string]any{r("name", "mary"), r("name", "alice")}},
		{"not and arithmetic", nil, func(f fixture) Statement {
			u := f.users
			return Select(u.C("id"), u.C("age").Add(1).Mul(2).Label("x")).
				Where(Not(u.C("active").Eq(true)), u.C("age").Sub(u.C("id")).Gt(20)).OrderBy(u.C("id"))
		}, []map[string]any{r("id", 2, "x", 52), r("id", 4, "x", 84)}},
		{"case cast concat coalesce", nil, func(f fixture) Statement {
			u := f.users
			return Select(
				Case().When(u.C("age").Lt(30), "young").Else("old").Label("grp"),
				Cast("12", intType).Add(u.C("id")).Label("n"),
				u.C("name").Concat("!").Label("shout"),
				Coalesce(u.C("email"), "none").Label("mail"),
				Upper(u.C("name")).Label("up")).Where(u.C("id").In(2, 3)).OrderBy(u.C("id"))
		}, []map[string]any{
			r("grp", "young", "n", 14, "shout", "mary!", "mail", "mary@x", "up", "MARY"),
			r("grp", "old", "n", 15, "shout", "bob!", "mail", "none", "up", "BOB"),
		}},
		{"aggregates", nil, func(f fixture) Statement {
			u := f.users
			return Select(Count(), Count(u.C("age")).Label("ages"), Cast(Sum(u.C("age")), intType).Label("total"),
				Min(u.C("age")).Label("lo"), Max(u.C("age")).Label("hi"), Count(u.C("age")).Distinct().Label("distinct_ages"))
		}, []map[string]any{r("count_1", 5, "ages", 4, "total", 126, "lo", 25, "hi", 41, "distinct_ages", 3)}},
		{"scalar subquery", nil, func(f fixture) Statement {
			u, a := f.users, f.addresses
			n := Select(Count()).From(a).Where(a.C("user_id").Eq(u.C("id"))).Scalar().Label("n")
			return Select(u.C("name"), n).Where(u.C("id").Le(3)).OrderBy(u.C("id"))
		}, []map[string]any{r("name", "john", "n", 2), r("name", "mary", "n", 1), r("name", "bob", "n", 0)}},
		{"exists and in subquery", nil, func(f fixture) Statement {
			u, a := f.users, f.addresses
			has := Exists(Select(LiteralColumn("1")).From(a).Where(a.C("user_id").Eq(u.C("id"))))
			return Select(u.C("id")).Where(has, u.C("id").NotIn(Select(a.C("user_id")).Where(a.C("city").Eq("Rome")))).OrderBy(u.C("id"))
		}, []map[string]any{r("id", 1), r("id", 2)}},
		{"subquery in from", nil, func(f fixture) Statement {
			u, a := f.users, f.addresses
			sq := Select(a.C("user_id"), Count().Label("cnt")).GroupBy(a.C("user_id")).Subquery("counts")
			return Select(u.C("name"), sq.C("cnt")).Join(sq, sq.C("user_id").Eq(u.C("id"))).OrderBy(sq.C("cnt").Desc(), u.C("id"))
		}, []map[string]any{r("name", "john", "cnt", 2), r("name", "mary", "cnt", 1), r("name", "alice", "cnt", 1)}},
		{"self join alias", nil, func(f fixture) Statement {
			u := f.users
			u2 := u.Alias("u2")
			return Select(u.C("name"), u2.C("name").Label("twin")).Join(u2, And(u2.C("age").Eq(u.C("age")), u2.C("id").Gt(u.C("id"))))
		}, []map[string]any{r("name", "john", "twin", "Zed")}},
		{"cte", func(f dialects.Features) bool { return f.CTE }, func(f fixture) Statement {
			u := f.users
			older := Select(u.C("id"), u.C("name")).Where(u.C("age").Gt(28)).CTE("older")
			return Select(older.C("name")).With(older).OrderBy(older.C("id"))
		}, []map[string]any{r("name", "john"), r("name", "alice"), r("name", "Zed")}},
		{"recursive cte", func(f dialects.Features) bool { return f.RecursiveCTE }, func(f fixture) Statement {
			nums := RecursiveCTE("nums", "n")
			nums.As(UnionAll(Select(Literal(1)), Select(nums.C("n").Add(1)).Where(nums.C("n").Lt(4))))
			return Select(nums.C("n")).With(nums).OrderBy(nums.C("n"))
		}, []map[string]any{r("n", 1), r("n", 2), r("n", 3), r("n", 4)}},
		{"union order limit", nil, func(f fixture) Statement {
			u := f.users
			return Union(Select(u.C("name")).Where(u.C("age").Lt(26)), Select(u.C("name")).Where(u.C("age").Gt(40)),
				Select(u.C("name")).Where(u.C("age").Lt(26))).OrderBy(u.C("name")).Limit(5)
		}, []map[string]any{r("name", "alice"), r("name", "mary")}},
		{"union all with limited part", nil, func(f fixture) Statement {
			u := f.users
			return UnionAll(Select(u.C("id")).OrderBy(u.C("id").Desc()).Limit(1), Select(u.C("id")).Where(u.C("id").Eq(1))).OrderBy(u.C("id"))
		}, []map[string]any{r("id", 1), r("id", 5)}},
		{"intersect except", func(f dialects.Features) bool { return f.Intersect && f.Except }, func(f fixture) Statement {
			u, a := f.users, f.addresses
			return Except(Intersect(Select(u.C("id")), Select(a.C("user_id"))), Select(u.C("id")).Where(u.C("id").Eq(2))).OrderBy(u.C("id"))
		}, []map[string]any{r("id", 1), r("id", 4)}},
		{"window functions", func(f dialects.Features) bool { return f.WindowFunctions }, func(f fixture) Statement {
			u := f.users
			return Select(u.C("id"),
				Func("row_number").Over(Window{PartitionBy: []Expr{u.C("active")}, OrderBy: []OrderItem{u.C("id")}}).Label("rn"),
				Cast(Sum(u.C("id")).Over(Window{OrderBy: []OrderItem{u.C("id")}, Frame: &Frame{Mode: FrameRows, Start: UnboundedPreceding(), End: CurrentRow()}}), intType).Label("running")).
				OrderBy(u.C("id"))
		}, []map[string]any{r("id", 1, "rn", 1, "running", 1), r("id", 2, "rn", 1, "running", 3), r("id", 3, "rn", 2, "running", 6), r("id", 4, "rn", 2, "running", 10), r("id", 5, "rn", 3, "running", 15)}},
		{"text", nil, func(f fixture) Statement {
			return Select(f.users.C("id")).Where(Text("age > ? AND name <> '?'", 29)).OrderBy(f.users.C("id"))
		}, []map[string]any{r("id", 1), r("id", 4), r("id", 5)}},
	}
}

func TestConformance(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		f := newFixture(t, s)
		for _, tc := range conformanceCases() {
			t.Run(tc.name, func(t *testing.T) {
				if tc.needs != nil && !tc.needs(s.d.Features) {
					_, _, err := Compile(tc.build(f), s.d)
					if !errors.Is(err, ErrUnsupported) {
						t.Fatalf("%s lacks a feature the case needs, yet compiling gave %v, not ErrUnsupported", s.d.Name, err)
					}
					t.Skipf("%s cannot express it (compile error checked)", s.d.Name)
				}
				got := queryRows(t, s, tc.build(f))
				if diff := cmp.Diff(tc.want, got); diff != "" {
					sqlText, args, _ := Compile(tc.build(f), s.d)
					t.Fatalf("rows mismatch (-want +got):\n%s\nSQL: %s %v", diff, sqlText, args)
				}
			})
		}
	})
}

// TestConformanceWrites checks INSERT, UPDATE, DELETE, upserts and row
// locks against every server.
func TestConformanceWrites(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		f := newFixture(t, s)
		u, a := f.users, f.addresses
		mustExec := func(st Statement) *Result {
			t.Helper()
			res, err := Exec(ctx, s.db, st)
			if err != nil {
				sqlText, _, _ := Compile(st, s.d)
				t.Fatalf("%s: %v", sqlText, err)
			}
			return res
		}
		names := func() []map[string]any {
			return queryRows(t, s, Select(u.C("id"), u.C("name"), u.C("age")).OrderBy(u.C("id")))
		}

		res := mustExec(Update(u).Values(Row{"age": u.C("age").Add(1), "name": Upper(u.C("name"))}).Where(u.C("age").Ge(30)))
		if n, _ := res.RowsAffected(); n != 3 {
			t.Errorf("UPDATE affected %d rows, want 3", n)
		}
		mustExec(Delete(a).Where(a.C("city").Eq("Paris")))
		mustExec(Insert(a).FromSelect([]string{"user_id", "city"}, Select(u.C("id"), u.C("name")).Where(u.C("id").Eq(3))))

		// Upserts: do nothing keeps the row, do update changes it.
		mustExec(Insert(u).Values(Row{"id": 2, "name": "clash"}).OnConflictDoNothing("id"))
		mustExec(Insert(u).Values(Row{"id": 3, "name": "bobby", "age": 9}).
			OnConflictDoUpdate([]string{"id"}, Row{"name": Excluded("name"), "age": u.C("id").Add(10)}))
		want := []map[string]any{
			r("id", 1, "name", "JOHN", "age", 31), r("id", 2, "name", "mary", "age", 25), r("id", 3, "name", "bobby", "age", 13),
			r("id", 4, "name", "ALICE", "age", 42), r("id", 5, "name", "ZED", "age", 31),
		}
		if diff := cmp.Diff(want, names()); diff != "" {
			t.Fatalf("after writes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]map[string]any{r("city", "Berlin"), r("city", "Rome"), r("city", "bob")},
			queryRows(t, s, Select(a.C("city")).OrderBy(a.C("city")))); diff != "" {
			t.Fatalf("addresses (-want +got):\n%s", diff)
		}

		if s.d.Features.UpdateReturning {
			got := queryRows(t, s, Update(u).Values(Row{"age": 50}).Where(u.C("id").Eq(1)).Returning(u.C("id"), u.C("age")))
			if diff := cmp.Diff([]map[string]any{r("id", 1, "age", 50)}, got); diff != "" {
				t.Errorf("UPDATE … RETURNING (-want +got):\n%s", diff)
			}
		}
		if s.d.Features.DeleteReturning {
			got := queryRows(t, s, Delete(a).Where(a.C("city").Eq("Rome")).Returning(a.C("user_id")))
			if diff := cmp.Diff([]map[string]any{r("user_id", 4)}, got); diff != "" {
				t.Errorf("DELETE … RETURNING (-want +got):\n%s", diff)
			}
		}
		if s.d.Features.ForUpdate {
			tx, err := s.db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			row := QueryRow(ctx, tx, Select(u.C("name")).Where(u.C("id").Eq(2)).ForUpdate())
			if got := row.Get("name"); got != "mary" || row.Err() != nil {
				t.Errorf("FOR UPDATE read %v, %v", got, row.Err())
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestInsertedPrimaryKey covers both ways of reading the key: RETURNING
// (PostgreSQL, SQLite, MariaDB) and LastInsertId (MySQL).
func TestInsertedPrimaryKey(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		targets := []server{s}
		if isMySQL(s) {
			// The same server through the mariadb dialect reads the key with
			// RETURNING instead of LastInsertId.
			for _, u := range serverURLs() {
				if u.name == "mysql" {
					targets = append(targets, openServer(t, "mariadb", "mariadb"+u.url[len("mysql"):]))
				}
			}
		}
		for _, tgt := range targets {
			t.Run(tgt.d.Name, func(t *testing.T) {
				ctx := context.Background()
				users := NewTable(uniqueName("pk"), "id", "name", "email", "age", "active").SetPrimaryKey("id")
				createTable(t, tgt, users.TableName(), usersDDL)
				for want := int64(1); want <= 3; want++ {
					res, err := Exec(ctx, tgt.db, Insert(users).Values(Row{"name": "n"}))
					if err != nil {
						t.Fatal(err)
					}
					if pk := res.InsertedPrimaryKey(); len(pk) != 1 || normalize(pk[0]) != want {
						t.Fatalf("InsertedPrimaryKey = %v, want [%d]", pk, want)
					}
					if id, err := res.LastInsertId(); err != nil || id != want {
						t.Fatalf("LastInsertId = %d, %v", id, err)
					}
				}
				res, err := Exec(ctx, tgt.db, Insert(users).Values(Row{"id": 40, "name": "given"}))
				if err != nil || !cmp.Equal(res.InsertedPrimaryKey(), []any{40}) {
					t.Fatalf("given key: %v, %v", res, err)
				}
			})
		}
	})
}

// person is the struct of the scanning tests.
type person struct {
	ID     int64   `db:"id"`
	Name   string  // matched by name, case-insensitively
	Email  *string // NULL-able
	Age    sql.NullInt64
	Active bool
}

func TestScanStructs(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		f := newFixture(t, s)
		rows, err := Query(ctx, s.db, Select(f.users).Where(f.users.C("id").In(2, 3)).OrderBy(f.users.C("id")))
		if err != nil {
			t.Fatal(err)
		}
		var people []person
		if err := rows.ScanAll(&people); err != nil {
			t.Fatal(err)
		}
		mary := "mary@x"
		want := []person{
			{ID: 2, Name: "mary", Email: &mary, Age: sql.NullInt64{Int64: 25, Valid: true}},
			{ID: 3, Name: "bob", Active: true},
		}
		if diff := cmp.Diff(want, people); diff != "" {
			t.Fatalf("ScanAll (-want +got):\n%s", diff)
		}
		row := QueryRow(ctx, s.db, Select(f.users.C("name"), f.users.C("age")).Where(f.users.C("id").Eq(4)))
		var p person
		if err := row.ScanStruct(&p); err != nil || p.Name != "alice" || p.Age.Int64 != 41 {
			t.Fatalf("ScanStruct: %+v, %v", p, err)
		}
		var name string
		var age int
		if err := row.Scan(&name, &age); err != nil || name != "alice" || age != 41 {
			t.Fatalf("Scan: %q %d %v", name, age, err)
		}
		if m := row.Map(); normalize(m["age"]) != int64(41) || m["name"] != "alice" {
			t.Fatalf("Map: %v", m)
		}
		none := QueryRow(ctx, s.db, Select(f.users.C("id")).Where(f.users.C("id").Eq(99)))
		if !errors.Is(none.Err(), sql.ErrNoRows) || !errors.Is(none.Scan(new(int)), sql.ErrNoRows) {
			t.Fatalf("no row: %v", none.Err())
		}
		var wrong struct{ Other int }
		row = QueryRow(ctx, s.db, Select(f.users.C("name")).Where(f.users.C("id").Eq(4)))
		if err := row.ScanStruct(&wrong); !errors.Is(err, ErrInvalid) {
			t.Fatalf("a column without a field: %v", err)
		}
	})
}
