package sqlexpr

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors that callers branch on with errors.Is.
var (
	// ErrUnsupported is matched by a [*CompileError]: the dialect cannot
	// express a construct of the statement. The root package's
	// alchemy.ErrUnsupported has the same meaning.
	ErrUnsupported = errors.New("sqlexpr: unsupported")
	// ErrInvalid is matched by errors for a statement that is malformed
	// whatever the dialect: an unknown column, a row whose keys differ
	// from the first row's, a join without ON, a Text whose placeholders
	// and arguments disagree, a nil where a value is needed.
	ErrInvalid = errors.New("sqlexpr: invalid statement")
)

// CompileError reports a construct that the dialect cannot express, such
// as RETURNING on MySQL or NULLS LAST on MariaDB. It is never raised for
// a construct that the compiler could drop silently: dropping it would
// change what the statement does.
type CompileError struct {
	Dialect   string // the dialect's name ("mysql")
	Construct string // the SQL construct ("UPDATE … RETURNING")
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("sqlexpr: dialect %s does not support %s", e.Dialect, e.Construct)
}

// Unwrap makes errors.Is(err, ErrUnsupported) true.
func (e *CompileError) Unwrap() error { return ErrUnsupported }

// invalidf returns an error matching ErrInvalid.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// castError reports a CAST whose target type the dialect cannot express.
// It matches ErrUnsupported and the type's own error.
type castError struct {
	dialect string
	err     error
}

func (e *castError) Error() string {
	return fmt.Sprintf("sqlexpr: dialect %s does not support this CAST: %v", e.dialect, e.err)
}

func (e *castError) Unwrap() []error { return []error{ErrUnsupported, e.err} }

var (
	// ErrNoResultFound is returned by One, ScalarOne and One[T] for a
	// result without rows (SQLAlchemy's NoResultFound). It wraps
	// sql.ErrNoRows, so errors.Is(err, sql.ErrNoRows) holds too.
	ErrNoResultFound = fmt.Errorf("sqlexpr: no row was found when one was required: %w", sql.ErrNoRows)
	// ErrMultipleResultsFound is returned by One, OneOrNone, ScalarOne
	// and One[T] for a result of more than one row (SQLAlchemy's
	// MultipleResultsFound).
	ErrMultipleResultsFound = errors.New("sqlexpr: more than one row was found when one was required")
	// ErrNoSuchColumn is matched by every [*NoSuchColumnError].
	ErrNoSuchColumn = errors.New("sqlexpr: no such column")
)

// ErrNoPrimaryKeys is returned by [Result.InsertedPrimaryKeys] for a
// statement that reports no inserted keys: not an INSERT, or an INSERT
// into a table whose primary key is not known.
var ErrNoPrimaryKeys = errors.New("sqlexpr: no inserted primary keys: the statement is not an INSERT into a table with a known primary key")

// ErrCartesianProduct is matched by every [*CartesianProductError].
var ErrCartesianProduct = errors.New("sqlexpr: cartesian product")

// NoSuchColumnError reports a column name the result does not have, as
// in rows.Get("nmae") (SQLAlchemy's NoSuchColumnError).
type NoSuchColumnError struct {
	Column  string   // the name asked for
	Columns []string // the result's columns
}

func (e *NoSuchColumnError) Error() string {
	return fmt.Sprintf("sqlexpr: the result has no column %q (its columns: %s)", e.Column, strings.Join(e.Columns, ", "))
}

// Unwrap makes errors.Is(err, ErrNoSuchColumn) true.
func (e *NoSuchColumnError) Unwrap() error { return ErrNoSuchColumn }

// CartesianProductError reports the FROM elements of a SELECT that are
// not joined to the first one.
type CartesianProductError struct {
	From     string   // the first FROM element
	Unjoined []string // the elements not connected to it
}

func (e *CartesianProductError) Error() string {
	return fmt.Sprintf("sqlexpr: SELECT statement has a cartesian product between FROM element %s and %s; "+
		"join them (Join, or a WHERE comparison of their columns), or name them all in From to mean it",
		e.From, strings.Join(e.Unjoined, ", "))
}

// Unwrap makes errors.Is(err, ErrCartesianProduct) true.
func (e *CartesianProductError) Unwrap() error { return ErrCartesianProduct }
