// Package metadata is alchemy's schema layer, SQLAlchemy Core's MetaData
// in Go: declare tables once, in any order; render their DDL for
// PostgreSQL, MySQL/MariaDB or SQLite; create and drop them in an order
// that always works; read existing ones back from the catalog.
//
//	md := metadata.New()
//	addresses := md.Table("addresses", // declared first: foreign keys resolve lazily
//		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
//		metadata.Column("user_id", nil, metadata.ForeignKey("users.id"), metadata.NotNull()), // type from users.id
//		metadata.Column("street", types.String(100)))
//	users := md.Table("users",
//		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
//		metadata.Column("name", types.String(25), metadata.NotNull()),
//		metadata.Column("email", types.String(255), metadata.Unique(), metadata.NotNull()))
//
//	script, err := md.CreateAllSQL(postgresql.Dialect) // the DDL, without a database
//	err = md.CreateAll(ctx, db)                         // users, then addresses; existing tables skipped
//	rows, err := sqlexpr.Query(ctx, db, sqlexpr.Select(users).Where(users.C("name").Eq("john")))
//
//	reflected := metadata.New()
//	err = reflected.Reflect(ctx, db) // every table, from the catalog
//
// A [Table] embeds *sqlexpr.TableClause and its columns ([ColumnDef])
// embed *sqlexpr.ColumnClause, so declared tables are used directly in
// statements.
//
// # Targets, transactions and the existence check
//
// CreateAll, DropAll, Table.Create, Table.Drop, Reflect and the
// [Inspector] take a [Target]: an *alchemy.Engine or *alchemy.Conn, or a
// *sql.DB, *sql.Conn or *sql.Tx opened with sql.Open("alchemy", url); the
// dialect is found through the connection (dialects.Of). A database opened
// with another driver is an error that says so and how to open it through
// alchemy. Where the dialect has transactional DDL (PostgreSQL,
// SQLite) one call is one transaction, so a failure leaves nothing behind,
// and its statements travel as one script (DDLOptions.BatchDDL); a failed
// script is replayed statement by statement in a transaction that is rolled
// back, so that the error ([*ExecError]) names the statement. On MySQL,
// whose DDL commits itself, the statements run one by one on one
// connection. A *sql.Tx target runs everything in the caller's
// transaction.
//
// With [CheckFirst] (the default everywhere) one catalog query per call —
// not one per table, as SQLAlchemy's has_table — finds the existing tables
// (and PostgreSQL enum types): CreateAll then issues only the DDL of what
// is missing, and a second CreateAll issues that one query and nothing
// else. [Echo] shows every statement sent.
//
// # Order and cycles
//
// Tables are sorted by foreign key with SQLAlchemy's layered, stable rule
// (each pass takes, in input order, every table whose referenced tables
// are all placed): [MetaData.SortedTables] breaks ties by key, CreateAll by
// declaration order, DropAll is the exact reverse. A self-reference adds no
// dependency. A cycle is broken by deferring only the foreign keys that a
// depth-first walk in declaration order finds closing it: they are added
// after all tables with ALTER TABLE … ADD CONSTRAINT, and dropped first by
// DropAll (DROP CONSTRAINT, or DROP FOREIGN KEY on MySQL). Every foreign key
// that lies on a cycle gets a name even when inline — the "fk" naming
// convention's, else fk_<table>_<column>_<referred table> — so DropAll can
// drop it however it was created. [UseAlter] defers a key by hand.
//
// A [UseAlter] key leaves the sort on every dialect, as in SQLAlchemy:
// where the dialect cannot ALTER it stays inline, and the tables are
// created in declaration order.
//
// Inside CREATE TABLE come the columns, the primary key, the table-level
// constraints in declaration order, then the constraints columns bring,
// in column order: per column its UNIQUE, the CHECK its type brings where
// that goes at table level, then its foreign keys.
//
// SQLite cannot ALTER TABLE … ADD CONSTRAINT, but it resolves a foreign
// key's table only when a row is written, so there every key stays inline
// and creation order does not matter (DDLOptions.LateForeignKeyTargets);
// DropAll drops the tables of a cycle (or joined by a UseAlter key) with "PRAGMA defer_foreign_keys =
// ON" so that the checks run at commit, when all of them are gone. A
// dialect with neither ability returns a [*CircularDependencyError].
//
// # Errors
//
// The declaration API never panics and [MetaData.Table] never returns
// nil. The first declaration error (a duplicate table or column, a
// constraint naming a missing column, a bad option) is kept in the
// MetaData and returned by [MetaData.Err], SortedTables, CreateAllSQL,
// CreateAll and DropAll; a foreign key whose table or column is missing is
// reported there too, once all tables are declared, naming both ends. What
// a dialect cannot render (String without a length on MySQL, Interval
// outside PostgreSQL, a deferrable key on MySQL) is a [*DDLError] naming the
// table, column and dialect, wrapping the types package's error.
//
// # DDL per dialect
//
// Identifiers are quoted only where the dialect needs it (reserved words,
// upper case, odd characters), in its own style. A single integer primary
// key autoincrements (SQLAlchemy's "auto" rule; [Autoincrement](false)
// turns it off): GENERATED BY DEFAULT AS IDENTITY on PostgreSQL,
// AUTO_INCREMENT on MySQL, INTEGER PRIMARY KEY on SQLite. PostgreSQL enums
// are CREATE TYPE before their first table (in the default schema) and
// DROP TYPE after the tables; MySQL has ENUM(…) inline; SQLite a VARCHAR
// with CHECK (col IN (…)). Indexes are CREATE INDEX after their table.
// Comments are COMMENT ON statements on PostgreSQL, inline on MySQL, and
// left out on SQLite, which has none.
//
// # Deviations from SQLAlchemy
//
// Each fixes something SQLAlchemy gets wrong or leaves to chance, or is
// a choice made for Go:
//
//   - PostgreSQL autoincrement is IDENTITY, not SERIAL: the SQL standard
//     form recommended since PostgreSQL 10; its sequence belongs to the
//     column (dropped with it, following the table's privileges), and BY
//     DEFAULT still accepts explicit ids as SERIAL does.
//   - Indexes of a table are created in name order and deferred foreign
//     keys in table order, so the script is the same on every run
//     (SQLAlchemy's order follows hash sets and changes between runs).
//   - Only the foreign keys that close a cycle are deferred, not every key
//     of every table on it.
//   - Cycle keys are always named, so DropAll can drop them; SortedTables
//     does not warn, DropAll does not fail for unnamed keys (SQLAlchemy
//     cannot emit DROP CONSTRAINT without a name), and SQLite drops in
//     order, not unsorted.
//   - On SQLite a BigInteger (or SmallInteger) autoincrement key is
//     written INTEGER so that it is the rowid alias and does autoincrement
//     (SQLAlchemy writes BIGINT, which never autoincrements there); SQLite
//     integers are 64-bit anyway.
//   - Table.Create and Table.Drop check first by default, as CreateAll
//     does (SQLAlchemy's Table.create does not, and fails on an existing
//     table).
//   - Boolean on a dialect without a boolean type, and Enum in its VARCHAR
//     form (SQLite, or [NativeEnum](false) anywhere), always get their
//     CHECK constraint, as SQLAlchemy's create_constraint=True does (its
//     default has been False since 1.4, so a MySQL BOOL column accepts 7
//     and a SQLite enum any string). The CHECK is named after the enum, or
//     by [TypeConstraintName], through the "ck" naming convention;
//     reflection folds it back into the type.
//   - A named CHECK declared on a column, or brought by its type, is
//     written at table level on MySQL, which rejects CONSTRAINT … CHECK
//     inside a column; DEFERRABLE foreign keys are a [*DDLError] on MySQL
//     and MariaDB, which reject the clause (SQLAlchemy sends both and the
//     server fails).
//   - Types: Float is REAL (single precision) on PostgreSQL so that it
//     reflects back as Float; JSON is JSONB on PostgreSQL; MySQL stores
//     Text and LargeBinary as LONGTEXT and LONGBLOB (TEXT and BLOB stop at
//     64 KiB), DateTime and Time with microseconds, UUID as CHAR(36);
//     Interval exists only on PostgreSQL.
//   - Existence checks look in current_schema() on PostgreSQL — where an
//     unqualified CREATE TABLE puts the table — not at every visible table.
//   - Redeclaring a table is always an error (no extend_existing).
//   - Statement text has no leading newline or trailing spaces: elements
//     are separated by ",\n\t".
//
// # Reflection
//
// Reflection reads pg_catalog, information_schema, or sqlite_master and
// the PRAGMA functions, through the dialect's [Catalog]
// (DDLOptions.Catalog). Catalog limits: MySQL does not distinguish a
// unique index from a unique constraint (both reflect as constraints),
// its primary key is always named PRIMARY, RESTRICT is its default
// action, and the indexes InnoDB adds for foreign keys are left out;
// SQLite keeps no names for primary keys, unique constraints and foreign
// keys, and its CHECK constraints are read from the CREATE TABLE text;
// PostgreSQL expression and partial indexes are left out, having no
// declaration to map to; enum names are not stored on MySQL and SQLite.
//
// A MetaData is not safe for concurrent declaration; once declared it is
// read-only and safe for concurrent use.
package metadata
