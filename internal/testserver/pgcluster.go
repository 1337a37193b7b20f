package testserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PGCluster is a private PostgreSQL 15 primary with a hot standby that
// streams its WAL, for the tests of failover, read routing and
// replication consistency. Unlike [Postgres], each call makes a new
// cluster for the calling test alone (≈2 s on a 2-core machine: initdb,
// pg_basebackup, two starts) and removes it when the test ends, because
// the tests that use it promote, stop and pause its nodes.
//
// Both nodes listen on 127.0.0.1 on spare ports and hold a database
// named test, which their URLs name. The standby was made with
// `pg_basebackup -R -X stream`: standby.signal and a primary_conninfo
// pointing at the primary.
type PGCluster struct {
	Primary *Server
	Standby *Server
	dir     string
	slot    string
}

// PGClusterOptions configures [PostgresCluster]. The zero value is an
// asynchronous standby with PostgreSQL's defaults.
type PGClusterOptions struct {
	// StandbySettings are run-time settings of the standby, given on its
	// command line (so ALTER SYSTEM cannot override them), for example
	// {"max_standby_streaming_delay": "100ms"}.
	StandbySettings map[string]string
	// Slot, if set, is the name of a physical replication slot the
	// standby streams from (pg_basebackup -C -S), so that the primary
	// keeps the WAL a stopped standby has not received.
	Slot string
}

// pgNode is the postgres flavor with what replication needs: WAL for a
// standby, walsenders, hot standby, and the node's own extra settings.
type pgNode struct {
	postgres
	extra []string // "name=value"
}

func (n pgNode) argv(s *Server) []string {
	argv := append(postgres{}.argv(s),
		"-c", "wal_level=replica",
		"-c", "max_wal_senders=10",
		"-c", "max_replication_slots=10",
		"-c", "wal_keep_size=128MB",
		"-c", "hot_standby=on",
	)
	for _, kv := range n.extra {
		argv = append(argv, "-c", kv)
	}
	return argv
}

// The nodes' URLs and DSNs name the database test, which the cluster
// creates on the primary before the standby is copied from it.
func (pgNode) dsn(s *Server) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/test?sslmode=disable&connect_timeout=5", s.port)
}

func (pgNode) url(s *Server) string {
	return fmt.Sprintf("postgresql://postgres@127.0.0.1:%d/test", s.port)
}

// pgClusterBinaries are the programs a cluster needs.
var pgClusterBinaries = []string{pgBin + "/initdb", pgBin + "/postgres", pgBin + "/pg_basebackup"}

// PostgresCluster starts a new primary and hot standby for the test and
// waits until the standby streams from the primary (pg_stat_replication
// says "streaming"). Both are stopped, by pid, and their directory
// removed when the test ends. It skips the test under -short or when the
// PostgreSQL 15 binaries are missing.
func PostgresCluster(t testing.TB, o PGClusterOptions) *PGCluster {
	t.Helper()
	if testing.Short() {
		t.Skip("testserver: the PostgreSQL standby tests start a private primary and standby; they do not run with -short")
	}
	for _, b := range pgClusterBinaries {
		if _, err := os.Stat(b); err != nil {
			t.Skipf("testserver: %s is missing; install the Debian package postgresql-15 to run the PostgreSQL primary/standby tests", b)
		}
	}
	c, err := newPGCluster(o)
	if c != nil {
		t.Cleanup(func() {
			if err := c.close(); err != nil {
				t.Error(err)
			}
		})
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newPGCluster(o PGClusterOptions) (*PGCluster, error) {
	uid, gid, name := os.Getuid(), os.Getgid(), ""
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("testserver: the PostgreSQL cluster runs as the user postgres, which does not exist (the Debian package creates it): %w", err)
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		name = u.Username
		if fi, err := os.Stat(os.TempDir()); err == nil && fi.Mode().Perm()&0o001 == 0 {
			return nil, fmt.Errorf("testserver: the PostgreSQL cluster runs as postgres, which cannot enter %s (mode %v); point TMPDIR at a directory others may enter, such as /tmp", os.TempDir(), fi.Mode().Perm())
		}
	}
	removeOrphans()
	dir, err := os.MkdirTemp("", dirPrefix+"pgcluster-")
	if err != nil {
		return nil, fmt.Errorf("testserver: %w", err)
	}
	c := &PGCluster{dir: dir, slot: o.Slot}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return c, fmt.Errorf("testserver: %w", err)
	}
	// The servers' account must be able to reach the nodes' directories.
	if err := os.Chown(dir, uid, gid); err != nil && name != "" {
		return c, fmt.Errorf("testserver: %w", err)
	}
	node := func(role string, f pgNode) (*Server, error) {
		d := filepath.Join(dir, role)
		if err := os.Mkdir(d, 0o755); err != nil {
			return nil, fmt.Errorf("testserver: %w", err)
		}
		if err := os.Chown(d, uid, gid); err != nil && name != "" {
			return nil, fmt.Errorf("testserver: %w", err)
		}
		return &Server{kind: KindPostgreSQL, flavor: f, dir: d, data: filepath.Join(d, "data"), logf: filepath.Join(d, "server.log"), uid: uid, gid: gid, user: name}, nil
	}
	if c.Primary, err = node("primary", pgNode{}); err != nil {
		return c, err
	}
	if err := c.Primary.flavor.initialize(c.Primary); err != nil {
		return c, err
	}
	if err := startOnSparePort(c.Primary); err != nil {
		return c, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := pgExec(ctx, postgres{}.dsn(c.Primary), "CREATE DATABASE test"); err != nil {
		return c, fmt.Errorf("testserver: create the cluster's database: %w", err)
	}

	var extra []string
	keys := make([]string, 0, len(o.StandbySettings))
	for k := range o.StandbySettings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		extra = append(extra, k+"="+o.StandbySettings[k])
	}
	if c.Standby, err = node("standby", pgNode{extra: extra}); err != nil {
		return c, err
	}
	if err := c.basebackup(); err != nil {
		return c, err
	}
	if err := startOnSparePort(c.Standby); err != nil {
		return c, err
	}
	if err := c.waitStreaming(ctx); err != nil {
		return c, err
	}
	return c, nil
}

// basebackup copies the running primary into the standby's data
// directory with the settings that make it a standby (-R), streaming the
// WAL written meanwhile (-X stream).
func (c *PGCluster) basebackup() error {
	args := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(c.Primary.port), "-U", "postgres",
		"-D", c.Standby.data, "-R", "-X", "stream", "-c", "fast", "--no-sync"}
	if c.slot != "" {
		args = append(args, "-C", "-S", c.slot)
	}
	cmd := exec.Command(pgBin+"/pg_basebackup", args...)
	cmd.Dir = c.Standby.dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C", "LC_ALL=C", "HOME=" + c.Standby.dir}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.Standby.credential(), Pdeathsig: syscall.SIGKILL}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("testserver: pg_basebackup: %w\n%s", err, out)
	}
	return nil
}

// startOnSparePort starts s on a spare port, trying another one if that
// one was taken meanwhile.
func startOnSparePort(s *Server) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if s.port, err = sparePort(); err != nil {
			return err
		}
		if err = s.start(); err == nil {
			return nil
		}
	}
	return err
}

// waitStreaming waits until the primary reports a streaming standby.
func (c *PGCluster) waitStreaming(ctx context.Context) error {
	var last error
	for {
		var n int
		last = pgQueryRow(ctx, postgres{}.dsn(c.Primary), "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", &n)
		if last == nil && n > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("testserver: the standby (port %d) did not stream from the primary (port %d) in time (%v); its log ends:\n%s",
				c.Standby.port, c.Primary.port, last, c.Standby.Log(2000))
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// WaitStreaming waits until the primary reports a streaming standby
// again, after the standby was restarted.
func (c *PGCluster) WaitStreaming(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := c.waitStreaming(ctx); err != nil {
		t.Fatal(err)
	}
}

// CatchUp waits until the standby has replayed everything the primary
// had written when CatchUp was called.
func (c *PGCluster) CatchUp(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	var lsn string
	if err := pgQueryRow(ctx, postgres{}.dsn(c.Primary), "SELECT pg_current_wal_lsn()::text", &lsn); err != nil {
		t.Fatalf("testserver: primary's WAL position: %v", err)
	}
	conn, err := pgx.Connect(ctx, postgres{}.dsn(c.Standby))
	if err != nil {
		t.Fatalf("testserver: connect to the standby: %v", err)
	}
	defer conn.Close(context.Background())
	for {
		var done bool
		err := conn.QueryRow(ctx, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&done)
		if err != nil {
			t.Fatalf("testserver: standby's replay position: %v", err)
		}
		if done {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Promote makes the standby a primary (pg_promote, waiting until it is
// done) and returns how long the promotion took.
func (c *PGCluster) Promote(t testing.TB) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	start := time.Now()
	var ok bool
	if err := pgQueryRow(ctx, postgres{}.dsn(c.Standby), "SELECT pg_promote(true, 25)", &ok); err != nil || !ok {
		t.Fatalf("testserver: promote the standby: %v (promoted: %v); its log ends:\n%s", err, ok, c.Standby.Log(2000))
	}
	return time.Since(start)
}

// URL returns a multi-host alchemy URL, the primary first, for the
// database test, with query (if not empty) as its query string.
func (c *PGCluster) URL(query string) string {
	u := fmt.Sprintf("postgresql://postgres@127.0.0.1:%d,127.0.0.1:%d/test", c.Primary.port, c.Standby.port)
	if query != "" {
		u += "?" + query
	}
	return u
}

// Dir returns the cluster's temporary directory.
func (c *PGCluster) Dir() string { return c.dir }

// close stops both nodes and removes the cluster's directory.
func (c *PGCluster) close() error {
	var errs []error
	for _, s := range []*Server{c.Standby, c.Primary} {
		if s == nil {
			continue
		}
		if err := s.stop(Fast); err != nil {
			errs = append(errs, err)
		}
		if err := s.kill(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		errs = append(errs, fmt.Errorf("testserver: remove %s: %w", c.dir, err))
	}
	return errors.Join(errs...)
}

func pgExec(ctx context.Context, dsn, query string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, query)
	return err
}

func pgQueryRow(ctx context.Context, dsn, query string, dest ...any) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return conn.QueryRow(ctx, query).Scan(dest...)
}
