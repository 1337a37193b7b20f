package testserver

import (
	"context"
	"database/sql/driver"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
)

// Where Debian's mariadb-server package puts the programs.
const (
	mariadbd      = "/usr/sbin/mariadbd"
	mariadbInstal = "/usr/bin/mariadb-install-db"
)

type mariadb struct{}

func (mariadb) binaries() ([]string, string) {
	return []string{mariadbd, mariadbInstal}, "mariadb-server"
}

func (mariadb) user() string { return "mysql" }

// serverOptions are given both to the bootstrap and to every start, so
// that InnoDB finds the files it created with the sizes it expects.
// innodb_flush_log_at_trx_commit=2 writes the log to the kernel at each
// commit without an fsync: a commit survives a killed server.
func (mariadb) serverOptions(s *Server) []string {
	return []string{
		"--datadir=" + s.data,
		"--tmpdir=" + s.dir,
		"--innodb-buffer-pool-size=64M",
		"--innodb-log-file-size=16M",
		"--innodb-flush-log-at-trx-commit=2",
		"--skip-name-resolve",
	}
}

func (m mariadb) initialize(s *Server) error {
	args := []string{"--no-defaults", "--auth-root-authentication-method=normal", "--skip-test-db"}
	if s.user != "" {
		args = append(args, "--user="+s.user) // the bootstrap gives it the data directory
	}
	args = append(args, m.serverOptions(s)...)
	cmd := exec.Command(mariadbInstal, args...)
	cmd.Dir = s.dir
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", "LC_ALL=C"}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("testserver: mariadb-install-db: %w\n%s", err, out)
	}
	return nil
}

// argv starts the server with a binary log, as a primary runs, so that
// tests can turn on semi-synchronous replication (which needs one) to
// hold a COMMIT after it has applied.
func (m mariadb) argv(s *Server) []string {
	return append([]string{mariadbd, "--no-defaults",
		"--log-bin=binlog", "--server-id=1",
		"--port=" + strconv.Itoa(s.port),
		"--bind-address=127.0.0.1",
		"--socket=" + filepath.Join(s.dir, "mariadbd.sock"),
		"--pid-file=" + filepath.Join(s.dir, "mariadbd.pid"),
		"--max-connections=300",
	}, m.serverOptions(s)...)
}

func (mariadb) connect(ctx context.Context, dsn string) (driver.Conn, error) {
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	c, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return c.Connect(ctx)
}

// ping connects without naming a database: the test database does not
// exist before the first start has created it.
func (m mariadb) ping(ctx context.Context, s *Server) error {
	c, err := m.connect(ctx, m.adminDSN(s))
	if err != nil {
		return err
	}
	defer c.Close()
	return c.(driver.Pinger).Ping(ctx)
}

// afterFirstStart creates the database the URL names (the bootstrap was
// told to skip its own "test" database, whose grants are too wide).
func (m mariadb) afterFirstStart(ctx context.Context, s *Server) error {
	c, err := m.connect(ctx, m.adminDSN(s))
	if err != nil {
		return fmt.Errorf("testserver: mariadb: %w", err)
	}
	defer c.Close()
	if _, err := c.(driver.ExecerContext).ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS test", nil); err != nil {
		return fmt.Errorf("testserver: mariadb: create the test database: %w", err)
	}
	return nil
}

func (mariadb) signal(m StopMode) syscall.Signal {
	if m == Immediate {
		return syscall.SIGKILL
	}
	return syscall.SIGTERM
}

func (mariadb) driverName() string { return "mysql" }

func (mariadb) config(s *Server, db string) string {
	cfg := gomysql.NewConfig()
	cfg.User = "root"
	cfg.Net = "tcp"
	cfg.Addr = "127.0.0.1:" + strconv.Itoa(s.port)
	cfg.DBName = db
	cfg.Timeout = 5 * time.Second
	return cfg.FormatDSN()
}

func (m mariadb) dsn(s *Server) string      { return m.config(s, "test") }
func (m mariadb) adminDSN(s *Server) string { return m.config(s, "") }

func (mariadb) url(s *Server) string {
	return fmt.Sprintf("mysql://root@127.0.0.1:%d/test", s.port)
}
