package alchemy

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

// newFakePool builds a pool over a fresh fakeDriver. The pool is closed
// at cleanup, after which the driver must hold no live connection that
// the test did not leave out on purpose, and no conn may have been
// closed twice.
func newFakePool(t testing.TB, cfg PoolConfig) (*QueuePool, *fakeDriver) {
	t.Helper()
	d := &fakeDriver{}
	if cfg.Dial == nil {
		cfg.Dial = d.Dial
	}
	p, err := NewQueuePool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Close()
		if err := p.CheckInvariants(); err != nil {
			t.Error(err)
		}
		if n := d.twice.Load(); n != 0 {
			t.Errorf("%d conns closed twice", n)
		}
	})
	return p, d
}

// poolCfg is DefaultPoolConfig with size, overflow and timeout set.
func poolCfg(size, overflow int, timeout time.Duration) PoolConfig {
	cfg := DefaultPoolConfig()
	cfg.Size, cfg.MaxOverflow, cfg.Timeout = size, overflow, timeout
	return cfg
}

func mustGet(t testing.TB, p *QueuePool) *PooledConn {
	t.Helper()
	pc, err := p.Get(context.Background())
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return pc
}

func wantStatus(t testing.TB, p *QueuePool, want string) {
	t.Helper()
	if got := p.Status(); got != want {
		t.Errorf("Status:\n got %q\nwant %q", got, want)
	}
	if err := p.CheckInvariants(); err != nil {
		t.Error(err)
	}
}

// eventually polls cond until it holds, failing the test after 5s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// waitersQueued waits until n Get calls are queued.
func waitersQueued(t testing.TB, p *QueuePool, n int) {
	t.Helper()
	eventually(t, fmt.Sprintf("%d waiters", n), func() bool { return p.Stats().Waiting == n })
}

// poolEventLog records pool events as "kind#id" strings.
type poolEventLog struct {
	mu  sync.Mutex
	evs []string
	err []error
}

func (l *poolEventLog) add(e PoolEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, fmt.Sprintf("%v#%d", e.Kind, e.ConnID))
	l.err = append(l.err, e.Err)
}

// take returns the events so far and forgets them.
func (l *poolEventLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	evs := l.evs
	l.evs, l.err = nil, nil
	return evs
}

func wantEvents(t testing.TB, l *poolEventLog, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, l.take()); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestPoolConfigValidation(t *testing.T) {
	defer goleak.VerifyNone(t)
	dial := (&fakeDriver{}).Dial
	tests := []struct {
		name string
		edit func(*PoolConfig)
		want string // "" = valid
	}{
		{"default", func(*PoolConfig) {}, ""},
		{"size 0 unlimited", func(c *PoolConfig) { c.Size = 0 }, ""},
		{"overflow -1 unlimited", func(c *PoolConfig) { c.MaxOverflow = -1 }, ""},
		{"timeout 0", func(c *PoolConfig) { c.Timeout = 0 }, ""},
		{"recycle negative is off", func(c *PoolConfig) { c.Recycle = -time.Second }, ""},
		{"negative size", func(c *PoolConfig) { c.Size = -1 }, "PoolConfig.Size -1"},
		{"overflow below -1", func(c *PoolConfig) { c.MaxOverflow = -2 }, "PoolConfig.MaxOverflow -2"},
		{"negative timeout", func(c *PoolConfig) { c.Timeout = -time.Second }, "PoolConfig.Timeout -1s"},
		{"bad reset mode", func(c *PoolConfig) { c.ResetOnReturn = 7 }, "PoolConfig.ResetOnReturn ResetMode(7)"},
		{"no dial", func(c *PoolConfig) { c.Dial = nil }, "PoolConfig.Dial <nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultPoolConfig()
			cfg.Dial = dial
			tt.edit(&cfg)
			p, err := NewQueuePool(cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("NewQueuePool: %v", err)
				}
				p.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "alchemy: ") {
				t.Fatalf("NewQueuePool error = %v, want one naming %q", err, tt.want)
			}
		})
	}
}

func TestPoolDefaultConfig(t *testing.T) {
	got := DefaultPoolConfig()
	if got.Size != 5 || got.MaxOverflow != 10 || got.Timeout != 30*time.Second || got.Recycle != 0 ||
		got.PrePing || got.UseLIFO || got.ResetOnReturn != ResetRollback || got.Dial != nil {
		t.Errorf("DefaultPoolConfig() = %+v", got)
	}
}

func TestParseResetMode(t *testing.T) {
	tests := []struct {
		in      string
		want    ResetMode
		wantErr bool
	}{
		{"rollback", ResetRollback, false},
		{"commit", ResetCommit, false},
		{"none", ResetNone, false},
		{"true", ResetRollback, false},
		{"false", ResetNone, false},
		{"Rollback", ResetRollback, false},
		{"bogus", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseResetMode(tt.in)
		if tt.wantErr {
			want := fmt.Sprintf("alchemy: invalid value for pool_reset_on_return: %q (want rollback, commit, none, true or false)", tt.in)
			if err == nil || err.Error() != want {
				t.Errorf("ParseResetMode(%q) error = %v, want %q", tt.in, err, want)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseResetMode(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, err := ParseResetMode(got.String()); err != nil || back != got {
			t.Errorf("ParseResetMode(%v.String()) = %v, %v", got, back, err)
		}
	}
}

func TestPoolEnumStrings(t *testing.T) {
	got := []string{}
	for k := EventConnect; k <= EventClose+1; k++ {
		got = append(got, k.String())
	}
	for m := ResetRollback; m <= ResetNone+1; m++ {
		got = append(got, m.String())
	}
	want := []string{"connect", "checkout", "checkin", "reset", "invalidate", "close", "PoolEventKind(6)",
		"rollback", "commit", "none", "ResetMode(3)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestPoolStatus follows SQLAlchemy's observed status strings (spec 3.2,
// 3.3, 3.12): grows on demand, caps at size+overflow, closes overflow on
// checkin.
func TestPoolStatus(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, d := newFakePool(t, DefaultPoolConfig())
	wantStatus(t, p, "Pool size: 5  Connections in pool: 0 Current Overflow: -5 Current Checked out connections: 0")
	if d.dials.Load() != 0 {
		t.Fatal("a new pool opened connections")
	}

	p, d = newFakePool(t, poolCfg(2, 1, 0))
	var out []*PooledConn
	for i, want := range []string{
		"Pool size: 2  Connections in pool: 0 Current Overflow: -1 Current Checked out connections: 1",
		"Pool size: 2  Connections in pool: 0 Current Overflow: 0 Current Checked out connections: 2",
		"Pool size: 2  Connections in pool: 0 Current Overflow: 1 Current Checked out connections: 3",
	} {
		out = append(out, mustGet(t, p))
		wantStatus(t, p, want)
		if got := d.dials.Load(); got != int64(i+1) {
			t.Errorf("after %d checkouts, %d dials", i+1, got)
		}
	}
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrPoolTimeout) {
		t.Fatalf("4th Get: %v, want ErrPoolTimeout", err)
	}
	for _, pc := range out {
		pc.Release()
	}
	wantStatus(t, p, "Pool size: 2  Connections in pool: 2 Current Overflow: 0 Current Checked out connections: 0")
	if d.conn(1).isClosed() || d.conn(2).isClosed() || !d.conn(3).isClosed() {
		t.Error("want c1 and c2 kept, c3 (meeting a full pool) closed")
	}
	if got := d.live.Load(); got != 2 {
		t.Errorf("live conns %d, want 2", got)
	}
}

// TestPoolUnlimited covers max_overflow -1 (spec 3.5) and pool_size 0
// (spec 3.6, SQLAlchemy 2.0).
func TestPoolUnlimited(t *testing.T) {
	tests := []struct {
		name              string
		size, overflow, n int
		out, back         string
		closed            int64
	}{
		{"max_overflow -1", 1, -1, 5,
			"Pool size: 1  Connections in pool: 0 Current Overflow: 4 Current Checked out connections: 5",
			"Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0", 4},
		{"pool_size 0", 0, 10, 20,
			"Pool size: 0  Connections in pool: 0 Current Overflow: 0 Current Checked out connections: 20",
			"Pool size: 0  Connections in pool: 20 Current Overflow: 0 Current Checked out connections: 0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			p, d := newFakePool(t, poolCfg(tt.size, tt.overflow, 0))
			var out []*PooledConn
			for range tt.n {
				out = append(out, mustGet(t, p))
			}
			wantStatus(t, p, tt.out)
			for _, pc := range out {
				pc.Release()
			}
			wantStatus(t, p, tt.back)
			if got := d.closed.Load(); got != tt.closed {
				t.Errorf("closed %d conns, want %d", got, tt.closed)
			}
		})
	}
}

// TestPoolReuseOrder: open A, B, C and return them in order; FIFO hands
// out A first, LIFO C (spec 3.14).
func TestPoolReuseOrder(t *testing.T) {
	for _, tt := range []struct {
		lifo bool
		want []uint64
	}{{false, []uint64{1, 2, 3}}, {true, []uint64{3, 2, 1}}} {
		t.Run(fmt.Sprintf("lifo=%v", tt.lifo), func(t *testing.T) {
			defer goleak.VerifyNone(t)
			cfg := poolCfg(3, 0, 0)
			cfg.UseLIFO = tt.lifo
			p, d := newFakePool(t, cfg)
			a, b, c := mustGet(t, p), mustGet(t, p), mustGet(t, p)
			a.Release()
			b.Release()
			c.Release()
			var got []uint64
			for range 3 {
				got = append(got, mustGet(t, p).ID())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("checkout order (-want +got):\n%s", diff)
			}
			if d.dials.Load() != 3 {
				t.Errorf("%d dials, want 3", d.dials.Load())
			}
		})
	}
}

// TestPoolWaitersFIFO: waiters are served in arrival order, each one
// handed the connection the previous one returned.
func TestPoolWaitersFIFO(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, _ := newFakePool(t, poolCfg(1, 0, 10*time.Second))
	held := mustGet(t, p)
	const n = 6
	var (
		mu    sync.Mutex
		order []int
		wg    sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			pc, err := p.Get(context.Background())
			if err != nil {
				t.Errorf("waiter %d: %v", i, err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			pc.Release()
		})
		waitersQueued(t, p, i+1)
	}
	held.Release()
	wg.Wait()
	if diff := cmp.Diff([]int{0, 1, 2, 3, 4, 5}, order); diff != "" {
		t.Errorf("service order (-want +got):\n%s", diff)
	}
	if s := p.Stats(); s.Waits != n || s.Opens != 1 || s.Checkouts != n+1 {
		t.Errorf("stats %+v", s)
	}
}

// TestPoolReturnerCannotRetake: the goroutine returning a connection
// cannot take it back ahead of a queued waiter (in SQLAlchemy's QueuePool
// it can, and a busy returner starves the queue).
func TestPoolReturnerCannotRetake(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, _ := newFakePool(t, poolCfg(1, 0, 10*time.Second))
	held := mustGet(t, p)
	got := make(chan *PooledConn)
	go func() {
		pc, err := p.Get(context.Background())
		if err != nil {
			t.Error(err)
		}
		got <- pc
	}()
	waitersQueued(t, p, 1)
	held.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if pc, err := p.Get(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("returner re-took the connection: %v, %v", pc, err)
	}
	(<-got).Release()
	wantStatus(t, p, "Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0")
}

func TestPoolTimeout(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, _ := newFakePool(t, poolCfg(1, 1, 50*time.Millisecond))
	a, b := mustGet(t, p), mustGet(t, p)
	start := time.Now()
	_, err := p.Get(context.Background())
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Errorf("timed out after %v, before pool_timeout", elapsed)
	}
	var te *PoolTimeoutError
	if !errors.Is(err, ErrPoolTimeout) || !errors.As(err, &te) {
		t.Fatalf("Get: %v, want a *PoolTimeoutError", err)
	}
	if te.Size != 1 || te.Overflow != 1 || te.Timeout != 50*time.Millisecond {
		t.Errorf("error fields %+v", *te)
	}
	const msg = "alchemy: QueuePool limit of size 1 overflow 1 reached, connection timed out, timeout 0.05s; 2 connections checked out (set pool_leak_threshold to see where they were taken)"
	if err.Error() != msg {
		t.Errorf("message %q, want %q", err, msg)
	}
	s := p.Stats()
	if s.Timeouts != 1 || s.Waits != 1 || s.Waiting != 0 || s.WaitDuration < 50*time.Millisecond {
		t.Errorf("stats %+v", s)
	}
	a.Release()
	b.Release()
	wantStatus(t, p, "Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0")
}

// TestPoolTimeoutEachWaiter: the pool's one timer ends every waiter's
// wait pool_timeout after that waiter queued, never sooner, also when
// the timer was set for an elder that got a connection in the meantime
// (it fires early and moves on to the next deadline).
func TestPoolTimeoutEachWaiter(t *testing.T) {
	defer goleak.VerifyNone(t)
	const timeout = 80 * time.Millisecond
	p, _ := newFakePool(t, poolCfg(1, 0, timeout))
	held := mustGet(t, p)
	type outcome struct {
		pc      *PooledConn
		err     error
		elapsed time.Duration
	}
	queue := func() <-chan outcome {
		ch := make(chan outcome, 1)
		n := p.Stats().Waiting
		go func() {
			start := time.Now()
			pc, err := p.Get(context.Background())
			ch <- outcome{pc, err, time.Since(start)}
		}()
		waitersQueued(t, p, n+1)
		return ch
	}
	first := queue() // the timer is set for its deadline
	time.Sleep(timeout / 4)
	second := queue()
	time.Sleep(timeout / 4)
	third := queue()
	held.Release() // first gets it, well before its deadline
	got := <-first
	if got.err != nil {
		t.Fatalf("first waiter: %v", got.err)
	}
	for i, ch := range []<-chan outcome{second, third} {
		o := <-ch
		if !errors.Is(o.err, ErrPoolTimeout) {
			t.Fatalf("waiter %d: %v, want ErrPoolTimeout", i+2, o.err)
		}
		if o.elapsed < timeout {
			t.Errorf("waiter %d timed out after %v, before pool_timeout %v", i+2, o.elapsed, timeout)
		}
		if err := p.CheckInvariants(); err != nil {
			t.Error(err)
		}
	}
	if s := p.Stats(); s.Timeouts != 2 || s.Waits != 3 || s.Waiting != 0 {
		t.Errorf("stats %+v", s)
	}
	got.pc.Release()
	// The timer keeps working after it has drained the queue.
	held = mustGet(t, p)
	if o := <-queue(); !errors.Is(o.err, ErrPoolTimeout) || o.elapsed < timeout {
		t.Errorf("later waiter: %v after %v", o.err, o.elapsed)
	}
	held.Release()
}

// TestPoolNoTimeoutNoTimer: pool_timeout=none waits without a deadline
// (and without a timer) until a connection comes back.
func TestPoolNoTimeoutNoTimer(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, _ := newFakePool(t, poolCfg(1, 0, time.Duration(1<<63-1)))
	held := mustGet(t, p)
	got := make(chan error, 1)
	go func() {
		pc, err := p.Get(context.Background())
		if err == nil {
			pc.Release()
		}
		got <- err
	}()
	waitersQueued(t, p, 1)
	if p.expiry != nil {
		t.Error("an untimed pool set a timer")
	}
	held.Release()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

func TestPoolTimeoutZeroFailsAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, _ := newFakePool(t, poolCfg(1, 0, 0))
	pc := mustGet(t, p)
	_, err := p.Get(context.Background())
	if !errors.Is(err, ErrPoolTimeout) {
		t.Fatalf("Get: %v", err)
	}
	if s := p.Stats(); s.Waits != 0 || s.Timeouts != 1 {
		t.Errorf("Timeout 0 queued the caller: %+v", s)
	}
	pc.Release()
}

// TestPoolWaiterContext: a waiter whose context ends gets ctx.Err(),
// not ErrPoolTimeout, and leaves the queue without taking a slot.
func TestPoolWaiterContext(t *testing.T) {
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancel", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }, context.Canceled},
		{"deadline before pool_timeout", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 20*time.Millisecond)
		}, context.DeadlineExceeded},
		{"already done", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			p, _ := newFakePool(t, poolCfg(1, 0, 10*time.Second))
			held := mustGet(t, p)
			ctx, cancel := tt.ctx()
			defer cancel()
			errc := make(chan error)
			go func() {
				_, err := p.Get(ctx)
				errc <- err
			}()
			if ctx.Err() == nil && tt.want == context.Canceled {
				waitersQueued(t, p, 1)
				cancel()
			}
			if err := <-errc; err != tt.want {
				t.Fatalf("Get: %v, want %v", err, tt.want)
			}
			wantStatus(t, p, "Pool size: 1  Connections in pool: 0 Current Overflow: 0 Current Checked out connections: 1")
			if n := p.Stats().Waiting; n != 0 {
				t.Errorf("%d waiters left", n)
			}
			held.Release()
			wantStatus(t, p, "Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0")
		})
	}
}

// TestPoolCancelledWaiterRace: a connection (or a freed slot) handed to
// a waiter whose context just ended is given back, not lost.
func TestPoolCancelledWaiterRace(t *testing.T) {
	tests := []struct {
		name   string
		free   func(*PooledConn)
		status string
	}{
		{"conn handed over", (*PooledConn).Release,
			"Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0"},
		{"slot handed over", func(pc *PooledConn) { pc.Invalidate(driver.ErrBadConn) },
			"Pool size: 1  Connections in pool: 0 Current Overflow: -1 Current Checked out connections: 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			p, d := newFakePool(t, poolCfg(1, 0, 10*time.Second))
			inHook, proceed := make(chan struct{}), make(chan struct{})
			p.SetWaiterCancelHook(func() {
				inHook <- struct{}{}
				<-proceed
			})
			held := mustGet(t, p)
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error)
			go func() {
				_, err := p.Get(ctx)
				errc <- err
			}()
			waitersQueued(t, p, 1)
			cancel()
			<-inHook
			tt.free(held) // hands the conn or slot to the leaving waiter
			if n := p.Stats().Waiting; n != 0 {
				t.Fatalf("waiter not granted: %d waiting", n)
			}
			close(proceed)
			if err := <-errc; err != context.Canceled {
				t.Fatalf("Get: %v", err)
			}
			wantStatus(t, p, tt.status)
			pc := mustGet(t, p)
			pc.Release()
			if got := d.live.Load(); got != 1 {
				t.Errorf("live conns %d, want 1", got)
			}
		})
	}
}

func TestPoolDialFailure(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, d := newFakePool(t, poolCfg(2, 0, 0))
	boom := errors.New("connection refused")
	d.failNextDials(boom)
	if _, err := p.Get(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("Get: %v, want %v", err, boom)
	}
	wantStatus(t, p, "Pool size: 2  Connections in pool: 0 Current Overflow: -2 Current Checked out connections: 0")
	a, b := mustGet(t, p), mustGet(t, p)
	a.Release()
	b.Release()
	if s := p.Stats(); s.Opens != 2 || s.Checkouts != 2 {
		t.Errorf("stats %+v", s)
	}
}

// TestPoolDialFailureWakesWaiter: a freed slot goes to the oldest waiter,
// which dials; when that dial fails, the slot goes on to the next waiter
// instead of stranding it.
func TestPoolDialFailureWakesWaiter(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, d := newFakePool(t, poolCfg(1, 0, 10*time.Second))
	held := mustGet(t, p)
	boom := errors.New("connection refused")
	d.failNextDials(boom)
	errs := make([]chan error, 2)
	for i := range errs {
		errs[i] = make(chan error, 1)
		go func() {
			pc, err := p.Get(context.Background())
			if err == nil {
				if pc.ID() != 3 { // 1 = held, 2 = the failed dial
					t.Errorf("waiter %d got conn %d", i, pc.ID())
				}
				pc.Release()
			}
			errs[i] <- err
		}()
		waitersQueued(t, p, i+1)
	}
	held.Invalidate(driver.ErrBadConn)
	if err := <-errs[0]; !errors.Is(err, boom) {
		t.Errorf("first waiter: %v, want %v", err, boom)
	}
	if err := <-errs[1]; err != nil {
		t.Errorf("second waiter: %v", err)
	}
	wantStatus(t, p, "Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0")
}

// TestPoolSlowDialCallerLeaves: a caller whose context ends stops
// waiting for its dial, which goes on and gives its connection to the
// next waiter or the idle list.
func TestPoolSlowDialCallerLeaves(t *testing.T) {
	for _, withWaiter := range []bool{false, true} {
		t.Run(fmt.Sprintf("waiter=%v", withWaiter), func(t *testing.T) {
			defer goleak.VerifyNone(t)
			p, d := newFakePool(t, poolCfg(1, 0, 10*time.Second))
			gate, started := make(chan struct{}), make(chan struct{}, 1)
			d.setGate(gate, started)
			type key struct{}
			ctx, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
			errc := make(chan error)
			go func() {
				_, err := p.Get(ctx)
				errc <- err
			}()
			<-started
			got := make(chan *PooledConn, 1)
			if withWaiter {
				go func() {
					pc, err := p.Get(context.Background())
					if err != nil {
						t.Error(err)
					}
					got <- pc
				}()
				waitersQueued(t, p, 1)
			}
			cancel()
			if err := <-errc; err != context.Canceled {
				t.Fatalf("Get: %v, want context.Canceled while the dial is still running", err)
			}
			dctx := d.lastDialCtx()
			if dctx.Err() != nil || dctx.Value(key{}) != "v" {
				t.Errorf("dial context: err %v, value %v; want alive, with the caller's value", dctx.Err(), dctx.Value(key{}))
			}
			if dl, ok := dctx.Deadline(); !ok || time.Until(dl) < 25*time.Second {
				t.Errorf("dial deadline %v, %v; want about 30s away", dl, ok)
			}
			gate <- struct{}{}
			p.WaitDials()
			if withWaiter {
				pc := <-got
				if pc.ID() != 1 {
					t.Errorf("waiter got conn %d, want the abandoned dial's", pc.ID())
				}
				pc.Release()
			}
			wantStatus(t, p, "Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0")
			if d.dials.Load() != 1 {
				t.Errorf("%d dials, want 1", d.dials.Load())
			}
		})
	}
}

func TestPoolDialTimeoutBound(t *testing.T) {
	for _, tt := range []struct {
		timeout, want time.Duration
	}{{time.Second, 30 * time.Second}, {time.Minute, time.Minute}} {
		t.Run(tt.timeout.String(), func(t *testing.T) {
			defer goleak.VerifyNone(t)
			p, d := newFakePool(t, poolCfg(1, 0, tt.timeout))
			mustGet(t, p).Release()
			dl, ok := d.lastDialCtx().Deadline()
			if left := time.Until(dl); !ok || left > tt.want || left < tt.want-5*time.Second {
				t.Errorf("dial deadline in %v, want about %v", left, tt.want)
			}
		})
	}
}

// TestPoolCloseCancelsDial: Close cancels a dial in progress through its
// context, waits for it, and its caller gets ErrPoolClosed.
func TestPoolCloseCancelsDial(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, d := newFakePool(t, poolCfg(1, 0, 10*time.Second))
	started := make(chan struct{}, 1)
	d.setGate(make(chan struct{}), started) // never opens
	errc := make(chan error)
	go func() {
		_, err := p.Get(context.Background())
		errc <- err
	}()
	<-started
	if err := p.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-errc; !errors.Is(err, ErrPoolClosed) {
		t.Fatalf("Get: %v, want ErrPoolClosed", err)
	}
	wantStatus(t, p, "Pool size: 1  Connections in pool: 0 Current Overflow: -1 Current Checked out connections: 0")
}

// TestPoolRecycle: a connection older than Recycle (strictly) is closed
// and replaced at checkout; age counts from when it was opened.
func TestPoolRecycle(t *testing.T) {
	defer goleak.VerifyNone(t)
	log := &poolEventLog{}
	cfg := poolCfg(2, 0, 0)
	cfg.Recycle = time.Hour
	cfg.RecycleJitter = 0 // exact lifetimes; TestRecycleJitter covers the spread
	cfg.OnEvent = log.add
	p, d := newFakePool(t, cfg)
	clock := newFakeClock()
	p.SetClock(clock.Now)

	pc := mustGet(t, p)
	if !pc.CreatedAt().Equal(clock.Now()) {
		t.Errorf("CreatedAt %v, want %v", pc.CreatedAt(), clock.Now())
	}
	pc.Release()
	clock.Advance(time.Hour)
	pc = mustGet(t, p) // exactly Recycle old: kept
	if pc.ID() != 1 {
		t.Fatalf("got conn %d, want 1", pc.ID())
	}
	pc.Release()
	log.take()
	clock.Advance(time.Nanosecond)
	pc = mustGet(t, p)
	if pc.ID() != 2 || !d.conn(1).isClosed() {
		t.Fatalf("got conn %d (conn 1 closed: %v), want a fresh one", pc.ID(), d.conn(1).isClosed())
	}
	wantEvents(t, log, "close#1", "connect#2", "checkout#2")
	pc.Release()
	if s := p.Stats(); s.Recycles != 1 || s.Opens != 2 || s.Closes != 1 || s.Idle != 1 {
		t.Errorf("stats %+v", s)
	}
}

// TestPoolInvalidateTimestamp: QueuePool.Invalidate makes every
// connection opened before it be replaced lazily at its next checkout.
func TestPoolInvalidateTimestamp(t *testing.T) {
	defer goleak.VerifyNone(t)
	log := &poolEventLog{}
	cfg := poolCfg(3, 0, 0)
	cfg.OnEvent = log.add
	p, d := newFakePool(t, cfg)
	a, b := mustGet(t, p), mustGet(t, p)
	a.Release()
	b.Release()
	p.Invalidate()
	if d.conn(1).isClosed() || d.conn(2).isClosed() {
		t.Fatal("Invalidate closed idle connections eagerly")
	}
	log.take()
	c, e := mustGet(t, p), mustGet(t, p)
	wantEvents(t, log, "close#1", "connect#3", "checkout#3", "close#2", "connect#4", "checkout#4")
	c.Release()
	e.Release()
	log.take()
	mustGet(t, p).Release()
	wantEvents(t, log, "checkout#3", "reset#3", "checkin#3")
	if s := p.Stats(); s.Recycles != 2 {
		t.Errorf("Recycles %d, want 2", s.Recycles)
	}
}

// TestPoolPrePing follows spec 3.10's observation: after one idle
// backend is killed, the next checkout gives invalidate, close, connect,
// checkout; the next one recycles the other old connection (timestamp);
// the next is a plain checkout. Fresh connections are not pinged.
func TestPoolPrePing(t *testing.T) {
	defer goleak.VerifyNone(t)
	log := &poolEventLog{}
	cfg := poolCfg(5, 0, 0)
	cfg.PrePing = true
	cfg.OnEvent = log.add
	p, d := newFakePool(t, cfg)
	a, b := mustGet(t, p), mustGet(t, p)
	a.Release()
	b.Release()
	d.conn(1).setPingErr(driver.ErrBadConn)
	log.take()

	c := mustGet(t, p)
	wantEvents(t, log, "invalidate#1", "close#1", "connect#3", "checkout#3")
	e := mustGet(t, p)
	wantEvents(t, log, "close#2", "connect#4", "checkout#4")
	c.Release()
	e.Release()
	log.take()
	f := mustGet(t, p)
	wantEvents(t, log, "checkout#3")
	f.Release()

	pings := []int{d.conn(1).pingCount(), d.conn(2).pingCount(), d.conn(3).pingCount(), d.conn(4).pingCount()}
	if diff := cmp.Diff([]int{1, 0, 1, 0}, pings); diff != "" {
		t.Errorf("pings per conn (-want +got):\n%s", diff)
	}
	s := p.Stats()
	if s.Pings != 2 || s.PingFailures != 1 || s.Invalidations != 1 || s.Recycles != 1 || s.Opens != 4 {
		t.Errorf("stats %+v", s)
	}
}

func TestPoolPrePingErrors(t *testing.T) {
	errGone := errors.New("server closed the connection")
	errOther := errors.New("permission denied")
	tests := []struct {
		name         string
		pingErr      error
		isDisconnect func(error) bool
		dialErr      error
		wantErr      error // nil: transparent replacement
		events       []string
	}{
		{"bad conn replaced", driver.ErrBadConn, nil, nil, nil,
			[]string{"invalidate#1", "close#1", "connect#2", "checkout#2"}},
		{"custom disconnect replaced", errGone, func(err error) bool { return errors.Is(err, errGone) }, nil, nil,
			[]string{"invalidate#1", "close#1", "connect#2", "checkout#2"}},
		{"other error propagates", errOther, nil, nil, errOther,
			[]string{"invalidate#1", "close#1"}},
		{"unclassified disconnect propagates", errGone, nil, nil, errGone,
			[]string{"invalidate#1", "close#1"}},
		{"replacement dial fails", driver.ErrBadConn, nil, errOther, errOther,
			[]string{"invalidate#1", "close#1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			log := &poolEventLog{}
			cfg := poolCfg(1, 0, 0)
			cfg.PrePing = true
			cfg.IsDisconnect = tt.isDisconnect
			cfg.OnEvent = log.add
			p, d := newFakePool(t, cfg)
			mustGet(t, p).Release()
			d.conn(1).setPingErr(tt.pingErr)
			if tt.dialErr != nil {
				d.failNextDials(tt.dialErr)
			}
			log.take()
			pc, err := p.Get(context.Background())
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				pc.Release()
				log.take()
			} else if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Get: %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil {
				wantStatus(t, p, "Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0")
			} else {
				wantEvents(t, log, tt.events...)
				wantStatus(t, p, "Pool size: 1  Connections in pool: 0 Current Overflow: -1 Current Checked out connections: 0")
			}
			if !d.conn(1).isClosed() {
				t.Error("the conn that failed its ping is still open")
			}
		})
	}
}

func TestPoolPingHook(t *testing.T) {
	defer goleak.VerifyNone(t)
	var calls atomic.Int64
	cfg := poolCfg(1, 0, 0)
	cfg.PrePing = true
	cfg.Ping = func(ctx context.Context, c driver.Conn) error {
		calls.Add(1)
		return nil
	}
	p, d := newFakePool(t, cfg)
	mustGet(t, p).Release() // fresh: not pinged
	mustGet(t, p).Release()
	if calls.Load() != 1 || d.conn(1).pingCount() != 0 {
		t.Errorf("hook calls %d, driver pings %d; want 1, 0", calls.Load(), d.conn(1).pingCount())
	}
}

// TestPoolConnInvalidate: PooledConn.Invalidate closes the connection,
// frees its slot and moves the pool's timestamp only if the connection
// was opened after it (spec 3.8).
func TestPoolConnInvalidate(t *testing.T) {
	defer goleak.VerifyNone(t)
	log := &poolEventLog{}
	cfg := poolCfg(4, 0, 0)
	cfg.OnEvent = log.add
	p, d := newFakePool(t, cfg)
	c1, c2 := mustGet(t, p), mustGet(t, p)
	boom := errors.New("server gone")
	log.take()
	c2.Invalidate(boom)
	wantEvents(t, log, "invalidate#2", "close#2", "checkin#2")
	wantStatus(t, p, "Pool size: 4  Connections in pool: 0 Current Overflow: -3 Current Checked out connections: 1")
	if !d.conn(2).isClosed() {
		t.Error("invalidated conn not closed")
	}
	c3 := mustGet(t, p) // opened after the timestamp
	c1.Invalidate(boom) // opened before it: the timestamp stays
	c3.Release()
	log.take()
	mustGet(t, p).Release()
	wantEvents(t, log, "checkout#3", "reset#3", "checkin#3")
	if s := p.Stats(); s.Invalidations != 2 || s.Closes != 2 {
		t.Errorf("stats %+v", s)
	}
}

// TestPoolReset: the Reset hook runs at every checkin with the
// configured mode; reset, then checkin; a failed reset closes the
// connection instead of keeping it.
func TestPoolReset(t *testing.T) {
	for _, mode := range []ResetMode{ResetRollback, ResetCommit, ResetNone} {
		t.Run(mode.String(), func(t *testing.T) {
			defer goleak.VerifyNone(t)
			log := &poolEventLog{}
			cfg := poolCfg(1, 0, 0)
			cfg.ResetOnReturn = mode
			cfg.Reset = fakeReset
			cfg.OnEvent = log.add
			p, d := newFakePool(t, cfg)
			mustGet(t, p).Release()
			mustGet(t, p).Release()
			if diff := cmp.Diff([]ResetMode{mode, mode}, d.conn(1).resetModes()); diff != "" {
				t.Errorf("reset modes (-want +got):\n%s", diff)
			}
			wantEvents(t, log, "connect#1", "checkout#1", "reset#1", "checkin#1", "checkout#1", "reset#1", "checkin#1")

			d.conn(1).setResetErr(errors.New("rollback failed"))
			mustGet(t, p).Release()
			wantEvents(t, log, "checkout#1", "reset#1", "invalidate#1", "close#1", "checkin#1")
			wantStatus(t, p, "Pool size: 1  Connections in pool: 0 Current Overflow: -1 Current Checked out connections: 0")
			if !d.conn(1).isClosed() {
				t.Error("conn kept after a failed reset")
			}
		})
	}
}

// TestPoolDispose: idle connections close at once, ones out close when
// they come back, the counts stay exact and the cap holds (SQLAlchemy's
// dispose with connections out can make its counts negative).
func TestPoolDispose(t *testing.T) {
	defer goleak.VerifyNone(t)
	cfg := poolCfg(2, 1, 0)
	cfg.Reset = fakeReset
	p, d := newFakePool(t, cfg)
	c1, c2, c3 := mustGet(t, p), mustGet(t, p), mustGet(t, p)
	c3.Release()
	p.Dispose()
	if !d.conn(3).isClosed() {
		t.Error("idle conn not closed by Dispose")
	}
	wantStatus(t, p, "Pool size: 2  Connections in pool: 0 Current Overflow: 0 Current Checked out connections: 2")
	c4 := mustGet(t, p)
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrPoolTimeout) {
		t.Fatalf("Get beyond the cap after Dispose: %v", err)
	}
	c1.Release()
	c2.Release()
	if !d.conn(1).isClosed() || !d.conn(2).isClosed() || len(d.conn(1).resetModes()) != 0 {
		t.Error("conns out at Dispose must be closed on return, without a reset")
	}
	c4.Release()
	wantStatus(t, p, "Pool size: 2  Connections in pool: 1 Current Overflow: -1 Current Checked out connections: 0")
	if got := d.maxLive.Load(); got > 3 {
		t.Errorf("%d live conns at once, cap 3", got)
	}
	if got := d.live.Load(); got != 1 {
		t.Errorf("live conns %d, want 1", got)
	}
}

// TestPoolDisposeWakesWaiter: the slot of a disposed connection coming
// back goes to a waiter, which opens a new connection.
func TestPoolDisposeWakesWaiter(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, d := newFakePool(t, poolCfg(1, 0, 10*time.Second))
	held := mustGet(t, p)
	got := make(chan *PooledConn, 1)
	go func() {
		pc, err := p.Get(context.Background())
		if err != nil {
			t.Error(err)
		}
		got <- pc
	}()
	waitersQueued(t, p, 1)
	p.Dispose()
	held.Release()
	pc := <-got
	if pc.ID() != 2 || !d.conn(1).isClosed() {
		t.Errorf("waiter got conn %d, want a new one", pc.ID())
	}
	pc.Release()
	wantStatus(t, p, "Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0")
}

func TestPoolClose(t *testing.T) {
	t.Run("waiters", func(t *testing.T) {
		defer goleak.VerifyNone(t)
		p, d := newFakePool(t, poolCfg(1, 0, 10*time.Second))
		held := mustGet(t, p)
		errc := make(chan error, 2)
		for i := range 2 {
			go func() {
				_, err := p.Get(context.Background())
				errc <- err
			}()
			waitersQueued(t, p, i+1)
		}
		if err := p.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		for range 2 {
			if err := <-errc; !errors.Is(err, ErrPoolClosed) {
				t.Errorf("waiter: %v, want ErrPoolClosed", err)
			}
		}
		if d.conn(1).isClosed() {
			t.Error("Close closed a conn that is checked out")
		}
		held.Release()
		if !d.conn(1).isClosed() {
			t.Error("conn returned to a closed pool not closed")
		}
		if _, err := p.Get(context.Background()); !errors.Is(err, ErrPoolClosed) {
			t.Errorf("Get after Close: %v", err)
		}
		if err := p.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		wantStatus(t, p, "Pool size: 1  Connections in pool: 0 Current Overflow: -1 Current Checked out connections: 0")
	})
	t.Run("idle", func(t *testing.T) {
		defer goleak.VerifyNone(t)
		log := &poolEventLog{}
		cfg := poolCfg(2, 0, 0)
		cfg.OnEvent = log.add
		p, d := newFakePool(t, cfg)
		a, b := mustGet(t, p), mustGet(t, p)
		a.Release()
		log.take()
		if err := p.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		wantEvents(t, log, "close#1")
		b.Release()
		wantEvents(t, log, "reset#2", "checkin#2", "close#2")
		if got := d.live.Load(); got != 0 {
			t.Errorf("%d conns left open", got)
		}
	})
}

func TestPoolReleaseTwicePanics(t *testing.T) {
	tests := []struct {
		name        string
		first, then func(*PooledConn)
	}{
		{"release twice", (*PooledConn).Release, (*PooledConn).Release},
		{"invalidate after release", (*PooledConn).Release, func(pc *PooledConn) { pc.Invalidate(nil) }},
		{"release after invalidate", func(pc *PooledConn) { pc.Invalidate(nil) }, (*PooledConn).Release},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t)
			p, _ := newFakePool(t, poolCfg(1, 0, 0))
			pc := mustGet(t, p)
			tt.first(pc)
			defer func() {
				if r := recover(); r != errReleasedTwice {
					t.Errorf("recovered %v, want %q", r, errReleasedTwice)
				}
				if err := p.CheckInvariants(); err != nil {
					t.Error(err)
				}
			}()
			tt.then(pc)
		})
	}
}

func TestPoolStats(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, _ := newFakePool(t, poolCfg(1, 1, 20*time.Millisecond))
	a, b := mustGet(t, p), mustGet(t, p)
	if _, err := p.Get(context.Background()); !errors.Is(err, ErrPoolTimeout) {
		t.Fatal(err)
	}
	a.Release()
	b.Release() // overflow: closed
	mustGet(t, p).Invalidate(errors.New("x"))
	got := p.Stats()
	if got.WaitDuration < 20*time.Millisecond {
		t.Errorf("WaitDuration %v", got.WaitDuration)
	}
	got.WaitDuration = 0
	want := PoolStats{Size: 1, MaxOverflow: 1, Idle: 0, CheckedOut: 0, Open: 0, Overflow: -1,
		Opens: 2, Closes: 2, Invalidations: 1, Checkouts: 3, Waits: 1, Timeouts: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}

// TestPoolEventsOutsideLock: the listener may call back into the pool,
// which would deadlock if events were sent under the lock.
func TestPoolEventsOutsideLock(t *testing.T) {
	defer goleak.VerifyNone(t)
	var p *QueuePool
	var kinds sync.Map
	cfg := poolCfg(1, 1, 0)
	cfg.PrePing = true
	cfg.Reset = fakeReset
	cfg.OnEvent = func(e PoolEvent) {
		_ = p.Stats()
		kinds.Store(e.Kind, true)
	}
	p, d := newFakePool(t, cfg)
	done := make(chan struct{})
	go func() { // off the test goroutine, so a deadlock fails the test instead of hanging it
		defer close(done)
		get := func() *PooledConn {
			pc, err := p.Get(context.Background())
			if err != nil {
				panic(err)
			}
			return pc
		}
		a, b := get(), get()
		a.Release()
		b.Release() // overflow close
		d.conn(1).setPingErr(driver.ErrBadConn)
		c := get() // invalidate, close, connect
		d.conn(3).setResetErr(errors.New("reset failed"))
		c.Release()
		get().Release()
		p.Invalidate()
		get().Release() // recycle
		p.Dispose()
		p.Close()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("deadlock: an event was sent under the pool's lock")
	}
	for k := EventConnect; k <= EventClose; k++ {
		if _, ok := kinds.Load(k); !ok {
			t.Errorf("no %v event seen", k)
		}
	}
}

// TestPoolStress hammers the pool from many goroutines with random
// cancellations, invalidations, failing dials, pings and resets, for
// ALCHEMY_POOL_STRESS (a duration, default 300ms) per subtest, checking
// that the pool never holds more live connections than its cap and that
// nothing leaks. The second subtest closes the pool under load.
func TestPoolStress(t *testing.T) {
	dur := 300 * time.Millisecond
	if s := os.Getenv("ALCHEMY_POOL_STRESS"); s != "" {
		var err error
		if dur, err = time.ParseDuration(s); err != nil {
			t.Fatalf("ALCHEMY_POOL_STRESS=%q: %v", s, err)
		}
	}
	t.Run("steady", func(t *testing.T) { stressPool(t, dur, false) })
	t.Run("close under load", func(t *testing.T) { stressPool(t, dur, true) })
}

var (
	errStressDial = errors.New("stress: dial refused")
	errStressPing = errors.New("stress: ping failed")
)

// stressConfig is a small pool whose hooks fail at random.
func stressConfig(d *fakeDriver, size, overflow int) PoolConfig {
	cfg := poolCfg(size, overflow, 2*time.Millisecond)
	cfg.PrePing = true
	cfg.Recycle = 5 * time.Millisecond
	cfg.Dial = func(ctx context.Context) (driver.Conn, error) {
		if rand.IntN(20) == 0 {
			return nil, errStressDial
		}
		if rand.IntN(4) == 0 {
			time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
		}
		return d.Dial(ctx)
	}
	cfg.Ping = func(ctx context.Context, c driver.Conn) error {
		switch rand.IntN(20) {
		case 0:
			return driver.ErrBadConn
		case 1:
			return errStressPing
		}
		return nil
	}
	cfg.Reset = func(ctx context.Context, c driver.Conn, mode ResetMode) error {
		if rand.IntN(30) == 0 {
			return errors.New("stress: reset failed")
		}
		return nil
	}
	return cfg
}

func stressPool(t *testing.T, dur time.Duration, closeEarly bool) {
	defer goleak.VerifyNone(t)
	const size, overflow, workers = 3, 2, 12
	d := &fakeDriver{}
	p, err := NewQueuePool(stressConfig(d, size, overflow))
	if err != nil {
		t.Fatal(err)
	}
	stop := time.Now().Add(dur)
	var wg sync.WaitGroup
	var gets, fails atomic.Int64
	for range workers {
		wg.Go(func() {
			for time.Now().Before(stop) {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if rand.IntN(3) == 0 {
					ctx, cancel = context.WithTimeout(ctx, time.Duration(rand.IntN(1500))*time.Microsecond)
				}
				pc, err := p.Get(ctx)
				cancel()
				if err != nil {
					fails.Add(1)
					if !errors.Is(err, ErrPoolTimeout) && !errors.Is(err, errStressDial) && !errors.Is(err, errStressPing) &&
						!errors.Is(err, context.DeadlineExceeded) && !(closeEarly && errors.Is(err, ErrPoolClosed)) {
						t.Errorf("Get: unexpected error %v", err)
						return
					}
					continue
				}
				gets.Add(1)
				if c := pc.Conn().(*fakeConn); c.isClosed() {
					t.Errorf("Get returned closed conn %d", pc.ID())
				}
				if rand.IntN(2) == 0 {
					time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
				}
				if rand.IntN(10) == 0 {
					pc.Invalidate(driver.ErrBadConn)
				} else {
					pc.Release()
				}
			}
		})
	}
	wg.Go(func() { // chaos and invariant checks
		closeAt := stop.Add(-dur / 3)
		for i := 0; time.Now().Before(stop); i++ {
			if err := p.CheckInvariants(); err != nil {
				t.Error(err)
				return
			}
			if live := d.live.Load(); live > size+overflow {
				t.Errorf("%d live conns, cap %d", live, size+overflow)
			}
			switch {
			case closeEarly && time.Now().After(closeAt):
				p.Close()
			case i%200 == 50:
				p.Invalidate()
			case i%200 == 150:
				p.Dispose()
			}
			time.Sleep(50 * time.Microsecond)
		}
	})
	wg.Wait()
	p.WaitDials()
	s := p.Stats()
	if err := p.CheckInvariants(); err != nil {
		t.Error(err)
	}
	if s.Open != s.Idle || s.Waiting != 0 || s.Opens-s.Closes != int64(s.Open) || d.live.Load() != int64(s.Open) {
		t.Errorf("after the storm: %+v, driver live %d", s, d.live.Load())
	}
	if closeEarly && s.Open != 0 {
		t.Errorf("closed pool still holds %d conns", s.Open)
	}
	if m := d.maxLive.Load(); m > size+overflow {
		t.Errorf("up to %d live conns, cap %d", m, size+overflow)
	}
	if err := p.Close(); err != nil {
		t.Error(err)
	}
	if d.live.Load() != 0 || d.twice.Load() != 0 {
		t.Errorf("after Close: %d live, %d closed twice", d.live.Load(), d.twice.Load())
	}
	t.Logf("%v: %d checkouts, %d failed Gets; %+v", dur, gets.Load(), fails.Load(), s)
}
