package alchemy

import (
	"context"

	"github.com/go-alchemy/alchemy/sqlexpr"
)

// QueryCacheSize sets the size of the engine's compiled-statement cache
// (SQLAlchemy's query_cache_size, default 500); 0 turns caching off.
// Without this option an engine shares sqlexpr's default compiler.
func QueryCacheSize(n int) Option {
	return func(s *settings) error {
		s.compiler = sqlexpr.NewCompiler(n)
		return nil
	}
}

// SQLCompiler returns the engine's statement compiler (sqlexpr uses it
// through the sqlexpr.CompilerProvider interface).
func (e *Engine) SQLCompiler() *sqlexpr.Compiler { return e.connector.compiler }

// SQLCompiler returns the engine's statement compiler.
func (c *Conn) SQLCompiler() *sqlexpr.Compiler { return c.engine.connector.compiler }

// Execute compiles stmt for the engine's dialect and runs it on a pooled
// connection on its own (database/sql's autocommit). Use [Engine.Begin]
// or [Engine.Connect] to group statements in a transaction. params are
// the values of named parameters; several run the statement for each
// (executemany; see sqlexpr.Execute).
func (e *Engine) Execute(ctx context.Context, stmt sqlexpr.Statement, params ...sqlexpr.Params) (*sqlexpr.Result, error) {
	return sqlexpr.Execute(ctx, e, stmt, params...)
}

// Query compiles a SELECT (or a statement with RETURNING) and runs it on
// a pooled connection. Close the rows when done.
func (e *Engine) Query(ctx context.Context, stmt sqlexpr.Statement, params ...sqlexpr.Params) (*sqlexpr.Rows, error) {
	return sqlexpr.Query(ctx, e, stmt, params...)
}

// QueryRow is Query for at most one row; errors surface in the row's Scan.
func (e *Engine) QueryRow(ctx context.Context, stmt sqlexpr.Statement, params ...sqlexpr.Params) *sqlexpr.Row {
	return sqlexpr.QueryRow(ctx, e, stmt, params...)
}

// Execute compiles stmt for the connection's dialect and runs it inside
// the connection's transaction, beginning one if none is open. For a
// one-row INSERT the result carries the inserted primary key.
func (c *Conn) Execute(ctx context.Context, stmt sqlexpr.Statement, params ...sqlexpr.Params) (*sqlexpr.Result, error) {
	return sqlexpr.Execute(ctx, c, stmt, params...)
}

// Query compiles stmt and runs it inside the connection's transaction.
// Close the rows before the next statement.
func (c *Conn) Query(ctx context.Context, stmt sqlexpr.Statement, params ...sqlexpr.Params) (*sqlexpr.Rows, error) {
	return sqlexpr.Query(ctx, c, stmt, params...)
}

// QueryRow is Query for at most one row; errors surface in the row's Scan.
func (c *Conn) QueryRow(ctx context.Context, stmt sqlexpr.Statement, params ...sqlexpr.Params) *sqlexpr.Row {
	return sqlexpr.QueryRow(ctx, c, stmt, params...)
}
