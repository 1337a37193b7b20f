package dialects

import (
	"errors"
	"strconv"
	"strings"
)

// PlaceholderStyle says how bound parameters are written in SQL text.
type PlaceholderStyle int

const (
	// Question writes every parameter as "?" (MySQL, SQLite).
	Question PlaceholderStyle = iota
	// Dollar writes numbered parameters "$1", "$2", … (PostgreSQL).
	Dollar
)

// Dialect describes one SQL dialect: how its SQL is written, which
// features it has, how its errors are read, and which Go drivers can talk
// to it. It is a plain value: a variant (CockroachDB, YugabyteDB, TiDB, an
// older server version) is a copy of a base dialect with a few fields
// changed, registered under its own name.
//
// The compiler (sqlexpr) and the schema layer (metadata) read the fields;
// they never test the dialect's name. A nil hook means "use the generic
// path".
//
// A Dialect must not be modified once registered; Clone it instead.
type Dialect struct {
	// Name is the URL scheme that selects the dialect ("postgresql").
	Name string
	// Family is the base dialect a variant derives from ("postgresql" for
	// CockroachDB). It equals Name for the base dialects.
	Family string
	// ImportPath is the Go package that registers the dialect; error
	// messages name it when the dialect is used without being imported.
	ImportPath string
	// DefaultDriver is the driver used when the URL names none.
	DefaultDriver string
	// DefaultPort is the server's usual TCP port, 0 for embedded engines.
	DefaultPort int

	// Placeholder is the bound-parameter style.
	Placeholder PlaceholderStyle
	// IdentQuote is the character that quotes identifiers ('"' or '`').
	IdentQuote byte
	// ReservedWords are the lower-case words that must be quoted when used
	// as identifiers.
	ReservedWords map[string]struct{}
	// MaxIdentifierLength is the longest identifier the server accepts
	// (63 for PostgreSQL, 64 for MySQL, 0 for no limit).
	MaxIdentifierLength int
	// BackslashEscapes is true when the server treats a backslash inside a
	// string literal as an escape character (MySQL's default). It matters
	// only where literals are rendered into SQL text (DDL defaults,
	// literal-bind rendering).
	BackslashEscapes bool

	// Features lists what the dialect can express; the compiler returns
	// an error naming the dialect for a construct whose flag is false.
	Features Features

	// SQL holds the compiler's per-dialect choices. See [SQLOptions].
	SQL SQLOptions

	// DDL holds the schema layer's per-dialect choices. See [DDLOptions].
	DDL DDLOptions

	// PingQuery is sent by pre-ping when the driver has no Ping method.
	PingQuery string

	// IsDisconnect reports whether err means the connection is no longer
	// usable (the server went away, the backend was killed, the socket
	// broke). driver.ErrBadConn is always treated as a disconnect; this
	// hook adds the dialect's own codes. Nil means "only ErrBadConn".
	IsDisconnect func(err error) bool

	// Classify maps a driver error to a portable kind (unique violation,
	// serialization failure, …). Nil means KindUnknown for every error.
	Classify func(err error) ErrorKind

	// IsServerError reports whether err is an answer the server sent (a
	// PostgreSQL ErrorResponse, a MySQL error packet, an SQLite result
	// code) rather than a failure to reach it or to hear back. An error
	// in reply to COMMIT is a definite outcome only when the server sent
	// it; anything else leaves the outcome unknown. Nil means no error is
	// known to come from the server.
	IsServerError func(err error) bool
}

// Features lists capabilities that differ between dialects and versions.
type Features struct {
	InsertReturning    bool // INSERT … RETURNING
	UpdateReturning    bool // UPDATE … RETURNING
	DeleteReturning    bool // DELETE … RETURNING
	NullsOrdering      bool // ORDER BY … NULLS FIRST / LAST
	ILike              bool // native ILIKE operator (else lower() LIKE lower())
	DistinctOn         bool // SELECT DISTINCT ON (…)
	FullOuterJoin      bool // FULL OUTER JOIN
	RightJoin          bool // RIGHT OUTER JOIN
	Intersect          bool // INTERSECT
	Except             bool // EXCEPT
	ForUpdate          bool // SELECT … FOR UPDATE
	ForUpdateOf        bool // SELECT … FOR UPDATE OF t, … (not MariaDB)
	ForShare           bool // SELECT … FOR SHARE (or MySQL's LOCK IN SHARE MODE)
	NoWait             bool // FOR UPDATE NOWAIT
	SkipLocked         bool // FOR UPDATE SKIP LOCKED
	CTE                bool // WITH …
	RecursiveCTE       bool // WITH RECURSIVE …
	WindowFunctions    bool // OVER (…)
	Savepoints         bool // SAVEPOINT / RELEASE / ROLLBACK TO
	TransactionalDDL   bool // CREATE/ALTER/DROP can be rolled back
	Alter              bool // ALTER TABLE … ADD/DROP CONSTRAINT
	NativeEnum         bool // a named or inline ENUM type
	NativeBoolean      bool // a real boolean type with true/false literals
	NativeUUID         bool // a UUID column type
	Comments           bool // table and column comments
	Sequences          bool // CREATE SEQUENCE
	MultiRowInsert     bool // INSERT … VALUES (…), (…)
	IsDistinctFrom     bool // IS [NOT] DISTINCT FROM (else the dialect's spelling)
	DropTableCascade   bool // DROP TABLE … CASCADE
	IfNotExists        bool // CREATE TABLE IF NOT EXISTS / DROP … IF EXISTS
	OnConflict         bool // INSERT … ON CONFLICT (PostgreSQL, SQLite)
	OnDuplicateKey     bool // INSERT … ON DUPLICATE KEY UPDATE (MySQL)
	PartialIndexes     bool // CREATE INDEX … WHERE
	SchemaQualifiedDDL bool // schemas (namespaces) inside one database
}

// LimitStyle says how LIMIT and OFFSET are written.
type LimitStyle int

const (
	// LimitOffset writes "LIMIT n OFFSET m"; an offset without a limit is
	// written "LIMIT ALL OFFSET m" (PostgreSQL).
	LimitOffset LimitStyle = iota
	// LimitCommaOffset writes "LIMIT m, n" with the offset first; an offset
	// without a limit uses the largest unsigned 64-bit value (MySQL).
	LimitCommaOffset
	// LimitOffsetMinusOne writes "LIMIT n OFFSET m"; an offset without a
	// limit is written with a limit of -1 (SQLite).
	LimitOffsetMinusOne
)

// ConcatStyle says how string concatenation is written.
type ConcatStyle int

const (
	// ConcatPipes writes a || b.
	ConcatPipes ConcatStyle = iota
	// ConcatFunc writes concat(a, b).
	ConcatFunc
)

// SQLOptions are the compiler's per-dialect choices that are data rather
// than features. The sqlexpr package documents how each is used.
type SQLOptions struct {
	Limit  LimitStyle
	Concat ConcatStyle
	// InnerJoinKeyword is written for an inner join ("JOIN", or MySQL's
	// "INNER JOIN").
	InnerJoinKeyword string
	// TrueLiteral and FalseLiteral render boolean constants ("true" /
	// "false", or "1" / "0" on SQLite).
	TrueLiteral, FalseLiteral string
	// SelectWithoutFromSuffix is appended to a SELECT that has a WHERE
	// clause but no FROM (MySQL's "FROM DUAL").
	SelectWithoutFromSuffix string
	// NowFunc is how now() is spelled ("now()" or "CURRENT_TIMESTAMP").
	NowFunc string
	// RegexpOperator is the regular-expression match operator ("~",
	// "REGEXP"); empty when the dialect has none.
	RegexpOperator string
	// IsDistinctFrom / IsNotDistinctFrom are format strings with two %s
	// operands for dialects without the standard spelling, e.g.
	// "NOT (%s <=> %s)" on MySQL and "%s IS NOT %s" on SQLite.
	IsDistinctFrom, IsNotDistinctFrom string
	// ShareLockClause is the shared-lock suffix ("FOR SHARE", or MySQL's
	// "LOCK IN SHARE MODE").
	ShareLockClause string
	// UnqualifiedReturning writes RETURNING columns without their table
	// name (SQLite requires it).
	UnqualifiedReturning bool
	// ExcludedRowPrefix names the proposed row in an upsert's update
	// clause ("excluded." on PostgreSQL and SQLite); MySQL uses
	// VALUES(col) instead and leaves this empty.
	ExcludedRowPrefix string
	// IntersectExceptAll is true when INTERSECT ALL and EXCEPT ALL are
	// accepted (not by SQLite).
	IntersectExceptAll bool
	// InsertDefaultValues completes an INSERT that sets no column:
	// "DEFAULT VALUES", or MySQL's "() VALUES ()". Empty means "DEFAULT
	// VALUES".
	InsertDefaultValues string
}

// DDLOptions are the schema layer's per-dialect choices. The metadata
// package documents how each is used.
type DDLOptions struct {
	// Types maps a generic type name (see the types package's kinds,
	// e.g. "boolean", "uuid", "datetime_tz") to the dialect's DDL
	// spelling. A missing entry means the generic spelling; an entry with
	// an empty value means the dialect cannot render the type.
	Types map[string]string
	// AutoincrementStyle is how a single integer primary key is made to
	// generate values: "serial" (PostgreSQL SERIAL/BIGSERIAL), "identity"
	// (GENERATED BY DEFAULT AS IDENTITY), "auto_increment" (MySQL) or
	// "rowid" (SQLite's INTEGER PRIMARY KEY).
	AutoincrementStyle string
	// EnumStyle is "named" (CREATE TYPE … AS ENUM), "inline" (MySQL ENUM(…))
	// or "check" (VARCHAR plus a CHECK constraint).
	EnumStyle string
	// StringNeedsLength is true when VARCHAR without a length is an error.
	StringNeedsLength bool
	// DropForeignKeyClause is how ALTER TABLE drops a foreign key
	// ("DROP CONSTRAINT" or MySQL's "DROP FOREIGN KEY").
	DropForeignKeyClause string
	// DropIndexOnTable is true when DROP INDEX needs "ON table" (MySQL).
	DropIndexOnTable bool
	// InlineComments is true when comments are written inside CREATE TABLE
	// (MySQL) rather than as COMMENT ON statements (PostgreSQL).
	InlineComments bool
	// ParenthesizeDefaultExpr wraps non-literal server defaults in
	// parentheses (SQLite, MySQL 8).
	ParenthesizeDefaultExpr bool

	// CastTypes maps a generic type name to its spelling as a CAST target
	// where it differs from Types ("integer" → "SIGNED" on MySQL). An
	// entry with an empty value means the dialect cannot CAST to the type.
	CastTypes map[string]string
	// NowDefault is how a server default of the current timestamp is
	// written ("CURRENT_TIMESTAMP(6)" on MySQL, whose DATETIME(6) rejects
	// a less precise default). Empty means SQL.NowFunc.
	NowDefault string
	// NotNullBeforeDefault writes NOT NULL before DEFAULT in a column
	// definition (MySQL's order) rather than after it.
	NotNullBeforeDefault bool
	// LateForeignKeyTargets is true when CREATE TABLE may name a table
	// that does not exist yet in a FOREIGN KEY clause (SQLite resolves
	// the target when a row is written). On such a dialect without Alter,
	// foreign-key cycles stay inline; without either, a cycle is an error.
	LateForeignKeyTargets bool
	// DeferForeignKeys is sent first inside a DropAll transaction that
	// drops tables of a foreign-key cycle without ALTER (SQLite's
	// "PRAGMA defer_foreign_keys = ON"), so that dropping a referenced
	// table is checked only at commit, when its referrers are gone too.
	DeferForeignKeys string
	// NamedChecksAtTableLevel writes a named CHECK declared on a column as
	// a table constraint (MariaDB rejects CONSTRAINT … CHECK inside a
	// column definition); unnamed ones stay inline.
	NamedChecksAtTableLevel bool
	// DeferrableConstraints is true when foreign keys can be DEFERRABLE
	// (PostgreSQL, SQLite); MySQL rejects the clause, and the schema layer
	// reports an error rather than dropping it.
	DeferrableConstraints bool
	// LocalSchemaReferences writes a schema only where a table is created,
	// altered or dropped and on an index's name: CREATE INDEX s.ix ON t
	// (…), REFERENCES t (…). SQLite needs it: an index, and a foreign key's
	// target, live in the database (schema) of their table.
	LocalSchemaReferences bool
	// BatchDDL sends the statements of one CreateAll or DropAll as a single
	// multi-statement script inside its transaction, instead of one round
	// trip each. Set it where the dialect has transactional DDL and its
	// drivers run such scripts (pgx without arguments uses the simple
	// protocol; SQLite runs every statement of the text).
	BatchDDL bool
	// UntypedColumns is true when a column may be declared without a type
	// (SQLite: CREATE TABLE kv (k, v)); types.NullType is then written as
	// no type, and elsewhere it is an error.
	UntypedColumns bool
	// Catalog reads the database's catalog: which tables exist, and what
	// they look like (reflection). The dialect package sets it to a value
	// implementing metadata.Catalog; it is typed any because this package
	// sits below metadata. Nil means the schema layer can only render DDL
	// (CreateAllSQL), not check for or reflect existing tables.
	Catalog any
}

// Clone returns a deep copy of d, for building a variant.
func (d *Dialect) Clone() *Dialect {
	c := *d
	if d.ReservedWords != nil {
		c.ReservedWords = make(map[string]struct{}, len(d.ReservedWords))
		for w := range d.ReservedWords {
			c.ReservedWords[w] = struct{}{}
		}
	}
	if d.DDL.Types != nil {
		c.DDL.Types = make(map[string]string, len(d.DDL.Types))
		for k, v := range d.DDL.Types {
			c.DDL.Types[k] = v
		}
	}
	if d.DDL.CastTypes != nil {
		c.DDL.CastTypes = make(map[string]string, len(d.DDL.CastTypes))
		for k, v := range d.DDL.CastTypes {
			c.DDL.CastTypes[k] = v
		}
	}
	return &c
}

// String returns the dialect's name.
func (d *Dialect) String() string { return d.Name }

// IsReserved reports whether word (in any case) is a reserved word of d.
func (d *Dialect) IsReserved(word string) bool {
	_, ok := d.ReservedWords[strings.ToLower(word)]
	return ok
}

// NeedsQuote reports whether the identifier must be quoted: it is a
// reserved word, starts with a digit or '$', contains a character outside
// [A-Za-z0-9_$], or contains an upper-case letter (quoting preserves the
// case, as SQLAlchemy does).
func (d *Dialect) NeedsQuote(ident string) bool {
	if ident == "" {
		return true
	}
	c := ident[0]
	if (c >= '0' && c <= '9') || c == '$' {
		return true
	}
	for i := 0; i < len(ident); i++ {
		c := ident[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '$':
		default:
			return true
		}
	}
	_, reserved := d.ReservedWords[ident] // lower case already: IsReserved's ToLower would only rescan it
	return reserved
}

// ErrInvalidIdentifier is returned for an identifier that cannot be used
// safely even when quoted (it is empty, or contains a NUL byte).
var ErrInvalidIdentifier = errors.New("dialects: invalid identifier")

// QuoteIdent returns ident quoted in the dialect's style when it needs
// quoting, and as it is otherwise. A quote character inside the name is
// doubled. Empty names and names containing NUL are rejected.
func (d *Dialect) QuoteIdent(ident string) (string, error) {
	if ident == "" || strings.IndexByte(ident, 0) >= 0 {
		return "", &IdentifierError{Dialect: d.Name, Ident: ident}
	}
	if !d.NeedsQuote(ident) {
		return ident, nil
	}
	q := string(d.IdentQuote)
	return q + strings.ReplaceAll(ident, q, q+q) + q, nil
}

// IdentifierError reports an identifier that cannot be written in SQL.
type IdentifierError struct {
	Dialect string
	Ident   string
}

func (e *IdentifierError) Error() string {
	if e.Ident == "" {
		return "dialects: empty identifier on dialect " + e.Dialect
	}
	return "dialects: identifier " + strconv.Quote(e.Ident) + " contains a NUL byte and cannot be used on dialect " + e.Dialect
}

// Unwrap makes errors.Is(err, ErrInvalidIdentifier) true.
func (e *IdentifierError) Unwrap() error { return ErrInvalidIdentifier }

// QuoteString renders s as a SQL string literal: single quotes doubled,
// and backslashes doubled where the dialect treats them as escapes. It is
// for DDL text (server defaults, enum labels, comments); values in
// statements are always bound, never rendered.
func (d *Dialect) QuoteString(s string) string {
	s = strings.ReplaceAll(s, "'", "''")
	if d.BackslashEscapes {
		s = strings.ReplaceAll(s, `\`, `\\`)
	}
	return "'" + s + "'"
}

// Words splits a space-separated list of lower-case words into a set; the
// dialect packages use it for their reserved-word lists.
func Words(list string) map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(list) {
		m[w] = struct{}{}
	}
	return m
}
