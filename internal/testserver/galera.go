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
	"syscall"
	"testing"
	"time"
)

// What a Galera cluster needs beyond mariadb-server: the provider library
// (Debian package galera-4), rsync for the state transfer that copies a
// running node's data directory to a joining one, and a socket lister
// (ss from iproute2, or lsof) that the rsync SST script uses to wait for
// its rsync daemon.
const (
	galeraProvider = "/usr/lib/galera/libgalera_smm.so"
	rsyncBin       = "/usr/bin/rsync"
)

// GaleraNodes is the size of the cluster Galera starts: the smallest one
// that keeps a primary component when one node dies.
const GaleraNodes = 3

// galeraSyncTimeout bounds the wait for a node to join and reach Synced
// (an rsync SST of a small data directory takes a few seconds).
const galeraSyncTimeout = 60 * time.Second

// GaleraCluster is a private 3-node MariaDB Galera cluster on 127.0.0.1.
// Each node is a [Server] of its own (its own data directory owned by the
// mysql user, socket, log and ports: client, group communication, IST and
// SST); [Galera] starts the cluster once per test binary and [Main] stops
// it with the other servers.
type GaleraCluster struct {
	nodes [GaleraNodes]*Server
}

// galeraNode is the flavor of one node: MariaDB with wsrep on.
type galeraNode struct {
	mariadb
	idx              int
	gcomm, ist, sst  int    // this node's ports besides the client port
	clusterAddr      string // gcomm://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3
	bootstrap        bool   // the next start founds a new cluster (--wsrep-new-cluster)
	installSystemDBs bool   // node 1 gets mysql.* from mariadb-install-db; the others by SST
}

func (g *galeraNode) binaries() ([]string, string) {
	return []string{mariadbd, mariadbInstal, galeraProvider, rsyncBin}, "mariadb-server galera-4 rsync"
}

func (g *galeraNode) initialize(s *Server) error {
	if g.installSystemDBs {
		return g.mariadb.initialize(s)
	}
	// A joiner's data directory starts empty: the rsync SST fills it from
	// the donor before the server opens it. The SST runs as the server's
	// account, which must own it.
	if err := os.Mkdir(s.data, 0o750); err != nil {
		return fmt.Errorf("testserver: %w", err)
	}
	if err := os.Chown(s.data, s.uid, s.gid); err != nil && s.user != "" {
		return fmt.Errorf("testserver: %w", err)
	}
	return nil
}

// argv: the options every Galera node needs (row-based binary log format,
// interleaved auto-increment locks, InnoDB), each node's own addresses,
// and Galera's defaults otherwise — in particular evs.suspect_timeout
// (5 s), which decides how soon the others evict a node that died, and so
// the failover time the tests measure.
func (g *galeraNode) argv(s *Server) []string {
	a := []string{mariadbd, "--no-defaults",
		"--port=" + strconv.Itoa(s.port),
		"--bind-address=127.0.0.1",
		"--socket=" + filepath.Join(s.dir, "mariadbd.sock"),
		"--pid-file=" + filepath.Join(s.dir, "mariadbd.pid"),
		"--max-connections=300",
		"--wsrep-on=ON",
		"--wsrep-provider=" + galeraProvider,
		"--wsrep-cluster-name=alchemy-test",
		"--wsrep-cluster-address=" + g.clusterAddr,
		"--wsrep-node-name=node" + strconv.Itoa(g.idx+1),
		"--wsrep-node-address=127.0.0.1:" + strconv.Itoa(g.gcomm),
		"--wsrep-node-incoming-address=127.0.0.1:" + strconv.Itoa(s.port),
		"--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:" + strconv.Itoa(g.gcomm) +
			";ist.recv_addr=127.0.0.1:" + strconv.Itoa(g.ist) + ";gcache.size=32M",
		"--wsrep-sst-method=rsync",
		"--wsrep-sst-receive-address=127.0.0.1:" + strconv.Itoa(g.sst),
		"--binlog-format=ROW",
		"--innodb-autoinc-lock-mode=2",
		"--default-storage-engine=InnoDB",
	}
	if g.bootstrap {
		a = append(a, "--wsrep-new-cluster")
	}
	return append(a, g.serverOptions(s)...)
}

var (
	// galeraMu serialises the tests that use the cluster.
	galeraMu sync.Mutex
	// galera is the running cluster, created by the first test that asks.
	galera *GaleraCluster
)

// Galera returns the private 3-node Galera cluster, every node running,
// Synced and in the primary component, for the duration of the test;
// other tests that ask for it wait until this one ends. The first call
// starts it (10–20 s on a 2-core machine); a test that leaves nodes killed or the cluster
// without quorum has it repaired for the next one. It skips the test
// under -short or when mariadb-server, galera-4 or rsync is missing.
func Galera(t testing.TB) *GaleraCluster {
	t.Helper()
	if testing.Short() {
		t.Skip("testserver: the Galera tests start a private 3-node cluster; they do not run with -short")
	}
	if !mainActive.Load() {
		t.Fatalf("testserver: this package's TestMain must call testserver.Main, which stops the servers when the tests end")
	}
	bins, pkg := (&galeraNode{}).binaries()
	for _, b := range bins {
		if _, err := os.Stat(b); err != nil {
			t.Skipf("testserver: %s is missing; install the Debian packages %s to run the Galera cluster tests", b, pkg)
		}
	}
	if !haveSocketLister() {
		t.Skip("testserver: the rsync state transfer of Galera needs ss (Debian package iproute2) or lsof; install one to run the Galera cluster tests")
	}
	galeraMu.Lock()
	t.Cleanup(galeraMu.Unlock)
	if galera != nil {
		err := galera.repair()
		if err == nil {
			return galera
		}
		t.Logf("testserver: the Galera cluster could not be repaired, starting a new one: %v", err)
		if err := galera.destroy(); err != nil {
			t.Fatal(err)
		}
		galera = nil
	}
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		// A spare port can be taken by another process between the probe
		// and the server's bind; a second set of ports is tried then.
		if galera, err = newGalera(); err == nil {
			return galera
		}
	}
	t.Fatal(err)
	return nil
}

func haveSocketLister() bool {
	for _, p := range []string{"/usr/bin/ss", "/bin/ss", "/usr/sbin/ss", "/usr/bin/lsof", "/usr/sbin/lsof"} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

// sparePorts asks the kernel for n distinct free ports, holding each
// until all are chosen.
func sparePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("testserver: no spare port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// newGalera creates and starts a cluster: node 1 founds it, nodes 2 and
// 3 join one at a time (each by an rsync SST from a node already Synced).
func newGalera() (*GaleraCluster, error) {
	uid, gid, name := os.Getuid(), os.Getgid(), ""
	if os.Geteuid() == 0 {
		u, err := lookupUser("mysql")
		if err != nil {
			return nil, err
		}
		uid, gid, name = u.uid, u.gid, u.name
	}
	if name != "" {
		if fi, err := os.Stat(os.TempDir()); err == nil && fi.Mode().Perm()&0o001 == 0 {
			return nil, fmt.Errorf("testserver: the Galera nodes run as %s, which cannot enter %s (mode %v); point TMPDIR at a directory others may enter, such as /tmp", name, os.TempDir(), fi.Mode().Perm())
		}
	}
	removeOrphans()
	ports, err := sparePorts(4 * GaleraNodes)
	if err != nil {
		return nil, err
	}
	addrs := make([]string, GaleraNodes)
	for i := range addrs {
		addrs[i] = "127.0.0.1:" + strconv.Itoa(ports[4*i+1])
	}
	g := &GaleraCluster{}
	for i := range GaleraNodes {
		kind := Kind("galera-node" + strconv.Itoa(i+1))
		dir, err := os.MkdirTemp("", dirPrefix+string(kind)+"-")
		if err != nil {
			_ = g.destroy()
			return nil, fmt.Errorf("testserver: %w", err)
		}
		f := &galeraNode{idx: i, gcomm: ports[4*i+1], ist: ports[4*i+2], sst: ports[4*i+3],
			clusterAddr: "gcomm://" + strings.Join(addrs, ","), bootstrap: i == 0, installSystemDBs: i == 0}
		s := &Server{kind: kind, flavor: f, dir: dir, data: filepath.Join(dir, "data"), logf: filepath.Join(dir, "server.log"),
			port: ports[4*i], uid: uid, gid: gid, user: name}
		g.nodes[i] = s
		if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
			_ = g.destroy()
			return nil, fmt.Errorf("testserver: %w", err)
		}
		if err := os.Chown(dir, uid, gid); err != nil && name != "" {
			_ = g.destroy()
			return nil, fmt.Errorf("testserver: %w", err)
		}
		if err := f.initialize(s); err != nil {
			_ = g.destroy()
			return nil, err
		}
	}
	for i, s := range g.nodes {
		if err := s.start(); err != nil {
			_ = g.destroy()
			return nil, fmt.Errorf("testserver: start Galera node %d: %w", i+1, err)
		}
		s.flavor.(*galeraNode).bootstrap = false // a restart joins the running cluster
		if i == 0 {
			ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
			err := s.flavor.afterFirstStart(ctx, s)
			cancel()
			if err != nil {
				_ = g.destroy()
				return nil, err
			}
		}
		if err := g.waitSynced(i+1, g.nodes[:i+1]...); err != nil {
			_ = g.destroy()
			return nil, err
		}
	}
	regMu.Lock()
	for _, s := range g.nodes {
		servers[s.kind] = s // StopAll stops them with the other servers
	}
	regMu.Unlock()
	return g, nil
}

type account struct {
	uid, gid int
	name     string
}

func lookupUser(name string) (account, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return account{}, fmt.Errorf("testserver: the Galera nodes run as the user %q, which does not exist (the Debian package mariadb-server creates it): %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return account{uid: uid, gid: gid, name: u.Username}, nil
}

// destroy kills every node and removes its directory (the data is
// thrown away, so there is no clean shutdown to wait for).
func (g *GaleraCluster) destroy() error {
	var errs []error
	regMu.Lock()
	defer regMu.Unlock()
	for _, s := range g.nodes {
		if s == nil {
			continue
		}
		if err := s.kill(); err != nil {
			errs = append(errs, err)
		}
		if err := os.RemoveAll(s.dir); err != nil {
			errs = append(errs, fmt.Errorf("testserver: remove %s: %w", s.dir, err))
		}
		if servers[s.kind] == s {
			delete(servers, s.kind)
		}
	}
	return errors.Join(errs...)
}

// GaleraStatus is what a node says about itself and its cluster.
type GaleraStatus struct {
	ClusterSize   int    // wsrep_cluster_size
	ClusterStatus string // wsrep_cluster_status: Primary, non-Primary, Disconnected
	LocalState    string // wsrep_local_state_comment: Synced, Joining, Donor/Desynced, Initialized…
	Ready         bool   // wsrep_ready: the node accepts queries
}

// Status asks node i (from 0) for its wsrep status over a new connection.
func (g *GaleraCluster) Status(ctx context.Context, i int) (GaleraStatus, error) {
	var st GaleraStatus
	db, err := sql.Open("mysql", g.nodes[i].flavor.adminDSN(g.nodes[i]))
	if err != nil {
		return st, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_cluster_status', 'wsrep_local_state_comment', 'wsrep_ready')")
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return st, err
		}
		switch strings.ToLower(k) {
		case "wsrep_cluster_size":
			st.ClusterSize, _ = strconv.Atoi(v)
		case "wsrep_cluster_status":
			st.ClusterStatus = v
		case "wsrep_local_state_comment":
			st.LocalState = v
		case "wsrep_ready":
			st.Ready = v == "ON"
		}
	}
	return st, rows.Err()
}

// waitSynced waits until each of nodes reports a primary component of
// size members and itself Synced.
func (g *GaleraCluster) waitSynced(size int, nodes ...*Server) error {
	deadline := time.Now().Add(galeraSyncTimeout)
	for _, s := range nodes {
		i := s.flavor.(*galeraNode).idx
		for {
			ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
			st, err := g.Status(ctx, i)
			cancel()
			if err == nil && st.ClusterSize == size && st.ClusterStatus == "Primary" && st.LocalState == "Synced" && st.Ready {
				break
			}
			if s.pid == 0 || !s.alive() {
				return fmt.Errorf("testserver: Galera node %d exited while joining; its log ends:\n%s", i+1, s.Log(3000))
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("testserver: Galera node %d not Synced in a primary component of %d within %v (status %+v, %v); its log ends:\n%s",
					i+1, size, galeraSyncTimeout, st, err, s.Log(3000))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return nil
}

// repair brings the cluster back to three Synced nodes in a primary
// component after a test killed nodes or took the quorum away: a
// survivor outside the primary component is made to found one again
// (pc.bootstrap=YES, what an operator does after a quorum loss), and the
// dead nodes are started and join it (IST, or SST when the gap is too
// large).
func (g *GaleraCluster) repair() error {
	var alive, dead []*Server
	for _, s := range g.nodes {
		pgid := s.pid
		if pgid != 0 && s.alive() {
			alive = append(alive, s)
			continue
		}
		if pgid != 0 {
			// It died on its own: its children (an SST script, its rsync
			// daemon) may still hold its ports.
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			for deadline := time.Now().Add(stopTimeout); len(groupMembers(pgid)) > 0; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					return fmt.Errorf("testserver: Galera node %s processes %v still alive after %v", s.kind, groupMembers(pgid), stopTimeout)
				}
			}
		}
		if err := s.reap(); err != nil {
			return err
		}
		dead = append(dead, s)
	}
	if len(alive) == 0 {
		return errors.New("testserver: every Galera node is down")
	}
	if len(dead) == 0 {
		if err := g.quickCheck(); err == nil {
			return nil
		}
	}
	st, err := g.waitEvicted(alive)
	if err != nil {
		return err
	}
	i := alive[0].flavor.(*galeraNode).idx
	if st.ClusterStatus != "Primary" {
		if err := g.Bootstrap(i); err != nil {
			return err
		}
	}
	for _, s := range dead {
		if err := s.start(); err != nil {
			return err
		}
	}
	return g.waitSynced(GaleraNodes, g.nodes[:]...)
}

// waitEvicted waits until the living nodes have evicted the dead ones
// from their view (after evs.suspect_timeout, 5 s by default), and
// returns the first living node's status. A node restarted before that
// is not let in until the old incarnation times out (evs.install_timeout
// and another round of suspicion: about 20 s instead of 5).
func (g *GaleraCluster) waitEvicted(alive []*Server) (GaleraStatus, error) {
	i := alive[0].flavor.(*galeraNode).idx
	return g.WaitStatus(i, galeraSyncTimeout, func(st GaleraStatus) bool { return st.ClusterSize == len(alive) })
}

// quickCheck is one status round over the nodes, without waiting.
func (g *GaleraCluster) quickCheck() error {
	for i := range g.nodes {
		ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
		st, err := g.Status(ctx, i)
		cancel()
		if err != nil {
			return err
		}
		if st.ClusterSize != GaleraNodes || st.ClusterStatus != "Primary" || st.LocalState != "Synced" {
			return fmt.Errorf("testserver: Galera node %d: %+v", i+1, st)
		}
	}
	return nil
}

// Bootstrap makes node i (from 0), left outside any primary component by
// a quorum loss, found a new primary component on its own, and waits
// until it accepts queries.
func (g *GaleraCluster) Bootstrap(i int) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	db, err := sql.Open("mysql", g.nodes[i].flavor.adminDSN(g.nodes[i]))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "SET GLOBAL wsrep_provider_options = 'pc.bootstrap=YES'"); err != nil {
		return fmt.Errorf("testserver: bootstrap Galera node %d: %w", i+1, err)
	}
	for {
		st, err := g.Status(ctx, i)
		if err == nil && st.ClusterStatus == "Primary" && st.Ready {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("testserver: Galera node %d not primary after pc.bootstrap (status %+v, %v)", i+1, st, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Node returns node i (from 0) as a [Server]: its URL, DSN, Plain, Admin,
// Pid and Log are the node's own. Use the cluster's methods, not the
// Server's, to kill and restart a node.
func (g *GaleraCluster) Node(i int) *Server { return g.nodes[i] }

// URL returns the host-list URL of the cluster's test database,
// mysql://root@127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3/test, with query,
// if not empty, as its query string.
func (g *GaleraCluster) URL(query string) string {
	hosts := make([]string, len(g.nodes))
	for i, s := range g.nodes {
		hosts[i] = "127.0.0.1:" + strconv.Itoa(s.port)
	}
	return g.URLOf(query, hosts...)
}

// URLOf is [GaleraCluster.URL] with the given hosts in the given order
// (addresses from [GaleraCluster.Addr], or dead ones).
func (g *GaleraCluster) URLOf(query string, hosts ...string) string {
	u := "mysql://root@" + strings.Join(hosts, ",") + "/test"
	if query != "" {
		u += "?" + query
	}
	return u
}

// Addr returns node i's client address, 127.0.0.1:PORT.
func (g *GaleraCluster) Addr(i int) string { return "127.0.0.1:" + strconv.Itoa(g.nodes[i].port) }

// Kill sends SIGKILL to node i (from 0) and waits until it is gone, as a
// crash of its machine would look to the other nodes (they evict it after
// evs.suspect_timeout).
func (g *GaleraCluster) Kill(t testing.TB, i int) {
	t.Helper()
	if err := g.nodes[i].kill(); err != nil {
		t.Fatal(err)
	}
}

// Rejoin starts the killed or stopped node i again and waits until the
// cluster has all its nodes Synced.
func (g *GaleraCluster) Rejoin(t testing.TB, i int) {
	t.Helper()
	var alive []*Server
	for _, s := range g.nodes {
		if s != g.nodes[i] && s.pid != 0 && s.alive() {
			alive = append(alive, s)
		}
	}
	if len(alive) == 0 {
		t.Fatalf("testserver: Galera node %d cannot rejoin: no other node is running", i+1)
	}
	if _, err := g.waitEvicted(alive); err != nil {
		t.Fatal(err)
	}
	if err := g.nodes[i].start(); err != nil {
		t.Fatal(err)
	}
	if err := g.waitSynced(GaleraNodes, g.nodes[:]...); err != nil {
		t.Fatal(err)
	}
}

// Stop shuts node i down cleanly (it leaves the cluster, which shrinks
// without losing its primary component) and waits until it is gone.
func (g *GaleraCluster) Stop(t testing.TB, i int) {
	t.Helper()
	if err := g.nodes[i].stop(Fast); err != nil {
		t.Fatal(err)
	}
}

// WaitStatus polls node i until ok accepts its status, up to d, and
// returns the last status.
func (g *GaleraCluster) WaitStatus(i int, d time.Duration, ok func(GaleraStatus) bool) (GaleraStatus, error) {
	deadline := time.Now().Add(d)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
		st, err := g.Status(ctx, i)
		cancel()
		if err == nil && ok(st) {
			return st, nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("testserver: Galera node %d: status %+v after %v", i+1, st, d)
			}
			return st, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
