package metadata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
)

// Target is what CreateAll, DropAll, Table.Create, Table.Drop, Reflect
// and the [Inspector] run on: a *sql.DB, *sql.Conn or *sql.Tx opened
// through the "alchemy" driver, or the root package's *alchemy.Engine or
// *alchemy.Conn. The dialect is found with dialects.Of (the target's own
// Dialect method, else a probe only the alchemy driver answers); a
// database opened with another driver is an error matching
// dialects.ErrNotAlchemy that says how to open it through alchemy.
type Target interface {
	dialects.Execer
	Querier
}

// txBeginner is a target that can start a transaction (*sql.DB,
// *sql.Conn, the Engine).
type txBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// connPool is a target that hands out single connections (*sql.DB).
type connPool interface {
	Conn(ctx context.Context) (*sql.Conn, error)
}

// dbHolder is a target that wraps a *sql.DB (the Engine).
type dbHolder interface {
	DB() *sql.DB
}

// Option configures CreateAll, DropAll, Create, Drop and Reflect.
type Option func(*runOptions)

type runOptions struct {
	checkFirst bool
	only       []string
	echo       func(sql string)
}

// CheckFirst turns the existence check on or off (default on, for
// CreateAll and DropAll as in SQLAlchemy, and for Table.Create and
// Table.Drop as well, where SQLAlchemy's default is off). With it, one
// catalog query finds which tables exist; CreateAll skips them and
// DropAll drops only them.
func CheckFirst(on bool) Option { return func(o *runOptions) { o.checkFirst = on } }

// Only restricts CreateAll, DropAll and Reflect to the tables with these
// keys ("users", "schema.users"). Reflect also reads the tables that
// they reference, so that their foreign keys resolve.
func Only(keys ...string) Option {
	return func(o *runOptions) { o.only = append(o.only, keys...) }
}

// Echo calls fn with the text of every statement before it is sent,
// catalog queries included (SQLAlchemy's echo=True).
func Echo(fn func(sql string)) Option { return func(o *runOptions) { o.echo = fn } }

func buildRunOptions(opts []Option) runOptions {
	o := runOptions{checkFirst: true}
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// executor runs the statements of one call. It is the Querier the
// catalog reads through, so that Echo sees catalog queries too.
type executor struct {
	q    Target
	echo func(string)
	// batch sends a list of statements as one multi-statement Exec; set
	// only inside a transaction this package owns, on a dialect whose
	// drivers accept such scripts (DDLOptions.BatchDDL).
	batch bool
}

func (e *executor) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if e.echo != nil {
		e.echo(query)
	}
	return e.q.ExecContext(ctx, query, args...)
}

func (e *executor) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if e.echo != nil {
		e.echo(query)
	}
	return e.q.QueryContext(ctx, query, args...)
}

// batchError is a failed batch: the transaction is lost, and run
// replays the statements one by one to name the one that failed.
type batchError struct {
	stmts []string
	err   error
}

func (e *batchError) Error() string { return "metadata: DDL script: " + e.err.Error() }
func (e *batchError) Unwrap() error { return e.err }

// execAll runs the statements in order, stopping at the first error.
// In batch mode they travel as one script, which saves a round trip per
// statement (the difference between SQLAlchemy's create_all and psql
// running the same script); Echo still sees each statement.
func (e *executor) execAll(ctx context.Context, stmts []string) error {
	if e.batch && len(stmts) > 1 {
		for _, s := range stmts {
			if e.echo != nil {
				e.echo(s)
			}
		}
		if _, err := e.q.ExecContext(ctx, strings.Join(stmts, ";\n")); err != nil {
			return &batchError{stmts: stmts, err: err}
		}
		return nil
	}
	for _, s := range stmts {
		if _, err := e.ExecContext(ctx, s); err != nil {
			return &ExecError{SQL: s, Err: err}
		}
	}
	return nil
}

// run finds the dialect of target and calls fn with an executor: inside
// a transaction when transactional is true and the target can begin one
// (so that a failure leaves nothing behind), else on a single connection
// where the target is a pool, else on the target itself (a *sql.Tx, or a
// caller's own executor).
func run(ctx context.Context, target Target, o runOptions, transactional func(*dialects.Dialect) bool,
	fn func(ctx context.Context, d *dialects.Dialect, e *executor) error) error {
	if target == nil {
		return errors.New("metadata: nil target")
	}
	d, err := dialects.Of(ctx, target)
	if err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	var pool any = target
	if h, ok := target.(dbHolder); ok && h.DB() != nil {
		pool = h.DB()
	}
	if b, ok := pool.(txBeginner); ok && transactional(d) {
		err := inTx(ctx, b, func(tx *sql.Tx) error {
			return fn(ctx, d, &executor{q: tx, echo: o.echo, batch: d.DDL.BatchDDL})
		})
		var be *batchError
		if errors.As(err, &be) {
			if outOfLocks(be.err) {
				// The replay would take the same locks and run out at
				// the same point, doubling the time to fail, and the
				// statement it would name is only where the lock table
				// filled up, not a statement at fault.
				return lockLimit(ctx, pool, len(be.stmts), &ExecError{SQL: strings.Join(be.stmts, ";\n"), Err: be.err})
			}
			err = replay(ctx, b, be)
		}
		if outOfLocks(err) {
			return lockLimit(ctx, pool, 0, err)
		}
		return err
	}
	if p, ok := pool.(connPool); ok {
		conn, err := p.Conn(ctx)
		if err != nil {
			return fmt.Errorf("metadata: %w", err)
		}
		defer conn.Close()
		err = fn(ctx, d, &executor{q: conn, echo: o.echo})
		if outOfLocks(err) {
			return lockLimit(ctx, pool, 0, err)
		}
		return err
	}
	err = fn(ctx, d, &executor{q: target, echo: o.echo})
	if outOfLocks(err) {
		// target may be a *sql.Tx the failure has aborted: the setting
		// is not read through it.
		return lockLimit(ctx, nil, 0, err)
	}
	return err
}

// outOfLocks reports PostgreSQL's "out of shared memory" (SQLSTATE
// 53200) from a full lock table. The same SQLSTATE also reports other
// exhausted memory, so the message is checked too. The driver's error is
// matched through its SQLState method (pgx's *pgconn.PgError has one),
// which keeps this package free of any driver.
func outOfLocks(err error) bool {
	if err == nil {
		return false
	}
	var st interface{ SQLState() string }
	return errors.As(err, &st) && st.SQLState() == "53200" && strings.Contains(err.Error(), "shared memory")
}

// lockLimit builds the LockLimitError of a call that filled the lock
// table, reading the server's max_locks_per_transaction through pool
// when it can run a query of its own (a *sql.DB, *sql.Conn or the
// Engine; not a *sql.Tx, which the failure has aborted).
func lockLimit(ctx context.Context, pool any, stmts int, err error) error {
	le := &LockLimitError{Statements: stmts, Err: err}
	if q, ok := pool.(interface {
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}); ok {
		if _, isTx := pool.(*sql.Tx); !isTx {
			var v string
			if q.QueryRowContext(ctx, "SHOW max_locks_per_transaction").Scan(&v) == nil {
				le.MaxLocksPerTransaction = v
			}
		}
	}
	return le
}

// replay runs the statements of a failed batch one by one in a new
// transaction, always rolled back, to report the statement that fails.
// The batch ran in a transaction that was rolled back, so the replay
// starts from the same state.
func replay(ctx context.Context, b txBeginner, be *batchError) error {
	errFound := errors.New("found")
	var failed *ExecError
	err := inTx(ctx, b, func(tx *sql.Tx) error {
		for _, s := range be.stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				failed = &ExecError{SQL: s, Err: err}
				return errFound
			}
		}
		return errFound // roll back: the replay must leave nothing either
	})
	if failed != nil {
		return failed
	}
	if err != nil && !errors.Is(err, errFound) {
		return errors.Join(&ExecError{SQL: strings.Join(be.stmts, ";\n"), Err: be.err}, err)
	}
	return &ExecError{SQL: strings.Join(be.stmts, ";\n"), Err: be.err}
}

// inTx runs fn in a transaction, committing on success.
func inTx(ctx context.Context, b txBeginner, fn func(*sql.Tx) error) error {
	tx, err := b.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("metadata: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("metadata: rollback: %w", rbErr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("metadata: commit: %w", err)
	}
	return nil
}

func transactionalDDL(d *dialects.Dialect) bool { return d.Features.TransactionalDDL }
