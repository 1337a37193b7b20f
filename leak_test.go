package alchemy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
)

// TestServerLeakDetection: a checkout held past pool_leak_threshold is
// reported once with the stack that took it, and again when it comes
// back; Checkouts lists it; a checkout that times out meanwhile says how
// many are out and where the oldest was taken.
func TestServerLeakDetection(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			sink := setDefaultLogger(t)
			raw := withQuery(srv.newURL(t), "pool_leak_threshold=0.05&pool_size=1&max_overflow=0&pool_timeout=0.2")
			eng, err := alchemy.CreateEngine(raw)
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			ctx := context.Background()
			c := leakyCheckout(t, eng)

			deadline := time.Now().Add(5 * time.Second)
			for len(sink.records(t, "alchemy: connection checked out longer than pool_leak_threshold, possible leak")) == 0 {
				if time.Now().After(deadline) {
					t.Fatalf("no leak report; log:\n%s", sink.text())
				}
				time.Sleep(10 * time.Millisecond)
			}
			r := sink.records(t, "alchemy: connection checked out longer than pool_leak_threshold, possible leak")[0]
			if r["level"] != "WARN" || !strings.Contains(r["taken_at"].(string), "leakyCheckout") || !strings.Contains(r["stack"].(string), "TestServerLeakDetection") {
				t.Errorf("leak report %v: want WARN, taken at leakyCheckout, stack through the test", r)
			}

			cos := eng.Pool().Checkouts()
			if len(cos) != 1 || cos[0].Age < 50*time.Millisecond || !strings.Contains(cos[0].TakenAt, "leakyCheckout") {
				t.Errorf("Checkouts() = %+v, want the one held by leakyCheckout, older than 50ms", cos)
			}

			_, err = eng.Connect(ctx)
			var te *alchemy.PoolTimeoutError
			if !errors.As(err, &te) || te.CheckedOut != 1 || te.Oldest == nil || !strings.Contains(err.Error(), "1 connections checked out, the oldest (connection 1)") ||
				!strings.Contains(err.Error(), "taken at github.com/go-alchemy/alchemy_test.leakyCheckout") {
				t.Errorf("second checkout: %v, want a timeout naming the oldest checkout", err)
			}

			time.Sleep(100 * time.Millisecond) // long enough for another scan: still one report
			if n := len(sink.records(t, "alchemy: connection checked out longer than pool_leak_threshold, possible leak")); n != 1 {
				t.Errorf("%d leak reports for one checkout, want 1", n)
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			back := sink.records(t, "alchemy: a connection reported as possibly leaked came back")
			if len(back) != 1 || back[0]["conn"] != 1.0 {
				t.Fatalf("return records %v, want one for connection 1", back)
			}
			if d, _ := back[0]["held"].(float64); time.Duration(d) < 150*time.Millisecond {
				t.Errorf("held %v, want at least the 150ms it was out", time.Duration(d))
			}
			if cos := eng.Pool().Checkouts(); len(cos) != 0 {
				t.Errorf("Checkouts() after the return = %+v", cos)
			}
		})
	}
}

//go:noinline
func leakyCheckout(t *testing.T, eng *alchemy.Engine) *alchemy.Conn {
	c, err := eng.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(context.Background(), "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLeakDetectionOff: without a threshold nothing is recorded and the
// timeout says how to get the stacks.
func TestLeakDetectionOff(t *testing.T) {
	eng, err := alchemy.CreateEngine("sqlite+noop://?pool_size=1&max_overflow=0&pool_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	c, err := eng.DB().Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if cos := eng.Pool().Checkouts(); cos != nil {
		t.Errorf("Checkouts() = %v without leak detection, want nil", cos)
	}
	_, err = eng.DB().Conn(context.Background())
	if err == nil || !strings.Contains(err.Error(), "1 connections checked out (set pool_leak_threshold to see where they were taken)") {
		t.Errorf("timeout: %v", err)
	}
}

// TestPoolKeysURL: the new pool keys parse, reject bad values by name,
// and never reach the driver.
func TestPoolKeysURL(t *testing.T) {
	for _, tc := range []struct {
		q       string
		leak    time.Duration
		jitter  float64
		wantErr string
	}{
		{q: "", jitter: alchemy.DefaultRecycleJitter},
		{q: "pool_leak_threshold=2.5", leak: 2500 * time.Millisecond, jitter: alchemy.DefaultRecycleJitter},
		{q: "pool_leak_threshold=-1&pool_recycle_jitter=0", jitter: 0},
		{q: "pool_recycle_jitter=0.25", jitter: 0.25},
		{q: "pool_recycle_jitter=0.9", wantErr: "pool_recycle_jitter"},
		{q: "pool_recycle_jitter=abc", wantErr: "pool_recycle_jitter"},
		{q: "pool_leak_threshold=soon", wantErr: "pool_leak_threshold"},
	} {
		t.Run(tc.q, func(t *testing.T) {
			u, err := alchemy.ParseURL("postgresql://u:pw@h/db?sslmode=disable&" + tc.q)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := alchemy.PoolConfigFromURL(u, alchemy.DefaultPoolConfig())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "pw") {
					t.Fatalf("err %v, want one naming %s without the password", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.LeakThreshold != tc.leak || cfg.RecycleJitter != tc.jitter {
				t.Errorf("LeakThreshold %v RecycleJitter %v, want %v %v", cfg.LeakThreshold, cfg.RecycleJitter, tc.leak, tc.jitter)
			}
			if q := u.DriverQuery(); len(q) != 1 || q.Get("sslmode") != "disable" {
				t.Errorf("DriverQuery() = %v, want only sslmode", q)
			}
		})
	}
}
