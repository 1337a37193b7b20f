package sqlexpr_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/sqlexpr"
)

// The result paths made cheaper per query (rows.go, scan.go): values of
// exactly their field's type are stored by offset, others through
// reflection; the database types are read only when a []byte value
// needs them. These cases check that each way gives what the reflective
// path gave, on every server (whose drivers return different Go types
// for the same column).

type rfBase struct {
	ID int64
}

type rfMyInt int64

var rfDDL = map[string]string{
	"postgresql": "id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, score DOUBLE PRECISION NOT NULL, data BYTEA, note VARCHAR(20)",
	"mysql":      "id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, score DOUBLE NOT NULL, data BLOB, note VARCHAR(20)",
	"sqlite":     "id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL, score DOUBLE NOT NULL, data BLOB, note VARCHAR(20)",
}

func TestRowsFastScan(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		tbl := sqlexpr.NewTable(uniqueName("rf"), "id", "name", "score", "data", "note")
		createTable(t, s, tbl.Name(), rfDDL)
		for _, v := range []sqlexpr.Values{
			{"id": 1, "name": "ann", "score": 1.5, "data": []byte{0, 1, 2}, "note": "n1"},
			{"id": 2, "name": "bo", "score": -2.25, "data": []byte("xy"), "note": nil},
		} {
			if _, err := sqlexpr.Execute(ctx, s.db, sqlexpr.Insert(tbl).Values(v)); err != nil {
				t.Fatal(err)
			}
		}
		byID := func(cols ...string) *sqlexpr.SelectStmt {
			items := make([]sqlexpr.SelectItem, len(cols))
			for i, c := range cols {
				items[i] = tbl.C(c)
			}
			return sqlexpr.Select(items...).Where(tbl.C("id").Gt(0)).OrderBy(tbl.C("id"))
		}

		type exact struct {
			ID    int64
			Name  string
			Score float64
			Data  []byte
			Note  *string
		}
		n1 := "n1"
		wantExact := []exact{{1, "ann", 1.5, []byte{0, 1, 2}, &n1}, {2, "bo", -2.25, []byte("xy"), nil}}
		got, err := sqlexpr.All[exact](ctx, s.db, byID("id", "name", "score", "data", "note"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantExact, got); diff != "" {
			t.Errorf("All[exact] (-want +got):\n%s", diff)
		}
		ptrs, err := sqlexpr.All[*exact](ctx, s.db, byID("id", "name", "score", "data", "note"))
		if err != nil || len(ptrs) != 2 || cmp.Diff(wantExact[1], *ptrs[1]) != "" {
			t.Errorf("All[*exact] = %v, %v", ptrs, err)
		}

		// An embedded struct: its fields' offsets add to the outer one's.
		type embedded struct {
			Score float64
			rfBase
			Label string `db:"name"`
		}
		emb, err := sqlexpr.All[embedded](ctx, s.db, byID("name", "id", "score"))
		if diff := cmp.Diff([]embedded{{1.5, rfBase{1}, "ann"}, {-2.25, rfBase{2}, "bo"}}, emb, cmp.AllowUnexported(embedded{})); diff != "" || err != nil {
			t.Errorf("All[embedded] = %v (-want +got):\n%s", err, diff)
		}

		// Types a driver value is not exactly: converted as before.
		type converted struct {
			ID    rfMyInt
			Name  []byte
			Score float32
			Data  string
		}
		conv, err := sqlexpr.All[converted](ctx, s.db, byID("id", "name", "score", "data"))
		if diff := cmp.Diff([]converted{{1, []byte("ann"), 1.5, "\x00\x01\x02"}, {2, []byte("bo"), -2.25, "xy"}}, conv); diff != "" || err != nil {
			t.Errorf("All[converted] = %v (-want +got):\n%s", err, diff)
		}

		// NULL into a plain string is the error it was, naming the column.
		type strict struct {
			ID   int64
			Note string
		}
		if _, err := sqlexpr.All[strict](ctx, s.db, byID("id", "note")); err == nil || !strings.Contains(err.Error(), `"note"`) {
			t.Errorf("All[strict] with a NULL note: %v, want an error naming the column", err)
		}
		// A column without a field, also after the same type was scanned
		// with other columns (the plan is per column list).
		type narrow struct{ ID int64 }
		if _, err := sqlexpr.All[narrow](ctx, s.db, byID("id")); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlexpr.All[narrow](ctx, s.db, byID("id", "name")); !errors.Is(err, sqlexpr.ErrInvalid) {
			t.Errorf("All[narrow] of id, name: %v, want ErrInvalid", err)
		}

		// Get tells bytes from text by the database type, read when the
		// row holds a []byte (after ScanStruct read the same row too).
		rows, err := sqlexpr.Query(ctx, s.db, byID("id", "name", "data"))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
		var e struct {
			ID   int64
			Name string
			Data []byte
		}
		if err := rows.ScanStruct(&e); err != nil || e.Name != "ann" {
			t.Fatalf("ScanStruct = %+v, %v", e, err)
		}
		if name, ok := rows.Get("name").(string); !ok || name != "ann" {
			t.Errorf("Get(name) = %#v, want the string ann", rows.Get("name"))
		}
		if data, ok := rows.Get("data").([]byte); !ok || string(data) != "\x00\x01\x02" {
			t.Errorf("Get(data) = %#v, want []byte", rows.Get("data"))
		}
		if m := rows.Map(); cmp.Diff(map[string]any{"id": int64(1), "name": "ann", "data": []byte{0, 1, 2}}, m) != "" {
			t.Errorf("Map = %#v", m)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestRowsFastConcurrent: queries of one struct type with different
// column lists, at once, each get their own columns' values (run with
// -race: the shared field plans are read and replaced concurrently).
func TestRowsFastConcurrent(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		f := newFixture(t, s)
		u := f.users
		type user struct {
			ID   int64
			Name string
			Age  *int64
		}
		sels := []struct {
			stmt *sqlexpr.SelectStmt
			want user
		}{
			{sqlexpr.Select(u.C("id"), u.C("name")).Where(u.C("id").Eq(1)), user{ID: 1, Name: "john"}},
			{sqlexpr.Select(u.C("name"), u.C("id")).Where(u.C("id").Eq(2)), user{ID: 2, Name: "mary"}},
			{sqlexpr.Select(u.C("age")).Where(u.C("id").Eq(1)), user{Age: new(int64(30))}},
		}
		errs := make(chan error, 4)
		for g := range 4 {
			go func() {
				for i := range 30 {
					sel := sels[(g+i)%len(sels)]
					got, err := sqlexpr.One[user](ctx, s.db, sel.stmt)
					if err == nil && !cmp.Equal(sel.want, got) {
						err = errors.New(cmp.Diff(sel.want, got))
					}
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	})
}

// TestRowsFastDriverBytes: from the second row on, MySQL's text and
// bytes reach the result's values without database/sql's copy
// (rows.go, loadRaw); everything kept — struct fields, Get's values,
// rows — must still be a copy of its own, unchanged as later rows
// reuse the driver's buffer. Checked against database/sql's own Scan.
func TestRowsFastDriverBytes(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		tbl := sqlexpr.NewTable(uniqueName("rfb"), "id", "name", "score", "data", "note")
		createTable(t, s, tbl.Name(), rfDDL)
		const n = 2000
		rows := make([]sqlexpr.Params, n)
		for i := range rows {
			rows[i] = sqlexpr.Params{"id": i + 1, "name": fmt.Sprintf("name-%d-%s", i, strings.Repeat("x", i%7)),
				"score": float64(i), "data": []byte(fmt.Sprintf("data-%d", i)), "note": fmt.Sprint("note ", i)}
		}
		if _, err := sqlexpr.Execute(ctx, s.db, sqlexpr.Insert(tbl), rows...); err != nil {
			t.Fatal(err)
		}
		type rec struct {
			ID   int64
			Name string
			Data []byte
			Note *string
		}
		// The reference: database/sql scanning into the fields.
		stmt := sqlexpr.Select(tbl.C("id"), tbl.C("name"), tbl.C("data"), tbl.C("note")).Where(tbl.C("id").Gt(0)).OrderBy(tbl.C("id"))
		text, args, err := sqlexpr.Compile(stmt, s.d)
		if err != nil {
			t.Fatal(err)
		}
		plain, err := s.db.QueryContext(ctx, text, args...)
		if err != nil {
			t.Fatal(err)
		}
		var want []rec
		for plain.Next() {
			var r rec
			if err := plain.Scan(&r.ID, &r.Name, &r.Data, &r.Note); err != nil {
				t.Fatal(err)
			}
			want = append(want, r)
		}
		if err := plain.Close(); err != nil || len(want) != n {
			t.Fatal(len(want), err)
		}

		got, err := sqlexpr.All[rec](ctx, s.db, stmt)
		if diff := cmp.Diff(want, got); diff != "" || err != nil {
			t.Errorf("All[rec] = %v (-want +got):\n%s", err, diff)
		}
		ptrs, err := sqlexpr.All[*rec](ctx, s.db, stmt)
		if err != nil || len(ptrs) != n || cmp.Diff(want[n-1], *ptrs[n-1]) != "" || cmp.Diff(want[1], *ptrs[1]) != "" {
			t.Errorf("All[*rec]: %v", err)
		}
		var scanned []rec
		if err := must(sqlexpr.Query(ctx, s.db, stmt)).ScanAll(&scanned); err != nil || cmp.Diff(want, scanned) != "" {
			t.Errorf("ScanAll: %v, %s", err, cmp.Diff(want, scanned))
		}
		all, err := must(sqlexpr.Query(ctx, s.db, stmt)).All()
		if err != nil || len(all) != n {
			t.Fatal(len(all), err)
		}
		for i, row := range all {
			if row.Get("name") != want[i].Name || !bytes.Equal(row.Get("data").([]byte), want[i].Data) {
				t.Fatalf("All()[%d] = %v, want %+v", i, row.Values(), want[i])
			}
		}
		// Mixed: a struct, then Get and Map of the same row, values kept
		// across rows.
		r := must(sqlexpr.Query(ctx, s.db, stmt))
		defer r.Close()
		var kept [][]byte
		var maps []map[string]any
		for i := 0; r.Next(); i++ {
			var v rec
			if err := r.ScanStruct(&v); err != nil || cmp.Diff(want[i], v) != "" {
				t.Fatalf("row %d: ScanStruct = %+v, %v", i, v, err)
			}
			kept = append(kept, r.Get("data").([]byte))
			maps = append(maps, r.Map())
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if !bytes.Equal(kept[i], want[i].Data) || maps[i]["name"] != want[i].Name || !bytes.Equal(maps[i]["data"].([]byte), want[i].Data) {
				t.Fatalf("row %d kept %q / %v, want %+v", i, kept[i], maps[i], want[i])
			}
		}
	})
}

func must(r *sqlexpr.Rows, err error) *sqlexpr.Rows {
	if err != nil {
		panic(err)
	}
	return r
}
