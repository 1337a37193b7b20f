package sqlexpr_test

import (
	"testing"

	. "github.com/go-alchemy/alchemy/sqlexpr"
)

// declTable and declColumn stand for metadata.Table and metadata.Column,
// which embed the clauses: they must be usable wherever the clauses are.
type declTable struct {
	*TableClause
	cols map[string]*declColumn
}

type declColumn struct {
	*ColumnClause
	primary bool
}

func newDeclTable(name string, cols ...string) *declTable {
	t := &declTable{TableClause: NewTable(name), cols: map[string]*declColumn{}}
	for _, c := range cols {
		t.cols[c] = &declColumn{ColumnClause: t.AddColumn(c)}
	}
	t.SetPrimaryKey(cols[0])
	return t
}

// C shadows TableClause.C, as metadata.Table does.
func (t *declTable) C(name string) *declColumn { return t.cols[name] }

func TestEmbeddedTablesAndColumns(t *testing.T) {
	u := newDeclTable("users", "id", "name")
	a := newDeclTable("addresses", "id", "user_id", "city")
	cases := []golden{
		{"select declared table", func() Statement { return Select(u).Where(u.C("name").Eq("john")) },
			all("SELECT users.id, users.name FROM users WHERE users.name = ?", "john")},
		{"declared columns and joins", func() Statement {
			return Select(u.C("name"), a.C("city")).Join(a, u.C("id").Eq(a.C("user_id"))).OrderBy(u.C("id").Desc())
		}, [3]want{
			w("SELECT users.name, addresses.city FROM users JOIN addresses ON users.id = addresses.user_id ORDER BY users.id DESC"),
			w("SELECT users.name, addresses.city FROM users INNER JOIN addresses ON users.id = addresses.user_id ORDER BY users.id DESC"),
			w("SELECT users.name, addresses.city FROM users JOIN addresses ON users.id = addresses.user_id ORDER BY users.id DESC"),
		}},
		{"declared insert update delete", func() Statement {
			return Insert(u).Values(Values{"name": "x"}).Returning(u.C("id"))
		}, [3]want{
			w("INSERT INTO users (name) VALUES ($1) RETURNING users.id", "x"),
			fails("does not support INSERT … RETURNING"),
			w("INSERT INTO users (name) VALUES (?) RETURNING id", "x"),
		}},
		{"declared alias and in", func() Statement {
			x := Alias(u, "x")
			return Select(x.C("id")).Where(x.C("id").In(Select(a.C("user_id"))), u.C("id").IsNotNull()).From(u, x)
		}, all("SELECT x.id FROM users, users AS x WHERE x.id IN (SELECT addresses.user_id FROM addresses) AND users.id IS NOT NULL")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i, d := range goldenDialects {
				checkCompile(t, tc.build, d, tc.want[i])
			}
		})
	}
	if got := Update(u).Values(Values{"name": "y"}).Where(u.C("id").Eq(1)); got.Err() != nil {
		t.Fatal(got.Err())
	}
}
