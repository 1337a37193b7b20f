// Package alchemy is SQLAlchemy Core for Go: a database/sql driver that
// takes SQLAlchemy URLs and puts SQLAlchemy's QueuePool in front of the
// real driver, an Engine with "commit as you go" connections, and — in
// the sub-packages — a schema layer (metadata) and an expression language
// (sqlexpr) compiled per dialect.
//
// # Drop-in
//
// An existing program changes one line and keeps its database/sql code:
//
//	import (
//		_ "github.com/go-alchemy/alchemy"
//		_ "github.com/go-alchemy/alchemy/dialects/postgresql"
//	)
//
//	db, err := sql.Open("alchemy", "postgresql://john:secret@localhost:5432/app?pool_size=10&max_overflow=5")
//
// The *sql.DB then draws every connection from one [QueuePool]:
// pool_size idle connections kept, max_overflow more opened on demand and
// closed when they come back, waiters served first come first served up
// to pool_timeout. database/sql keeps no server connections of its own:
// what it holds is a handle, and when database/sql releases one
// (driver.Validator.IsValid) the connection behind it goes back to the
// QueuePool; the next checkout of the handle takes one again
// (driver.SessionResetter.ResetSession), waiting in the QueuePool's queue
// under the caller's context. So the pool's numbers are the truth, and
// database/sql's idle list of empty handles only saves it rebuilding its
// per-connection bookkeeping at every query. Everything else — types, NULLs,
// Valuer and Scanner, prepared statements, transactions, isolation
// levels, cancellation — is the underlying driver's, unchanged: the
// wrapped connection forwards every optional driver interface.
//
// # Engine
//
//	eng, err := alchemy.CreateEngine(url, alchemy.PoolSize(10), alchemy.PoolPrePing(true))
//	c, err := eng.Connect(ctx)       // statements autobegin; c.Commit(ctx); c.Close() rolls back the rest
//	err = eng.Begin(ctx, func(c *alchemy.Conn) error { … })   // commit, or roll back on error or panic
//	fmt.Println(eng.Pool().Status())
//
// Every method that sends a statement takes a context first, Commit and
// Rollback included (it bounds the wait for the server's answer); Close
// never does, and the ROLLBACK it may send is bounded by [CloseTimeout].
// Statements built with sqlexpr run with Execute, Query and QueryRow; SQL
// text runs with database/sql's ExecContext, QueryContext and
// QueryRowContext.
//
// # Where alchemy differs from SQLAlchemy
//
//   - Waiters are served in arrival order; a goroutine returning a
//     connection cannot take it back ahead of them (SQLAlchemy lets it,
//     so a goroutine that returns and takes again starves the queue).
//   - Connections are tracked by slot: Dispose with connections checked
//     out never makes the counts negative or lets the cap be exceeded.
//   - Checkin does not send a ROLLBACK every time: database/sql ends every
//     transaction before releasing a connection, and alchemy rolls back
//     only a transaction it knows is still open (tracked by the wrapper,
//     or reported by pgx's transaction status). One round trip saved per
//     checkout.
//   - URL: the database part is percent-decoded like user and password,
//     so every URL renders and parses back to itself; an unknown pool_*
//     key is an error instead of being passed to the driver.
//   - A SQLite memory database ("sqlite://") is one database per engine,
//     shared by all pooled connections, instead of one per thread.
//   - SQLite connections get foreign_keys=on and busy_timeout=5000 unless
//     the URL says otherwise.
package alchemy
