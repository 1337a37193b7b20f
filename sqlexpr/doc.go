// Package sqlexpr is alchemy's SQL expression language, SQLAlchemy Core's
// in Go: statements are values built from tables and columns, compiled
// for a dialect into SQL text and bound arguments, and executed on any
// *sql.DB, *sql.Conn or *sql.Tx opened through the "alchemy" driver (or
// on alchemy's Engine and Conn).
//
//	users := sqlexpr.NewTable("users", "id", "name", "email")  // or a metadata.Table
//
//	ins := sqlexpr.Insert(users).Values(sqlexpr.Values{"name": "john", "email": "john@example.com"})
//	res, err := sqlexpr.Execute(ctx, db, ins)  // res.InsertedPrimaryKey() when the key is known
//
//	sel := sqlexpr.Select(users).Where(users.C("name").Eq("john"))
//	rows, err := sqlexpr.Query(ctx, db, sel)
//	for rows.Next() {
//		fmt.Println(rows.Get("id"), rows.Get("email"))
//	}
//
//	sqlText, args, err := sqlexpr.Compile(sel, postgresql.Dialect)
//	// SELECT users.id, users.name, users.email FROM users WHERE users.name = $1 [john]
//
// # Building statements
//
// Expressions ([Expr]) come from columns (users.C("name"), [NewColumn]),
// values ([Literal], [InlineLiteral], [LiteralColumn], [Text]), functions ([Func],
// [Count], [Sum], [Now], …), [Case], [Cast], subqueries (Scalar, [Exists])
// and the operator methods every expression has, documented once on
// [Operators] (Eq, Like, In, Add, Concat, Contains, StartsWith, EndsWith,
// LikeEscape, Collate, Label, Desc, …). A Go value given to an operator is bound. A SELECT can lock
// its rows: ForUpdate, ForUpdateOf(tables…), ForShare, with NoWait or
// SkipLocked.
// Statements are [Select], [Insert], [Update], [Delete], [Union] and
// friends, and [Text]. Statement builders modify the statement and return
// it, so that a chain allocates little: use Clone to branch. A statement
// that is no longer modified may be compiled and executed from many
// goroutines at once. The first error met while building (an unknown
// column, rows with different keys, a negative LIMIT) is kept and
// reported by Compile; later builder calls do not replace it.
//
// # Compiling
//
// [Compile] renders one line of SQL: clauses are separated by single
// spaces, where SQLAlchemy starts some on new lines. Otherwise the text
// follows SQLAlchemy's shapes: columns qualified by their table,
// identifiers quoted only where the dialect needs it (reserved words,
// upper case, other characters), JOIN (MySQL: INNER JOIN) and LEFT OUTER
// JOIN, SET col=value in UPDATE, functions in a SELECT list labelled
// count_1, other unnamed expressions anon_1, and LIMIT/OFFSET per dialect:
//
//	PostgreSQL  LIMIT $1 OFFSET $2   offset only: LIMIT ALL OFFSET $1
//	MySQL       LIMIT ?, ?           offset first; offset only: LIMIT ?, 18446744073709551615
//	SQLite      LIMIT ? OFFSET ?     limit only binds OFFSET 0; offset only binds LIMIT -1
//
// Values are always bound ($1, $2, … on PostgreSQL, ? elsewhere), never
// written into the text, except those the user marks with [InlineLiteral] (and
// the SQL given to [LiteralColumn] and [Text]). The compiler reads the
// dialect's fields (dialects.Dialect Features and SQL options), never its
// name: a variant dialect is a Clone with fields changed.
//
// [Compile] caches compiled text, keyed by dialect and statement shape;
// see [Compiler] for the cache and [SetCacheSize] to size or disable it.
//
// # Executing
//
// [Execute] (for statements whose rows are not wanted), [Query] and
// [QueryRow], the verbs the Engine and Conn also have, take any [Target]
// (*sql.DB, *sql.Conn, *sql.Tx opened through "alchemy", or alchemy's
// Engine and Conn), find its dialect (dialects.Of: the target's Dialect method, else a probe the
// driver answers locally), compile through the cache (the target's own
// when it is a [CompilerProvider]) and run the statement. Rows are read
// by column name ([Rows.Get], [Rows.Map]; an unknown name is a
// [*NoSuchColumnError]), into structs ([Rows.ScanStruct], [Rows.ScanAll],
// by db:"…" tag, else by field name, case-insensitive), with
// SQLAlchemy's verbs ([Rows.One], [Rows.OneOrNone], [Rows.First],
// [Rows.Scalar], [Rows.ScalarOne], [Rows.Scalars], [Rows.All],
// [Rows.Mappings]; [ErrNoResultFound], [ErrMultipleResultsFound]) or
// generically ([All], [One], [OneOrNone], and [Iter], an iter.Seq2 that
// streams). A one-row INSERT into a table that knows its primary key
// reports it ([Result.InsertedPrimaryKey]): with RETURNING where the
// dialect has INSERT … RETURNING, else with LastInsertId.
//
// # Types
//
// The types declared on a metadata.Table (or [TableClause.AddTypedColumn])
// govern both directions. Typed columns come back as one Go type per
// column type on every dialect: int64, bool, string, time.Time in UTC,
// types.CivilDate, types.CivilTime, time.Duration (PostgreSQL INTERVAL),
// decimal.Decimal, float64, []byte, json.RawMessage (which also decodes
// into any other Scan destination), uuid.UUID; NULL is nil. Go values
// bound for them are converted for the dialect: a time.Time for a
// DateTime is stored as its UTC wall clock, a JSON column's value is
// encoded. A comparison, a CAST and count/sum/min/max/lower/… are typed
// too; untyped columns come as the driver gives them. Plain database/sql
// code on the "alchemy" driver is not affected.
//
// # Parameters
//
// [BindParam] and Text's :name parameters take their values when the
// statement runs: Execute(ctx, db, stmt, Params{"name": "john"}). Execute with
// several Params runs the statement for each (executemany); an INSERT
// without Values given Params inserts them in one multi-row INSERT and
// reports the keys where the dialect has RETURNING
// ([Result.InsertedPrimaryKeys]).
//
// # Deviations from SQLAlchemy
//
// Where SQLAlchemy's behaviour surprises its users (a construct silently
// dropped, a pattern not escaped) or cannot be mirrored by a Go API, this
// package does the following instead:
//
//   - Constructs a dialect cannot express are errors ([*CompileError],
//     matching [ErrUnsupported]), never dropped: UPDATE … RETURNING on
//     MariaDB, NULLS FIRST/LAST on MySQL, a CAST to a type the dialect
//     cannot cast to, FOR UPDATE on SQLite (SQLAlchemy omits it), FOR
//     UPDATE OF on MariaDB (SQLAlchemy drops the OF list, which locks
//     every table read), DISTINCT ON outside PostgreSQL (SQLAlchemy falls
//     back to DISTINCT).
//   - Contains, StartsWith and EndsWith always autoescape a Go string
//     (SQLAlchemy's autoescape=True, which SQLAlchemy leaves off by
//     default): the pattern is built in Go with %, _ and / escaped, bound
//     as one value, and the SQL is x LIKE $1 ESCAPE '/' on every dialect.
//     For a pattern of your own with wildcards, use Like, or LikeEscape
//     for another escape character. An expression argument is wrapped in
//     '%' in SQL and not escaped, as in SQLAlchemy. There are no
//     case-insensitive forms (SQLAlchemy 2.0's icontains): use
//     Lower(x).Contains(strings.ToLower(s)).
//   - Collate takes a collation name, which is quoted as an identifier
//     where the dialect needs it (COLLATE "C" on PostgreSQL); ForUpdateOf
//     writes tables by their unqualified name (PostgreSQL rejects a
//     schema there) and aliases by their alias; FOR SHARE OF is not
//     supported.
//   - An empty IN list is the constant 1 = 0, an empty NOT IN the
//     constant 1 = 1, on every dialect: x IN () is false and x NOT IN ()
//     true even for a NULL x, which is what SQLAlchemy's per-dialect forms
//     compute in a roundabout way.
//   - Eq(nil) and Ne(nil) are IS NULL and IS NOT NULL, as in SQLAlchemy;
//     a Go true or false is bound rather than written as a literal.
//   - The FROM list is what From and Join name plus the FROM element of
//     every column of the SELECT list, WHERE, GROUP BY, HAVING and ORDER
//     BY (SQLAlchemy derives it from the SELECT list and WHERE; a table
//     that only ORDER BY or HAVING names is added here too rather than
//     rendered into a statement every server rejects). A FROM list whose
//     elements no join or WHERE comparison connects is reported as
//     SQLAlchemy's FROM linter does: a warning through slog by default,
//     an error with [Compiler.SetFromLinting](LintError, nil). A subquery
//     in an expression correlates automatically: a table that the
//     enclosing SELECT reads is left out of its FROM, unless it would
//     leave none.
//   - CTEs are declared with With on the statement that uses them; they
//     are not hoisted from anywhere in the tree, and using an undeclared
//     one is an error. Aliases, subqueries and CTEs need a name.
//   - Automatic labels are numbered per SELECT list, not per statement,
//     so that a subquery's column names are known when it is built
//     (sub.C("count_1")). Duplicate output names are not renamed: label
//     them.
//   - A part of a UNION (or INTERSECT, EXCEPT) that has its own ORDER BY,
//     LIMIT or lock, or is itself a compound, is written SELECT * FROM
//     (…) AS anon_<n>; SQLite rejects the parenthesised form. ORDER BY of
//     a compound names columns bare.
//   - Upserts are portable: OnConflictDoUpdate is written ON DUPLICATE KEY
//     UPDATE on MySQL, and OnConflictDoNothing an ON DUPLICATE KEY UPDATE
//     of a column to itself (a no-op update; INSERT IGNORE would also
//     silence unrelated errors). OnDuplicateKeyUpdate stays MySQL-only.
//   - Div is the server's "/" (integer division for two integers on
//     PostgreSQL and SQLite); SQLAlchemy 2.0 adds casts for true division.
//   - IN lists are part of the cache key with their length: lists of
//     different lengths are different entries (SQLAlchemy expands them
//     after the cache). Nothing else about values is in the key.
//   - Text takes SQLAlchemy's :name parameters (values from [Params])
//     and also "?" placeholders bound to its arguments in order, on every
//     dialect (numbered for PostgreSQL).
//   - Function names are written unquoted and must be plain identifiers;
//     table, column, label and alias names are quoted where needed, and a
//     name that cannot be quoted (empty, or containing NUL) is an error.
//   - Bound values are passed to the driver as they are: a []byte is
//     bytes, a string text. PostgreSQL text cannot hold a NUL byte; bind
//     such data as []byte to a bytea column.
package sqlexpr
