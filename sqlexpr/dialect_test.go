package sqlexpr_test

import (
	"errors"
	"testing"

	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	. "github.com/go-alchemy/alchemy/sqlexpr"
)

// TestMariaDBCapabilities: the capability flags are enforced at compile
// time (SQLAlchemy sends UPDATE … RETURNING to MariaDB, which rejects it).
func TestMariaDBCapabilities(t *testing.T) {
	del := func() Statement { return Delete(users).Where(users.C("id").Eq(1)).Returning(users.C("id")) }
	checkCompile(t, del, mysql.MariaDB, w("DELETE FROM users WHERE users.id = ? RETURNING users.id", 1))
	ins := func() Statement { return Insert(users).Values(Values{"name": "x"}).Returning(users.C("id")) }
	checkCompile(t, ins, mysql.MariaDB, w("INSERT INTO users (name) VALUES (?) RETURNING users.id", "x"))
	_, _, err := Compile(Update(users).Values(Values{"name": "x"}).Returning(users.C("id")), mysql.MariaDB)
	var ce *CompileError
	if !errors.As(err, &ce) || ce.Dialect != "mariadb" || ce.Construct != "UPDATE … RETURNING" || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("UPDATE … RETURNING on MariaDB: %v", err)
	}
}

// TestVariantDialect: a variant is a Clone with fields changed; the
// compiler follows the fields, never the name.
func TestVariantDialect(t *testing.T) {
	v := postgresql.Dialect.Clone()
	v.Name = "variant"
	v.Features.NullsOrdering = false
	v.SQL.InnerJoinKeyword = "INNER JOIN"
	stmt := func() Statement {
		return Select(users.C("name")).Join(addresses, onUser).Where(users.C("id").Eq(1))
	}
	checkCompile(t, stmt, v, w("SELECT users.name FROM users INNER JOIN addresses ON users.id = addresses.user_id WHERE users.id = $1", 1))
	_, _, err := Compile(Select(users.C("id")).OrderBy(users.C("id").Asc().NullsLast()), v)
	if err == nil || err.Error() != "sqlexpr: dialect variant does not support NULLS FIRST / NULLS LAST" {
		t.Fatalf("NULLS LAST on the variant: %v", err)
	}
}

// TestBuilderKeepsFirstError: later builder calls do not replace the
// first error, and Err reports it.
func TestBuilderKeepsFirstError(t *testing.T) {
	s := Select(users.C("id")).Limit(-1).Offset(-2)
	if s.Err() == nil || s.Err().Error() != "sqlexpr: invalid statement: Limit(-1): negative limit" {
		t.Fatalf("Err = %v", s.Err())
	}
	if _, _, err := Compile(s, postgresql.Dialect); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Compile = %v", err)
	}
	ins := Insert(users).Values(Values{"nope": 1}).Values(Values{"name": "x"})
	if ins.Err() == nil {
		t.Fatal("an unknown column was not recorded")
	}
}
