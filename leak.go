package alchemy

import (
	"cmp"
	"context"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Leak detection, after HikariCP's leakDetectionThreshold: with
// PoolConfig.LeakThreshold set (URL pool_leak_threshold, option
// PoolLeakThreshold), every checkout records the stack of the goroutine
// that took it. A checkout still out after the threshold is logged once
// at Warn level with that stack, and again at Info level when it finally
// comes back, with how long it was out. [QueuePool.Checkouts] lists the
// checkouts out now, and a checkout that times out says where the oldest
// one was taken.
//
// One goroutine per pool looks for overdue checkouts, every quarter of
// the threshold (between 1ms and 1s), so a leak is reported between 1
// and 1.25 thresholds after its checkout (or the threshold plus a
// second).

// DefaultRecycleJitter is the RecycleJitter of [DefaultPoolConfig]: each
// connection is recycled at a random point between 90% and 100% of
// pool_recycle.
const DefaultRecycleJitter = 0.1

// MaxRecycleJitter bounds RecycleJitter: beyond half of pool_recycle the
// spread would cost more reconnects than the storm it avoids.
const MaxRecycleJitter = 0.5

// lifetime draws a new connection's life: Recycle shortened by a random
// fraction of it, at most RecycleJitter.
func (p *QueuePool) lifetime() time.Duration {
	r := p.cfg.Recycle
	if r <= 0 || p.cfg.RecycleJitter == 0 {
		return r
	}
	return r - time.Duration(rand.Float64()*p.cfg.RecycleJitter*float64(r))
}

// sinceOut is how long pc has been checked out (zero when its checkout
// was not stamped, that is without OnEvent).
func sinceOut(pc *PooledConn) time.Duration {
	if pc.outAt.IsZero() {
		return 0
	}
	return time.Since(pc.outAt)
}

// PoolLeakThreshold sets pool_leak_threshold: a connection checked out
// for longer than d is reported through logger (nil: slog.Default()) with
// the stack that checked it out. 0 turns leak detection off (the
// default).
func PoolLeakThreshold(d time.Duration, logger *slog.Logger) Option {
	return func(s *settings) error {
		s.pool.LeakThreshold, s.pool.Logger = d, logger
		return nil
	}
}

// PoolRecycleJitter sets pool_recycle_jitter (see [PoolConfig.RecycleJitter]).
func PoolRecycleJitter(f float64) Option {
	return func(s *settings) error { s.pool.RecycleJitter = f; return nil }
}

// Checkout describes one connection checked out now, as listed by
// [QueuePool.Checkouts].
type Checkout struct {
	ConnID uint64
	Since  time.Time     // when it was checked out
	Age    time.Duration // how long it has been out
	// TakenAt is the first caller outside alchemy and database/sql, as
	// "function (file:line)".
	TakenAt string
	// Stack is the goroutine's stack at checkout, one "function\n\tfile:line"
	// pair per frame, as in a panic.
	Stack string
}

// leakStackDepth bounds the frames recorded per checkout.
const leakStackDepth = 32

type leakRecord struct {
	at       time.Time
	pcs      [leakStackDepth]uintptr
	n        int
	reported bool
}

type leakTracker struct {
	p         *QueuePool
	threshold time.Duration
	start     sync.Once

	mu   sync.Mutex
	held map[*PooledConn]*leakRecord // guarded by mu
}

func newLeakTracker(p *QueuePool) *leakTracker {
	return &leakTracker{p: p, threshold: p.cfg.LeakThreshold, held: map[*PooledConn]*leakRecord{}}
}

// out records pc's checkout with the caller's stack. The stack is taken
// before the lock, so goroutines checking out at once do not queue for it.
func (t *leakTracker) out(pc *PooledConn) {
	var pcs [leakStackDepth]uintptr
	n := runtime.Callers(3, pcs[:])
	now := time.Now()
	t.start.Do(func() { go t.watch() })
	t.mu.Lock()
	rec := pc.leak
	if rec == nil {
		rec = &leakRecord{}
		pc.leak = rec
	}
	rec.at, rec.pcs, rec.n, rec.reported = now, pcs, n, false
	t.held[pc] = rec
	t.mu.Unlock()
}

// in records pc's return, reporting it if it was reported as leaked.
func (t *leakTracker) in(pc *PooledConn) {
	t.mu.Lock()
	rec, ok := t.held[pc]
	delete(t.held, pc)
	var reported bool
	var at time.Time
	if ok {
		reported, at = rec.reported, rec.at
	}
	t.mu.Unlock()
	if reported {
		t.logger().LogAttrs(context.Background(), slog.LevelInfo, "alchemy: a connection reported as possibly leaked came back",
			slog.String("pool", t.p.name), slog.Uint64("conn", pc.id), slog.Duration("held", time.Since(at)))
	}
}

func (t *leakTracker) logger() *slog.Logger {
	if l := t.p.cfg.Logger; l != nil {
		return l
	}
	return slog.Default()
}

// watch reports overdue checkouts until the pool is closed.
func (t *leakTracker) watch() {
	every := min(max(t.threshold/4, time.Millisecond), time.Second)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-t.p.ctx.Done():
			return
		case <-tick.C:
			t.scan()
		}
	}
}

type overdue struct {
	id  uint64
	rec leakRecord
}

func (t *leakTracker) scan() {
	now := time.Now()
	var late []overdue
	t.mu.Lock()
	for pc, rec := range t.held {
		if !rec.reported && now.Sub(rec.at) > t.threshold {
			rec.reported = true
			late = append(late, overdue{pc.id, *rec})
		}
	}
	t.mu.Unlock()
	for _, o := range late {
		takenAt, stack := frames(o.rec.pcs[:o.rec.n])
		t.logger().LogAttrs(context.Background(), slog.LevelWarn, "alchemy: connection checked out longer than pool_leak_threshold, possible leak",
			slog.String("pool", t.p.name), slog.Uint64("conn", o.id),
			slog.Duration("out_for", now.Sub(o.rec.at)), slog.Duration("threshold", t.threshold),
			slog.String("taken_at", takenAt), slog.String("stack", stack))
	}
}

// list returns the checkouts out now, oldest first.
func (t *leakTracker) list() []Checkout {
	now := time.Now()
	t.mu.Lock()
	recs := make([]overdue, 0, len(t.held))
	for pc, rec := range t.held {
		recs = append(recs, overdue{pc.id, *rec})
	}
	t.mu.Unlock()
	out := make([]Checkout, len(recs))
	for i, o := range recs {
		takenAt, stack := frames(o.rec.pcs[:o.rec.n])
		out[i] = Checkout{ConnID: o.id, Since: o.rec.at, Age: now.Sub(o.rec.at), TakenAt: takenAt, Stack: stack}
	}
	slices.SortFunc(out, func(a, b Checkout) int {
		return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.ConnID, b.ConnID))
	})
	return out
}

func (t *leakTracker) oldest() *Checkout {
	l := t.list()
	if len(l) == 0 {
		return nil
	}
	return &l[0]
}

// Checkouts lists the connections checked out now, oldest first, with
// the stack that took each. It needs leak detection
// ([PoolConfig.LeakThreshold] > 0; a long threshold such as an hour
// records without reporting); without it, it returns nil.
func (p *QueuePool) Checkouts() []Checkout {
	if p.leaks == nil {
		return nil
	}
	return p.leaks.list()
}

// frames symbolises a recorded stack: the first frame outside alchemy
// and database/sql, and the whole stack.
func frames(pcs []uintptr) (takenAt, stack string) {
	var b strings.Builder
	fs := runtime.CallersFrames(pcs)
	for {
		f, more := fs.Next()
		if f.Function != "" {
			if takenAt == "" && !internalFrame(f.Function) {
				takenAt = f.Function + " (" + f.File + ":" + strconv.Itoa(f.Line) + ")"
			}
			b.WriteString(f.Function)
			b.WriteString("\n\t")
			b.WriteString(f.File)
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(f.Line))
			b.WriteByte('\n')
		}
		if !more {
			break
		}
	}
	return takenAt, b.String()
}

// internalFrame reports whether fn belongs to the machinery between the
// application and the pool.
func internalFrame(fn string) bool {
	for _, pkg := range []string{"github.com/go-alchemy/alchemy.", "database/sql.", "runtime."} {
		if strings.HasPrefix(fn, pkg) {
			return true
		}
	}
	return false
}
