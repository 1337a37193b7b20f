package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
)

// Migrator applies the revisions of a directory to a database and
// writes new ones from a MetaData. The commands of [Run] are its methods.
type Migrator struct {
	// MetaData is the source of truth that autogenerate and check compare
	// the database with.
	MetaData *metadata.MetaData
	// DB is the database, opened through alchemy (sql.Open("alchemy", url)).
	DB *sql.DB
	// Dir is the revisions directory ("migrations" when empty).
	Dir string
	// VersionTable is the table recording the current revision
	// ([DefaultVersionTable] when empty).
	VersionTable string
	// IgnoreTables are tables Diff leaves alone (another tool's tables).
	IgnoreTables []string
	// Log, when set, receives a line per step applied.
	Log io.Writer
	// Now is the clock for new revision ids (time.Now when nil).
	Now func() time.Time
}

func (m *Migrator) dir() string {
	if m.Dir == "" {
		return "migrations"
	}
	return m.Dir
}

func (m *Migrator) versionName() string {
	if m.VersionTable == "" {
		return DefaultVersionTable
	}
	return m.VersionTable
}

func (m *Migrator) logf(format string, args ...any) {
	if m.Log != nil {
		fmt.Fprintf(m.Log, format+"\n", args...)
	}
}

func (m *Migrator) dialect(ctx context.Context) (*dialects.Dialect, versionTable, error) {
	if m.DB == nil {
		return nil, versionTable{}, errors.New("migrate: no database (set -url or ALCHEMY_URL)")
	}
	d, err := dialects.Of(ctx, m.DB)
	if err != nil {
		return nil, versionTable{}, fmt.Errorf("migrate: %w", err)
	}
	v, err := newVersionTable(d, m.versionName())
	return d, v, err
}

// Current returns the revision the database is at, "" for base (no
// revision applied, or no version table). It changes nothing; the version
// table is created by the first Upgrade.
func (m *Migrator) Current(ctx context.Context) (string, error) {
	_, v, err := m.dialect(ctx)
	if err != nil {
		return "", err
	}
	id, err := v.current(ctx, m.DB)
	if err != nil {
		// A database without the version table is at base.
		if _, rerr := metadata.ReflectTable(ctx, m.DB, metadata.New(), m.versionName()); errors.Is(rerr, metadata.ErrNoSuchTable) {
			return "", nil
		}
		return "", fmt.Errorf("migrate: reading the version table: %w", err)
	}
	return id, nil
}

// History loads the revisions directory.
func (m *Migrator) History() (*History, error) { return LoadHistory(m.dir()) }

// Diff compares the MetaData with the database.
func (m *Migrator) Diff(ctx context.Context) (*Plan, error) {
	if m.MetaData == nil {
		return nil, errors.New("migrate: no MetaData")
	}
	if m.DB == nil {
		return nil, errors.New("migrate: no database (set -url or ALCHEMY_URL)")
	}
	return Diff(ctx, m.MetaData, m.DB, VersionTable(m.versionName()), IgnoreTables(m.IgnoreTables...))
}

// Revision writes a new revision after the head with message msg. With
// autogenerate, its steps are the Diff between the database, which must
// be at the head, and the MetaData, and its notes are the plan's
// warnings; without, the steps are empty, for a person to write.
func (m *Migrator) Revision(ctx context.Context, msg string, autogenerate bool) (*Revision, *Plan, error) {
	h, err := m.History()
	if err != nil {
		return nil, nil, err
	}
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	r := &Revision{ID: newID(now(), h.Head()), Parent: h.Head(), Message: msg}
	var plan *Plan
	if autogenerate {
		cur, err := m.Current(ctx)
		if err != nil {
			return nil, nil, err
		}
		if cur != h.Head() {
			return nil, nil, fmt.Errorf("migrate: the database is at %s, not at the head %s: run upgrade before autogenerating a revision", orBase(cur), orBase(h.Head()))
		}
		if plan, err = m.Diff(ctx); err != nil {
			return nil, nil, err
		}
		if r.Up, err = plan.Up(); err != nil {
			return nil, nil, err
		}
		if r.Down, err = plan.Down(); err != nil {
			return nil, nil, err
		}
		for _, w := range plan.Warnings {
			r.Notes = append(r.Notes, "WARNING: "+w)
		}
		if !plan.Dialect.Features.Alter && (needsFKOff(r.Up) || needsFKOff(r.Down)) {
			r.Notes = append(r.Notes, strings.TrimPrefix(batchFileComment, "-- "))
		}
		r.Notes = append(r.Notes, "generated for dialect "+plan.Dialect.Name)
	}
	if err := WriteRevision(m.dir(), r); err != nil {
		return nil, nil, err
	}
	return r, plan, nil
}

// step is one revision applied up or down.
type step struct {
	rev      *Revision
	up       bool
	from, to string // versions before and after
}

func (s step) stmts() []string {
	if s.up {
		return s.rev.Up
	}
	return s.rev.Down
}

func (s step) String() string {
	dir := "upgrade"
	if !s.up {
		dir = "downgrade"
	}
	return fmt.Sprintf("%s %s -> %s, %s", dir, orBase(s.from), orBase(s.to), s.rev.Message)
}

// plan returns the steps from the current revision to target: "head",
// "+N", "-N", "base", or a revision id (or a unique prefix of one).
func (m *Migrator) steps(ctx context.Context, target string, up bool) ([]step, error) {
	h, err := m.History()
	if err != nil {
		return nil, err
	}
	cur, err := m.Current(ctx)
	if err != nil {
		return nil, err
	}
	ci, err := h.index(cur)
	if err != nil {
		return nil, fmt.Errorf("migrate: the database is at revision %s, which is not in %s", cur, m.dir())
	}
	var ti int
	switch {
	case target == "head" || (target == "" && up):
		ti = len(h.Chain) - 1
	case target == baseName:
		ti = -1
	case strings.HasPrefix(target, "+") || strings.HasPrefix(target, "-"):
		n, err := strconv.Atoi(target)
		if err != nil {
			return nil, fmt.Errorf("migrate: bad relative target %q", target)
		}
		ti = ci + n
		if ti < -1 || ti >= len(h.Chain) {
			return nil, fmt.Errorf("migrate: %s from %s is outside the history (%d revisions)", target, orBase(cur), len(h.Chain))
		}
	case target == "":
		return nil, errors.New("migrate: downgrade needs a target: -N, a revision id, or base")
	default:
		if ti, err = h.index(target); err != nil {
			return nil, err
		}
	}
	if up && ti < ci {
		return nil, fmt.Errorf("migrate: %s is behind the current revision %s; use downgrade", orBase(idAt(h, ti)), orBase(cur))
	}
	if !up && ti > ci {
		return nil, fmt.Errorf("migrate: %s is ahead of the current revision %s; use upgrade", orBase(idAt(h, ti)), orBase(cur))
	}
	var out []step
	if up {
		for i := ci + 1; i <= ti; i++ {
			out = append(out, step{rev: h.Chain[i], up: true, from: idAt(h, i-1), to: h.Chain[i].ID})
		}
	} else {
		for i := ci; i > ti; i-- {
			out = append(out, step{rev: h.Chain[i], up: false, from: h.Chain[i].ID, to: idAt(h, i-1)})
		}
	}
	return out, nil
}

func idAt(h *History, i int) string {
	if i < 0 {
		return ""
	}
	return h.Chain[i].ID
}

// Upgrade applies the revisions from the current one to target ("head",
// "+N" or a revision id), one step at a time. See [Migrator.apply].
func (m *Migrator) Upgrade(ctx context.Context, target string) error {
	s, err := m.steps(ctx, target, true)
	if err != nil {
		return err
	}
	return m.apply(ctx, s)
}

// Downgrade undoes revisions from the current one down to target ("-N",
// a revision id, or "base").
func (m *Migrator) Downgrade(ctx context.Context, target string) error {
	s, err := m.steps(ctx, target, false)
	if err != nil {
		return err
	}
	return m.apply(ctx, s)
}

// Stamp records target ("head", "base", or a revision id or unique
// prefix of one) as the database's revision without running any
// revision, as Alembic's stamp does: "stamp head" marks a database whose
// schema CreateAll made from the same MetaData as already up to date, so
// that later revisions apply on top of it. It creates the version table
// when needed and replaces whatever it held, so it also repairs a
// version table that names a revision no longer in the directory. It
// does not check that the schema matches (run check for that).
func (m *Migrator) Stamp(ctx context.Context, target string) error {
	h, err := m.History()
	if err != nil {
		return err
	}
	var to string
	switch target {
	case "":
		return errors.New("migrate: stamp needs a target: head, base, or a revision id")
	case "head":
		if to = h.Head(); to == "" {
			return fmt.Errorf("migrate: stamp head: %s holds no revision", m.dir())
		}
	case baseName:
	default:
		i, err := h.index(target)
		if err != nil {
			return err
		}
		to = h.Chain[i].ID
	}
	_, v, err := m.dialect(ctx)
	if err != nil {
		return err
	}
	if err := v.ensure(ctx, m.DB); err != nil {
		return err
	}
	was, err := v.ids(ctx, m.DB)
	if err != nil {
		return fmt.Errorf("migrate: reading the version table: %w", err)
	}
	// DELETE then INSERT rather than one UPDATE: the table may be empty,
	// or hold rows edited in by hand.
	stmts := []string{"DELETE FROM " + v.name}
	if to != "" {
		stmts = append(stmts, v.setSQL("", to))
	}
	if err := m.stampTx(ctx, stmts); err != nil {
		return err
	}
	from := baseName
	if len(was) > 0 {
		from = strings.Join(was, ", ")
	}
	m.logf("stamped %s -> %s", from, orBase(to))
	return nil
}

// stampTx runs the version table's statements in one transaction: they
// are plain DML, transactional on every dialect.
func (m *Migrator) stampTx(ctx context.Context, stmts []string) error {
	tx, err := m.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			if rb := tx.Rollback(); rb != nil && !errors.Is(rb, sql.ErrTxDone) {
				err = errors.Join(err, rb)
			}
			return &StepError{Step: "stamp", SQL: st, Partial: false, Err: err}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: stamp: commit: %w", err)
	}
	return nil
}

// UpgradeSQL returns the script Upgrade(target) would run, without
// running it: per step, the transaction (where DDL is transactional), the
// foreign key pragmas (on dialects without ALTER), the revision's
// statements and the version table update.
func (m *Migrator) UpgradeSQL(ctx context.Context, target string) (string, error) {
	steps, err := m.steps(ctx, target, true)
	if err != nil {
		return "", err
	}
	_, v, err := m.dialect(ctx)
	if err != nil {
		return "", err
	}
	d := v.d
	var b strings.Builder
	w := func(st string) { b.WriteString(st + ";\n\n") }
	for _, s := range steps {
		fmt.Fprintf(&b, "-- %s\n", s)
		if !d.Features.Alter {
			w(pragmaFKOff)
		}
		if d.Features.TransactionalDDL {
			w("BEGIN")
		}
		for _, st := range s.stmts() {
			w(st)
		}
		w(v.setSQL(s.from, s.to))
		if !d.Features.Alter {
			w(pragmaFKCheck)
		}
		if d.Features.TransactionalDDL {
			w("COMMIT")
		}
		if !d.Features.Alter {
			w(pragmaFKOn)
		}
	}
	return b.String(), nil
}

// StepError reports a step that failed; the version table still names
// the revision before it.
type StepError struct {
	Step string // "upgrade 1 -> 2, add email"
	SQL  string // the statement that failed, if any
	// Partial is true on dialects without transactional DDL (MySQL), where
	// the statements before the failing one stay applied.
	Partial bool
	Err     error
}

func (e *StepError) Error() string {
	s := "migrate: " + e.Step + ": "
	if e.SQL != "" {
		s += e.SQL + ": "
	}
	s += e.Err.Error()
	if e.Partial {
		s += " (the dialect has no transactional DDL: the statements before this one were applied; the version was not changed)"
	} else {
		s += " (rolled back; the version was not changed)"
	}
	return s
}

func (e *StepError) Unwrap() error { return e.Err }

// apply runs the steps in order, each in its own transaction where the
// dialect has transactional DDL, updating the version table in the same
// transaction; it stops at the first failure. On a dialect without ALTER
// (SQLite) foreign key enforcement is turned off on the connection
// before BEGIN (a rebuilt table is dropped and renamed) and the result is
// checked with PRAGMA foreign_key_check before COMMIT.
func (m *Migrator) apply(ctx context.Context, steps []step) error {
	d, v, err := m.dialect(ctx)
	if err != nil {
		return err
	}
	if len(steps) > 0 {
		if err := v.ensure(ctx, m.DB); err != nil {
			return err
		}
	}
	for _, s := range steps {
		if err := m.applyOne(ctx, d, v, s); err != nil {
			return err
		}
		m.logf("%s", s)
	}
	return nil
}

func (m *Migrator) applyOne(ctx context.Context, d *dialects.Dialect, v versionTable, s step) (err error) {
	conn, err := m.DB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	fail := func(sql string, e error) error {
		return &StepError{Step: s.String(), SQL: sql, Partial: !d.Features.TransactionalDDL, Err: e}
	}
	if !d.Features.Alter {
		restore, ferr := foreignKeysOff(ctx, conn)
		if ferr != nil {
			return fail(pragmaFKOff, ferr)
		}
		defer func() {
			if e := restore(); e != nil && err == nil {
				err = fmt.Errorf("migrate: %s: %w", pragmaFKOn, e)
			}
		}()
	}
	stmts := append(append([]string(nil), s.stmts()...), v.setSQL(s.from, s.to))
	if !d.Features.TransactionalDDL {
		for _, st := range stmts {
			if _, err := conn.ExecContext(ctx, st); err != nil {
				return fail(st, err)
			}
		}
		return nil
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fail("", err)
	}
	rollback := func(e error) error {
		if rb := tx.Rollback(); rb != nil && !errors.Is(rb, sql.ErrTxDone) {
			return errors.Join(e, fmt.Errorf("migrate: rollback: %w", rb))
		}
		return e
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return rollback(fail(st, err))
		}
	}
	if !d.Features.Alter {
		if err := fkCheck(ctx, tx); err != nil {
			return rollback(fail(pragmaFKCheck, err))
		}
	}
	if err := tx.Commit(); err != nil {
		return fail("COMMIT", err)
	}
	return nil
}

// fkCheck runs PRAGMA foreign_key_check and reports its first violation.
func fkCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, pragmaFKCheck)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent sql.NullString
		var rowid, fkid sql.NullInt64
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("foreign key violation: row %d of %s references a missing row of %s", rowid.Int64, table.String, parent.String)
	}
	return rows.Err()
}

// foreignKeysOff turns foreign key enforcement off on conn (outside any
// transaction, where SQLite honours it) and returns the function that
// turns it back on. A connection that had it off is left so.
func foreignKeysOff(ctx context.Context, conn *sql.Conn) (restore func() error, err error) {
	var on int
	if err := conn.QueryRowContext(ctx, pragmaFKState).Scan(&on); err != nil {
		return nil, err
	}
	if on == 0 {
		return func() error { return nil }, nil
	}
	if _, err := conn.ExecContext(ctx, pragmaFKOff); err != nil {
		return nil, err
	}
	return func() error {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), pragmaFKOn)
		return err
	}, nil
}
