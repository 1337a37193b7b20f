package main

import (
	"bytes"
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
	"syscall"
	"time"
)

// privateServer is a database server the tool starts for the DDL
// measurement: a PostgreSQL 15 (-pg-private), so that a schema of
// thousands of tables can be created in one transaction
// (max_locks_per_transaction is a server-start setting) without
// reconfiguring a shared server, or a MariaDB (-mysql-private), away
// from the load other users put on a shared one. It lives in a
// temporary directory of its own and listens on 127.0.0.1 on a spare
// port.
type privateServer struct {
	dir  string
	cmd  *exec.Cmd
	done chan error // the postmaster's exit
	log  *bytes.Buffer
	url  string
	// quit is the signal of a clean, fast shutdown: SIGINT for
	// PostgreSQL, SIGTERM for MariaDB.
	quit syscall.Signal
}

// startPrivatePostgres initialises a data directory and starts the
// server with maxLocks locks per transaction, waiting until it answers.
// As root it runs as the postgres user (the server refuses root), which
// Debian's package creates. The server gets SIGKILL from the kernel if
// the tool dies without stopping it.
func startPrivatePostgres(ctx context.Context, maxLocks int) (_ *privateServer, err error) {
	if _, err := os.Stat(pgBin + "/postgres"); err != nil {
		return nil, fmt.Errorf("-pg-private needs PostgreSQL 15 in %s (Debian: apt-get install postgresql-15): %w", pgBin, err)
	}
	dir, err := os.MkdirTemp("", "alchemy-scaling-pg-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("-pg-private runs the server as the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		attr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, pgBin+"/initdb", "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.Dir = dir
	initdb.Env = []string{"PATH=/usr/bin:/bin", "LANG=C", "LC_ALL=C"}
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: attr.Credential}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("-pg-private: initdb: %w\n%s", err, out)
	}
	port, err := sparePort()
	if err != nil {
		return nil, err
	}
	// The settings other than the lock table are the server's defaults
	// (fsync on, as on the shared server), so that the DDL pays for its
	// commit as it would in use; autovacuum is off so that it does not
	// wake up in the middle of a round.
	p := &privateServer{dir: dir, done: make(chan error, 1), log: &bytes.Buffer{},
		url: fmt.Sprintf("postgresql://postgres@127.0.0.1:%d/postgres", port), quit: syscall.SIGINT}
	return p, p.start(ctx, attr, initdb.Env, pgBin+"/postgres", "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories="+dir,
		"-c", "max_locks_per_transaction="+strconv.Itoa(maxLocks),
		"-c", "autovacuum=off",
		"-c", "logging_collector=off",
		"-c", "log_min_messages=warning")
}

// Where Debian's mariadb-server package puts the programs.
const (
	mariadbd       = "/usr/sbin/mariadbd"
	mariadbInstall = "/usr/bin/mariadb-install-db"
)

// startPrivateMariaDB bootstraps a data directory and starts a MariaDB
// server with its default settings (a commit is flushed to disk, as on
// a shared server), waiting until it answers. As root it runs as the
// mysql user, which the server switches to itself.
func startPrivateMariaDB(ctx context.Context) (_ *privateServer, err error) {
	if _, err := os.Stat(mariadbd); err != nil {
		return nil, fmt.Errorf("-mysql-private needs MariaDB in %s (Debian: apt-get install mariadb-server): %w", mariadbd, err)
	}
	dir, err := os.MkdirTemp("", "alchemy-scaling-mariadb-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	var userOpt []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("mysql")
		if err != nil {
			return nil, fmt.Errorf("-mysql-private runs the server as the mysql user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		userOpt = []string{"--user=mysql"}
	}
	data := filepath.Join(dir, "data")
	opts := append([]string{"--datadir=" + data, "--tmpdir=" + dir, "--skip-name-resolve"}, userOpt...)
	env := []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", "LC_ALL=C"}
	install := exec.CommandContext(ctx, mariadbInstall, append([]string{"--no-defaults",
		"--auth-root-authentication-method=normal", "--skip-test-db"}, opts...)...)
	install.Dir = dir
	install.Env = env
	if out, err := install.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("-mysql-private: mariadb-install-db: %w\n%s", err, out)
	}
	port, err := sparePort()
	if err != nil {
		return nil, err
	}
	p := &privateServer{dir: dir, done: make(chan error, 1), log: &bytes.Buffer{},
		url: fmt.Sprintf("mysql://root@127.0.0.1:%d/mysql", port), quit: syscall.SIGTERM}
	return p, p.start(ctx, &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}, env,
		mariadbd, append([]string{"--no-defaults",
			"--port=" + strconv.Itoa(port),
			"--bind-address=127.0.0.1",
			"--socket=" + filepath.Join(dir, "mariadbd.sock"),
			"--pid-file=" + filepath.Join(dir, "mariadbd.pid")}, opts...)...)
}

// start runs the server program and waits until it answers; on failure
// the server is stopped and its directory removed.
func (p *privateServer) start(ctx context.Context, attr *syscall.SysProcAttr, env []string, prog string, args ...string) error {
	p.cmd = exec.Command(prog, args...)
	p.cmd.Dir = p.dir
	p.cmd.Env = env
	p.cmd.SysProcAttr = attr
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		os.RemoveAll(p.dir)
		return fmt.Errorf("start %s: %w", prog, err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	if err := p.waitReady(ctx); err != nil {
		return errors.Join(err, p.stop())
	}
	return nil
}

func sparePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (p *privateServer) waitReady(ctx context.Context) error {
	db, err := sql.Open("alchemy", p.url)
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := db.PingContext(pctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case werr := <-p.done:
			p.done <- werr
			return fmt.Errorf("private server exited: %v\n%s", werr, p.log.Bytes())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("private server did not answer in 60 s: %w\n%s", err, p.log.Bytes())
		}
	}
}

// stop shuts the server down by its pid (p.quit), killing it
// if it has not exited after 30 s, and removes its directory.
func (p *privateServer) stop() error {
	var errs []error
	if err := p.cmd.Process.Signal(p.quit); err != nil && !errors.Is(err, os.ErrProcessDone) {
		errs = append(errs, err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		// The backends are in the postmaster's process group.
		errs = append(errs, fmt.Errorf("private server (pid %d) did not stop in 30 s; killed", p.cmd.Process.Pid),
			syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL))
		<-p.done
	}
	errs = append(errs, os.RemoveAll(p.dir))
	return errors.Join(errs...)
}

func (p *privateServer) pid() int { return p.cmd.Process.Pid }
