package testserver

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"syscall"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver of DSN and Admin
)

// pgBin is where Debian's postgresql-15 package puts the server programs.
const pgBin = "/usr/lib/postgresql/15/bin"

type postgres struct{}

func (postgres) binaries() ([]string, string) {
	return []string{pgBin + "/initdb", pgBin + "/postgres"}, "postgresql-15"
}

func (postgres) user() string { return "postgres" }

func (postgres) initialize(s *Server) error {
	cmd := exec.Command(pgBin+"/initdb", "-D", s.data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	cmd.Dir = s.dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C", "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.credential()}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("testserver: initdb: %w\n%s", err, out)
	}
	return nil
}

// argv runs the postmaster in the foreground. fsync and full-page writes
// are off: a commit is still written to the kernel before it is
// acknowledged (synchronous_commit stays on), so it survives a killed
// server. Autovacuum and the stats of a long-lived server are not wanted.
func (postgres) argv(s *Server) []string {
	return []string{pgBin + "/postgres", "-D", s.data,
		"-p", strconv.Itoa(s.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=" + s.dir,
		"-c", "fsync=off",
		"-c", "full_page_writes=off",
		"-c", "synchronous_commit=on",
		"-c", "autovacuum=off",
		"-c", "shared_buffers=32MB",
		"-c", "max_connections=200",
		"-c", "logging_collector=off",
		"-c", "log_min_messages=warning",
		"-c", "log_min_error_statement=panic",
		"-c", "log_connections=off",
	}
}

func (postgres) ping(ctx context.Context, s *Server) error {
	c, err := pgx.Connect(ctx, postgres{}.dsn(s))
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	var one int
	return c.QueryRow(ctx, "SELECT 1").Scan(&one)
}

func (postgres) afterFirstStart(context.Context, *Server) error { return nil }

func (postgres) signal(m StopMode) syscall.Signal {
	if m == Immediate {
		return syscall.SIGQUIT
	}
	return syscall.SIGINT
}

func (postgres) driverName() string { return "pgx" }

func (postgres) dsn(s *Server) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", s.port)
}

func (postgres) adminDSN(s *Server) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/template1?sslmode=disable&connect_timeout=5&application_name=testserver_admin", s.port)
}

func (postgres) url(s *Server) string {
	return fmt.Sprintf("postgresql://postgres@127.0.0.1:%d/postgres", s.port)
}
