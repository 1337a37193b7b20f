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

// privatePostgres is a PostgreSQL 15 server the tool starts for the DDL
// measurement, so that a schema of thousands of tables can be created in
// one transaction (max_locks_per_transaction is a server-start setting)
// without reconfiguring a shared server. It lives in a temporary
// directory of its own and listens on 127.0.0.1 on a spare port.
type privatePostgres struct {
	dir  string
	cmd  *exec.Cmd
	done chan error // the postmaster's exit
	log  *bytes.Buffer
	url  string
}

// startPrivatePostgres initialises a data directory and starts the
// server with maxLocks locks per transaction, waiting until it answers.
// As root it runs as the postgres user (the server refuses root), which
// Debian's package creates. The server gets SIGKILL from the kernel if
// the tool dies without stopping it.
func startPrivatePostgres(ctx context.Context, maxLocks int) (_ *privatePostgres, err error) {
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
	p := &privatePostgres{dir: dir, done: make(chan error, 1), log: &bytes.Buffer{},
		url: fmt.Sprintf("postgresql://postgres@127.0.0.1:%d/postgres", port)}
	p.cmd = exec.Command(pgBin+"/postgres", "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories="+dir,
		"-c", "max_locks_per_transaction="+strconv.Itoa(maxLocks),
		"-c", "autovacuum=off",
		"-c", "logging_collector=off",
		"-c", "log_min_messages=warning")
	p.cmd.Dir = dir
	p.cmd.Env = initdb.Env
	p.cmd.SysProcAttr = attr
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("-pg-private: start: %w", err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	if err := p.waitReady(ctx); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

func sparePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (p *privatePostgres) waitReady(ctx context.Context) error {
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
			return fmt.Errorf("-pg-private: the server exited: %v\n%s", werr, p.log.Bytes())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("-pg-private: the server did not answer in 60 s: %w\n%s", err, p.log.Bytes())
		}
	}
}

// stop shuts the server down by its pid (fast mode: SIGINT), killing it
// if it has not exited after 30 s, and removes its directory.
func (p *privatePostgres) stop() error {
	var errs []error
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil && !errors.Is(err, os.ErrProcessDone) {
		errs = append(errs, err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		// The backends are in the postmaster's process group.
		errs = append(errs, fmt.Errorf("-pg-private: the server (pid %d) did not stop in 30 s; killed", p.cmd.Process.Pid),
			syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL))
		<-p.done
	}
	errs = append(errs, os.RemoveAll(p.dir))
	return errors.Join(errs...)
}

func (p *privatePostgres) pid() int { return p.cmd.Process.Pid }
