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

// prepare finds target's dialect, compiles stmt for it and resolves the
// arguments with p (see resolveArgs).
func prepare(ctx context.Context, target Target, stmt Statement, p Params) (*dialects.Dialect, string, []any, error) {
	d, sqlText, args, err := compileFor(ctx, target, stmt)
	if err != nil {
		return nil, "", nil, err
	}
	if args, err = resolveArgs(args, p, d); err != nil {
		return nil, "", nil, err
	}
	return d, sqlText, args, nil
}

// compileFor finds target's dialect and compiles stmt for it.
func compileFor(ctx context.Context, target Target, stmt Statement) (*dialects.Dialect, string, []any, error) {
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

// Execute compiles stmt for target's dialect and executes it. ctx bounds the
// dialect probe and the statement.
//
// params are the values of the statement's named parameters
// ([BindParam], :name in [Text]). Several Params run the statement once
// for each (SQLAlchemy's executemany), compiled once; an INSERT without
// Values given Params inserts them as its rows, in one multi-row INSERT
// (split every 30,000 values to stay within the servers' limits on
// placeholders).
//
// For an INSERT into a table that knows its primary key
// ([TableClause.SetPrimaryKey], metadata.Table) the result carries the
// inserted keys ([Result.InsertedPrimaryKey], [Result.InsertedPrimaryKeys]):
// for one row, the values given for it (or by a client-side default,
// metadata.Default), or the generated one, read with
// RETURNING where the dialect has INSERT … RETURNING (SQLAlchemy's
// implicit returning), else from LastInsertId; for several rows, read
// with RETURNING where the dialect has it, in the order the server
// returns them (the order of the rows on PostgreSQL, SQLite and
// MariaDB), and otherwise not known: InsertedPrimaryKeys says why.
func Execute(ctx context.Context, target Target, stmt Statement, params ...Params) (*Result, error) {
	if ins, ok := stmt.(*InsertStmt); ok && ins != nil && ins.err == nil && len(params) > 0 &&
		len(ins.rows) == 0 && ins.query == nil {
		rows := make([]Values, len(params))
		for i, p := range params {
			rows[i] = Values(p)
		}
		c := *ins
		c.rows, c.cols = nil, nil
		return Execute(ctx, target, c.Values(rows...))
	}
	if len(params) > 1 {
		return execMany(ctx, target, stmt, params)
	}
	// Fill in client-side defaults before the key of an INSERT is looked
	// at: a key the default gives is a given key.
	stmt = withClientDefaults(stmt)
	p, _ := oneParams("Execute", params)
	if ins, ok := stmt.(*InsertStmt); ok && ins != nil && p == nil {
		if pk := insertPK(ins); pk != nil {
			return execInsert(ctx, target, ins, pk)
		}
		if pk, many := insertManyPK(ins); many {
			return execInsertRows(ctx, target, ins, pk)
		}
	}
	_, sqlText, args, err := prepare(ctx, target, stmt, p)
	if err != nil {
		return nil, err
	}
	res, err := target.ExecContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	return &Result{res: res}, nil
}

// execMany runs stmt once for each of params, compiled once.
func execMany(ctx context.Context, target Target, stmt Statement, params []Params) (*Result, error) {
	d, sqlText, args, err := compileFor(ctx, target, stmt)
	if err != nil {
		return nil, err
	}
	// An INSERT with client-side defaults, or an UPDATE with update
	// defaults, is compiled again for each Params (a hit in the cache),
	// so that a func default is called for each row, not once for all.
	var perParams bool
	switch st := stmt.(type) {
	case *InsertStmt:
		perParams = st.needsDefaults()
	case *UpdateStmt:
		perParams = st.needsDefaults()
	}
	out := &Result{pkErr: errors.New("sqlexpr: no inserted primary keys: the statement ran once per Params (give an INSERT without Values the Params to insert them in one statement)")}
	for i, p := range params {
		if perParams && i > 0 {
			if sqlText, args, err = compilerOf(target).Compile(stmt, d); err != nil {
				return nil, err
			}
		}
		a, err := resolveArgs(args, p, d)
		if err != nil {
			return nil, fmt.Errorf("sqlexpr: Params %d: %w", i, err)
		}
		res, err := target.ExecContext(ctx, sqlText, a...)
		if err != nil {
			return nil, fmt.Errorf("sqlexpr: Params %d: %w", i, err)
		}
		if n, err := res.RowsAffected(); err == nil {
			out.affected += n
		}
	}
	return out, nil
}

// Query compiles stmt for target's dialect and runs it. The caller must
// Close the rows (or read them to the end, or use one of the verbs: One,
// All, Scalar, …). ctx bounds the statement and the reading of its
// rows. params are the values of the statement's named parameters (one
// Params at most). Typed result columns are processed (see [Rows]).
func Query(ctx context.Context, target Target, stmt Statement, params ...Params) (*Rows, error) {
	p, err := oneParams("Query", params)
	if err != nil {
		return nil, err
	}
	d, sqlText, args, err := prepare(ctx, target, stmt, p)
	if err != nil {
		return nil, err
	}
	rows, err := target.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	return newRows(rows, d, resultTypes(stmt))
}

// QueryRow runs stmt and reads its first row, as database/sql's QueryRow
// does; the rows are closed before it returns. Errors, sql.ErrNoRows
// included, are reported by the Row's methods. Use [Rows.One] or
// [One] to insist on exactly one row.
func QueryRow(ctx context.Context, target Target, stmt Statement, params ...Params) *Row {
	rows, err := Query(ctx, target, stmt, params...)
	if err != nil {
		return &Row{err: err}
	}
	return firstRow(rows)
}

// Result is the outcome of [Execute]. It implements sql.Result.
type Result struct {
	res      sql.Result // nil when the statement ran as a query (RETURNING) or several times
	affected int64      // the rows affected when res is nil
	pk       []any      // the first (or only) inserted row's key
	pks      [][]any    // every inserted row's key, when known
	pkErr    error      // why pks is not known
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

// RowsAffected is the driver's RowsAffected; for an INSERT whose keys
// were read with RETURNING, the rows inserted; for a statement run once
// per Params, the sum.
func (r *Result) RowsAffected() (int64, error) {
	if r.res != nil {
		return r.res.RowsAffected()
	}
	return r.affected, nil
}

// InsertedPrimaryKey returns the primary key of the row an INSERT added,
// in the order of the table's PrimaryKeyNames; for a multi-row INSERT,
// that of its first row when the keys were read (see
// InsertedPrimaryKeys). It is nil for other statements, for tables whose
// primary key is not known, and for a multi-row INSERT whose keys could
// not be read: check its length before indexing it.
func (r *Result) InsertedPrimaryKey() []any { return r.pk }

// InsertedPrimaryKeys returns the primary key of every row an INSERT
// added, in the order the server returned them, or an error saying why
// they are not known (a dialect without INSERT … RETURNING for a
// multi-row INSERT, a table without a known primary key, a statement
// that is not an INSERT).
func (r *Result) InsertedPrimaryKeys() ([][]any, error) {
	switch {
	case r.pks != nil:
		return r.pks, nil
	case r.pk != nil:
		return [][]any{r.pk}, nil
	case r.pkErr != nil:
		return nil, r.pkErr
	}
	return nil, ErrNoPrimaryKeys
}

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
		res, err := Execute(ctx, target, withoutPK(s))
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
		if args, err = resolveArgs(args, nil, d); err != nil {
			return nil, err
		}
		rows, err := target.QueryContext(ctx, sqlText, args...)
		if err != nil {
			return nil, err
		}
		r, err := newRows(rows, d, resultTypes(&ret))
		if err != nil {
			return nil, err
		}
		if err := firstRow(r).Scan(&given[missing]); err != nil {
			return nil, err
		}
		return &Result{pk: given, affected: 1}, nil
	}
	res, err := Execute(ctx, target, withoutPK(s))
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

// withoutPK returns a copy of s that Execute runs without looking at keys.
func withoutPK(s *InsertStmt) *InsertStmt {
	c := *s
	c.target = nil // insertPK finds no key: Execute takes the plain path
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
