package metadata

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, matched with errors.Is by the typed errors below.
var (
	// ErrDuplicateTable: a table key declared twice in one MetaData.
	ErrDuplicateTable = errors.New("metadata: duplicate table")
	// ErrDuplicateColumn: a column name declared twice in one table.
	ErrDuplicateColumn = errors.New("metadata: duplicate column")
	// ErrInvalidDeclaration: a declaration that no dialect can render
	// (a constraint on an unknown column, a nullable primary key, …).
	ErrInvalidDeclaration = errors.New("metadata: invalid declaration")
	// ErrNoReferencedTable: a foreign key names a table the MetaData
	// does not hold.
	ErrNoReferencedTable = errors.New("metadata: foreign key target table not found")
	// ErrNoReferencedColumn: a foreign key names a column its target
	// table does not have.
	ErrNoReferencedColumn = errors.New("metadata: foreign key target column not found")
	// ErrCircularDependency: tables reference each other in a cycle that
	// the dialect cannot create.
	ErrCircularDependency = errors.New("metadata: circular foreign key dependency")
	// ErrNoSuchTable: reflection found no table of that name.
	ErrNoSuchTable = errors.New("metadata: no such table")
	// ErrNoCatalog: the dialect cannot read its catalog (checkfirst and
	// reflection need one).
	ErrNoCatalog = errors.New("metadata: dialect has no catalog")
)

// DuplicateTableError reports a second md.Table call with the same key
// (SQLAlchemy: "Table 'users' is already defined for this MetaData
// instance").
type DuplicateTableError struct {
	Key string // "users" or "schema.users"
}

func (e *DuplicateTableError) Error() string {
	return fmt.Sprintf("metadata: table %q is already defined in this MetaData", e.Key)
}

// Unwrap makes errors.Is(err, ErrDuplicateTable) true.
func (e *DuplicateTableError) Unwrap() error { return ErrDuplicateTable }

// DuplicateColumnError reports a column declared twice in one table.
type DuplicateColumnError struct {
	Table, Column string
}

func (e *DuplicateColumnError) Error() string {
	return fmt.Sprintf("metadata: column %q is declared twice in table %q", e.Column, e.Table)
}

// Unwrap makes errors.Is(err, ErrDuplicateColumn) true.
func (e *DuplicateColumnError) Unwrap() error { return ErrDuplicateColumn }

// DeclarationError reports a declaration that cannot be rendered on any
// dialect. Column is empty for a table-level problem.
type DeclarationError struct {
	Table, Column string
	Reason        string
}

func (e *DeclarationError) Error() string {
	where := fmt.Sprintf("table %q", e.Table)
	if e.Column != "" {
		where = fmt.Sprintf("column %q of table %q", e.Column, e.Table)
	}
	if e.Table == "" && e.Column != "" {
		where = fmt.Sprintf("column %q", e.Column)
	}
	return "metadata: " + where + ": " + e.Reason
}

// Unwrap makes errors.Is(err, ErrInvalidDeclaration) true.
func (e *DeclarationError) Unwrap() error { return ErrInvalidDeclaration }

// NoReferencedTableError reports a foreign key whose target table is not
// in the MetaData (SQLAlchemy's NoReferencedTableError). It is returned
// when the graph is needed (SortedTables, CreateAll, CreateAllSQL, Err),
// not at declaration, so that tables can be declared in any order.
type NoReferencedTableError struct {
	Table   string   // the referencing table's key
	Columns []string // the referencing columns
	Target  string   // the target as declared ("users.id")
	RefKey  string   // the table key that was looked up
}

func (e *NoReferencedTableError) Error() string {
	return fmt.Sprintf("metadata: foreign key on %s(%s) references %q, but table %q is not in the MetaData",
		e.Table, strings.Join(e.Columns, ", "), e.Target, e.RefKey)
}

// Unwrap makes errors.Is(err, ErrNoReferencedTable) true.
func (e *NoReferencedTableError) Unwrap() error { return ErrNoReferencedTable }

// NoReferencedColumnError reports a foreign key whose target table
// exists but lacks the target column.
type NoReferencedColumnError struct {
	Table   string   // the referencing table's key
	Columns []string // the referencing columns
	Target  string   // the target as declared ("users.nocol")
	RefKey  string   // the target table's key
	Column  string   // the missing column
}

func (e *NoReferencedColumnError) Error() string {
	return fmt.Sprintf("metadata: foreign key on %s(%s) references %q, but table %q has no column %q",
		e.Table, strings.Join(e.Columns, ", "), e.Target, e.RefKey, e.Column)
}

// Unwrap makes errors.Is(err, ErrNoReferencedColumn) true.
func (e *NoReferencedColumnError) Unwrap() error { return ErrNoReferencedColumn }

// DDLError reports what could not be rendered for a dialect: a type it
// cannot spell (String without a length on MySQL), an identifier it
// cannot accept, a naming-convention token without a value. It wraps the
// cause ([*types.UnsupportedError] for types).
type DDLError struct {
	Dialect string
	Table   string // the table's key
	Column  string // empty when the problem is not a column's
	Err     error
}

func (e *DDLError) Error() string {
	where := fmt.Sprintf("table %q", e.Table)
	if e.Column != "" {
		where = fmt.Sprintf("table %q, column %q", e.Table, e.Column)
	}
	return fmt.Sprintf("metadata: %s (dialect %s): %v", where, e.Dialect, e.Err)
}

// Unwrap returns the cause.
func (e *DDLError) Unwrap() error { return e.Err }

// CircularDependencyError reports tables that reference each other in a
// cycle on a dialect that can neither add a foreign key with ALTER TABLE
// nor name a table before it exists. SQLite can do the latter, so it never
// returns this error.
type CircularDependencyError struct {
	Dialect string
	Tables  []string // the tables of the cycle, sorted
}

func (e *CircularDependencyError) Error() string {
	return fmt.Sprintf("metadata: tables %s reference each other in a cycle, and dialect %s can neither ALTER TABLE … ADD CONSTRAINT nor reference a table before it exists",
		strings.Join(e.Tables, ", "), e.Dialect)
}

// Unwrap makes errors.Is(err, ErrCircularDependency) true.
func (e *CircularDependencyError) Unwrap() error { return ErrCircularDependency }

// ExecError reports a statement the database rejected during CreateAll,
// DropAll, Create, Drop or Reflect. Where the dialect has transactional
// DDL, nothing of the call is left behind.
type ExecError struct {
	SQL string
	Err error
}

func (e *ExecError) Error() string {
	s := e.SQL
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return fmt.Sprintf("metadata: %s: %v", s, e.Err)
}

// Unwrap returns the driver's error.
func (e *ExecError) Unwrap() error { return e.Err }

// LockLimitError reports that PostgreSQL ran out of its lock table
// ("out of shared memory", SQLSTATE 53200) during CreateAll, DropAll,
// Create or Drop: the schema is too large to create or drop in one
// transaction on that server. Each table, index and sequence created or
// dropped holds a lock until the commit, and the server's lock table has
// room for max_locks_per_transaction × (max_connections +
// max_prepared_transactions) locks in all, shared by every session. The
// transaction was rolled back; nothing of the call is left behind.
//
// Raise max_locks_per_transaction (postgresql.conf, or ALTER SYSTEM SET
// max_locks_per_transaction = 256; it takes a server restart), or create
// the schema in smaller groups of tables with [Only], each its own
// transaction, referenced tables first.
type LockLimitError struct {
	// MaxLocksPerTransaction is the server's setting, read after the
	// failure; empty when it could not be read (a *sql.Tx target).
	MaxLocksPerTransaction string
	// Statements is the number of DDL statements the call sent as one
	// script; 0 when they were sent one by one.
	Statements int
	// Err is the failure as the call saw it (an *ExecError wrapping the
	// driver's error).
	Err error
}

func (e *LockLimitError) Error() string {
	setting := "max_locks_per_transaction"
	if e.MaxLocksPerTransaction != "" {
		setting += " (" + e.MaxLocksPerTransaction + ")"
	}
	size := "the schema"
	if e.Statements > 0 {
		size = fmt.Sprintf("the schema (%d statements)", e.Statements)
	}
	cause := e.Err
	var ee *ExecError
	if e.Statements > 0 && errors.As(cause, &ee) {
		// The script's first statement is not where the locks ran out:
		// name none.
		cause = ee.Err
	}
	return fmt.Sprintf("metadata: %s is too large for one transaction at the server's %s: "+
		"the server ran out of shared memory for locks (a transaction holds one on every table, index and sequence it creates or drops until it commits); "+
		"raise max_locks_per_transaction (postgresql.conf or ALTER SYSTEM, then restart the server) "+
		"or create or drop the tables in smaller groups with Only, each its own transaction: %v", size, setting, cause)
}

// Unwrap returns the failure, so that errors.As finds the ExecError and
// the driver's error under it.
func (e *LockLimitError) Unwrap() error { return e.Err }
