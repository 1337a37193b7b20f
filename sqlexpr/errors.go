package sqlexpr

import (
	"errors"
	"fmt"
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
