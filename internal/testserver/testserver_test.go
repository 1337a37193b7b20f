package testserver

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

var kinds = []struct {
	name    string
	acquire func(testing.TB) *Server
	user    string
	create  string
	insert  string
}{
	{"postgresql", Postgres, "postgres", "CREATE TABLE IF NOT EXISTS ts_probe (id int)", "INSERT INTO ts_probe VALUES ($1)"},
	{"mariadb", MariaDB, "mysql", "CREATE TABLE IF NOT EXISTS ts_probe (id int) ENGINE=InnoDB", "INSERT INTO ts_probe VALUES (?)"},
}

// count returns how many rows with id the plain driver sees, opening a
// fresh pool so that no connection survives from before a restart.
func count(t *testing.T, s *Server, id int) int {
	t.Helper()
	db := s.Plain(t)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var n int
	q := "SELECT count(*) FROM ts_probe WHERE id = " + strconv.Itoa(id)
	if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// processUser returns the owner of pid, from /proc.
func processUser(t *testing.T, pid int) string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "Uid:" {
			return f[1]
		}
	}
	t.Fatalf("no Uid line for pid %d", pid)
	return ""
}

// TestFaultHarnessLifecycle: a committed row survives Restart, Kill+Start and an
// Immediate stop; the port never changes; each stop leaves no process of
// the server behind; the server does not run as root.
func TestFaultHarnessLifecycle(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			s := k.acquire(t)
			port := s.Port()
			if uid := processUser(t, s.Pid()); uid == "0" {
				t.Errorf("the server runs as root")
			}
			db := s.Plain(t)
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, k.create); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, k.insert, 7); err != nil {
				t.Fatal(err)
			}
			db.Close()
			want := count(t, s, 7)
			steps := []struct {
				name string
				do   func()
			}{
				{"Restart", func() { s.Restart(t) }},
				{"Kill+Start", func() { s.Kill(t); s.Start(t) }},
				{"Stop(Immediate)+Start", func() { s.Stop(t, Immediate); s.Start(t) }},
			}
			for _, st := range steps {
				old := s.Pid()
				st.do()
				if got := groupMembers(old); len(got) != 0 {
					t.Errorf("%s: processes %v of the old server are still alive", st.name, got)
				}
				if s.Pid() == old || s.Pid() == 0 {
					t.Errorf("%s: pid %d, was %d", st.name, s.Pid(), old)
				}
				if s.Port() != port {
					t.Errorf("%s: port %d, was %d", st.name, s.Port(), port)
				}
				if got := count(t, s, 7); got != want {
					t.Errorf("%s: %d rows with id 7, want %d", st.name, got, want)
				}
			}
		})
	}
}

// TestFaultHarnessReuse: a test that leaves the server healthy hands the same
// process to the next; one that leaves it stopped gets it started again.
func TestFaultHarnessReuse(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			var pid int
			t.Run("healthy", func(t *testing.T) { pid = k.acquire(t).Pid() })
			t.Run("reused", func(t *testing.T) {
				if got := k.acquire(t).Pid(); got != pid {
					t.Errorf("pid %d, want the previous test's %d", got, pid)
				}
			})
			t.Run("left stopped", func(t *testing.T) { k.acquire(t).Stop(t, Fast) })
			t.Run("started again", func(t *testing.T) {
				s := k.acquire(t)
				if s.Pid() == 0 || s.Pid() == pid {
					t.Errorf("pid %d after the previous test stopped pid %d", s.Pid(), pid)
				}
				count(t, s, 0)
			})
		})
	}
}

// TestFaultHarnessOrphans: the directory of a test binary that died
// without stopping its servers is removed by the next one that starts a
// server; a directory whose owner lives is kept.
func TestFaultHarnessOrphans(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	orphan, err := os.MkdirTemp("", dirPrefix+"orphan-")
	if err != nil {
		t.Fatal(err)
	}
	live, err := os.MkdirTemp("", dirPrefix+"live-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(orphan); os.RemoveAll(live) })
	write := func(dir string, pid int) {
		if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(pid)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(orphan, dead.Process.Pid)
	write(live, os.Getppid()) // go test itself, alive while this runs
	removeOrphans()
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("the orphaned directory is still there (%v)", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the directory of a live owner was removed: %v", err)
	}
}

// TestFaultHarnessStopAll: StopAll leaves no process of any server alive and removes
// the directories; the next test gets a new server.
func TestFaultHarnessStopAll(t *testing.T) {
	var pids []int
	var dirs []string
	for _, k := range kinds {
		s := k.acquire(t)
		pids = append(pids, s.Pid())
		dirs = append(dirs, s.Dir())
	}
	if err := StopAll(); err != nil {
		t.Fatal(err)
	}
	for i, pid := range pids {
		if got := groupMembers(pid); len(got) != 0 {
			t.Errorf("server %d: processes %v still alive", pid, got)
		}
		if _, err := os.Stat(dirs[i]); !os.IsNotExist(err) {
			t.Errorf("%s still exists (%v)", dirs[i], err)
		}
	}
}
