package sqlexpr_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
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
			nums.As(UnionAll(Select(InlineLiteral(1)), Select(nums.C("n").Add(1)).Where(nums.C("n").Lt(4))))
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
			res, err := Execute(ctx, s.db, st)
			if err != nil {
				sqlText, _, _ := Compile(st, s.d)
				t.Fatalf("%s: %v", sqlText, err)
			}
			return res
		}
		names := func() []map[string]any {
			return queryRows(t, s, Select(u.C("id"), u.C("name"), u.C("age")).OrderBy(u.C("id")))
		}

		res := mustExec(Update(u).Values(Values{"age": u.C("age").Add(1), "name": Upper(u.C("name"))}).Where(u.C("age").Ge(30)))
		if n, _ := res.RowsAffected(); n != 3 {
			t.Errorf("UPDATE affected %d rows, want 3", n)
		}
		mustExec(Delete(a).Where(a.C("city").Eq("Paris")))
		mustExec(Insert(a).FromSelect([]string{"user_id", "city"}, Select(u.C("id"), u.C("name")).Where(u.C("id").Eq(3))))

		// Upserts: do nothing keeps the row, do update changes it.
		mustExec(Insert(u).Values(Values{"id": 2, "name": "clash"}).OnConflictDoNothing("id"))
		mustExec(Insert(u).Values(Values{"id": 3, "name": "bobby", "age": 9}).
			OnConflictDoUpdate([]string{"id"}, Values{"name": Excluded("name"), "age": u.C("id").Add(10)}))
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
			got := queryRows(t, s, Update(u).Values(Values{"age": 50}).Where(u.C("id").Eq(1)).Returning(u.C("id"), u.C("age")))
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
				createTable(t, tgt, users.Name(), usersDDL)
				for want := int64(1); want <= 3; want++ {
					res, err := Execute(ctx, tgt.db, Insert(users).Values(Values{"name": "n"}))
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
				res, err := Execute(ctx, tgt.db, Insert(users).Values(Values{"id": 40, "name": "given"}))
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

// TestConformanceLikeCollateLock runs Contains, StartsWith, EndsWith and
// LikeEscape with values full of LIKE wildcards, the escape character,
// quotes and backslashes (each must match literally, and only its rows),
// COLLATE in ORDER BY and WHERE with collations each server has, and
// FOR UPDATE OF where the dialect has it.
func TestConformanceLikeCollateLock(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		words := NewTable(uniqueName("words"), "id", "w", "part").SetPrimaryKey("id")
		createTable(t, s, words.Name(), map[string]string{
			"postgresql": "id INTEGER PRIMARY KEY, w VARCHAR(50) NOT NULL, part VARCHAR(50) NOT NULL",
			"mysql":      "id INTEGER PRIMARY KEY, w VARCHAR(50) NOT NULL, part VARCHAR(50) NOT NULL",
			"sqlite":     "id INTEGER PRIMARY KEY, w VARCHAR(50) NOT NULL, part VARCHAR(50) NOT NULL",
		})
		all := []string{1: "50%", 2: "500", 3: "a_b", 4: "axb", 5: "x/y", 6: `x\_y`, 7: "it's", 8: `back\slash`,
			9: "Zed", 10: "alice", 11: "%", 12: "_", 13: "x//y", 14: `"q"`}
		parts := map[int]string{2: "00", 4: "b", 10: "ali", 3: "_"}
		for id := 1; id < len(all); id++ {
			part := parts[id]
			if part == "" {
				part = "zz"
			}
			if _, err := Execute(ctx, s.db, Insert(words).Values(Values{"id": id, "w": all[id], "part": part})); err != nil {
				t.Fatal(err)
			}
		}
		w := words.C("w")
		ids := func(cond Expr) []int64 {
			t.Helper()
			var out []int64
			for _, row := range queryRows(t, s, Select(words.C("id")).Where(cond).OrderBy(words.C("id"))) {
				out = append(out, row["id"].(int64))
			}
			return out
		}
		for _, tc := range []struct {
			name string
			cond Expr
			want []int64
		}{
			{"contains percent", w.Contains("%"), []int64{1, 11}},
			{"contains underscore", w.Contains("_"), []int64{3, 6, 12}},
			{"startswith value with percent", w.StartsWith("50%"), []int64{1}},
			{"startswith 50", w.StartsWith("50"), []int64{1, 2}},
			{"endswith underscore b", w.EndsWith("_b"), []int64{3}},
			{"contains escape char", w.Contains("/"), []int64{5, 13}},
			{"contains doubled escape char", w.Contains("//"), []int64{13}},
			{"contains backslash", w.Contains(`\`), []int64{6, 8}},
			{"contains backslash underscore", w.Contains(`\_`), []int64{6}},
			{"contains quote", w.Contains("it's"), []int64{7}},
			{"contains double quote", w.Contains(`"q`), []int64{14}},
			{"endswith backslash word", w.EndsWith(`\slash`), []int64{8}},
			{"whole value", w.Contains("x/y"), []int64{5}},
			{"no match", w.Contains("%%"), nil},
			{"not contains", Not(w.Contains("x")), []int64{1, 2, 3, 7, 8, 9, 10, 11, 12, 14}},
			{"contains column", w.Contains(words.C("part")), []int64{2, 3, 4, 10}},
			// An expression is not escaped: row 3's part "_" is a wildcard.
			{"startswith column", w.StartsWith(words.C("part")), []int64{3, 10}},
			{"endswith column", w.EndsWith(words.C("part")), []int64{2, 3, 4}},
			{"like escape", w.LikeEscape("%#%", '#'), []int64{1, 11}},
			{"not like escape", w.NotLikeEscape("%#_%", '#'), []int64{1, 2, 4, 5, 7, 8, 9, 10, 11, 13, 14}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := ids(tc.cond); !cmp.Equal(got, tc.want) {
					sqlText, args, _ := Compile(Select(words.C("id")).Where(tc.cond), s.d)
					t.Fatalf("ids %v, want %v\nSQL: %s %q", got, tc.want, sqlText, args)
				}
			})
		}

		// COLLATE: a binary collation sorts upper case first; a
		// case-insensitive one (where the server has one built in) does
		// not, and compares "ZED" equal to "Zed".
		type collation struct {
			name      string
			order     []any
			equalsZED bool
		}
		binary := []any{"Zed", "alice", "axb"}
		folded := []any{"alice", "axb", "Zed"}
		collations := map[string][]collation{
			"postgresql": {{"C", binary, false}},
			"mysql":      {{"utf8mb4_bin", binary, false}, {"utf8mb4_general_ci", folded, true}},
			"sqlite":     {{"BINARY", binary, false}, {"NOCASE", folded, true}},
		}[s.d.Family]
		for _, c := range collations {
			t.Run("collate "+c.name, func(t *testing.T) {
				var got []any
				for _, row := range queryRows(t, s, Select(w).Where(words.C("id").In(4, 9, 10)).OrderBy(w.Collate(c.name), words.C("id"))) {
					got = append(got, row["w"])
				}
				if !cmp.Equal(got, c.order) {
					t.Errorf("ORDER BY w COLLATE %s: %v, want %v", c.name, got, c.order)
				}
				if got := ids(w.Collate(c.name).Eq("ZED")); (len(got) == 1) != c.equalsZED {
					t.Errorf("w COLLATE %s = 'ZED': ids %v", c.name, got)
				}
			})
		}

		// FOR UPDATE OF locks the rows of the named table, or alias, only.
		t.Run("for update of", func(t *testing.T) {
			w2 := words.Alias("w2")
			stmt := Select(w, w2.C("w").Label("other")).Join(w2, w2.C("id").Eq(words.C("id").Add(1))).
				Where(words.C("id").Eq(1)).ForUpdateOf(words, w2)
			if isMySQL(s) && isMariaDBServer(t, s) {
				// The suite reaches MariaDB through the mysql dialect (MySQL 8
				// features): the server must reject the OF list, which is why
				// the mariadb dialect refuses to compile it.
				if _, err := Query(ctx, s.db, stmt); err == nil {
					t.Fatal("MariaDB accepted FOR UPDATE OF: the mariadb dialect's ForUpdateOf flag is wrong")
				}
				for _, u := range serverURLs() {
					if u.name == "mysql" {
						s = openServer(t, "mariadb", "mariadb"+u.url[len("mysql"):])
					}
				}
			}
			if !s.d.Features.ForUpdateOf {
				_, _, err := Compile(stmt, s.d)
				var ce *CompileError
				if !errors.As(err, &ce) || ce.Dialect != s.d.Name {
					t.Fatalf("%s has no FOR UPDATE OF, yet compiling gave %v", s.d.Name, err)
				}
				t.Skipf("%s cannot express it (compile error checked: %v)", s.d.Name, err)
			}
			tx, err := s.db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback()
			row := QueryRow(ctx, tx, stmt)
			if row.Err() != nil || row.Get("w") != "50%" || row.Get("other") != "500" {
				sqlText, _, _ := Compile(stmt, s.d)
				t.Fatalf("%s: %v %v %v", sqlText, row.Get("w"), row.Get("other"), row.Err())
			}
			row = QueryRow(ctx, tx, Select(w).Where(words.C("id").Eq(2)).ForUpdateOf(words).SkipLocked())
			if row.Err() != nil || row.Get("w") != "500" {
				t.Fatalf("FOR UPDATE OF … SKIP LOCKED: %v %v", row.Get("w"), row.Err())
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// isMariaDBServer reports whether the server of s is MariaDB, whatever
// dialect it was opened with.
func isMariaDBServer(t *testing.T, s server) bool {
	t.Helper()
	var version string
	if err := s.db.QueryRowContext(context.Background(), "SELECT VERSION()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	return strings.Contains(strings.ToLower(version), "mariadb")
}
