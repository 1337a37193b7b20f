package alchemy

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"weak"
)

// The live pool page: an http.Handler, in the spirit of net/http/pprof,
// that shows every pool of the process (or the ones it is given) and
// refreshes itself once a second.

// waitBuckets are the upper bounds of the wait-time histogram.
var waitBuckets = [...]time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond,
	20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second,
}

// histogram counts queued waits per bucket; the last counter is +Inf.
type histogram struct {
	counts [len(waitBuckets) + 1]atomic.Int64
}

func (h *histogram) observe(d time.Duration) {
	i := 0
	for i < len(waitBuckets) && d > waitBuckets[i] {
		i++
	}
	h.counts[i].Add(1)
}

// Invalidation is one connection a pool found or declared broken.
type Invalidation struct {
	At     time.Time
	ConnID uint64
	Reason string
}

// recentInvalidations is how many invalidations a pool remembers.
const recentInvalidations = 16

// poolDiag is what a pool keeps for the page beyond its counters: the
// histogram of queued waits (only queued checkouts pay for it) and the
// last invalidations (rare by nature).
type poolDiag struct {
	waitHist histogram
	mu       sync.Mutex
	inval    [recentInvalidations]Invalidation // ring; guarded by mu
	nInval   int                               // total noted; guarded by mu
}

func (d *poolDiag) noteInvalidation(id uint64, err error) {
	reason := "invalidated"
	if err != nil {
		reason = err.Error()
	}
	d.mu.Lock()
	d.inval[d.nInval%recentInvalidations] = Invalidation{At: time.Now(), ConnID: id, Reason: reason}
	d.nInval++
	d.mu.Unlock()
}

// RecentInvalidations returns the last invalidated connections (at most
// 16), newest first.
func (p *QueuePool) RecentInvalidations() []Invalidation {
	d := &p.diag
	d.mu.Lock()
	defer d.mu.Unlock()
	n := min(d.nInval, recentInvalidations)
	out := make([]Invalidation, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, d.inval[(d.nInval-i)%recentInvalidations])
	}
	return out
}

// WaitBucket is one bar of [QueuePool.WaitHistogram].
type WaitBucket struct {
	UpTo  time.Duration // upper bound; 0 for the last bucket (no bound)
	Count int64
}

// WaitHistogram returns how long queued checkouts waited, per bucket
// (1ms to 30s, then the rest). Checkouts that found a connection at once
// are not in it: they are Stats().Checkouts - Stats().Waits.
func (p *QueuePool) WaitHistogram() []WaitBucket {
	out := make([]WaitBucket, len(p.diag.waitHist.counts))
	for i := range out {
		if i < len(waitBuckets) {
			out[i].UpTo = waitBuckets[i]
		}
		out[i].Count = p.diag.waitHist.counts[i].Load()
	}
	return out
}

// Name returns the pool's name: the masked URL of its connector, or
// "QueuePool" for a pool made with NewQueuePool.
func (p *QueuePool) Name() string {
	if p.name == "" {
		return "QueuePool"
	}
	return p.name
}

// The registry of live pools, for the page. It holds weak pointers, so
// a pool that is dropped without Close does not stay alive because of it.
var registry struct {
	mu    sync.Mutex
	seq   uint64
	pools map[uint64]weak.Pointer[QueuePool] // guarded by mu
}

func registerPool(p *QueuePool) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.pools == nil {
		registry.pools = map[uint64]weak.Pointer[QueuePool]{}
	}
	registry.seq++
	registry.pools[registry.seq] = weak.Make(p)
	p.regID = registry.seq
}

func unregisterPool(p *QueuePool) {
	registry.mu.Lock()
	delete(registry.pools, p.regID)
	registry.mu.Unlock()
}

// livePools returns the registered pools not yet closed or collected, in
// the order they were made.
func livePools() []*QueuePool {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	ids := make([]uint64, 0, len(registry.pools))
	for id, wp := range registry.pools {
		if wp.Value() == nil {
			delete(registry.pools, id)
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]*QueuePool, 0, len(ids))
	for _, id := range ids {
		if p := registry.pools[id].Value(); p != nil {
			out = append(out, p)
		}
	}
	return out
}

// PoolPage returns an http.Handler showing pools live: size, overflow,
// idle, used and waiting connections, the wait-time histogram, the
// checkouts out now with their age and stack (with leak detection on),
// and recent invalidations. The page refreshes itself every second from
// the same handler's JSON (?format=json). With no pools given it shows
// every pool of the process that is not closed. Mount it like pprof,
// behind whatever guards your admin endpoints (stacks show code paths):
//
//	http.Handle("/debug/alchemy/", alchemy.PoolPage())
func PoolPage(pools ...*QueuePool) http.Handler {
	return &poolPage{pools: pools}
}

type poolPage struct{ pools []*QueuePool }

//go:embed poolpage.html
var poolPageHTML []byte

func (h *poolPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("format") != "json" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(poolPageHTML)
		return
	}
	pools := h.pools
	if len(pools) == 0 {
		pools = livePools()
	}
	snap := pageSnapshot{Time: time.Now(), Pools: make([]poolSnapshot, 0, len(pools))}
	for _, p := range pools {
		snap.Pools = append(snap.Pools, snapshotPool(p))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(snap)
}

type pageSnapshot struct {
	Time  time.Time      `json:"time"`
	Pools []poolSnapshot `json:"pools"`
}

type poolSnapshot struct {
	Name          string         `json:"name"`
	Stats         PoolStats      `json:"stats"`
	MaxOpen       int            `json:"max_open"` // -1: no limit
	LeakDetection bool           `json:"leak_detection"`
	Wait          []pageBucket   `json:"wait"`
	Checkouts     []pageCheckout `json:"checkouts"`
	Invalidations []pageInval    `json:"invalidations"`
}

type pageBucket struct {
	Label string `json:"label"`
	Count int64  `json:"count"`
}

type pageCheckout struct {
	Conn    uint64  `json:"conn"`
	AgeSec  float64 `json:"age_s"`
	TakenAt string  `json:"taken_at"`
	Stack   string  `json:"stack"`
}

type pageInval struct {
	At     time.Time `json:"at"`
	Conn   uint64    `json:"conn"`
	Reason string    `json:"reason"`
}

func snapshotPool(p *QueuePool) poolSnapshot {
	s := poolSnapshot{Name: p.Name(), Stats: p.Stats(), MaxOpen: p.maxOpen, LeakDetection: p.leaks != nil}
	s.Wait = append(s.Wait, pageBucket{Label: "no wait", Count: s.Stats.Checkouts - s.Stats.Waits})
	for _, b := range p.WaitHistogram() {
		label := "> " + waitBuckets[len(waitBuckets)-1].String()
		if b.UpTo > 0 {
			label = "≤ " + b.UpTo.String()
		}
		s.Wait = append(s.Wait, pageBucket{Label: label, Count: b.Count})
	}
	for _, c := range p.Checkouts() {
		s.Checkouts = append(s.Checkouts, pageCheckout{Conn: c.ConnID, AgeSec: c.Age.Seconds(), TakenAt: c.TakenAt, Stack: c.Stack})
	}
	for _, iv := range p.RecentInvalidations() {
		s.Invalidations = append(s.Invalidations, pageInval{At: iv.At, Conn: iv.ConnID, Reason: iv.Reason})
	}
	return s
}

// Done returns a channel that is closed when the pool is closed, for
// integrations that must stop observing it.
func (p *QueuePool) Done() <-chan struct{} { return p.ctx.Done() }
