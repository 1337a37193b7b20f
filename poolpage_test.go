package alchemy_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
)

// pageScene builds a PostgreSQL pool with something to show: one
// connection held (with leak detection on, so its stack is listed), one
// queued wait of about 30ms, and one invalidation (a session killed on
// the server, then used).
func pageScene(t *testing.T) (*alchemy.Engine, *sql.Conn) {
	srv := servers[0]
	raw := withQuery(srv.newURL(t), "pool_size=2&max_overflow=0&pool_leak_threshold=3600")
	eng, err := alchemy.CreateEngine(raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	ctx := context.Background()
	db := eng.DB()

	// An invalidation: kill the session behind a checkout, then use it.
	victim, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pid int64
	if err := victim.QueryRowContext(ctx, srv.pid).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.admin(t).Exec(srv.kill, pid); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	_, _ = victim.ExecContext(ctx, "SELECT 1") // fails: the session is gone
	victim.Close()
	if len(eng.Pool().RecentInvalidations()) == 0 {
		t.Fatal("killing the session invalidated nothing")
	}

	held := pageHolder(t, db)
	other, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { // queues: both connections are out
		c, err := db.Conn(ctx)
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	time.Sleep(30 * time.Millisecond)
	other.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return eng, held
}

//go:noinline
func pageHolder(t *testing.T, db *sql.DB) *sql.Conn {
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestServerPoolPageJSON: the page's data says what the pool holds.
func TestServerPoolPageJSON(t *testing.T) {
	eng, _ := pageScene(t)
	hs := httptest.NewServer(alchemy.PoolPage(eng.Pool()))
	defer hs.Close()
	resp, err := http.Get(hs.URL + "/?format=json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var snap struct {
		Pools []struct {
			Name  string
			Stats alchemy.PoolStats
			Wait  []struct {
				Label string
				Count int64
			}
			Checkouts []struct {
				Conn    uint64
				AgeS    float64 `json:"age_s"`
				TakenAt string  `json:"taken_at"`
				Stack   string
			}
			Invalidations []struct{ Reason string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&snap); err != nil {
		t.Fatal(err)
	}
	if len(snap.Pools) != 1 {
		t.Fatalf("%d pools, want 1", len(snap.Pools))
	}
	p := snap.Pools[0]
	if p.Name != eng.URL().String() || p.Stats.CheckedOut != 1 || p.Stats.Size != 2 {
		t.Errorf("pool %q stats %+v", p.Name, p.Stats)
	}
	if len(p.Checkouts) != 1 || !strings.Contains(p.Checkouts[0].TakenAt, "pageHolder") {
		t.Errorf("checkouts %+v, want the one pageHolder took", p.Checkouts)
	}
	var waited int64
	for _, b := range p.Wait {
		if b.Label == "≤ 50ms" || b.Label == "≤ 100ms" || b.Label == "≤ 20ms" {
			waited += b.Count
		}
	}
	if waited != 1 {
		t.Errorf("wait histogram %+v, want the one ~30ms wait", p.Wait)
	}
	if len(p.Invalidations) == 0 {
		t.Error("no invalidation listed")
	}
}

// TestServerPoolPageBrowser loads the page in headless Chromium: the
// script renders the live figures (the DOM after it ran is checked) and
// the screenshot shows the used/idle gauge in its colours.
func TestServerPoolPageBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
	}
	eng, _ := pageScene(t)
	mux := http.NewServeMux()
	mux.Handle("/debug/alchemy/", alchemy.PoolPage(eng.Pool()))
	hs := httptest.NewServer(mux)
	defer hs.Close()
	page := hs.URL + "/debug/alchemy/"

	run := func(args ...string) []byte {
		t.Helper()
		profile := t.TempDir()
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1200,1400",
			"--virtual-time-budget=5000"}
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, chromium, append(append(base, args...), page)...)
		cmd.Dir = profile
		out, err := cmd.Output()
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("chromium %v: %v\n%s", args, err, stderr)
		}
		return out
	}

	dom := string(run("--dump-dom"))
	for _, want := range []string{
		"alchemy pools",
		html.EscapeString(eng.URL().String()),
		"data-k=\"used\">1<",
		"data-k=\"pool_size\">2<",
		"pageHolder",
		"1 pool(s)",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	if strings.Contains(dom, "loading…") {
		t.Error("the script never replaced the loading line")
	}
	if t.Failed() {
		t.Logf("DOM:\n%s", dom)
	}

	shot := filepath.Join(t.TempDir(), "pool.png")
	run("--screenshot=" + shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 1200 || b.Dy() != 1400 {
		t.Errorf("screenshot %v, want 1200x1400", b)
	}
	// The gauge is 480px wide for 2 connections: one used (#d8603b),
	// none idle, so about 240 columns of the used colour on its rows.
	used := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, 0xd8) && near(g, 0x60) && near(bl, 0x3b) {
				used++
			}
		}
	}
	if used < 200*15 || used > 280*24 {
		t.Errorf("%d pixels of the used colour, want a bar about 240x22", used)
	}
	t.Logf("screenshot %v, %d used-colour pixels", b, used)
}

func near(c uint32, want uint32) bool {
	c >>= 8
	return c+6 >= want && c <= want+6
}

// TestPoolPageAllPools: with no pools given, the page shows every pool
// of the process not yet closed, and a closed one disappears.
func TestPoolPageAllPools(t *testing.T) {
	eng, err := alchemy.CreateEngine("sqlite+noop://?pool_size=7&max_overflow=0")
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(alchemy.PoolPage())
	defer hs.Close()
	names := func() []string {
		resp, err := http.Get(hs.URL + "/?format=json")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var snap struct{ Pools []struct{ Name string } }
		if err := json.NewDecoder(resp.Body).Decode(&snap); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range snap.Pools {
			out = append(out, p.Name)
		}
		return out
	}
	want := eng.Pool().Name()
	if !slices.Contains(names(), want) {
		t.Errorf("page lists %v, want %q among them", names(), want)
	}
	eng.Close()
	if slices.Contains(names(), want) {
		t.Errorf("closed pool %q still listed", want)
	}
}
