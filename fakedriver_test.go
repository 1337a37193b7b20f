package alchemy

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// fakeDriver opens fakeConns for pool tests and benchmarks, with hooks
// that inject failures and delays. It counts live connections (a dial in
// progress counts: it occupies a pool slot) so tests can check that the
// pool never exceeds its cap.
type fakeDriver struct {
	live    atomic.Int64 // dials in progress plus open conns
	maxLive atomic.Int64 // high-water mark of live
	dials   atomic.Int64 // Dial calls
	opened  atomic.Int64 // successful dials
	closed  atomic.Int64 // conns closed
	twice   atomic.Int64 // conns closed more than once (a pool bug)

	mu       sync.Mutex
	dialErrs []error           // errors for the next dials, in order
	gate     chan struct{}     // if set, Dial waits for a value (or ctx end)
	started  chan struct{}     // if set, Dial sends on it when it starts
	dialCtxs []context.Context // contexts Dial saw
	conns    []*fakeConn       // every conn opened, in order
}

// Dial is a PoolConfig.Dial.
func (d *fakeDriver) Dial(ctx context.Context) (driver.Conn, error) {
	d.dials.Add(1)
	n := d.live.Add(1)
	for m := d.maxLive.Load(); n > m && !d.maxLive.CompareAndSwap(m, n); m = d.maxLive.Load() {
	}
	d.mu.Lock()
	d.dialCtxs = append(d.dialCtxs, ctx)
	gate, started := d.gate, d.started
	var err error
	if len(d.dialErrs) > 0 {
		err, d.dialErrs = d.dialErrs[0], d.dialErrs[1:]
	}
	d.mu.Unlock()
	if started != nil {
		started <- struct{}{}
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	if err != nil {
		d.live.Add(-1)
		return nil, err
	}
	d.opened.Add(1)
	d.mu.Lock()
	c := &fakeConn{d: d, n: len(d.conns) + 1}
	d.conns = append(d.conns, c)
	d.mu.Unlock()
	return c, nil
}

// failNextDials makes the next len(errs) dials fail with errs.
func (d *fakeDriver) failNextDials(errs ...error) {
	d.mu.Lock()
	d.dialErrs = append(d.dialErrs, errs...)
	d.mu.Unlock()
}

// setGate makes dials wait for a value on gate; started (if not nil)
// receives a value when each dial starts.
func (d *fakeDriver) setGate(gate, started chan struct{}) {
	d.mu.Lock()
	d.gate, d.started = gate, started
	d.mu.Unlock()
}

// conn returns the i-th conn opened (1-based).
func (d *fakeDriver) conn(i int) *fakeConn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conns[i-1]
}

func (d *fakeDriver) lastDialCtx() context.Context {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dialCtxs[len(d.dialCtxs)-1]
}

// fakeConn is a driver.Conn and driver.Pinger that runs no SQL.
type fakeConn struct {
	d *fakeDriver
	n int // 1-based open order

	mu       sync.Mutex
	closed   bool
	pingErr  error
	pings    int
	resetErr error
	resets   []ResetMode
}

var (
	_ driver.Conn   = (*fakeConn)(nil)
	_ driver.Pinger = (*fakeConn)(nil)
)

var errFakeUnsupported = errors.New("fake: not supported")

func (c *fakeConn) Prepare(string) (driver.Stmt, error) { return nil, errFakeUnsupported }
func (c *fakeConn) Begin() (driver.Tx, error)           { return nil, errFakeUnsupported }

func (c *fakeConn) Close() error {
	c.mu.Lock()
	was := c.closed
	c.closed = true
	c.mu.Unlock()
	if was {
		c.d.twice.Add(1)
		return errors.New("fake: closed twice")
	}
	c.d.live.Add(-1)
	c.d.closed.Add(1)
	return nil
}

func (c *fakeConn) Ping(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pings++
	return c.pingErr
}

func (c *fakeConn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func (c *fakeConn) setPingErr(err error) {
	c.mu.Lock()
	c.pingErr = err
	c.mu.Unlock()
}

func (c *fakeConn) pingCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pings
}

func (c *fakeConn) setResetErr(err error) {
	c.mu.Lock()
	c.resetErr = err
	c.mu.Unlock()
}

func (c *fakeConn) resetModes() []ResetMode {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]ResetMode(nil), c.resets...)
}

// fakeReset is a PoolConfig.Reset that records the mode on the fakeConn
// and returns its resetErr.
func fakeReset(_ context.Context, raw driver.Conn, mode ResetMode) error {
	c := raw.(*fakeConn)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.resets = append(c.resets, mode)
	return c.resetErr
}

// fakeConnector puts a fakeDriver under database/sql (for the
// comparison benchmarks).
type fakeConnector struct{ d *fakeDriver }

func (c fakeConnector) Connect(ctx context.Context) (driver.Conn, error) { return c.d.Dial(ctx) }
func (c fakeConnector) Driver() driver.Driver                            { return fakeSQLDriver{} }

type fakeSQLDriver struct{}

func (fakeSQLDriver) Open(string) (driver.Conn, error) { return nil, errFakeUnsupported }

// fakeClock is an injectable clock for recycle tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
