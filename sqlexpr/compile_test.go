package sqlexpr_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"

	. "github.com/go-alchemy/alchemy/sqlexpr"
)

// The tables of the golden tests.
var (
	users     = NewTable("users", "id", "name", "email", "age", "active").SetPrimaryKey("id")
	addresses = NewTable("addresses", "id", "user_id", "street", "city")
	onUser    = users.C("id").Eq(addresses.C("user_id"))
)

type golden struct {
	name  string
	build func() Statement
	want  [3]want // PostgreSQL, MySQL, SQLite
}

func TestCompileGolden(t *testing.T) {
	var cases []golden
	cases = append(cases, selectCases()...)
	cases = append(cases, operatorCases()...)
	cases = append(cases, likeCollateLockCases()...)
	cases = append(cases, functionCases()...)
	cases = append(cases, subqueryCases()...)
	cases = append(cases, dmlCases()...)
	cases = append(cases, textAndIdentCases()...)
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			for i, d := range goldenDialects {
				checkCompile(t, tc.build, d, tc.want[i])
			}
		})
	}
}

func selectCases() []golden {
	return []golden{
		{"select table", func() Statement { return Select(users) },
			all("SELECT users.id, users.name, users.email, users.age, users.active FROM users")},
		{"seed select where", func() Statement { return Select(users).Where(users.C("name").Eq("john")) },
			all("SELECT users.id, users.name, users.email, users.age, users.active FROM users WHERE users.name = ?", "john")},
		{"distinct", func() Statement { return Select(users.C("name")).Distinct() },
			all("SELECT DISTINCT users.name FROM users")},
		{"distinct on", func() Statement {
			return Select(users.C("name"), users.C("age")).DistinctOn(users.C("name"))
		}, [3]want{
			w("SELECT DISTINCT ON (users.name) users.name, users.age FROM users"),
			fails("dialect mysql does not support SELECT DISTINCT ON"),
			fails("dialect sqlite does not support SELECT DISTINCT ON"),
		}},
		{"join where in order limit", func() Statement {
			return Select(users.C("id"), users.C("name"), addresses.C("city")).
				Join(addresses, onUser).
				Where(users.C("name").Eq("john"), addresses.C("city").In("Berlin", "Paris")).
				OrderBy(users.C("id")).Limit(10)
		}, [3]want{
			w("SELECT users.id, users.name, addresses.city FROM users JOIN addresses ON users.id = addresses.user_id WHERE users.name = $1 AND addresses.city IN ($2, $3) ORDER BY users.id LIMIT $4", "john", "Berlin", "Paris", int64(10)),
			w("SELECT users.id, users.name, addresses.city FROM users INNER JOIN addresses ON users.id = addresses.user_id WHERE users.name = ? AND addresses.city IN (?, ?) ORDER BY users.id LIMIT ?", "john", "Berlin", "Paris", int64(10)),
			w("SELECT users.id, users.name, addresses.city FROM users JOIN addresses ON users.id = addresses.user_id WHERE users.name = ? AND addresses.city IN (?, ?) ORDER BY users.id LIMIT ? OFFSET ?", "john", "Berlin", "Paris", int64(10), int64(0)),
		}},
		{"left join", func() Statement {
			return Select(users.C("name"), addresses.C("city")).LeftJoin(addresses, onUser)
		}, all("SELECT users.name, addresses.city FROM users LEFT OUTER JOIN addresses ON users.id = addresses.user_id")},
		{"right join", func() Statement {
			return Select(users.C("name"), addresses.C("city")).RightJoin(addresses, onUser)
		}, all("SELECT users.name, addresses.city FROM users RIGHT OUTER JOIN addresses ON users.id = addresses.user_id")},
		{"full join", func() Statement {
			return Select(users.C("name"), addresses.C("city")).FullJoin(addresses, onUser)
		}, [3]want{
			w("SELECT users.name, addresses.city FROM users FULL OUTER JOIN addresses ON users.id = addresses.user_id"),
			fails("dialect mysql does not support FULL OUTER JOIN"),
			w("SELECT users.name, addresses.city FROM users FULL OUTER JOIN addresses ON users.id = addresses.user_id"),
		}},
		{"explicit join chain with alias", func() Statement {
			a2 := addresses.Alias("a2")
			return Select(users.C("name")).From(users.Join(addresses, onUser).LeftJoin(a2, a2.C("user_id").Eq(users.C("id"))))
		}, [3]want{
			w("SELECT users.name FROM users JOIN addresses ON users.id = addresses.user_id LEFT OUTER JOIN addresses AS a2 ON a2.user_id = users.id"),
			w("SELECT users.name FROM users INNER JOIN addresses ON users.id = addresses.user_id LEFT OUTER JOIN addresses AS a2 ON a2.user_id = users.id"),
			w("SELECT users.name FROM users JOIN addresses ON users.id = addresses.user_id LEFT OUTER JOIN addresses AS a2 ON a2.user_id = users.id"),
		}},
		{"join without on", func() Statement { return Select(users.C("id")).Join(addresses, nil) },
			[3]want{fails("join without ON"), fails("join without ON"), fails("join without ON")}},
		{"froms derived from columns", func() Statement { return Select(users.C("name"), addresses.C("city")) },
			all("SELECT users.name, addresses.city FROM users, addresses")},
		{"group by having order by", func() Statement {
			return Select(users.C("name"), Count()).GroupBy(users.C("name")).Having(Count().Gt(1)).OrderBy(users.C("name").Desc())
		}, all("SELECT users.name, count(*) AS count_1 FROM users GROUP BY users.name HAVING count(*) > ? ORDER BY users.name DESC", 1)},
		{"nulls first last", func() Statement {
			return Select(users.C("id")).OrderBy(users.C("age").Asc().NullsFirst(), users.C("name").Desc().NullsLast())
		}, [3]want{
			w("SELECT users.id FROM users ORDER BY users.age ASC NULLS FIRST, users.name DESC NULLS LAST"),
			fails("dialect mysql does not support NULLS FIRST / NULLS LAST"),
			w("SELECT users.id FROM users ORDER BY users.age ASC NULLS FIRST, users.name DESC NULLS LAST"),
		}},
		{"limit", func() Statement { return Select(users.C("id")).Limit(5) }, [3]want{
			w("SELECT users.id FROM users LIMIT $1", int64(5)),
			w("SELECT users.id FROM users LIMIT ?", int64(5)),
			w("SELECT users.id FROM users LIMIT ? OFFSET ?", int64(5), int64(0)),
		}},
		{"offset", func() Statement { return Select(users.C("id")).Offset(3) }, [3]want{
			w("SELECT users.id FROM users LIMIT ALL OFFSET $1", int64(3)),
			w("SELECT users.id FROM users LIMIT ?, 18446744073709551615", int64(3)),
			w("SELECT users.id FROM users LIMIT ? OFFSET ?", int64(-1), int64(3)),
		}},
		{"limit offset", func() Statement { return Select(users.C("id")).Limit(5).Offset(10) }, [3]want{
			w("SELECT users.id FROM users LIMIT $1 OFFSET $2", int64(5), int64(10)),
			w("SELECT users.id FROM users LIMIT ?, ?", int64(10), int64(5)),
			w("SELECT users.id FROM users LIMIT ? OFFSET ?", int64(5), int64(10)),
		}},
		{"negative limit", func() Statement { return Select(users.C("id")).Limit(-1) },
			[3]want{fails("negative limit"), fails("negative limit"), fails("negative limit")}},
		{"for update", func() Statement { return Select(users.C("id")).Where(users.C("id").Eq(1)).ForUpdate() }, [3]want{
			w("SELECT users.id FROM users WHERE users.id = $1 FOR UPDATE", 1),
			w("SELECT users.id FROM users WHERE users.id = ? FOR UPDATE", 1),
			fails("dialect sqlite does not support SELECT … FOR UPDATE"),
		}},
		{"for update nowait", func() Statement { return Select(users.C("id")).ForUpdate().NoWait() }, [3]want{
			w("SELECT users.id FROM users FOR UPDATE NOWAIT"),
			w("SELECT users.id FROM users FOR UPDATE NOWAIT"),
			fails("does not support SELECT … FOR UPDATE"),
		}},
		{"for update skip locked", func() Statement { return Select(users.C("id")).ForUpdate().SkipLocked() }, [3]want{
			w("SELECT users.id FROM users FOR UPDATE SKIP LOCKED"),
			w("SELECT users.id FROM users FOR UPDATE SKIP LOCKED"),
			fails("does not support SELECT … FOR UPDATE"),
		}},
		{"for share", func() Statement { return Select(users.C("id")).ForShare() }, [3]want{
			w("SELECT users.id FROM users FOR SHARE"),
			w("SELECT users.id FROM users LOCK IN SHARE MODE"),
			fails("dialect sqlite does not support SELECT … FOR SHARE"),
		}},
		{"nowait without lock", func() Statement { return Select(users.C("id")).NoWait() },
			[3]want{fails("NoWait or SkipLocked without"), fails("NoWait or SkipLocked without"), fails("NoWait or SkipLocked without")}},
		{"select without from", func() Statement { return Select(LiteralColumn("1")) }, all("SELECT 1")},
		{"select without from with where", func() Statement {
			return Select(LiteralColumn("1")).Where(Literal(1).Eq(1))
		}, [3]want{
			w("SELECT 1 WHERE $1 = $2", 1, 1),
			w("SELECT 1 FROM DUAL WHERE ? = ?", 1, 1),
			w("SELECT 1 WHERE ? = ?", 1, 1),
		}},
		{"select without columns", func() Statement { return Select() },
			[3]want{fails("SELECT without columns"), fails("SELECT without columns"), fails("SELECT without columns")}},
		{"clone branches", func() Statement {
			base := Select(users.C("id")).Where(users.C("age").Gt(1))
			_ = base.Clone().Where(users.C("name").Eq("other"))
			return base.Clone().OrderBy(users.C("id"))
		}, all("SELECT users.id FROM users WHERE users.age > ? ORDER BY users.id", 1)},
	}
}

func operatorCases() []golden {
	u := users
	return []golden{
		{"comparisons", func() Statement {
			return Select(u.C("id")).Where(u.C("name").Ne("a"), u.C("age").Lt(1), u.C("age").Le(2), u.C("age").Gt(3), u.C("age").Ge(4))
		}, all("SELECT users.id FROM users WHERE users.name <> ? AND users.age < ? AND users.age <= ? AND users.age > ? AND users.age >= ?", "a", 1, 2, 3, 4)},
		{"like", func() Statement { return Select(u.C("id")).Where(u.C("name").Like("j%"), u.C("name").NotLike("%x")) },
			all("SELECT users.id FROM users WHERE users.name LIKE ? AND users.name NOT LIKE ?", "j%", "%x")},
		{"ilike", func() Statement { return Select(u.C("id")).Where(u.C("name").ILike("J%"), u.C("name").NotILike("%X")) }, [3]want{
			w("SELECT users.id FROM users WHERE users.name ILIKE $1 AND users.name NOT ILIKE $2", "J%", "%X"),
			w("SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?) AND lower(users.name) NOT LIKE lower(?)", "J%", "%X"),
			w("SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?) AND lower(users.name) NOT LIKE lower(?)", "J%", "%X"),
		}},
		{"regexp", func() Statement { return Select(u.C("id")).Where(u.C("name").RegexpMatch("^j")) }, [3]want{
			w("SELECT users.id FROM users WHERE users.name ~ $1", "^j"),
			w("SELECT users.id FROM users WHERE users.name REGEXP ?", "^j"),
			fails("dialect sqlite does not support regular-expression match"),
		}},
		{"in and not in", func() Statement { return Select(u.C("id")).Where(u.C("id").In(1, 2, 3), u.C("id").NotIn(4)) },
			all("SELECT users.id FROM users WHERE users.id IN (?, ?, ?) AND users.id NOT IN (?)", 1, 2, 3, 4)},
		{"in slice", func() Statement { return Select(u.C("id")).Where(u.C("id").In([]int{7, 8, 9, 10})) },
			all("SELECT users.id FROM users WHERE users.id IN (?, ?, ?, ?)", 7, 8, 9, 10)},
		{"in expressions", func() Statement { return Select(u.C("id")).Where(Literal(3).In(u.C("id"), u.C("age"))) },
			all("SELECT users.id FROM users WHERE ? IN (users.id, users.age)", 3)},
		{"empty in", func() Statement { return Select(u.C("id")).Where(u.C("id").In([]int{}), u.C("name").Eq("x")) },
			all("SELECT users.id FROM users WHERE 1 = 0 AND users.name = ?", "x")},
		{"empty not in", func() Statement { return Select(u.C("id")).Where(u.C("id").NotIn()) },
			all("SELECT users.id FROM users WHERE 1 = 1")},
		{"not of empty in", func() Statement { return Select(u.C("id")).Where(Not(u.C("id").In())) },
			all("SELECT users.id FROM users WHERE NOT (1 = 0)")},
		{"between", func() Statement {
			return Select(u.C("id")).Where(u.C("age").Between(18, 65), u.C("id").NotBetween(5, 6))
		},
			all("SELECT users.id FROM users WHERE users.age BETWEEN ? AND ? AND users.id NOT BETWEEN ? AND ?", 18, 65, 5, 6)},
		{"is null", func() Statement {
			return Select(u.C("id")).Where(u.C("email").IsNull(), u.C("age").IsNotNull(), u.C("name").Eq(nil), u.C("name").Ne(nil))
		}, all("SELECT users.id FROM users WHERE users.email IS NULL AND users.age IS NOT NULL AND users.name IS NULL AND users.name IS NOT NULL")},
		{"is distinct from", func() Statement {
			return Select(u.C("id")).Where(u.C("age").IsDistinctFrom(3), u.C("email").IsNotDistinctFrom(u.C("name")))
		}, [3]want{
			w("SELECT users.id FROM users WHERE users.age IS DISTINCT FROM $1 AND users.email IS NOT DISTINCT FROM users.name", 3),
			w("SELECT users.id FROM users WHERE NOT (users.age <=> ?) AND users.email <=> users.name", 3),
			w("SELECT users.id FROM users WHERE users.age IS NOT ? AND users.email IS users.name", 3),
		}},
		{"and or not precedence", func() Statement {
			return Select(u.C("id")).Where(
				Or(u.C("name").Eq("a"), And(u.C("age").Gt(1), u.C("age").Lt(9))),
				Not(u.C("active")),
				Not(u.C("name").Eq("b")))
		}, all("SELECT users.id FROM users WHERE (users.name = ? OR users.age > ? AND users.age < ?) AND NOT users.active AND NOT (users.name = ?)", "a", 1, 9, "b")},
		{"single or where", func() Statement { return Select(u.C("id")).Where(u.C("name").Eq("a").Or(u.C("name").Eq("b"))) },
			all("SELECT users.id FROM users WHERE users.name = ? OR users.name = ?", "a", "b")},
		{"and flattening and constants", func() Statement {
			return Select(u.C("id")).Where(And(True(), u.C("id").Eq(1), And(u.C("age").Eq(2), True())), Or(False(), u.C("name").Eq("x")))
		}, all("SELECT users.id FROM users WHERE users.id = ? AND users.age = ? AND users.name = ?", 1, 2, "x")},
		{"or true absorbs", func() Statement { return Select(u.C("id")).Where(Or(u.C("id").Eq(1), True())) }, [3]want{
			w("SELECT users.id FROM users WHERE true"),
			w("SELECT users.id FROM users WHERE true"),
			w("SELECT users.id FROM users WHERE 1"),
		}},
		{"boolean constants", func() Statement { return Select(u.C("id")).Where(u.C("active").Eq(True()), u.C("email").Ne(Null())) }, [3]want{
			w("SELECT users.id FROM users WHERE users.active = true AND users.email IS NOT NULL"),
			w("SELECT users.id FROM users WHERE users.active = true AND users.email IS NOT NULL"),
			w("SELECT users.id FROM users WHERE users.active = 1 AND users.email IS NOT NULL"),
		}},
		{"arithmetic precedence", func() Statement {
			return Select(u.C("age").Add(1).Mul(2).Label("x"), u.C("age").Sub(u.C("id").Sub(1)), u.C("age").Sub(1).Sub(2).Label("y"))
		}, all("SELECT (users.age + ?) * ? AS x, users.age - (users.id - ?) AS anon_1, users.age - ? - ? AS y FROM users", 1, 2, 1, 1, 2)},
		{"div mod neg", func() Statement {
			return Select(u.C("age").Div(2).Label("h"), u.C("age").Mod(3).Label("m"), u.C("age").Neg().Label("n"), InlineLiteral(-5).Neg().Label("p"))
		}, all("SELECT users.age / ? AS h, users.age % ? AS m, -users.age AS n, -(-5) AS p FROM users", 2, 3)},
		{"comparison of comparisons", func() Statement { return Select(u.C("id")).Where(u.C("age").Gt(1).Eq(True())) }, [3]want{
			w("SELECT users.id FROM users WHERE (users.age > $1) = true", 1),
			w("SELECT users.id FROM users WHERE (users.age > ?) = true", 1),
			w("SELECT users.id FROM users WHERE (users.age > ?) = 1", 1),
		}},
		{"concat", func() Statement {
			return Select(u.C("name").Concat(" <").Concat(u.C("email")).Concat(">").Label("whole"))
		}, [3]want{
			w("SELECT users.name || $1 || users.email || $2 AS whole FROM users", " <", ">"),
			w("SELECT concat(users.name, ?, users.email, ?) AS whole FROM users", " <", ">"),
			w("SELECT users.name || ? || users.email || ? AS whole FROM users", " <", ">"),
		}},
		{"concat compared", func() Statement { return Select(u.C("id")).Where(u.C("name").Concat("x").Eq("ax")) }, [3]want{
			w("SELECT users.id FROM users WHERE users.name || $1 = $2", "x", "ax"),
			w("SELECT users.id FROM users WHERE concat(users.name, ?) = ?", "x", "ax"),
			w("SELECT users.id FROM users WHERE users.name || ? = ?", "x", "ax"),
		}},
	}
}

// likeName is a named string type: Contains escapes it like a string.
type likeName string

// likeCollateLockCases cover Contains/StartsWith/EndsWith (a Go string
// escaped and bound as one pattern, an expression wrapped in SQL),
// LikeEscape, Collate and FOR UPDATE OF.
func likeCollateLockCases() []golden {
	u, a := users, addresses
	return []golden{
		{"contains escapes wildcards quotes and backslashes", func() Statement {
			return Select(u.C("id")).Where(u.C("name").Contains(`50%_a/b'\`))
		}, all(`SELECT users.id FROM users WHERE users.name LIKE ? ESCAPE '/'`, `%50/%/_a//b'\%`)},
		{"startswith endswith", func() Statement {
			return Select(u.C("id")).Where(u.C("name").StartsWith("a_"), u.C("email").EndsWith("%"), u.C("name").Contains(""))
		}, all(`SELECT users.id FROM users WHERE users.name LIKE ? ESCAPE '/' AND users.email LIKE ? ESCAPE '/' AND users.name LIKE ? ESCAPE '/'`, "a/_%", "%/%", "%%")},
		{"contains named string type", func() Statement { return Select(u.C("id")).Where(u.C("name").Contains(likeName("x_"))) },
			all(`SELECT users.id FROM users WHERE users.name LIKE ? ESCAPE '/'`, "%x/_%")},
		{"contains column", func() Statement {
			return Select(u.C("id")).Where(u.C("email").Contains(u.C("name")), u.C("email").StartsWith(u.C("name")), u.C("email").EndsWith(u.C("name")))
		}, [3]want{
			w(`SELECT users.id FROM users WHERE users.email LIKE '%' || users.name || '%' AND users.email LIKE users.name || '%' AND users.email LIKE '%' || users.name`),
			w(`SELECT users.id FROM users WHERE users.email LIKE concat('%', users.name, '%') AND users.email LIKE concat(users.name, '%') AND users.email LIKE concat('%', users.name)`),
			w(`SELECT users.id FROM users WHERE users.email LIKE '%' || users.name || '%' AND users.email LIKE users.name || '%' AND users.email LIKE '%' || users.name`),
		}},
		{"contains expression", func() Statement {
			return Select(u.C("id")).Where(u.C("email").Contains(u.C("name").Concat("@")), u.C("name").StartsWith(Lower(u.C("email"))))
		}, [3]want{
			w(`SELECT users.id FROM users WHERE users.email LIKE '%' || (users.name || $1) || '%' AND users.name LIKE lower(users.email) || '%'`, "@"),
			w(`SELECT users.id FROM users WHERE users.email LIKE concat('%', concat(users.name, ?), '%') AND users.name LIKE concat(lower(users.email), '%')`, "@"),
			w(`SELECT users.id FROM users WHERE users.email LIKE '%' || (users.name || ?) || '%' AND users.name LIKE lower(users.email) || '%'`, "@"),
		}},
		{"contains subquery", func() Statement {
			return Select(u.C("id")).Where(u.C("name").Contains(Select(a.C("city")).Where(a.C("id").Eq(1))))
		}, [3]want{
			w(`SELECT users.id FROM users WHERE users.name LIKE '%' || (SELECT addresses.city FROM addresses WHERE addresses.id = $1) || '%'`, 1),
			w(`SELECT users.id FROM users WHERE users.name LIKE concat('%', (SELECT addresses.city FROM addresses WHERE addresses.id = ?), '%')`, 1),
			w(`SELECT users.id FROM users WHERE users.name LIKE '%' || (SELECT addresses.city FROM addresses WHERE addresses.id = ?) || '%'`, 1),
		}},
		{"contains not a string", func() Statement { return Select(u.C("id")).Where(u.C("name").EndsWith(5)) },
			[3]want{fails("EndsWith(int): want a string or an expression"), fails("EndsWith(int)"), fails("EndsWith(int)")}},
		{"contains nil", func() Statement { return Select(u.C("id")).Where(u.C("name").Contains(nil)) },
			[3]want{fails("Contains(<nil>)"), fails("Contains(<nil>)"), fails("Contains(<nil>)")}},
		{"not contains and in select list", func() Statement {
			return Select(u.C("id"), u.C("name").StartsWith("j")).Where(Not(u.C("name").Contains("o")), u.C("id").Eq(1).Or(u.C("name").EndsWith("n")))
		}, all(`SELECT users.id, users.name LIKE ? ESCAPE '/' AS anon_1 FROM users WHERE NOT (users.name LIKE ? ESCAPE '/') AND (users.id = ? OR users.name LIKE ? ESCAPE '/')`, "j%", "%o%", 1, "%n")},
		{"contains in select list derives from", func() Statement { return Select(a.C("city").Contains(u.C("name")).Label("hit")) },
			[3]want{
				w(`SELECT addresses.city LIKE '%' || users.name || '%' AS hit FROM addresses, users`),
				w(`SELECT addresses.city LIKE concat('%', users.name, '%') AS hit FROM addresses, users`),
				w(`SELECT addresses.city LIKE '%' || users.name || '%' AS hit FROM addresses, users`),
			}},
		{"like escape", func() Statement {
			return Select(u.C("id")).Where(u.C("name").LikeEscape("10#%%", '#'), u.C("email").NotLikeEscape("a!_b", '!'), u.C("name").LikeEscape(u.C("email"), '/'))
		}, all(`SELECT users.id FROM users WHERE users.name LIKE ? ESCAPE '#' AND users.email NOT LIKE ? ESCAPE '!' AND users.name LIKE users.email ESCAPE '/'`, "10#%%", "a!_b")},
		{"like escape quote", func() Statement { return Select(u.C("id")).Where(u.C("name").LikeEscape("x", '\'')) },
			[3]want{fails(`LikeEscape: escape character '\''`), fails(`LikeEscape: escape character '\''`), fails(`LikeEscape: escape character '\''`)}},
		{"like escape backslash", func() Statement { return Select(u.C("id")).Where(u.C("name").NotLikeEscape("x", '\\')) },
			[3]want{fails(`NotLikeEscape: escape character '\\'`), fails(`NotLikeEscape`), fails(`NotLikeEscape`)}},
		{"like escape control and non-ascii", func() Statement {
			return Select(u.C("id")).Where(u.C("name").LikeEscape("x", '\n').Or(u.C("name").LikeEscape("x", 0xe9)))
		}, [3]want{fails("want one printable ASCII character"), fails("want one printable ASCII character"), fails("want one printable ASCII character")}},
		{"collate where and order by", func() Statement {
			return Select(u.C("name")).Where(u.C("name").Collate("C").Gt("a")).OrderBy(u.C("name").Collate("en_US").Desc(), u.C("email").Collate("utf8mb4_bin"))
		}, [3]want{
			w(`SELECT users.name FROM users WHERE users.name COLLATE "C" > $1 ORDER BY users.name COLLATE "en_US" DESC, users.email COLLATE utf8mb4_bin`, "a"),
			w("SELECT users.name FROM users WHERE users.name COLLATE `C` > ? ORDER BY users.name COLLATE `en_US` DESC, users.email COLLATE utf8mb4_bin", "a"),
			w(`SELECT users.name FROM users WHERE users.name COLLATE "C" > ? ORDER BY users.name COLLATE "en_US" DESC, users.email COLLATE utf8mb4_bin`, "a"),
		}},
		{"collate of expression and in select list", func() Statement {
			return Select(u.C("name").Concat("x").Collate("nocase"), Lower(u.C("name")).Collate("nocase").Label("l"))
		}, [3]want{
			w(`SELECT (users.name || $1) COLLATE nocase AS anon_1, lower(users.name) COLLATE nocase AS l FROM users`, "x"),
			w(`SELECT (concat(users.name, ?)) COLLATE nocase AS anon_1, lower(users.name) COLLATE nocase AS l FROM users`, "x"),
			w(`SELECT (users.name || ?) COLLATE nocase AS anon_1, lower(users.name) COLLATE nocase AS l FROM users`, "x"),
		}},
		{"collate operand", func() Statement {
			return Select(u.C("id")).Where(u.C("name").Eq(u.C("email").Collate("C")), u.C("name").Collate("C").Contains("a"))
		}, [3]want{
			w(`SELECT users.id FROM users WHERE users.name = users.email COLLATE "C" AND users.name COLLATE "C" LIKE $1 ESCAPE '/'`, "%a%"),
			w("SELECT users.id FROM users WHERE users.name = users.email COLLATE `C` AND users.name COLLATE `C` LIKE ? ESCAPE '/'", "%a%"),
			w(`SELECT users.id FROM users WHERE users.name = users.email COLLATE "C" AND users.name COLLATE "C" LIKE ? ESCAPE '/'`, "%a%"),
		}},
		{"collate empty name", func() Statement { return Select(u.C("name")).OrderBy(u.C("name").Collate("")) },
			[3]want{fails("empty identifier"), fails("empty identifier"), fails("empty identifier")}},
		{"for update of", func() Statement {
			return Select(u.C("id"), a.C("city")).Join(a, onUser).Where(u.C("id").Eq(1)).ForUpdateOf(u)
		}, [3]want{
			w("SELECT users.id, addresses.city FROM users JOIN addresses ON users.id = addresses.user_id WHERE users.id = $1 FOR UPDATE OF users", 1),
			w("SELECT users.id, addresses.city FROM users INNER JOIN addresses ON users.id = addresses.user_id WHERE users.id = ? FOR UPDATE OF users", 1),
			fails("dialect sqlite does not support SELECT … FOR UPDATE"),
		}},
		{"for update of alias and schema table skip locked", func() Statement {
			acc := NewSchemaTable("bank", "Accounts", "id")
			sel := a.Alias("select")
			return Select(acc.C("id"), sel.C("city"), u.C("id")).ForUpdateOf(acc, sel).SkipLocked()
		}, [3]want{
			w(`SELECT bank."Accounts".id, "select".city, users.id FROM bank."Accounts", addresses AS "select", users FOR UPDATE OF "Accounts", "select" SKIP LOCKED`),
			w("SELECT bank.`Accounts`.id, `select`.city, users.id FROM bank.`Accounts`, addresses AS `select`, users FOR UPDATE OF `Accounts`, `select` SKIP LOCKED"),
			fails("dialect sqlite does not support SELECT … FOR UPDATE"),
		}},
		{"for update of nothing", func() Statement { return Select(u.C("id")).ForUpdateOf().NoWait() }, [3]want{
			w("SELECT users.id FROM users FOR UPDATE NOWAIT"),
			w("SELECT users.id FROM users FOR UPDATE NOWAIT"),
			fails("does not support SELECT … FOR UPDATE"),
		}},
		{"for update of then for share", func() Statement { return Select(u.C("id")).ForUpdateOf(u).ForShare() },
			[3]want{fails("FOR SHARE OF is not supported"), fails("FOR SHARE OF is not supported"), fails("FOR SHARE OF is not supported")}},
		{"for update of a subquery", func() Statement {
			sq := Select(a.C("user_id")).Subquery("sq")
			return Select(u.C("id")).From(u).Join(sq, sq.C("user_id").Eq(u.C("id"))).ForUpdateOf(sq)
		}, [3]want{fails("ForUpdateOf: *sqlexpr.Subquery is not a table"), fails("ForUpdateOf: *sqlexpr.Subquery is not a table"), fails("does not support SELECT … FOR UPDATE")}},
		{"for update of nil", func() Statement { return Select(u.C("id")).ForUpdateOf(nil) },
			[3]want{fails("ForUpdateOf: nil table"), fails("ForUpdateOf: nil table"), fails("ForUpdateOf: nil table")}},
	}
}

// TestForUpdateOfMariaDB: MariaDB has FOR UPDATE but no OF list; the
// variant dialect says so and compiling is a CompileError, not a lock on
// every table read.
func TestForUpdateOfMariaDB(t *testing.T) {
	build := func() Statement { return Select(users.C("id"), addresses.C("city")).ForUpdateOf(users) }
	checkCompile(t, build, mysql.MariaDB, fails("dialect mariadb does not support SELECT … FOR UPDATE OF"))
	_, _, err := Compile(build(), mysql.MariaDB)
	var ce *CompileError
	if !errors.As(err, &ce) || ce.Dialect != "mariadb" || ce.Construct != "SELECT … FOR UPDATE OF" || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("err = %#v", err)
	}
	checkCompile(t, func() Statement { return Select(users.C("id")).ForUpdate() }, mysql.MariaDB, w("SELECT users.id FROM users FOR UPDATE"))
}

func functionCases() []golden {
	u := users
	return []golden{
		{"functions", func() Statement {
			return Select(Count(), Count(u.C("id")), Sum(u.C("age")), Min(u.C("age")), Max(u.C("age")), Avg(u.C("age")),
				Coalesce(u.C("email"), "none"), Lower(u.C("name")), Upper(u.C("name")), Now())
		}, [3]want{
			w("SELECT count(*) AS count_1, count(users.id) AS count_2, sum(users.age) AS sum_1, min(users.age) AS min_1, max(users.age) AS max_1, avg(users.age) AS avg_1, coalesce(users.email, $1) AS coalesce_1, lower(users.name) AS lower_1, upper(users.name) AS upper_1, now() AS now_1 FROM users", "none"),
			w("SELECT count(*) AS count_1, count(users.id) AS count_2, sum(users.age) AS sum_1, min(users.age) AS min_1, max(users.age) AS max_1, avg(users.age) AS avg_1, coalesce(users.email, ?) AS coalesce_1, lower(users.name) AS lower_1, upper(users.name) AS upper_1, now() AS now_1 FROM users", "none"),
			w("SELECT count(*) AS count_1, count(users.id) AS count_2, sum(users.age) AS sum_1, min(users.age) AS min_1, max(users.age) AS max_1, avg(users.age) AS avg_1, coalesce(users.email, ?) AS coalesce_1, lower(users.name) AS lower_1, upper(users.name) AS upper_1, CURRENT_TIMESTAMP AS now_1 FROM users", "none"),
		}},
		{"count distinct", func() Statement { return Select(Count(u.C("name")).Distinct()) },
			all("SELECT count(DISTINCT users.name) AS count_1 FROM users")},
		{"generic function", func() Statement { return Select(Func("char_length", u.C("name")), Func("pg_catalog.lower", "A")) },
			all("SELECT char_length(users.name) AS char_length_1, pg_catalog.lower(?) AS lower_1 FROM users", "A")},
		{"bad function name", func() Statement { return Select(Func("x(); DROP TABLE users; --", u.C("id"))) },
			[3]want{fails("is not a plain identifier"), fails("is not a plain identifier"), fails("is not a plain identifier")}},
		{"label in order by", func() Statement {
			l := u.C("name").Label("n")
			return Select(l).OrderBy(l.Desc()).GroupBy(l)
		}, all("SELECT users.name AS n FROM users GROUP BY n ORDER BY n DESC")},
		{"literals", func() Statement {
			return Select(InlineLiteral("it's"), InlineLiteral(5), InlineLiteral(1.5), InlineLiteral(true), InlineLiteral(nil), InlineLiteral(`a\b`), InlineLiteral(2.0))
		}, [3]want{
			w(`SELECT 'it''s' AS anon_1, 5 AS anon_2, 1.5 AS anon_3, true AS anon_4, NULL AS anon_5, 'a\b' AS anon_6, 2.0 AS anon_7`),
			w(`SELECT 'it''s' AS anon_1, 5 AS anon_2, 1.5 AS anon_3, true AS anon_4, NULL AS anon_5, 'a\\b' AS anon_6, 2.0 AS anon_7`),
			w(`SELECT 'it''s' AS anon_1, 5 AS anon_2, 1.5 AS anon_3, 1 AS anon_4, NULL AS anon_5, 'a\b' AS anon_6, 2.0 AS anon_7`),
		}},
		{"literal with NUL", func() Statement { return Select(InlineLiteral("a\x00b")) },
			[3]want{fails("NUL byte"), fails("NUL byte"), fails("NUL byte")}},
		{"literal of a struct", func() Statement { return Select(InlineLiteral(struct{}{})) },
			[3]want{fails("no literal form"), fails("no literal form"), fails("no literal form")}},
		{"literal column and value", func() Statement { return Select(LiteralColumn("1"), Literal(7)) },
			all("SELECT 1, ? AS anon_1", 7)},
		{"cast", func() Statement { return Select(Cast(u.C("age"), varcharType), Cast("12", intType)) }, [3]want{
			w("SELECT CAST(users.age AS VARCHAR) AS age, CAST($1 AS INTEGER) AS anon_1 FROM users", "12"),
			w("SELECT CAST(users.age AS CHAR) AS age, CAST(? AS SIGNED INTEGER) AS anon_1 FROM users", "12"),
			w("SELECT CAST(users.age AS VARCHAR) AS age, CAST(? AS INTEGER) AS anon_1 FROM users", "12"),
		}},
		{"cast unsupported", func() Statement { return Select(u.C("age").Cast(floatType)) }, [3]want{
			w("SELECT CAST(users.age AS FLOAT) AS age FROM users"),
			fails("dialect mysql does not support this CAST: no CAST target for mysql"),
			w("SELECT CAST(users.age AS FLOAT) AS age FROM users"),
		}},
		{"case", func() Statement {
			return Select(Case().When(u.C("age").Lt(18), "minor").When(u.C("age").Lt(65), "adult").Else("senior").Label("grp"),
				CaseOf(u.C("active")).When(true, "y").Else("n"))
		}, all("SELECT CASE WHEN users.age < ? THEN ? WHEN users.age < ? THEN ? ELSE ? END AS grp, CASE users.active WHEN ? THEN ? ELSE ? END AS anon_1 FROM users",
			18, "minor", 65, "adult", "senior", true, "y", "n")},
		{"case without when", func() Statement { return Select(Case().Else(1)) },
			[3]want{fails("CASE without WHEN"), fails("CASE without WHEN"), fails("CASE without WHEN")}},
		{"window", func() Statement {
			return Select(u.C("name"), Func("row_number").Over(Window{PartitionBy: []Expr{u.C("age")}, OrderBy: []OrderItem{u.C("id").Desc()}}))
		}, all("SELECT users.name, row_number() OVER (PARTITION BY users.age ORDER BY users.id DESC) AS anon_1 FROM users")},
		{"window frames", func() Statement {
			return Select(
				Sum(u.C("age")).Over(Window{OrderBy: []OrderItem{u.C("id")}, Frame: &Frame{Mode: FrameRows, Start: UnboundedPreceding(), End: CurrentRow()}}).Label("running"),
				Avg(u.C("age")).Over(Window{OrderBy: []OrderItem{u.C("id")}, Frame: &Frame{Mode: FrameRange, Start: Preceding(2), End: Following(1)}}).Label("near"),
				Count().Over(Window{Frame: &Frame{Mode: FrameRows, Start: CurrentRow(), End: UnboundedFollowing()}}).Label("rest"),
				Max(u.C("age")).Over(Window{}).Label("top"))
		}, all("SELECT sum(users.age) OVER (ORDER BY users.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running, " +
			"avg(users.age) OVER (ORDER BY users.id RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS near, " +
			"count(*) OVER (ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS rest, max(users.age) OVER () AS top FROM users")},
	}
}

func subqueryCases() []golden {
	u, a := users, addresses
	return []golden{
		{"scalar subquery", func() Statement {
			n := Select(Count()).From(a).Where(a.C("user_id").Eq(u.C("id"))).Scalar().Label("n")
			return Select(u.C("name"), n)
		}, all("SELECT users.name, (SELECT count(*) AS count_1 FROM addresses WHERE addresses.user_id = users.id) AS n FROM users")},
		{"scalar subquery correlated by columns", func() Statement {
			n := Select(u.C("id").Add(Count(a.C("id")))).Where(a.C("user_id").Eq(u.C("id"))).Scalar()
			return Select(u.C("name")).Where(n.Gt(1))
		}, all("SELECT users.name FROM users WHERE (SELECT users.id + count(addresses.id) AS anon_1 FROM addresses WHERE addresses.user_id = users.id) > ?", 1)},
		{"correlation keeps a lone FROM", func() Statement {
			return Select(u.C("name")).Where(u.C("id").In(Select(u.C("id")).Where(u.C("age").Gt(3))))
		}, all("SELECT users.name FROM users WHERE users.id IN (SELECT users.id FROM users WHERE users.age > ?)", 3)},
		{"exists", func() Statement {
			q := Select(LiteralColumn("1")).From(a).Where(a.C("user_id").Eq(u.C("id")))
			return Select(u.C("name")).Where(Exists(q), NotExists(q.Clone().Where(a.C("city").Eq("Rome"))))
		}, all("SELECT users.name FROM users WHERE EXISTS (SELECT 1 FROM addresses WHERE addresses.user_id = users.id) AND NOT EXISTS (SELECT 1 FROM addresses WHERE addresses.user_id = users.id AND addresses.city = ?)", "Rome")},
		{"in subquery", func() Statement {
			return Select(u.C("name")).Where(u.C("id").In(Select(a.C("user_id")).Where(a.C("city").Eq("Paris"))))
		}, all("SELECT users.name FROM users WHERE users.id IN (SELECT addresses.user_id FROM addresses WHERE addresses.city = ?)", "Paris")},
		{"subquery in from", func() Statement {
			sq := Select(a.C("user_id"), Count().Label("cnt")).Where(a.C("city").Ne("x")).GroupBy(a.C("user_id")).Subquery("counts")
			return Select(u.C("name"), sq.C("cnt")).Join(sq, sq.C("user_id").Eq(u.C("id"))).Where(u.C("age").Gt(5))
		}, [3]want{
			w("SELECT users.name, counts.cnt FROM users JOIN (SELECT addresses.user_id, count(*) AS cnt FROM addresses WHERE addresses.city <> $1 GROUP BY addresses.user_id) AS counts ON counts.user_id = users.id WHERE users.age > $2", "x", 5),
			w("SELECT users.name, counts.cnt FROM users INNER JOIN (SELECT addresses.user_id, count(*) AS cnt FROM addresses WHERE addresses.city <> ? GROUP BY addresses.user_id) AS counts ON counts.user_id = users.id WHERE users.age > ?", "x", 5),
			w("SELECT users.name, counts.cnt FROM users JOIN (SELECT addresses.user_id, count(*) AS cnt FROM addresses WHERE addresses.city <> ? GROUP BY addresses.user_id) AS counts ON counts.user_id = users.id WHERE users.age > ?", "x", 5),
		}},
		{"select all of a subquery", func() Statement {
			sq := Select(a.C("user_id"), Count()).GroupBy(a.C("user_id")).Subquery("c")
			return Select(sq)
		}, all("SELECT c.user_id, c.count_1 FROM (SELECT addresses.user_id, count(*) AS count_1 FROM addresses GROUP BY addresses.user_id) AS c")},
		{"self join alias", func() Statement {
			u2 := u.Alias("u2")
			return Select(u.C("name"), u2.C("name").Label("other")).Join(u2, u2.C("age").Eq(u.C("age")))
		}, [3]want{
			w("SELECT users.name, u2.name AS other FROM users JOIN users AS u2 ON u2.age = users.age"),
			w("SELECT users.name, u2.name AS other FROM users INNER JOIN users AS u2 ON u2.age = users.age"),
			w("SELECT users.name, u2.name AS other FROM users JOIN users AS u2 ON u2.age = users.age"),
		}},
		{"select all of an alias", func() Statement { return Select(a.Alias("x")) },
			all("SELECT x.id, x.user_id, x.street, x.city FROM addresses AS x")},
		{"unknown alias column", func() Statement { return Select(u.Alias("v").C("nope")) },
			[3]want{fails(`has no column "nope"`), fails(`has no column "nope"`), fails(`has no column "nope"`)}},
		{"cte", func() Statement {
			older := Select(u.C("id")).Where(u.C("age").Gt(30)).CTE("older")
			return Select(older.C("id")).With(older).Where(older.C("id").Lt(100))
		}, all("WITH older AS (SELECT users.id FROM users WHERE users.age > ?) SELECT older.id FROM older WHERE older.id < ?", 30, 100)},
		{"cte used in subquery and alias", func() Statement {
			older := Select(u.C("id"), u.C("age")).Where(u.C("age").Gt(30)).CTE("older")
			o2 := older.Alias("o2")
			return Select(older.C("id"), o2.C("id")).Join(o2, o2.C("age").Eq(older.C("age"))).With(older).
				Where(older.C("id").In(Select(older.C("id"))))
		}, [3]want{
			w("WITH older AS (SELECT users.id, users.age FROM users WHERE users.age > $1) SELECT older.id, o2.id FROM older JOIN older AS o2 ON o2.age = older.age WHERE older.id IN (SELECT older.id FROM older)", 30),
			w("WITH older AS (SELECT users.id, users.age FROM users WHERE users.age > ?) SELECT older.id, o2.id FROM older INNER JOIN older AS o2 ON o2.age = older.age WHERE older.id IN (SELECT older.id FROM older)", 30),
			w("WITH older AS (SELECT users.id, users.age FROM users WHERE users.age > ?) SELECT older.id, o2.id FROM older JOIN older AS o2 ON o2.age = older.age WHERE older.id IN (SELECT older.id FROM older)", 30),
		}},
		{"recursive cte", func() Statement {
			nums := RecursiveCTE("nums", "n")
			nums.As(UnionAll(Select(InlineLiteral(1)), Select(nums.C("n").Add(1)).Where(nums.C("n").Lt(5))))
			return Select(nums.C("n")).With(nums)
		}, all("WITH RECURSIVE nums(n) AS (SELECT 1 AS anon_1 UNION ALL SELECT nums.n + ? AS anon_1 FROM nums WHERE nums.n < ?) SELECT nums.n FROM nums", 1, 5)},
		{"undeclared cte", func() Statement {
			older := Select(u.C("id")).CTE("older")
			return Select(older.C("id"))
		}, [3]want{fails(`CTE "older" is used but not declared`), fails(`CTE "older" is used but not declared`), fails(`CTE "older" is used but not declared`)}},
		{"union order limit", func() Statement {
			return Union(Select(u.C("name")).Where(u.C("age").Lt(20)), Select(u.C("name")).Where(u.C("age").Gt(60))).
				OrderBy(u.C("name").Desc()).Limit(3)
		}, [3]want{
			w("SELECT users.name FROM users WHERE users.age < $1 UNION SELECT users.name FROM users WHERE users.age > $2 ORDER BY name DESC LIMIT $3", 20, 60, int64(3)),
			w("SELECT users.name FROM users WHERE users.age < ? UNION SELECT users.name FROM users WHERE users.age > ? ORDER BY name DESC LIMIT ?", 20, 60, int64(3)),
			w("SELECT users.name FROM users WHERE users.age < ? UNION SELECT users.name FROM users WHERE users.age > ? ORDER BY name DESC LIMIT ? OFFSET ?", 20, 60, int64(3), int64(0)),
		}},
		{"union all intersect except", func() Statement {
			q := Select(u.C("id"))
			return UnionAll(q, Intersect(q, Select(a.C("user_id"))), Except(q, q))
		}, all("SELECT users.id FROM users UNION ALL SELECT * FROM (SELECT users.id FROM users INTERSECT SELECT addresses.user_id FROM addresses) AS anon_2 UNION ALL SELECT * FROM (SELECT users.id FROM users EXCEPT SELECT users.id FROM users) AS anon_3")},
		{"intersect all", func() Statement { return IntersectAll(Select(u.C("id")), Select(a.C("user_id"))) }, [3]want{
			w("SELECT users.id FROM users INTERSECT ALL SELECT addresses.user_id FROM addresses"),
			w("SELECT users.id FROM users INTERSECT ALL SELECT addresses.user_id FROM addresses"),
			fails("dialect sqlite does not support INTERSECT ALL"),
		}},
		{"union part with limit", func() Statement {
			return Union(Select(u.C("id")).OrderBy(u.C("id")).Limit(1), Select(a.C("user_id")))
		}, [3]want{
			w("SELECT * FROM (SELECT users.id FROM users ORDER BY users.id LIMIT $1) AS anon_1 UNION SELECT addresses.user_id FROM addresses", int64(1)),
			w("SELECT * FROM (SELECT users.id FROM users ORDER BY users.id LIMIT ?) AS anon_1 UNION SELECT addresses.user_id FROM addresses", int64(1)),
			w("SELECT * FROM (SELECT users.id FROM users ORDER BY users.id LIMIT ? OFFSET ?) AS anon_1 UNION SELECT addresses.user_id FROM addresses", int64(1), int64(0)),
		}},
		{"union of one", func() Statement { return Union(Select(u.C("id"))) },
			[3]want{fails("UNION needs at least two queries"), fails("UNION needs at least two queries"), fails("UNION needs at least two queries")}},
	}
}

func dmlCases() []golden {
	u, a := users, addresses
	return []golden{
		{"seed insert", func() Statement {
			return Insert(u).Values(Values{"name": "john", "email": "john@example.com"})
		}, all("INSERT INTO users (name, email) VALUES (?, ?)", "john", "john@example.com")},
		{"insert many rows", func() Statement {
			return Insert(u).Values(Values{"email": "a@x", "name": "a"}, Values{"name": "b", "email": "b@x"})
		}, all("INSERT INTO users (name, email) VALUES (?, ?), (?, ?)", "a", "a@x", "b", "b@x")},
		{"insert rows with other keys", func() Statement {
			return Insert(u).Values(Values{"name": "a"}, Values{"email": "b"})
		}, [3]want{fails("row 2 has no value for column \"name\""), fails("row 2 has no value"), fails("row 2 has no value")}},
		{"insert unknown column", func() Statement { return Insert(u).Values(Values{"name": "a", "nope": 1, "zzz": 2}) },
			[3]want{fails(`table users has no column "nope"`), fails(`has no column "nope"`), fails(`has no column "nope"`)}},
		{"insert into table without columns", func() Statement {
			return Insert(NewTable("log")).Values(Values{"msg": "m", "at": Now()})
		}, [3]want{
			w("INSERT INTO log (at, msg) VALUES (now(), $1)", "m"),
			w("INSERT INTO log (at, msg) VALUES (now(), ?)", "m"),
			w("INSERT INTO log (at, msg) VALUES (CURRENT_TIMESTAMP, ?)", "m"),
		}},
		{"insert defaults", func() Statement { return Insert(u) }, [3]want{
			w("INSERT INTO users DEFAULT VALUES"), w("INSERT INTO users () VALUES ()"), w("INSERT INTO users DEFAULT VALUES"),
		}},
		{"insert from select", func() Statement {
			return Insert(a).FromSelect([]string{"user_id", "city"}, Select(u.C("id"), u.C("name")).Where(u.C("age").Gt(1)))
		}, all("INSERT INTO addresses (user_id, city) SELECT users.id, users.name FROM users WHERE users.age > ?", 1)},
		{"insert returning", func() Statement {
			return Insert(u).Values(Values{"name": "n"}).Returning(u.C("id"), u.C("name").Label("nm"))
		}, [3]want{
			w("INSERT INTO users (name) VALUES ($1) RETURNING users.id, users.name AS nm", "n"),
			fails("dialect mysql does not support INSERT … RETURNING"),
			w("INSERT INTO users (name) VALUES (?) RETURNING id, name AS nm", "n"),
		}},
		{"insert returning table", func() Statement { return Insert(a).Values(Values{"city": "c"}).Returning(a) }, [3]want{
			w("INSERT INTO addresses (city) VALUES ($1) RETURNING addresses.id, addresses.user_id, addresses.street, addresses.city", "c"),
			fails("does not support INSERT … RETURNING"),
			w("INSERT INTO addresses (city) VALUES (?) RETURNING id, user_id, street, city", "c"),
		}},
		{"upsert do nothing", func() Statement {
			return Insert(u).Values(Values{"id": 1, "name": "x"}).OnConflictDoNothing("id")
		}, [3]want{
			w("INSERT INTO users (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", 1, "x"),
			w("INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE id = id", 1, "x"),
			w("INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", 1, "x"),
		}},
		{"upsert do nothing without target", func() Statement {
			return Insert(u).Values(Values{"name": "x"}).OnConflictDoNothing()
		}, [3]want{
			w("INSERT INTO users (name) VALUES ($1) ON CONFLICT DO NOTHING", "x"),
			w("INSERT INTO users (name) VALUES (?) ON DUPLICATE KEY UPDATE name = name", "x"),
			w("INSERT INTO users (name) VALUES (?) ON CONFLICT DO NOTHING", "x"),
		}},
		{"upsert do update", func() Statement {
			return Insert(u).Values(Values{"id": 1, "name": "x", "age": 3}).
				OnConflictDoUpdate([]string{"id"}, Values{"age": u.C("age").Add(1), "name": Excluded("name")})
		}, [3]want{
			w("INSERT INTO users (id, name, age) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.name, age = (users.age + $4)", 1, "x", 3, 1),
			w("INSERT INTO users (id, name, age) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), age = (users.age + ?)", 1, "x", 3, 1),
			w("INSERT INTO users (id, name, age) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, age = (users.age + ?)", 1, "x", 3, 1),
		}},
		{"on duplicate key update", func() Statement {
			return Insert(u).Values(Values{"id": 1, "name": "x"}).OnDuplicateKeyUpdate(Values{"name": "y"})
		}, [3]want{
			fails("dialect postgresql does not support INSERT … ON DUPLICATE KEY UPDATE"),
			w("INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = ?", 1, "x", "y"),
			fails("dialect sqlite does not support INSERT … ON DUPLICATE KEY UPDATE"),
		}},
		{"upsert unknown target", func() Statement {
			return Insert(u).Values(Values{"id": 1}).OnConflictDoNothing("nope")
		}, [3]want{fails(`has no column "nope"`), fails(`has no column "nope"`), fails(`has no column "nope"`)}},
		{"update", func() Statement {
			return Update(u).Values(Values{"name": "x", "age": u.C("age").Add(1)}).Where(u.C("id").Eq(5))
		}, all("UPDATE users SET name=?, age=(users.age + ?) WHERE users.id = ?", "x", 1, 5)},
		{"update returning", func() Statement {
			return Update(u).Values(Values{"name": "x"}).Where(u.C("id").Eq(5)).Returning(u.C("id"), u.C("name"))
		}, [3]want{
			w("UPDATE users SET name=$1 WHERE users.id = $2 RETURNING users.id, users.name", "x", 5),
			fails("dialect mysql does not support UPDATE … RETURNING"),
			w("UPDATE users SET name=? WHERE users.id = ? RETURNING id, name", "x", 5),
		}},
		{"update without values", func() Statement { return Update(u).Where(u.C("id").Eq(1)) },
			[3]want{fails("UPDATE without values"), fails("UPDATE without values"), fails("UPDATE without values")}},
		{"delete", func() Statement { return Delete(u).Where(u.C("id").Eq(5)) },
			all("DELETE FROM users WHERE users.id = ?", 5)},
		{"delete returning", func() Statement { return Delete(u).Where(u.C("id").Eq(5)).Returning(u.C("name")) }, [3]want{
			w("DELETE FROM users WHERE users.id = $1 RETURNING users.name", 5),
			fails("dialect mysql does not support DELETE … RETURNING"),
			w("DELETE FROM users WHERE users.id = ? RETURNING name", 5),
		}},
		{"delete of a subquery", func() Statement { return Delete(Select(u.C("id")).Subquery("x")) },
			[3]want{fails("is not a table"), fails("is not a table"), fails("is not a table")}},
	}
}

func textAndIdentCases() []golden {
	u := users
	odd := NewTable("order", "select", "Mixed", "with space", `a"b`, "a`b")
	return []golden{
		{"text statement", func() Statement {
			return Text("SELECT * FROM users WHERE name = ? AND note = '?' AND \"q?\" = 1 -- ?\n AND id > ? /* ? */ AND j ?? 'k'", "x", 3)
		}, [3]want{
			w("SELECT * FROM users WHERE name = $1 AND note = '?' AND \"q?\" = 1 -- ?\n AND id > $2 /* ? */ AND j ? 'k'", "x", 3),
			w("SELECT * FROM users WHERE name = ? AND note = '?' AND \"q?\" = 1 -- ?\n AND id > ? /* ? */ AND j ? 'k'", "x", 3),
			w("SELECT * FROM users WHERE name = ? AND note = '?' AND \"q?\" = 1 -- ?\n AND id > ? /* ? */ AND j ? 'k'", "x", 3),
		}},
		{"text backslash quote", func() Statement { return Text(`SELECT 'a\' WHERE x = ?`, 1) }, [3]want{
			w(`SELECT 'a\' WHERE x = $1`, 1),
			fails("Text has 0 placeholders but 1 arguments"), // MySQL reads \' as an escaped quote
			w(`SELECT 'a\' WHERE x = ?`, 1),
		}},
		{"text in where", func() Statement {
			return Select(u.C("id")).Where(u.C("age").Gt(1), Text("name = ? OR name = ?", "a", "b"))
		}, all("SELECT users.id FROM users WHERE users.age > ? AND (name = ? OR name = ?)", 1, "a", "b")},
		{"text argument count", func() Statement { return Text("SELECT ?", 1, 2) },
			[3]want{fails("Text has 1 placeholders but 2 arguments"), fails("1 placeholders but 2"), fails("1 placeholders but 2")}},
		{"quoted identifiers", func() Statement { return Select(odd).Where(odd.C("Mixed").Eq(1)) }, [3]want{
			w(`SELECT "order"."select", "order"."Mixed", "order"."with space", "order"."a""b", "order"."a`+"`"+`b" FROM "order" WHERE "order"."Mixed" = $1`, 1),
			w("SELECT `order`.`select`, `order`.`Mixed`, `order`.`with space`, `order`.`a\"b`, `order`.`a``b` FROM `order` WHERE `order`.`Mixed` = ?", 1),
			w(`SELECT "order"."select", "order"."Mixed", "order"."with space", "order"."a""b", "order"."a`+"`"+`b" FROM "order" WHERE "order"."Mixed" = ?`, 1),
		}},
		{"identifier with NUL", func() Statement { return Select(NewTable("t", "a\x00b")) },
			[3]want{fails("contains a NUL byte"), fails("contains a NUL byte"), fails("contains a NUL byte")}},
		{"schema table", func() Statement {
			t := NewSchemaTable("s1", "t", "a")
			return Select(t).Where(t.C("a").Eq(1))
		}, all("SELECT s1.t.a FROM s1.t WHERE s1.t.a = ?", 1)},
		{"unknown column", func() Statement { return Select(u.C("nmae")) },
			[3]want{fails(`table users has no column "nmae"`), fails(`has no column "nmae"`), fails(`has no column "nmae"`)}},
		{"standalone column", func() Statement { return Select(NewColumn("x"), NewColumn("Y")).From(NewTable("t")) }, [3]want{
			w(`SELECT x, "Y" FROM t`), w("SELECT x, `Y` FROM t"), w(`SELECT x, "Y" FROM t`),
		}},
		{"table without columns", func() Statement { return Select(NewTable("t")) }, all("SELECT t.* FROM t")},
	}
}

// TestNilNodes: a nil statement or a nil column (TableClause.LookupColumn's answer
// for a name the table lacks) is an error naming it, never a panic, on
// the cached path and the direct one.
func TestNilNodes(t *testing.T) {
	missing := users.LookupColumn("nope") // nil
	for name, s := range map[string]Statement{
		"nil select":         (*SelectStmt)(nil),
		"nil insert":         (*InsertStmt)(nil),
		"nil text":           (*TextClause)(nil),
		"nil subquery":       Select(users.C("id")).Where(Exists((*SelectStmt)(nil))),
		"nil column item":    Select(missing),
		"nil column operand": Select(users.C("id")).Where(users.C("id").Eq(missing)),
		"nil column in list": Select(users.C("id")).Where(users.C("id").In(missing)),
		"nil condition":      Select(users.C("id")).Where((*BinaryExpr)(nil)),
		"nil join":           Select(users.C("id")).Join((*AliasClause)(nil), users.C("id").Eq(1)),
		"nil FROM":           Select(users.C("id")).From((*TableClause)(nil)),
	} {
		for _, compile := range []func(Statement, *dialects.Dialect) (string, []any, error){Compile, NewCompiler(0).Compile} {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s: panic: %v", name, r)
					}
				}()
				if _, _, err := compile(s, postgresql.Dialect); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "nil") {
					t.Errorf("%s: err = %v, want ErrInvalid naming the nil", name, err)
				}
			}()
		}
	}
}
