package sqlexpr

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects"
)

// Target is what statements run on: a *sql.DB, *sql.Conn or *sql.Tx
// opened through the "alchemy" driver, or alchemy's Engine and Conn.
// The dialect is found with dialects.Of: from the target's own
// Dialect method when it has one, else with a probe the alchemy driver
// answers without a round trip to the server.
type Target interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// CompilerProvider is implemented by targets that bring their own
// [Compiler] (an Engine with its own cache size, as SQLAlchemy keeps one
// cache per engine). Other targets use [DefaultCompiler].
type CompilerProvider interface {
	SQLCompiler() *Compiler
}

// prepare finds target's dialect and compiles stmt for it.
func prepare(ctx context.Context, target Target, stmt Statement) (*dialects.Dialect, string, []any, error) {
	if target == nil {
		return nil, "", nil, invalidf("nil target")
	}
	d, err := dialects.Of(ctx, target)
	if err != nil {
		return nil, "", nil, fmt.Errorf("sqlexpr: %w", err)
	}
	sqlText, args, err := compilerOf(target).Compile(stmt, d)
	return d, sqlText, args, err
}

// compilerOf returns the target's own Compiler, else the default one.
func compilerOf(target Target) *Compiler {
	if p, ok := target.(CompilerProvider); ok {
		if c := p.SQLCompiler(); c != nil {
			return c
		}
	}
	return defaultCompiler
}

// Exec compiles stmt for target's dialect and executes it. ctx bounds the
// dialect probe and the statement.
//
// For a one-row INSERT into a table that knows its primary key
// ([TableClause.SetPrimaryKey], metadata.Table) the result carries the
// inserted key (Result.InsertedPrimaryKey): the values given for it, or
// the generated one, read with RETURNING where the dialect has INSERT …
// RETURNING (SQLAlchemy's implicit returning), else from LastInsertId.
func Exec(ctx context.Context, target Target, stmt Statement) (*Result, error) {
	if ins, ok := stmt.(*InsertStmt); ok {
		if pk := insertPK(ins); pk != nil {
			return execInsert(ctx, target, ins, pk)
		}
	}
	_, sqlText, args, err := prepare(ctx, target, stmt)
	if err != nil {
		return nil, err
	}
	res, err := target.ExecContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	return &Result{res: res}, nil
}

// Query compiles stmt for target's dialect and runs it. The caller must
// Close the rows (or read them to the end). ctx bounds the statement and
// the reading of its rows.
func Query(ctx context.Context, target Target, stmt Statement) (*Rows, error) {
	_, sqlText, args, err := prepare(ctx, target, stmt)
	if err != nil {
		return nil, err
	}
	rows, err := target.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	return newRows(rows)
}

// QueryRow runs stmt and reads its first row; the rows are closed before
// it returns. Errors, sql.ErrNoRows included, are reported by the
// ResultRow's methods.
func QueryRow(ctx context.Context, target Target, stmt Statement) *ResultRow {
	rows, err := Query(ctx, target, stmt)
	if err != nil {
		return &ResultRow{err: err}
	}
	return firstRow(rows)
}

// Result is the outcome of [Exec]. It implements sql.Result.
type Result struct {
	res sql.Result // nil when the statement ran as a query (RETURNING)
	pk  []any
}

var _ sql.Result = (*Result)(nil)

// LastInsertId is the driver's LastInsertId; when the key was read with
// RETURNING it is that key, if it is a single integer.
func (r *Result) LastInsertId() (int64, error) {
	if r.res != nil {
		return r.res.LastInsertId()
	}
	if len(r.pk) == 1 {
		if id, ok := r.pk[0].(int64); ok {
			return id, nil
		}
	}
	return 0, errors.New("sqlexpr: no integer LastInsertId: the key was read with RETURNING; use InsertedPrimaryKey")
}

// RowsAffected is the driver's RowsAffected; 1 for an INSERT whose key
// was read with RETURNING.
func (r *Result) RowsAffected() (int64, error) {
	if r.res != nil {
		return r.res.RowsAffected()
	}
	return 1, nil
}

// InsertedPrimaryKey returns the primary key of the row a one-row INSERT
// added, in the order of the table's PrimaryKeyNames; nil for other
// statements and for tables whose primary key is not known.
func (r *Result) InsertedPrimaryKey() []any { return r.pk }

// pkNamer is implemented by *TableClause and by values embedding it.
type pkNamer interface {
	PrimaryKeyNames() []string
}

// insertPK returns the primary-key names of a one-row INSERT … VALUES
// whose key can be reported, nil otherwise.
func insertPK(s *InsertStmt) []string {
	if s.err != nil || s.query != nil || len(s.rows) != 1 || len(s.returning) > 0 || s.upsert != nil {
		return nil
	}
	p, ok := s.target.(pkNamer)
	if !ok {
		return nil
	}
	return p.PrimaryKeyNames()
}

// execInsert runs a one-row INSERT and fills in its primary key.
func execInsert(ctx context.Context, target Target, s *InsertStmt, pk []string) (*Result, error) {
	given, missing := insertedKey(s, pk)
	if missing < 0 {
		res, err := Exec(ctx, target, withoutPK(s))
		if err != nil {
			return nil, err
		}
		res.pk = given
		return res, nil
	}
	d, err := dialects.Of(ctx, target)
	if err != nil {
		return nil, fmt.Errorf("sqlexpr: %w", err)
	}
	if d.Features.InsertReturning {
		ret := *s
		ret.returning = []SelectItem{s.table.C(pk[missing])}
		sqlText, args, err := compilerOf(target).Compile(&ret, d)
		if err != nil {
			return nil, err
		}
		rows, err := target.QueryContext(ctx, sqlText, args...)
		if err != nil {
			return nil, err
		}
		r, err := newRows(rows)
		if err != nil {
			return nil, err
		}
		if err := firstRow(r).Scan(&given[missing]); err != nil {
			return nil, err
		}
		return &Result{pk: given}, nil
	}
	res, err := Exec(ctx, target, withoutPK(s))
	if err != nil {
		return nil, err
	}
	id, err := res.res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("sqlexpr: reading the inserted primary key: %w", err)
	}
	given[missing] = id
	res.pk = given
	return res, nil
}

// insertedKey returns the key values the INSERT gives and the index of
// the one generated column (-1 when all are given). A key with more than
// one generated column cannot be reported: it returns nil, -1.
func insertedKey(s *InsertStmt, pk []string) ([]any, int) {
	vals := make([]any, len(pk))
	missing := -1
	for i, name := range pk {
		j := indexOf(s.cols, name)
		switch {
		case j >= 0 && s.rows[0][j].expr() == nil:
			vals[i] = s.rows[0][j].value()
		case missing >= 0 || j >= 0:
			return nil, -1 // two generated columns, or a key set by an expression
		default:
			missing = i
		}
	}
	return vals, missing
}

// withoutPK returns a copy of s that Exec runs without looking at keys.
func withoutPK(s *InsertStmt) *InsertStmt {
	c := *s
	c.target = nil // insertPK finds no key: Exec takes the plain path
	return &c
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
