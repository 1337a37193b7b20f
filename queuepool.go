package alchemy

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ResetMode says what checkin does to a connection (SQLAlchemy's
// pool_reset_on_return). The pool passes it to [PoolConfig.Reset]; the
// hook decides what that means for its driver.
type ResetMode int

const (
	// ResetRollback rolls back whatever the connection left open. It is
	// the default.
	ResetRollback ResetMode = iota
	// ResetCommit commits instead.
	ResetCommit
	// ResetNone leaves the connection as it is.
	ResetNone
)

// ParseResetMode reads a pool_reset_on_return value: "rollback",
// "commit" or "none", and SQLAlchemy's boolean spellings "true" (same as
// rollback) and "false" (same as none). Case does not matter.
func ParseResetMode(s string) (ResetMode, error) {
	switch strings.ToLower(s) {
	case "rollback", "true":
		return ResetRollback, nil
	case "commit":
		return ResetCommit, nil
	case "none", "false":
		return ResetNone, nil
	}
	return ResetRollback, fmt.Errorf("alchemy: invalid value for pool_reset_on_return: %q (want rollback, commit, none, true or false)", s)
}

// String returns the pool_reset_on_return spelling: "rollback", "commit"
// or "none".
func (m ResetMode) String() string {
	switch m {
	case ResetRollback:
		return "rollback"
	case ResetCommit:
		return "commit"
	case ResetNone:
		return "none"
	}
	return fmt.Sprintf("ResetMode(%d)", int(m))
}

// PoolEventKind names a pool event, after SQLAlchemy's pool events.
type PoolEventKind int

const (
	// EventConnect: a new connection was opened.
	EventConnect PoolEventKind = iota
	// EventCheckout: a connection was handed to a caller of Get.
	EventCheckout
	// EventCheckin: a caller gave a connection back (Release or Invalidate).
	EventCheckin
	// EventReset: a connection was reset on return, before EventCheckin.
	EventReset
	// EventInvalidate: a connection was found or declared broken; Err
	// says why. EventClose follows.
	EventInvalidate
	// EventClose: a connection was closed. Err is the driver's error
	// from Close, if any.
	EventClose
)

// String returns SQLAlchemy's event name: "connect", "checkout",
// "checkin", "reset", "invalidate" or "close".
func (k PoolEventKind) String() string {
	switch k {
	case EventConnect:
		return "connect"
	case EventCheckout:
		return "checkout"
	case EventCheckin:
		return "checkin"
	case EventReset:
		return "reset"
	case EventInvalidate:
		return "invalidate"
	case EventClose:
		return "close"
	}
	return fmt.Sprintf("PoolEventKind(%d)", int(k))
}

// PoolEvent is what [PoolConfig.OnEvent] receives.
type PoolEvent struct {
	Kind   PoolEventKind
	ConnID uint64 // stable id of the underlying connection ([PooledConn.ID])
	Err    error  // EventInvalidate: why; EventClose: the driver's Close error
	// Duration is, for EventConnect, how long opening the connection took;
	// for EventCheckout, how long Get took to hand it out (waiting and
	// opening included); for EventCheckin, how long it was checked out.
	// Zero for the other kinds.
	Duration time.Duration
}

// PoolClass is SQLAlchemy's poolclass: how connections are kept.
type PoolClass int

const (
	// QueuePoolClass keeps up to Size idle connections and opens up to
	// MaxOverflow more on demand (the default).
	QueuePoolClass PoolClass = iota
	// NullPool keeps no connection: every checkout opens one and every
	// checkin closes it, with no limit on how many are open. It is for a
	// pooler that already sits in front of the server (PgBouncer,
	// RDS Proxy) when the program should hold no idle connections of its
	// own, and for programs that fork.
	NullPool
	// StaticPool keeps exactly one connection for the engine's life
	// (Size 1, no overflow, never recycled): every checkout waits for it.
	// It is for tests and for one SQLite memory database. Unlike
	// SQLAlchemy's, it does not hand the one connection to two users at
	// once: database/sql connections are not safe for that.
	StaticPool
)

// ParsePoolClass reads the URL key poolclass: "queue" (or "QueuePool"),
// "null" ("NullPool") or "static" ("StaticPool").
func ParsePoolClass(s string) (PoolClass, error) {
	switch strings.ToLower(s) {
	case "queue", "queuepool":
		return QueuePoolClass, nil
	case "null", "nullpool":
		return NullPool, nil
	case "static", "staticpool":
		return StaticPool, nil
	}
	return 0, fmt.Errorf("unknown pool class %q (want queue, null or static)", s)
}

func (c PoolClass) String() string {
	switch c {
	case NullPool:
		return "NullPool"
	case StaticPool:
		return "StaticPool"
	}
	return "QueuePool"
}

// PoolConfig configures a [QueuePool]. The zero value is not the
// default: start from [DefaultPoolConfig].
type PoolConfig struct {
	// Class is the pool class: QueuePoolClass (the default), NullPool or
	// StaticPool, which set Size and MaxOverflow as they need.
	Class PoolClass
	// Size is pool_size: the most idle connections kept. 0 means no
	// limit (SQLAlchemy 2.0): MaxOverflow is ignored, checkout never
	// waits and returned connections are never closed.
	Size int
	// MaxOverflow is max_overflow: connections allowed beyond Size,
	// which are closed when they come back to a full pool. -1 means no
	// limit.
	MaxOverflow int
	// Timeout is pool_timeout: how long Get waits for a connection when
	// Size+MaxOverflow are out. 0 fails at once. The caller's context
	// may end the wait sooner. It does not bound opening a connection
	// (see Dial).
	Timeout time.Duration
	// Recycle is pool_recycle: a connection older than this (counted
	// from when it was opened) is closed and replaced at checkout. <= 0
	// turns it off.
	Recycle time.Duration
	// PrePing is pool_pre_ping: at checkout, a connection that was not
	// just opened is pinged; a dead one is replaced transparently.
	PrePing bool
	// UseLIFO is pool_use_lifo: reuse the most recently returned
	// connection first. The default is FIFO, oldest-returned first.
	UseLIFO bool
	// ResetOnReturn is pool_reset_on_return, passed to Reset.
	ResetOnReturn ResetMode

	// Dial opens a new connection. Required. Its error is returned to
	// the caller of Get as it is. Its context carries the
	// caller's values but not the caller's cancellation: it ends when the
	// pool is closed or after max(30s, Timeout), so that one impatient
	// caller cannot abort a connection others could use.
	Dial func(ctx context.Context) (driver.Conn, error)
	// Ping checks a connection at checkout when PrePing is on. nil: use
	// driver.Pinger when the connection has it, else treat it as alive.
	// Its context is the caller's.
	Ping func(ctx context.Context, c driver.Conn) error
	// Reset runs at every checkin with ResetOnReturn (also ResetNone:
	// the hook decides what each mode means). An error invalidates the
	// connection instead of keeping it. Its context ends only when the
	// pool is closed, so the hook should bound its own I/O. It is skipped
	// for a connection that is going to be closed anyway (pool closed or
	// disposed).
	Reset func(ctx context.Context, c driver.Conn, mode ResetMode) error
	// IsDisconnect says whether a Ping error means the connection is
	// gone (replace it and retry once) rather than a real failure
	// (return it). nil: errors.Is(err, driver.ErrBadConn).
	IsDisconnect func(err error) bool
	// IsServerGone says whether such a disconnect means the server itself
	// is gone, so that every connection opened before is suspect and is
	// replaced at its next checkout (the invalidation timestamp moves).
	// A connection that is merely closed (driver.ErrBadConn alone, an
	// interrupted statement) costs only itself. nil: IsDisconnect.
	IsServerGone func(err error) bool
	// RecycleJitter spreads Recycle: each connection's lifetime is
	// Recycle shortened by a random fraction of it, up to RecycleJitter
	// (0.1: recycled between 90% and 100% of Recycle), so connections
	// opened together are not all replaced at the same checkout storm.
	// It never lengthens a lifetime, so a server-side idle timeout that
	// Recycle guards against stays respected. 0 turns the spread off; at
	// most [MaxRecycleJitter]. URL key pool_recycle_jitter.
	RecycleJitter float64
	// LeakThreshold turns leak detection on (see leak.go): a checkout
	// that lasts longer is logged to Logger once, with the stack that
	// took it, and again when it comes back. The stack of every checkout
	// is recorded, which costs a few microseconds per checkout
	// (BenchmarkDropInExec/alchemy+leak-detection against /alchemy: about
	// 2.7µs → 6.9µs on a loaded 2-core machine). <= 0: off. URL key
	// pool_leak_threshold (seconds).
	LeakThreshold time.Duration
	// Logger receives leak reports; nil: slog.Default() at the time of
	// the report.
	Logger *slog.Logger
	// OnEvent, if set, receives every pool event. It is never called
	// while the pool's lock is held, is called from the goroutine that
	// caused the event, and must be safe for concurrent use.
	OnEvent func(PoolEvent)
}

// DefaultPoolConfig returns SQLAlchemy's defaults: Size 5, MaxOverflow
// 10, Timeout 30s, Recycle off, FIFO, no pre-ping, reset by rollback.
// Dial must still be set.
func DefaultPoolConfig() PoolConfig {
	return PoolConfig{Size: 5, MaxOverflow: 10, Timeout: 30 * time.Second, ResetOnReturn: ResetRollback,
		RecycleJitter: DefaultRecycleJitter}
}

// MaxPoolConnections bounds pool_size and max_overflow. No server serves
// that many connections from one client (PostgreSQL's max_connections is
// typically 100–5,000, MySQL's max_connections caps at 100,000), so a
// larger number is a typo; it is refused rather than silently trusted.
const MaxPoolConnections = 100_000

func (cfg *PoolConfig) validate() error {
	switch {
	case cfg.Size > MaxPoolConnections:
		return fmt.Errorf("alchemy: invalid PoolConfig.Size %d: at most %d", cfg.Size, MaxPoolConnections)
	case cfg.MaxOverflow > MaxPoolConnections:
		return fmt.Errorf("alchemy: invalid PoolConfig.MaxOverflow %d: at most %d", cfg.MaxOverflow, MaxPoolConnections)
	case cfg.Size < 0:
		return fmt.Errorf("alchemy: invalid PoolConfig.Size %d: must be >= 0 (0 = no limit)", cfg.Size)
	case cfg.MaxOverflow < -1:
		return fmt.Errorf("alchemy: invalid PoolConfig.MaxOverflow %d: must be >= -1 (-1 = no limit)", cfg.MaxOverflow)
	case cfg.Timeout < 0:
		return fmt.Errorf("alchemy: invalid PoolConfig.Timeout %v: must be >= 0 (0 = fail at once when at capacity)", cfg.Timeout)
	case cfg.ResetOnReturn < ResetRollback || cfg.ResetOnReturn > ResetNone:
		return fmt.Errorf("alchemy: invalid PoolConfig.ResetOnReturn %v: must be ResetRollback, ResetCommit or ResetNone", cfg.ResetOnReturn)
	case cfg.Class < QueuePoolClass || cfg.Class > StaticPool:
		return fmt.Errorf("alchemy: invalid PoolConfig.Class %d", cfg.Class)
	case !(cfg.RecycleJitter >= 0 && cfg.RecycleJitter <= MaxRecycleJitter):
		return fmt.Errorf("alchemy: invalid PoolConfig.RecycleJitter %v: must be between 0 and %v", cfg.RecycleJitter, MaxRecycleJitter)
	case cfg.Dial == nil:
		return errors.New("alchemy: invalid PoolConfig.Dial <nil>: a dial function is required")
	}
	return nil
}

// untimedWait is the Timeout from which a queued Get has no deadline and
// the pool no timer: a century never ends a wait in practice, and
// pool_timeout=none (math.MaxInt64) is the usual way to ask for it.
const untimedWait = 100 * 365 * 24 * time.Hour

// minDialTimeout is the least time a dial is given; see PoolConfig.Dial.
const minDialTimeout = 30 * time.Second

// PoolStats is a snapshot of a [QueuePool]'s state and cumulative
// counters, taken by [QueuePool.Stats].
type PoolStats struct {
	Size        int // PoolConfig.Size
	MaxOverflow int // PoolConfig.MaxOverflow
	Idle        int // connections in the pool, ready for checkout
	CheckedOut  int // Open - Idle: connections out, including ones being opened
	Open        int // slots in use: open connections plus ones being opened
	Overflow    int // Open - Size (negative below Size); 0 when Size is 0
	Waiting     int // Get calls queued for a connection right now

	Opens         int64         // connections opened
	Closes        int64         // connections closed
	Recycles      int64         // connections replaced at checkout for age or an Invalidate timestamp
	Invalidations int64         // connections invalidated (Invalidate, failed ping, failed reset)
	Checkouts     int64         // successful Get calls
	Waits         int64         // Get calls that had to queue (whatever came of it)
	WaitDuration  time.Duration // total time spent queued
	Timeouts      int64         // Get calls that failed with ErrPoolTimeout
	Pings         int64         // pre-pings
	PingFailures  int64         // pre-pings that failed
}

// Connection states, in PooledConn.state.
const (
	connIdle      int32 = iota // in the idle list
	connOut                    // checked out (or handed to a waiter)
	connReturning              // Release or Invalidate in progress
	connClosed                 // closed; the PooledConn is dead
)

// QueuePool is SQLAlchemy's QueuePool: up to Size idle connections, up
// to MaxOverflow more while demand lasts, and a FIFO queue of callers
// waiting (up to Timeout) when all of them are out.
//
// Differences from SQLAlchemy, each fixing a flaw of its QueuePool: slots are
// counted exactly, so Dispose with connections out never drives counts
// negative nor lets the pool exceed its cap; a returned connection goes
// straight to the oldest waiter, so the goroutine returning it cannot
// take it back ahead of the queue; Size 0 means no limit, as in 2.0.
//
// A QueuePool is safe for concurrent use.
type QueuePool struct {
	cfg             PoolConfig
	maxOpen         int  // Size+MaxOverflow; -1: no limit
	checkAtCheckout bool // Recycle or PrePing: check connections at checkout
	timed           bool // Timeout < untimedWait: queued Gets have a deadline
	dialTimeout     time.Duration
	ctx             context.Context // ends at Close; bounds dials and resets
	cancel          context.CancelFunc
	now             func() time.Time // time.Now; tests replace it

	// mu guards open, idle, waiters, expiry, lastID and invalidMark, and every
	// write to closed and gen (which are atomics so Release can read
	// them without the lock). No I/O and no OnEvent call happen under it.
	mu          sync.Mutex
	open        int // slots in use: conns alive plus dials in progress and slots granted to waiters
	idle        connRing
	waiters     waiterQueue
	expiry      *time.Timer // runs expireWaiters; made at the first timed wait
	expiryArmed bool        // expiry is set, or fired and its expireWaiters has not taken mu yet
	lastID      uint64      // last connection id handed out
	invalidMark uint64      // conns with id <= invalidMark are replaced at checkout
	closed      atomic.Bool
	gen         atomic.Uint64 // bumped by Dispose; conns of older generations are closed on return
	checkouts   atomic.Int64  // next to mu: incremented under it on the fast path

	dialWG sync.WaitGroup // dials in progress; Close waits for them

	opens, closes, recycles, invalidations atomic.Int64
	waits, waitNanos, timeouts             atomic.Int64
	pings, pingFailures                    atomic.Int64

	testHookWaiterCancel func() // tests: runs when a waiter's context ends, before it dequeues

	name  string       // for the pool page and metrics: the connector's masked URL
	regID uint64       // key in the page's registry
	leaks *leakTracker // nil unless LeakThreshold > 0 (leak.go)
	diag  poolDiag     // wait histogram, recent invalidations (poolpage.go)
}

// NewQueuePool validates cfg and returns an empty pool: no connection is
// opened until the first Get.
func NewQueuePool(cfg PoolConfig) (*QueuePool, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	switch cfg.Class {
	case NullPool:
		cfg.Size, cfg.MaxOverflow = 0, -1 // no limit, as SQLAlchemy's NullPool
	case StaticPool:
		cfg.Size, cfg.MaxOverflow, cfg.Recycle = 1, 0, 0
	}
	p := &QueuePool{cfg: cfg, maxOpen: cfg.Size + cfg.MaxOverflow, now: time.Now}
	if cfg.Size == 0 || cfg.MaxOverflow == -1 {
		p.maxOpen = -1
	}
	p.checkAtCheckout = cfg.Recycle > 0 || cfg.PrePing
	p.timed = cfg.Timeout < untimedWait
	p.dialTimeout = max(minDialTimeout, cfg.Timeout)
	p.ctx, p.cancel = context.WithCancel(context.Background())
	if cfg.LeakThreshold > 0 {
		p.leaks = newLeakTracker(p)
	}
	registerPool(p)
	// The idle ring grows as connections come back (push doubles it), so
	// a large pool_size costs nothing until that many connections exist.
	return p, nil
}

// Config returns the pool's configuration.
func (p *QueuePool) Config() PoolConfig { return p.cfg }

// PooledConn is one checkout of a pooled connection. The same
// *PooledConn is handed out again each time its connection is checked
// out, so it must not be used after Release or Invalidate (like
// puddle's Resource). Release or Invalidate on a connection that is not
// checked out panics with "alchemy: PooledConn released twice"; a second
// Release after the connection went to another caller cannot be told
// apart from that caller's own.
type PooledConn struct {
	pool      *QueuePool
	conn      driver.Conn
	id        uint64
	gen       uint64
	createdAt time.Time
	lifetime  time.Duration // Recycle less this connection's jitter
	state     atomic.Int32
	outAt     time.Time   // when checked out; set only when OnEvent is set
	leak      *leakRecord // the checkout's record; leak detection only
	// wrapper is the connector's driver.Conn for this connection, reused
	// at every checkout so that the drop-in path allocates none; only
	// the goroutine that has the connection checked out touches it.
	wrapper *conn
}

const errReleasedTwice = "alchemy: PooledConn released twice"

// Conn returns the underlying driver connection.
func (pc *PooledConn) Conn() driver.Conn { return pc.conn }

// ID returns the connection's id, unique within its pool.
func (pc *PooledConn) ID() uint64 { return pc.id }

// CreatedAt returns when the connection was opened.
func (pc *PooledConn) CreatedAt() time.Time { return pc.createdAt }

// Release checks the connection in: the Reset hook runs (an error
// invalidates the connection instead), then the connection goes to the
// oldest waiter, or to the idle list if it holds fewer than Size, or is
// closed (overflow, or the pool was closed or disposed).
func (pc *PooledConn) Release() {
	if !pc.state.CompareAndSwap(connOut, connReturning) {
		panic(errReleasedTwice)
	}
	p := pc.pool
	if p.leaks != nil {
		p.leaks.in(pc)
	}
	if (p.cfg.Reset != nil || p.cfg.OnEvent != nil) && !p.reset(pc) {
		return
	}
	p.checkin(pc)
}

// Invalidate checks the connection in as broken: it is closed and its
// slot freed. If it was opened after the pool's invalidation timestamp,
// the timestamp moves to now, so every connection opened before is
// replaced at its next checkout (SQLAlchemy's disconnect handling).
func (pc *PooledConn) Invalidate(err error) {
	if !pc.state.CompareAndSwap(connOut, connReturning) {
		panic(errReleasedTwice)
	}
	if pc.pool.leaks != nil {
		pc.pool.leaks.in(pc)
	}
	pc.pool.invalidate(pc, err, true)
}

// Discard checks the connection in as unusable without suspecting the
// others: it is closed and its slot freed, and the invalidation timestamp
// does not move. Use it when only this connection is known to be bad (a
// statement interrupted by its context, a failed reset, a driver's local
// close); use Invalidate when the server behind it is gone.
func (pc *PooledConn) Discard(err error) {
	if !pc.state.CompareAndSwap(connOut, connReturning) {
		panic(errReleasedTwice)
	}
	if pc.pool.leaks != nil {
		pc.pool.leaks.in(pc)
	}
	pc.pool.invalidate(pc, err, false)
}

// Get checks a connection out. It takes an idle one if there is one;
// else it opens one if the pool may grow; else it waits in FIFO order
// until a connection comes back, Timeout passes (*PoolTimeoutError,
// which matches ErrPoolTimeout) or ctx ends (ctx.Err()). A closed pool
// returns ErrPoolClosed. Checkout replaces connections past Recycle or
// opened before the invalidation timestamp and, with PrePing, pings
// reused ones. The caller must Release or Invalidate the connection.
func (p *QueuePool) Get(ctx context.Context) (*PooledConn, error) {
	if done := ctx.Done(); done != nil {
		select {
		case <-done:
			return nil, ctx.Err()
		default:
		}
	}
	var start time.Time
	if p.cfg.OnEvent != nil {
		start = time.Now()
	}
	p.mu.Lock()
	if p.idle.n > 0 { // closed pools have none
		pc := p.idle.pop(p.cfg.UseLIFO)
		pc.state.Store(connOut)
		stale := pc.id <= p.invalidMark
		if !stale && !p.checkAtCheckout {
			p.checkouts.Add(1)
			p.mu.Unlock()
			if p.leaks != nil {
				p.leaks.out(pc)
			}
			if p.cfg.OnEvent != nil {
				p.emitCheckout(pc, start)
			}
			return pc, nil
		}
		p.mu.Unlock()
		pc, err := p.check(ctx, pc, stale)
		return p.checkedOut(start, pc, err)
	}
	pc, err := p.getSlowLocked(ctx)
	return p.checkedOut(start, pc, err)
}

// checkedOut counts a successful checkout and reports it; start is when
// Get began (zero without OnEvent).
func (p *QueuePool) checkedOut(start time.Time, pc *PooledConn, err error) (*PooledConn, error) {
	if err != nil {
		return nil, err
	}
	p.checkouts.Add(1)
	if p.leaks != nil {
		p.leaks.out(pc)
	}
	if p.cfg.OnEvent != nil {
		p.emitCheckout(pc, start)
	}
	return pc, nil
}

// emitCheckout stamps pc's checkout time and reports the checkout with
// how long Get took.
func (p *QueuePool) emitCheckout(pc *PooledConn, start time.Time) {
	pc.outAt = time.Now()
	p.cfg.OnEvent(PoolEvent{Kind: EventCheckout, ConnID: pc.id, Duration: pc.outAt.Sub(start)})
}

// getSlowLocked opens a connection or waits for one. p.mu is held on
// entry and released before it returns.
func (p *QueuePool) getSlowLocked(ctx context.Context) (*PooledConn, error) {
	if p.closed.Load() {
		p.mu.Unlock()
		return nil, ErrPoolClosed
	}
	if p.maxOpen < 0 || p.open < p.maxOpen {
		p.open++
		t := p.startDialLocked()
		p.mu.Unlock()
		return p.openConn(ctx, t)
	}
	if p.cfg.Timeout == 0 {
		p.mu.Unlock()
		p.timeouts.Add(1)
		return nil, p.timeoutError()
	}
	w := waiterPool.Get().(*poolWaiter)
	var start time.Time
	if p.timed {
		// The clock is read under the lock so that deadlines never
		// decrease along the queue (see wait); an untimed wait reads it
		// after, out of the critical section.
		start = time.Now()
		w.deadline = start.Add(p.cfg.Timeout)
		if !p.expiryArmed {
			// The timer, when armed, is set no later than the oldest
			// queued deadline; when not armed, the queue is empty or
			// the timer has fired and its expireWaiters, waiting for the
			// lock, will see w.
			p.armExpiryLocked(p.cfg.Timeout)
		}
	}
	p.waiters.pushBack(w)
	p.mu.Unlock()
	if !p.timed {
		start = time.Now()
	}
	return p.wait(ctx, w, start)
}

func (p *QueuePool) timeoutError() error {
	e := &PoolTimeoutError{Size: p.cfg.Size, Overflow: p.cfg.MaxOverflow, Timeout: p.cfg.Timeout}
	p.mu.Lock()
	e.CheckedOut = p.open - p.idle.n
	p.mu.Unlock()
	if p.leaks != nil {
		e.Oldest = p.leaks.oldest()
	}
	return e
}

// poolGrant is what a waiter receives: a connection (pc), the right to
// open one in a freed slot (pc and err nil), or an error (pool closed).
type poolGrant struct {
	pc    *PooledConn
	err   error
	stale bool // pc was opened before the invalidation timestamp
}

// poolWaiter is one queued Get. Its channel has room for the one grant
// it can receive, so granting never blocks. Waiters are recycled through
// waiterPool: when wait is done with one, its channel is empty (the one
// grant, if any, was received) and the pool no longer refers to it.
type poolWaiter struct {
	ch         chan poolGrant
	prev, next *poolWaiter
	queued     bool
	deadline   time.Time // pool_timeout ends the wait here (timed pools)
}

var waiterPool = sync.Pool{New: func() any { return &poolWaiter{ch: make(chan poolGrant, 1)} }}

// wait blocks until w is granted something: a connection, a slot, or
// the end of its pool_timeout (errWaitExpired, from expireWaiters); or
// until ctx ends. start is when w was queued.
//
// A waiter arms no timer of its own. Every waiter has the same Timeout,
// so the queue's FIFO order is also the order of their deadlines, and one
// pool-wide timer set for the oldest waiter's deadline (expireWaiters)
// serves them all. A timer per wait, added to and removed from the
// runtime's timer heap at every queued checkout, cost about 130 ns of a
// 470 ns hand-off (BenchmarkCheckoutContended), with or without a finite
// Timeout.
func (p *QueuePool) wait(ctx context.Context, w *poolWaiter, start time.Time) (*PooledConn, error) {
	g, err := p.await(ctx, w)
	waiterPool.Put(w)
	p.recordWait(start)
	if err != nil {
		return nil, err
	}
	return p.useGrant(ctx, g)
}

// await is wait's select: the grant, or the error that ended the wait.
// It leaves w's channel empty and w out of the queue.
func (p *QueuePool) await(ctx context.Context, w *poolWaiter) (poolGrant, error) {
	select {
	case g := <-w.ch:
		if g.err == errWaitExpired {
			p.timeouts.Add(1)
			return poolGrant{}, p.timeoutError()
		}
		return g, nil
	case <-ctx.Done():
		if p.testHookWaiterCancel != nil {
			p.testHookWaiterCancel()
		}
		if !p.dequeue(w) { // lost the race: give back what we were handed
			p.giveBack(<-w.ch)
		}
		return poolGrant{}, ctx.Err()
	}
}

// errWaitExpired is the grant expireWaiters gives a waiter whose
// pool_timeout has passed; await turns it into a *PoolTimeoutError.
var errWaitExpired = errors.New("alchemy: pool_timeout passed")

// armExpiryLocked makes the pool's timer run expireWaiters after d. The
// timer must not be armed already.
func (p *QueuePool) armExpiryLocked(d time.Duration) {
	p.expiryArmed = true
	if p.expiry == nil {
		p.expiry = time.AfterFunc(d, p.expireWaiters)
		return
	}
	p.expiry.Reset(d)
}

// expireWaiters runs when the pool's timer fires: it ends the wait of
// every waiter at the front of the queue whose deadline has passed, then
// sets the timer for the new oldest waiter. The timer stays set for the
// deadline of a waiter that has since been granted a connection: it then
// fires early, expires nobody and moves itself on to the oldest waiter.
// That is about one firing per Timeout while the queue stays busy,
// instead of a timer operation per checkout.
func (p *QueuePool) expireWaiters() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expiryArmed = false
	now := time.Now()
	for w := p.waiters.head; w != nil && !w.deadline.After(now); w = p.waiters.head {
		p.waiters.remove(w)
		w.ch <- poolGrant{err: errWaitExpired}
	}
	if w := p.waiters.head; w != nil {
		p.armExpiryLocked(w.deadline.Sub(now))
	}
}

func (p *QueuePool) recordWait(start time.Time) {
	d := time.Since(start)
	p.waits.Add(1)
	p.waitNanos.Add(int64(d))
	p.diag.waitHist.observe(d)
}

// dequeue removes w from the queue; false if it was already granted.
func (p *QueuePool) dequeue(w *poolWaiter) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !w.queued {
		return false
	}
	p.waiters.remove(w)
	return true
}

// useGrant turns a waiter's grant into a checkout.
func (p *QueuePool) useGrant(ctx context.Context, g poolGrant) (*PooledConn, error) {
	switch {
	case g.err != nil:
		return nil, g.err
	case g.pc != nil:
		if g.stale || p.checkAtCheckout {
			return p.check(ctx, g.pc, g.stale)
		}
		return g.pc, nil
	}
	return p.redial(ctx)
}

// giveBack returns a grant its waiter no longer wants.
func (p *QueuePool) giveBack(g poolGrant) {
	switch {
	case g.err != nil:
	case g.pc != nil:
		p.checkin(g.pc)
	default:
		p.mu.Lock()
		p.releaseSlotLocked()
		p.mu.Unlock()
	}
}

// releaseSlotLocked frees one slot: the oldest waiter gets the right to
// open a connection in it, or the open count drops.
func (p *QueuePool) releaseSlotLocked() {
	if w := p.waiters.popFront(); w != nil {
		w.ch <- poolGrant{}
		return
	}
	p.open--
}

// check runs the checkout checks on pc, which holds a slot: replace it
// if stale or past Recycle, else pre-ping it if asked. A replacement is
// fresh and is not pinged (at most two attempts, as in SQLAlchemy).
func (p *QueuePool) check(ctx context.Context, pc *PooledConn, stale bool) (*PooledConn, error) {
	if stale || (p.cfg.Recycle > 0 && p.now().Sub(pc.createdAt) > pc.lifetime) {
		p.recycles.Add(1)
		p.closeConn(pc)
		return p.redial(ctx)
	}
	if !p.cfg.PrePing {
		return pc, nil
	}
	err := p.ping(ctx, pc)
	if err == nil {
		return pc, nil
	}
	p.pingFailures.Add(1)
	p.invalidations.Add(1)
	p.diag.noteInvalidation(pc.id, err)
	p.emit(EventInvalidate, pc.id, err)
	p.closeConn(pc)
	if ctx.Err() != nil || !p.isDisconnect(err) {
		p.mu.Lock()
		p.releaseSlotLocked()
		p.mu.Unlock()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("alchemy: pre-ping: %w", err)
	}
	if p.serverGone(err) {
		p.mu.Lock()
		p.bumpLocked(pc.id)
		p.mu.Unlock()
	}
	return p.redial(ctx)
}

func (p *QueuePool) serverGone(err error) bool {
	if p.cfg.IsServerGone != nil {
		return p.cfg.IsServerGone(err)
	}
	return p.isDisconnect(err)
}

func (p *QueuePool) ping(ctx context.Context, pc *PooledConn) error {
	p.pings.Add(1)
	if p.cfg.Ping != nil {
		return p.cfg.Ping(ctx, pc.conn)
	}
	if pinger, ok := pc.conn.(driver.Pinger); ok {
		return pinger.Ping(ctx)
	}
	return nil
}

func (p *QueuePool) isDisconnect(err error) bool {
	if p.cfg.IsDisconnect != nil {
		return p.cfg.IsDisconnect(err)
	}
	return errors.Is(err, driver.ErrBadConn)
}

// bumpLocked moves the invalidation timestamp to now if the connection
// with this id was opened after it. It never moves back.
func (p *QueuePool) bumpLocked(id uint64) {
	if id > p.invalidMark {
		p.invalidMark = p.lastID
	}
}

// Invalidate moves the pool's invalidation timestamp to now: every
// connection opened (or being opened) before is closed and replaced at
// its next checkout. Idle connections are not closed eagerly.
func (p *QueuePool) Invalidate() {
	p.mu.Lock()
	p.invalidMark = p.lastID
	p.mu.Unlock()
}

// dialTicket identifies a connection about to be opened.
type dialTicket struct {
	id, gen uint64
	took    time.Duration // how long the dial took, set when it ends
}

// startDialLocked registers a dial into a slot the caller holds. The
// pool must not be closed.
func (p *QueuePool) startDialLocked() dialTicket {
	p.lastID++
	p.dialWG.Add(1)
	return dialTicket{id: p.lastID, gen: p.gen.Load()}
}

// redial opens a connection in a slot the caller already holds (a
// replacement, or a slot granted to a waiter).
func (p *QueuePool) redial(ctx context.Context) (*PooledConn, error) {
	p.mu.Lock()
	if p.closed.Load() {
		p.releaseSlotLocked()
		p.mu.Unlock()
		return nil, ErrPoolClosed
	}
	t := p.startDialLocked()
	p.mu.Unlock()
	return p.openConn(ctx, t)
}

type dialResult struct {
	pc  *PooledConn
	err error
}

// dialRequest links a caller to a dial running in its own goroutine.
// done and abandoned are guarded by p.mu.
type dialRequest struct {
	ch        chan dialResult // buffered: the dial never blocks on it
	done      bool            // the dial finished and will send its result
	abandoned bool            // the caller left; the dial publishes its conn itself
}

// openConn opens a connection in a slot the caller holds, registered by
// startDialLocked. On failure the slot is freed. If ctx can end, the dial
// runs in a goroutine, so that the caller can stop waiting when ctx ends:
// the dial goes on, and its connection goes to the next waiter or the
// idle list.
func (p *QueuePool) openConn(ctx context.Context, t dialTicket) (*PooledConn, error) {
	if ctx.Done() == nil {
		defer p.dialWG.Done()
		start := time.Now()
		conn, err := p.dial(ctx)
		t.took = time.Since(start)
		r, _ := p.finishDial(t, conn, err, nil)
		return r.pc, r.err
	}
	req := &dialRequest{ch: make(chan dialResult, 1)}
	go func() {
		defer p.dialWG.Done()
		start := time.Now()
		conn, err := p.dial(ctx)
		t.took = time.Since(start)
		if r, deliver := p.finishDial(t, conn, err, req); deliver {
			req.ch <- r
		}
	}()
	select {
	case r := <-req.ch:
		return r.pc, r.err
	case <-ctx.Done():
	}
	p.mu.Lock()
	done := req.done
	req.abandoned = !done
	p.mu.Unlock()
	if done { // the result is on its way: give a connection back
		if r := <-req.ch; r.pc != nil {
			p.checkin(r.pc)
		}
	}
	return nil, ctx.Err()
}

// dial calls the Dial hook under a context with ctx's values that ends
// at Close or after p.dialTimeout, never when ctx ends.
func (p *QueuePool) dial(ctx context.Context) (driver.Conn, error) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.dialTimeout)
	stop := context.AfterFunc(p.ctx, cancel)
	conn, err := p.cfg.Dial(dctx)
	stop()
	cancel()
	if err == nil && conn == nil {
		err = errors.New("Dial returned no connection and no error")
	}
	return conn, err
}

// finishDial publishes the outcome of a dial. With req (an asynchronous
// dial) it reports whether the caller is still there to receive the
// result; if not, a new connection is checked in for others.
func (p *QueuePool) finishDial(t dialTicket, conn driver.Conn, err error, req *dialRequest) (dialResult, bool) {
	var pc *PooledConn
	if err == nil {
		pc = &PooledConn{pool: p, conn: conn, id: t.id, gen: t.gen, createdAt: p.now(), lifetime: p.lifetime()}
		pc.state.Store(connOut)
		p.opens.Add(1)
		if p.cfg.OnEvent != nil {
			p.cfg.OnEvent(PoolEvent{Kind: EventConnect, ConnID: t.id, Duration: t.took})
		}
	}
	p.mu.Lock()
	abandoned := req != nil && req.abandoned
	if req != nil {
		req.done = true
	}
	closed := p.closed.Load()
	if err != nil {
		p.releaseSlotLocked()
		if closed { // Close cancelled the dial
			err = ErrPoolClosed
		}
	}
	p.mu.Unlock()
	switch {
	case err != nil:
		return dialResult{err: err}, !abandoned
	case abandoned:
		p.checkin(pc)
		return dialResult{}, false
	case closed:
		p.discard(pc)
		return dialResult{err: ErrPoolClosed}, true
	}
	return dialResult{pc: pc}, true
}

// reset runs the Reset hook and emits reset and checkin. It returns
// false if the reset failed and pc was invalidated instead.
func (p *QueuePool) reset(pc *PooledConn) bool {
	if p.cfg.Reset != nil && !p.closed.Load() && pc.gen == p.gen.Load() {
		if err := p.cfg.Reset(p.ctx, pc.conn, p.cfg.ResetOnReturn); err != nil {
			p.emit(EventReset, pc.id, nil)
			p.invalidate(pc, fmt.Errorf("alchemy: reset on return (%v): %w", p.cfg.ResetOnReturn, err), false)
			return false
		}
	}
	if p.cfg.OnEvent != nil {
		p.emit(EventReset, pc.id, nil)
		p.cfg.OnEvent(PoolEvent{Kind: EventCheckin, ConnID: pc.id, Duration: sinceOut(pc)})
	}
	return true
}

// checkin takes back pc, already reset: it goes to the oldest waiter,
// or to the idle list if there is room, or is closed.
func (p *QueuePool) checkin(pc *PooledConn) {
	p.mu.Lock()
	if !p.closed.Load() && pc.gen == p.gen.Load() && p.cfg.Class != NullPool {
		if w := p.waiters.popFront(); w != nil {
			pc.state.Store(connOut)
			w.ch <- poolGrant{pc: pc, stale: pc.id <= p.invalidMark}
			p.mu.Unlock()
			return
		}
		if p.cfg.Size == 0 || p.idle.n < p.cfg.Size {
			pc.state.Store(connIdle)
			p.idle.push(pc)
			p.mu.Unlock()
			return
		}
	}
	p.mu.Unlock()
	p.discard(pc)
}

// invalidate closes a broken pc and frees its slot; with bump it may
// move the invalidation timestamp. Events: invalidate, close, checkin.
func (p *QueuePool) invalidate(pc *PooledConn, err error, bump bool) {
	p.invalidations.Add(1)
	p.diag.noteInvalidation(pc.id, err)
	p.emit(EventInvalidate, pc.id, err)
	p.closeConn(pc)
	p.mu.Lock()
	if bump {
		p.bumpLocked(pc.id)
	}
	p.releaseSlotLocked()
	p.mu.Unlock()
	if p.cfg.OnEvent != nil {
		p.cfg.OnEvent(PoolEvent{Kind: EventCheckin, ConnID: pc.id, Duration: sinceOut(pc)})
	}
}

// discard closes pc, then frees its slot. Closing first keeps the number
// of live connections within the cap at every moment.
func (p *QueuePool) discard(pc *PooledConn) error {
	err := p.closeConn(pc)
	p.mu.Lock()
	p.releaseSlotLocked()
	p.mu.Unlock()
	return err
}

// closeConn closes pc's connection; its slot stays taken.
func (p *QueuePool) closeConn(pc *PooledConn) error {
	pc.state.Store(connClosed)
	if pc.wrapper != nil {
		pc.wrapper.stmts.closeAll() // before the connection they were prepared on
	}
	err := pc.conn.Close()
	p.closes.Add(1)
	p.emit(EventClose, pc.id, err)
	return err
}

func (p *QueuePool) emit(kind PoolEventKind, id uint64, err error) {
	if p.cfg.OnEvent != nil {
		p.cfg.OnEvent(PoolEvent{Kind: kind, ConnID: id, Err: err})
	}
}

// Dispose closes every idle connection now. Connections checked out (or
// being opened) at this moment are closed when they come back. The pool
// stays usable, and its counts stay exact: the slots of connections out
// stay taken until they come back.
func (p *QueuePool) Dispose() {
	p.mu.Lock()
	p.gen.Add(1)
	idle := p.idle.drain()
	p.mu.Unlock()
	for _, pc := range idle {
		p.discard(pc)
	}
}

// Close closes the pool: waiting Get calls return ErrPoolClosed, idle
// connections are closed, dials in progress are cancelled (through their
// context) and waited for, and connections still out are closed when
// they come back. Later Get calls return ErrPoolClosed. It returns the
// errors from closing idle connections. Calling it again does nothing.
func (p *QueuePool) Close() error {
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		p.dialWG.Wait()
		return nil
	}
	p.closed.Store(true)
	unregisterPool(p)
	for w := p.waiters.popFront(); w != nil; w = p.waiters.popFront() {
		w.ch <- poolGrant{err: ErrPoolClosed}
	}
	if p.expiry != nil {
		p.expiry.Stop() // a firing under way finds the queue empty
	}
	idle := p.idle.drain()
	p.mu.Unlock()
	p.cancel()
	var errs []error
	for _, pc := range idle {
		if err := p.discard(pc); err != nil {
			errs = append(errs, fmt.Errorf("alchemy: close connection %d: %w", pc.id, err))
		}
	}
	p.dialWG.Wait()
	return errors.Join(errs...)
}

// Status returns SQLAlchemy's status line, for example
// "Pool size: 5  Connections in pool: 0 Current Overflow: -5 Current Checked out connections: 0".
func (p *QueuePool) Status() string {
	switch p.cfg.Class {
	case NullPool, StaticPool:
		return p.cfg.Class.String() // as SQLAlchemy's status() says
	}
	s := p.Stats()
	return fmt.Sprintf("Pool size: %d  Connections in pool: %d Current Overflow: %d Current Checked out connections: %d",
		s.Size, s.Idle, s.Overflow, s.CheckedOut)
}

// Stats returns a snapshot of the pool's state and counters.
func (p *QueuePool) Stats() PoolStats {
	p.mu.Lock()
	s := PoolStats{
		Size: p.cfg.Size, MaxOverflow: p.cfg.MaxOverflow,
		Idle: p.idle.n, Open: p.open, CheckedOut: p.open - p.idle.n, Waiting: p.waiters.n,
	}
	p.mu.Unlock()
	if s.Size > 0 {
		s.Overflow = s.Open - s.Size
	}
	s.Opens, s.Closes = p.opens.Load(), p.closes.Load()
	s.Recycles, s.Invalidations = p.recycles.Load(), p.invalidations.Load()
	s.Checkouts, s.Waits = p.checkouts.Load(), p.waits.Load()
	s.WaitDuration, s.Timeouts = time.Duration(p.waitNanos.Load()), p.timeouts.Load()
	s.Pings, s.PingFailures = p.pings.Load(), p.pingFailures.Load()
	return s
}

// connRing is the idle list: a ring buffer used as a deque. Returned
// connections go to the back; FIFO takes from the front, LIFO from the
// back.
type connRing struct {
	buf  []*PooledConn
	head int
	n    int
}

func (r *connRing) push(pc *PooledConn) {
	if r.n == len(r.buf) {
		buf := make([]*PooledConn, max(8, 2*len(r.buf)))
		for i := range r.n {
			buf[i] = r.buf[r.index(i)]
		}
		r.buf, r.head = buf, 0
	}
	r.buf[r.index(r.n)] = pc
	r.n++
}

func (r *connRing) pop(lifo bool) *PooledConn {
	var i int
	if lifo {
		i = r.index(r.n - 1)
	} else {
		i = r.head
		if r.head++; r.head == len(r.buf) {
			r.head = 0
		}
	}
	pc := r.buf[i]
	r.buf[i] = nil
	r.n--
	return pc
}

func (r *connRing) index(i int) int {
	if i += r.head; i >= len(r.buf) {
		i -= len(r.buf)
	}
	return i
}

// drain empties the ring and returns its connections, oldest first.
func (r *connRing) drain() []*PooledConn {
	out := make([]*PooledConn, 0, r.n)
	for r.n > 0 {
		out = append(out, r.pop(false))
	}
	return out
}

// waiterQueue is the FIFO of waiting Get calls, a doubly linked list so
// that a cancelled waiter can leave from the middle.
type waiterQueue struct {
	head, tail *poolWaiter
	n          int
}

func (q *waiterQueue) pushBack(w *poolWaiter) {
	w.queued, w.prev, w.next = true, q.tail, nil
	if q.tail != nil {
		q.tail.next = w
	} else {
		q.head = w
	}
	q.tail = w
	q.n++
}

func (q *waiterQueue) remove(w *poolWaiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		q.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		q.tail = w.prev
	}
	w.queued, w.prev, w.next = false, nil, nil
	q.n--
}

func (q *waiterQueue) popFront() *poolWaiter {
	w := q.head
	if w != nil {
		q.remove(w)
	}
	return w
}
