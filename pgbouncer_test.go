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
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// startPgBouncer runs Debian's pgbouncer in transaction pooling mode with
// serverConns server connections in front of the test PostgreSQL
// database of raw, on a spare port, and returns an alchemy URL to it.
// pgbouncer refuses to run as root, so it runs as the postgres user;
// it is stopped by its pid when the test ends.
func startPgBouncer(t *testing.T, raw string, serverConns int) string {
	t.Helper()
	bin, err := exec.LookPath("pgbouncer")
	if err != nil {
		if _, err2 := os.Stat("/usr/sbin/pgbouncer"); err2 != nil {
			t.Skip("pgbouncer is not installed (apt-get install pgbouncer); .ci/run installs it")
		}
		bin = "/usr/sbin/pgbouncer"
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
	ini := fmt.Sprintf(`[databases]
%s = host=%s port=%d dbname=%s user=%s
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s/users.txt
pool_mode = transaction
default_pool_size = %d
max_client_conn = 500
logfile = %s/pgbouncer.log
pidfile = %s/pgbouncer.pid
`, u.Database, host, port, u.Database, user, listen, dir, serverConns, dir, dir)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "pgbouncer.ini"), []byte(ini), 0o644))
	must(os.WriteFile(filepath.Join(dir, "users.txt"), []byte(fmt.Sprintf("%q \"\"\n", user)), 0o644))
	cmd := exec.Command(bin, filepath.Join(dir, "pgbouncer.ini"))
	if os.Geteuid() == 0 {
		pw, err := lookupUser("postgres")
		if err != nil {
			t.Skipf("pgbouncer refuses root and there is no postgres user: %v", err)
		}
		must(os.Chown(dir, pw[0], pw[1]))
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(pw[0]), Gid: uint32(pw[1])}}
	}
	stderr, err := os.Create(filepath.Join(dir, "stderr.log"))
	must(err)
	defer stderr.Close()
	cmd.Stdout, cmd.Stderr = stderr, stderr
	must(cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	addr := "127.0.0.1:" + strconv.Itoa(listen)
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "pgbouncer.log"))
			out, _ := os.ReadFile(filepath.Join(dir, "stderr.log"))
			t.Fatalf("pgbouncer did not start on %s: %v\n%s\n%s", addr, err, log, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return withHosts(t, raw, addr)
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
	// Inside a transaction SET LOCAL is fine.
	err = func() error {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.Exec("SET LOCAL statement_timeout = 1000"); err != nil {
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		t.Errorf("SET LOCAL in a transaction behind the pooler: %v", err)
	}
}
