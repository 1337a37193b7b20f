// Package testserver starts private PostgreSQL and MariaDB servers for
// destructive tests — restarts, SIGKILL, terminated backends — so that
// those tests never touch the shared servers other tests (and other
// people) are using.
//
// Each server lives in a temporary directory of its own and listens on
// 127.0.0.1 on a spare port. The data directory is initialised once per
// test binary; the running server is shared by the tests of a package,
// one test at a time, and restarted for the next test when a test leaves
// it stopped or unhealthy. Every server is stopped, by its pid, when the
// test binary ends: a package that uses testserver must call [Main] from
// its TestMain, and the server processes also get SIGKILL from the kernel
// if the test binary dies without running it.
//
// Usage:
//
//	func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }
//
//	func TestRestart(t *testing.T) {
//		srv := testserver.Postgres(t) // skips when PostgreSQL 15 is not installed
//		db, _ := sql.Open("alchemy", srv.URL("pool_size=5"))
//		...
//		srv.Restart(t)
//	}
//
// The servers run with fsync off (PostgreSQL) and
// innodb_flush_log_at_trx_commit=2 (MariaDB): a commit still reaches the
// kernel before it is acknowledged, so it survives the death of the
// server process, which is what these tests inflict; it would not survive
// the death of the machine, which they do not.
//
// Neither server runs as root. When the tests do (as in CI), the
// processes are started as the postgres and mysql users, which the Debian
// packages postgresql-15 and mariadb-server create; otherwise they run as
// the caller.
package testserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Kind names a server product.
type Kind string

// The server kinds testserver can start.
const (
	KindPostgreSQL Kind = "postgresql"
	KindMariaDB    Kind = "mariadb"
)

// StopMode says how [Server.Stop] ends the server.
type StopMode int

const (
	// Fast disconnects the clients, rolling back their transactions, and
	// shuts down cleanly (PostgreSQL's "fast" mode, SIGINT; MariaDB's
	// normal shutdown, SIGTERM).
	Fast StopMode = iota
	// Immediate ends the server without a clean shutdown; the next start
	// runs crash recovery (PostgreSQL's "immediate" mode, SIGQUIT;
	// MariaDB has none and gets SIGKILL).
	Immediate
)

// Time limits. They are generous for a loaded 2-core machine and still
// short enough that a wedged server fails the test quickly.
const (
	startTimeout = 30 * time.Second
	stopTimeout  = 20 * time.Second
	pingTimeout  = 3 * time.Second
)

// Server is one private database server. Its methods are called from the
// test's own goroutine; the server is shared by the tests of a package,
// one test at a time.
type Server struct {
	kind   Kind
	flavor flavor
	dir    string // temporary root; owned by the server's user
	data   string // data directory
	logf   string // the server's stderr
	port   int
	uid    int
	gid    int
	user   string // account name when started as root, else ""

	pid int // main process while running, else 0
}

// flavor is what differs between the products.
type flavor interface {
	// binaries lists the programs that must exist, and the Debian package
	// that provides them.
	binaries() ([]string, string)
	// user is the account the server runs as.
	user() string
	// initialize creates the data directory.
	initialize(s *Server) error
	// argv is the command line that starts the server in the foreground.
	argv(s *Server) []string
	// ping connects with the plain driver and runs a trivial query.
	ping(ctx context.Context, s *Server) error
	// afterFirstStart runs once, after the first start (for example to
	// create the database the URLs name).
	afterFirstStart(ctx context.Context, s *Server) error
	// signal is the signal that stops the server in the given mode.
	signal(m StopMode) syscall.Signal
	driverName() string
	dsn(s *Server) string
	adminDSN(s *Server) string
	url(s *Server) string
}

var (
	mainActive atomic.Bool

	regMu   sync.Mutex
	servers = map[Kind]*Server{}
	// inUse serialises the tests that share a server.
	inUse = map[Kind]*sync.Mutex{KindPostgreSQL: {}, KindMariaDB: {}}
)

// Main runs the tests and then stops every server they started. Call it
// from TestMain: os.Exit(testserver.Main(m)). A server that cannot be
// stopped makes the run fail.
func Main(m *testing.M) int {
	mainActive.Store(true)
	code := m.Run()
	if err := StopAll(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// StopAll stops every server started in this process and removes its
// directory. [Main] calls it; it is exported for a TestMain that needs
// to do more.
func StopAll() error {
	regMu.Lock()
	defer regMu.Unlock()
	var errs []error
	for k, s := range servers {
		if err := s.stop(Fast); err != nil {
			errs = append(errs, err)
			if err := s.kill(); err != nil {
				errs = append(errs, err)
			}
		}
		if err := os.RemoveAll(s.dir); err != nil {
			errs = append(errs, fmt.Errorf("testserver: remove %s: %w", s.dir, err))
		}
		delete(servers, k)
	}
	return errors.Join(errs...)
}

// Postgres returns the private PostgreSQL 15 server, running and
// answering, for the duration of the test; other tests that ask for it
// wait until this one ends. It skips the test under -short or when the
// PostgreSQL 15 binaries are not installed.
func Postgres(t testing.TB) *Server {
	t.Helper()
	return acquire(t, KindPostgreSQL, postgres{})
}

// MariaDB returns the private MariaDB server, as [Postgres] does. It
// skips the test under -short or when mariadb-server is not installed.
func MariaDB(t testing.TB) *Server {
	t.Helper()
	return acquire(t, KindMariaDB, mariadb{})
}

func acquire(t testing.TB, kind Kind, f flavor) *Server {
	t.Helper()
	if testing.Short() {
		t.Skipf("testserver: the %s fault tests start and kill a private server; they do not run with -short", kind)
	}
	if !mainActive.Load() {
		t.Fatalf("testserver: this package's TestMain must call testserver.Main, which stops the servers when the tests end")
	}
	bins, pkg := f.binaries()
	for _, b := range bins {
		if _, err := os.Stat(b); err != nil {
			t.Skipf("testserver: %s is missing; install the Debian package %s to run the %s fault tests", b, pkg, kind)
		}
	}
	inUse[kind].Lock()
	t.Cleanup(inUse[kind].Unlock)

	regMu.Lock()
	s := servers[kind]
	regMu.Unlock()
	if s == nil {
		var err error
		if s, err = create(kind, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ensureHealthy(); err != nil {
		t.Fatal(err)
	}
	return s
}

// create initialises a data directory and starts the first server on a
// spare port, trying another port if that one was taken meanwhile.
func create(kind Kind, f flavor) (*Server, error) {
	// As root, run the server as its own account (both refuse root);
	// as anyone else, run it as the caller.
	uid, gid, name := os.Getuid(), os.Getgid(), ""
	if os.Geteuid() == 0 {
		u, err := user.Lookup(f.user())
		if err != nil {
			return nil, fmt.Errorf("testserver: the %s server runs as the user %q, which does not exist (the Debian package creates it): %w", kind, f.user(), err)
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		name = u.Username
	}
	if name != "" {
		// The server's account must be able to reach its directory.
		if fi, err := os.Stat(os.TempDir()); err == nil && fi.Mode().Perm()&0o001 == 0 {
			return nil, fmt.Errorf("testserver: the %s server runs as %s, which cannot enter %s (mode %v); point TMPDIR at a directory others may enter, such as /tmp", kind, name, os.TempDir(), fi.Mode().Perm())
		}
	}
	removeOrphans()
	dir, err := os.MkdirTemp("", dirPrefix+string(kind)+"-")
	if err != nil {
		return nil, fmt.Errorf("testserver: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("testserver: %w", err)
	}
	s := &Server{kind: kind, flavor: f, dir: dir, data: filepath.Join(dir, "data"), logf: filepath.Join(dir, "server.log"), uid: uid, gid: gid, user: name}
	if err := os.Chown(dir, uid, gid); err != nil && name != "" {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("testserver: %w", err)
	}
	if err := f.initialize(s); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if s.port, err = sparePort(); err != nil {
			break
		}
		if err = s.start(); err == nil || attempt == 2 {
			break
		}
	}
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		err = f.afterFirstStart(ctx, s)
		cancel()
	}
	if err != nil {
		if s.pid != 0 {
			_ = s.kill()
		}
		os.RemoveAll(dir)
		return nil, err
	}
	regMu.Lock()
	servers[kind] = s
	regMu.Unlock()
	return s, nil
}

// The temporary directories are named dirPrefix+kind+"-…" and hold
// ownerFile, the pid of the test binary that made them.
const (
	dirPrefix = "alchemy-testserver-"
	ownerFile = "owner.pid"
)

// removeOrphans deletes the directories of earlier test binaries that
// died without running Main (a -timeout panic, a SIGKILL): their servers
// died with them (Pdeathsig), their data directories did not. A
// directory whose owner is still running is left alone.
func removeOrphans() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			continue // not one of ours, or still being created
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(d)
		}
	}
}

// credential is the account to start server programs as: nil (the
// caller's own) unless the tests run as root.
func (s *Server) credential() *syscall.Credential {
	if s.user == "" {
		return nil
	}
	return &syscall.Credential{Uid: uint32(s.uid), Gid: uint32(s.gid)}
}

// sparePort asks the kernel for a free port. Another process could take
// it before the server binds it; create then tries another.
func sparePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testserver: no spare port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ensureHealthy leaves the server running and answering: it starts a
// stopped one and replaces one that does not answer.
func (s *Server) ensureHealthy() error {
	if s.pid != 0 && s.alive() {
		ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
		err := s.flavor.ping(ctx, s)
		cancel()
		if err == nil {
			return nil
		}
		if err := s.kill(); err != nil {
			return err
		}
	} else if s.pid != 0 {
		// The process died on its own (or was killed and not restarted).
		if err := s.reap(); err != nil {
			return err
		}
	}
	return s.start()
}

// Kind returns the server's product.
func (s *Server) Kind() Kind { return s.kind }

// Port returns the TCP port the server listens on (on 127.0.0.1); it is
// the same across restarts.
func (s *Server) Port() int { return s.port }

// Pid returns the server's main process id, or 0 when it is not running.
func (s *Server) Pid() int { return s.pid }

// Dir returns the server's temporary directory (data, socket, log).
func (s *Server) Dir() string { return s.dir }

// URL returns an alchemy URL for the server's test database (for
// PostgreSQL postgresql://postgres@127.0.0.1:PORT/postgres, for MariaDB
// mysql://root@127.0.0.1:PORT/test) with query, if not empty, as its
// query string.
func (s *Server) URL(query string) string {
	u := s.flavor.url(s)
	if query != "" {
		u += "?" + query
	}
	return u
}

// DriverName is the database/sql driver of [Server.DSN]: "pgx" or "mysql".
// The caller imports it (github.com/jackc/pgx/v5/stdlib,
// github.com/go-sql-driver/mysql).
func (s *Server) DriverName() string { return s.flavor.driverName() }

// DSN returns a data source name for the plain driver, naming the same
// database as [Server.URL]: what a test uses to check, independently of
// alchemy, what the server holds.
func (s *Server) DSN() string { return s.flavor.dsn(s) }

// Admin opens a plain driver pool to the server for the test, closed when
// the test ends. It connects to a different database than [Server.URL]
// (PostgreSQL: template1; MariaDB: none), so that counting the sessions
// of the URL's database leaves the admin connection out.
func (s *Server) Admin(t testing.TB) *sql.DB {
	t.Helper()
	return s.open(t, s.flavor.adminDSN(s))
}

// Plain opens a plain driver pool on [Server.DSN], closed when the test
// ends.
func (s *Server) Plain(t testing.TB) *sql.DB {
	t.Helper()
	return s.open(t, s.flavor.dsn(s))
}

func (s *Server) open(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(s.flavor.driverName(), dsn)
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Start starts a stopped server on the same port and data directory.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	if s.pid != 0 {
		t.Fatalf("testserver: %s is already running (pid %d)", s.kind, s.pid)
	}
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
}

// Stop stops the server and waits until every one of its processes is
// gone.
func (s *Server) Stop(t testing.TB, mode StopMode) {
	t.Helper()
	if err := s.stop(mode); err != nil {
		t.Fatal(err)
	}
}

// Restart stops the server in Fast mode and starts it again on the same
// port and data directory, waiting until it answers.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop(t, Fast)
	s.Start(t)
}

// Kill sends SIGKILL to the server's main process and then to any of its
// processes still alive (PostgreSQL's backends), as an out-of-memory kill
// of the whole service would, and waits until they are gone. Start brings
// it back through crash recovery.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	if err := s.kill(); err != nil {
		t.Fatal(err)
	}
}

// Log returns the last n bytes of the server's log, for failure messages.
func (s *Server) Log(n int) string {
	b, err := os.ReadFile(s.logf)
	if err != nil {
		return ""
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

func (s *Server) start() error {
	argv := s.flavor.argv(s)
	logf, err := os.OpenFile(s.logf, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("testserver: %w", err)
	}
	defer logf.Close()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return fmt.Errorf("testserver: %w", err)
	}
	defer devnull.Close()
	pid, err := syscall.ForkExec(argv[0], argv, &syscall.ProcAttr{
		Dir:   s.dir,
		Env:   []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", "LC_ALL=C", "TZ=UTC", "HOME=" + s.dir},
		Files: []uintptr{devnull.Fd(), logf.Fd(), logf.Fd()},
		Sys: &syscall.SysProcAttr{
			Credential: s.credential(),
			// Its own process group, so that Kill and the leak check find
			// every process of this server and no other.
			Setpgid: true,
			// If the test binary dies without stopping the server, the
			// kernel kills it (PostgreSQL's backends then exit on their
			// own when they see the postmaster gone).
			Pdeathsig: syscall.SIGKILL,
		},
	})
	if err != nil {
		return fmt.Errorf("testserver: start %s: %w", argv[0], err)
	}
	s.pid = pid
	deadline := time.Now().Add(startTimeout)
	for {
		if !s.alive() {
			_ = s.reap()
			return fmt.Errorf("testserver: %s exited during startup on port %d; its log ends:\n%s", s.kind, s.port, s.Log(2000))
		}
		ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
		err := s.flavor.ping(ctx, s)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			_ = s.kill()
			return fmt.Errorf("testserver: %s did not answer within %v on port %d (%v); its log ends:\n%s", s.kind, startTimeout, s.port, err, s.Log(2000))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop signals the main process and waits for the whole process group to
// be gone; past stopTimeout it kills it and reports the failure.
func (s *Server) stop(mode StopMode) error {
	if s.pid == 0 {
		return nil
	}
	pid := s.pid
	_ = syscall.Kill(pid, s.flavor.signal(mode))
	if err := s.waitGone(stopTimeout); err != nil {
		_ = s.kill()
		return fmt.Errorf("testserver: %s (pid %d) did not stop within %v; killed it", s.kind, pid, stopTimeout)
	}
	return nil
}

func (s *Server) kill() error {
	if s.pid == 0 {
		return nil
	}
	_ = syscall.Kill(s.pid, syscall.SIGKILL)
	// The group id is the main pid (Setpgid); the other members are the
	// server's own children.
	_ = syscall.Kill(-s.pid, syscall.SIGKILL)
	return s.waitGone(stopTimeout)
}

// waitGone reaps the main process and waits until no process of its
// group is alive, up to d.
func (s *Server) waitGone(d time.Duration) error {
	deadline := time.Now().Add(d)
	pgid := s.pid
	for {
		if s.pid != 0 && !s.alive() {
			if err := s.reap(); err != nil {
				return err
			}
		}
		if s.pid == 0 && len(groupMembers(pgid)) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("testserver: %s processes %v still alive after %v", s.kind, groupMembers(pgid), d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive reports whether the main process has not exited yet (a zombie
// counts as exited).
func (s *Server) alive() bool {
	var ws syscall.WaitStatus
	wpid, err := syscall.Wait4(s.pid, &ws, syscall.WNOHANG, nil)
	if wpid == s.pid {
		s.pid = 0 // reaped here
		return false
	}
	return err == nil
}

// reap collects the exited main process, if alive has not already.
func (s *Server) reap() error {
	if s.pid == 0 {
		return nil
	}
	var ws syscall.WaitStatus
	_, err := syscall.Wait4(s.pid, &ws, 0, nil)
	s.pid = 0
	if err != nil && !errors.Is(err, syscall.ECHILD) {
		return fmt.Errorf("testserver: wait for %s: %w", s.kind, err)
	}
	return nil
}

// groupMembers lists the live (non-zombie) processes of process group
// pgid, from /proc.
func groupMembers(pgid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and
		// parentheses, so parse after the last ')'.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, _ := strconv.Atoi(f[2]); g == pgid {
			pids = append(pids, pid)
		}
	}
	return pids
}
