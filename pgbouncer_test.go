package alchemy_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// bouncerOptions configure one private pgbouncer.
type bouncerOptions struct {
	mode          string // pool_mode: "transaction" (the default) or "session"
	serverConns   int    // default_pool_size: server connections per database/user pair
	maxClientConn int    // max_client_conn; 500 if 0
}

// pgBouncer is one private pgbouncer process in front of the test
// PostgreSQL, on a spare port of its own. The tests may stop and start it
// (always on the same port); the shared PostgreSQL behind it is never
// touched. Its admin console (database "pgbouncer") admits the postgres
// user.
type pgBouncer struct {
	bin, dir string
	addr     string // 127.0.0.1:port
	db       string // the database name, in the bouncer and on the server
	url      string // an alchemy URL to db through the bouncer
	cred     *syscall.Credential

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// startPgBouncer runs Debian's pgbouncer in transaction pooling mode with
// serverConns server connections in front of the test PostgreSQL
// database of raw, on a spare port, and returns an alchemy URL to it.
func startPgBouncer(t testing.TB, raw string, serverConns int) string {
	t.Helper()
	return newPgBouncer(t, raw, bouncerOptions{serverConns: serverConns}).url
}

// newPgBouncer starts a pgbouncer in front of the test PostgreSQL
// database of raw. pgbouncer refuses to run as root, so it runs as the
// postgres user; it is stopped by its pid when the test ends.
func newPgBouncer(t testing.TB, raw string, o bouncerOptions) *pgBouncer {
	t.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		if _, err2 := os.Stat("/usr/sbin/pgbouncer"); err2 != nil {
			t.Skip("pgbouncer is not installed (apt-get install pgbouncer); .ci/run installs it")
		}
		bin = "/usr/sbin/pgbouncer"
	}
	if o.mode == "" {
		o.mode = "transaction"
	}
	if o.serverConns == 0 {
		o.serverConns = 4
	}
	if o.maxClientConn == 0 {
		o.maxClientConn = 500
	}
	u, err := alchemy.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port
	if port == 0 {
		port = 5432
	}
	host := u.Host
	if host == "" {
		host = "127.0.0.1"
	}
	dir, err := os.MkdirTemp("", "alchemy-pgbouncer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := l.Addr().(*net.TCPAddr).Port
	l.Close()
	user := u.Username
	if user == "" {
		user = "postgres"
	}
	// server_login_retry is pgbouncer's pause after a failed server
	// login; the default 15 s would hide the pool's own recovery.
	ini := fmt.Sprintf(`[databases]
%s = host=%s port=%d dbname=%s user=%s
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s/users.txt
admin_users = %s
pool_mode = %s
default_pool_size = %d
max_client_conn = %d
server_login_retry = 1
logfile = %s/pgbouncer.log
pidfile = %s/pgbouncer.pid
`, u.Database, host, port, u.Database, user, listen, dir, user, o.mode, o.serverConns, o.maxClientConn, dir, dir)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "pgbouncer.ini"), []byte(ini), 0o644))
	must(os.WriteFile(filepath.Join(dir, "users.txt"), []byte(fmt.Sprintf("%q \"\"\n", user)), 0o644))
	b := &pgBouncer{bin: bin, dir: dir, db: u.Database, addr: "127.0.0.1:" + strconv.Itoa(listen)}
	if os.Geteuid() == 0 {
		pw, err := lookupUser("postgres")
		if err != nil {
			t.Skipf("pgbouncer refuses root and there is no postgres user: %v", err)
		}
		must(os.Chown(dir, pw[0], pw[1]))
		b.cred = &syscall.Credential{Uid: uint32(pw[0]), Gid: uint32(pw[1])}
	}
	b.start(t)
	t.Cleanup(func() { b.stop(t, syscall.SIGTERM) })
	// sslmode=disable: the bouncer has no TLS, and pgx's default
	// "prefer" would open a second socket per connection (TLS refused,
	// then plain), which max_client_conn counts while it closes.
	b.url = withQuery(replaceHost(raw, b.addr), "sslmode=disable")
	return b
}

// start runs pgbouncer and waits until it accepts connections.
func (b *pgBouncer) start(t testing.TB) {
	t.Helper()
	cmd := exec.Command(b.bin, filepath.Join(b.dir, "pgbouncer.ini"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: b.cred}
	stderr, err := os.OpenFile(filepath.Join(b.dir, "stderr.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	b.mu.Lock()
	b.cmd, b.done = cmd, done
	b.mu.Unlock()
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", b.addr)
		if err == nil {
			c.Close()
			return
		}
		exited := false
		select {
		case <-done: // Wait has returned: ProcessState is set
			exited = true
			err = fmt.Errorf("it exited: %v", cmd.ProcessState)
		default:
		}
		if exited || time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(b.dir, "pgbouncer.log"))
			out, _ := os.ReadFile(filepath.Join(b.dir, "stderr.log"))
			t.Fatalf("pgbouncer did not start on %s: %v\n%s\n%s", b.addr, err, log, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends sig to pgbouncer (by its pid) and waits for it to exit,
// killing it after 5 s. Stopping a stopped bouncer does nothing.
func (b *pgBouncer) stop(t testing.TB, sig syscall.Signal) {
	t.Helper()
	b.mu.Lock()
	cmd, done := b.cmd, b.done
	b.cmd = nil
	b.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// admin opens the bouncer's admin console. It speaks only the simple
// query protocol, hence pgx's simple_protocol mode; one connection, so
// that SHOW CLIENTS counts exactly one admin client.
func (b *pgBouncer) admin(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", "postgres://postgres@"+b.addr+"/pgbouncer?default_query_exec_mode=simple_protocol")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// console runs one admin command (PAUSE, RESUME, KILL, SET …).
func (b *pgBouncer) console(t testing.TB, admin *sql.DB, cmd string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, cmd); err != nil {
		t.Fatalf("pgbouncer admin %q: %v", cmd, err)
	}
}

// show runs a SHOW command on the admin console and returns its rows as
// maps from column name to text.
func (b *pgBouncer) show(t testing.TB, admin *sql.DB, what string) []map[string]string {
	t.Helper()
	rows, err := b.tryShow(admin, what)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// tryShow is show for goroutines other than the test's: it returns the
// error instead of ending the test.
func (b *pgBouncer) tryShow(admin *sql.DB, what string) ([]map[string]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows, err := admin.QueryContext(ctx, "SHOW "+what)
	if err != nil {
		return nil, fmt.Errorf("pgbouncer admin SHOW %s: %w", what, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m := map[string]string{}
		for i, c := range cols {
			m[c] = vals[i].String
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// clients counts the bouncer's client connections to the test database
// (the admin console's own is on database "pgbouncer").
func (b *pgBouncer) clients(t testing.TB, admin *sql.DB) int {
	t.Helper()
	n, err := b.tryClients(admin)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (b *pgBouncer) tryClients(admin *sql.DB) (int, error) {
	rows, err := b.tryShow(admin, "CLIENTS")
	n := 0
	for _, r := range rows {
		if r["database"] == b.db {
			n++
		}
	}
	return n, err
}

// replaceHost points a test URL at addr instead of its server.
func replaceHost(raw, addr string) string {
	scheme, rest, _ := strings.Cut(raw, "://")
	at := strings.LastIndexByte(rest, '@')
	path := strings.IndexByte(rest[at+1:], '/')
	return scheme + "://" + rest[:at+1] + addr + rest[at+1+path:]
}

// lookupUser returns the uid and gid of name.
func lookupUser(name string) ([2]int, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return [2]int{}, err
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	return [2]int{uid, gid}, errors.Join(err1, err2)
}

// bouncerLoad runs clients goroutines × each operations on db and counts
// the operations that failed.
func bouncerLoad(db *sql.DB, clients, each int, op func(ctx context.Context, db *sql.DB, i int) error) (failed int64, first error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var n atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for g := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := op(ctx, db, g*each+i); err != nil {
					n.Add(1)
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return n.Load(), first
}

// TestBehindPgBouncer: Debian's pgbouncer in transaction mode with 4
// server connections in front of PostgreSQL, 32 client goroutines. With
// pgbouncer=true every path runs without an error — plain queries,
// db.Prepare'd statements, transactions — and session state is refused;
// the same load without the switch (pgx's default statement cache) is
// measured beside it, through alchemy and through pgx directly.
func TestBehindPgBouncer(t *testing.T) {
	raw := testdb.Postgres(t)
	bouncer := startPgBouncer(t, raw, 4)
	plain := testdb.Plain(t, raw)
	if _, err := plain.Exec("CREATE TABLE bounced (id INTEGER PRIMARY KEY, v INTEGER)"); err != nil {
		t.Fatal(err)
	}
	const clients, each = 32, 25
	point := func(ctx context.Context, db *sql.DB, i int) error {
		var n int
		return db.QueryRowContext(ctx, "SELECT $1::int", i).Scan(&n)
	}
	var stmt *sql.Stmt
	prepared := func(ctx context.Context, db *sql.DB, i int) error {
		var n int
		return stmt.QueryRowContext(ctx, i).Scan(&n)
	}
	txn := func(ctx context.Context, db *sql.DB, i int) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "INSERT INTO bounced VALUES ($1, $1)", i); err != nil {
			return err
		}
		return tx.Commit()
	}

	// Without the switch: pgx's default mode names its statements.
	for _, via := range []string{"pgx/stdlib", "alchemy"} {
		var db *sql.DB
		if via == "alchemy" {
			db = openDB(t, withQuery(bouncer, "pool_size=8&max_overflow=24"))
		} else {
			db = testdb.Plain(t, bouncer)
		}
		failed, first := bouncerLoad(db, clients, each, point)
		t.Logf("without pgbouncer=true, %s: %d of %d point queries failed (first: %v)", via, failed, clients*each, first)
	}

	// Without the switch but with pgx's exec mode in the URL (passed
	// through): plain queries are safe, but db.Prepare still names a
	// server-side statement per connection (pgx/stdlib's Prepare always
	// does), which the next transaction may not find.
	for _, via := range []string{"pgx/stdlib", "alchemy"} {
		var db *sql.DB
		if via == "alchemy" {
			db = openDB(t, withQuery(bouncer, "default_query_exec_mode=exec&pool_size=8&max_overflow=24"))
		} else {
			db = testdb.Plain(t, withQuery(bouncer, "default_query_exec_mode=exec"))
		}
		if failed, first := bouncerLoad(db, clients, each, point); failed != 0 {
			t.Errorf("default_query_exec_mode=exec, %s: %d of %d point queries failed: %v", via, failed, clients*each, first)
		}
		st, err := db.Prepare("SELECT $1::int + 1")
		if err != nil {
			t.Logf("default_query_exec_mode=exec, %s: db.Prepare: %v", via, err)
			continue
		}
		failed, first := bouncerLoad(db, clients, each, func(ctx context.Context, _ *sql.DB, i int) error {
			return st.QueryRowContext(ctx, i).Scan(new(int))
		})
		st.Close()
		t.Logf("default_query_exec_mode=exec without pgbouncer=true, %s: %d of %d prepared executions failed (first: %v)", via, failed, clients*each, first)
	}

	db := openDB(t, withQuery(bouncer, "pgbouncer=true&pool_size=8&max_overflow=24"))
	if failed, first := bouncerLoad(db, clients, each, point); failed != 0 {
		t.Errorf("pgbouncer=true: %d of %d point queries failed: %v", failed, clients*each, first)
	}
	var err error
	if stmt, err = db.Prepare("SELECT $1::int + 1"); err != nil {
		t.Fatal(err)
	}
	if failed, first := bouncerLoad(db, clients, each, prepared); failed != 0 {
		t.Errorf("pgbouncer=true: %d of %d prepared executions failed: %v", failed, clients*each, first)
	}
	stmt.Close()
	if failed, first := bouncerLoad(db, clients, each, txn); failed != 0 {
		t.Errorf("pgbouncer=true: %d of %d transactions failed: %v", failed, clients*each, first)
	}
	var n int
	if err := plain.QueryRow("SELECT count(*) FROM bounced").Scan(&n); err != nil || n != clients*each {
		t.Errorf("plain count of committed rows = %d (%v), want %d", n, err, clients*each)
	}
	if _, err := db.Exec("SET search_path = public"); !errors.Is(err, alchemy.ErrSessionState) {
		t.Errorf("SET behind the pooler: %v, want ErrSessionState", err)
	}
	if _, err := db.Exec("SELECT pg_advisory_lock(1)"); !errors.Is(err, alchemy.ErrSessionState) {
		t.Errorf("a session advisory lock behind the pooler: %v, want ErrSessionState", err)
	}
	// Inside a transaction SET LOCAL and a transaction advisory lock are
	// fine: both end with it.
	err = func() error {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.Exec("SET LOCAL statement_timeout = 1000"); err != nil {
			return err
		}
		if _, err := tx.Exec("SELECT pg_advisory_xact_lock(1)"); err != nil {
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		t.Errorf("SET LOCAL in a transaction behind the pooler: %v", err)
	}
}
