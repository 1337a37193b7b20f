package alchemy

import (
	"fmt"
	"time"
)

// Test-only entry points (compiled into tests only).

// SetCloseTimeout shortens the bound on Conn.Close's ROLLBACK and returns
// a function restoring it.
func SetCloseTimeout(d time.Duration) (restore func()) {
	old := closeTimeout
	closeTimeout = d
	return func() { closeTimeout = old }
}

// SetClock replaces the pool's clock, used for connection ages
// (Recycle, CreatedAt). Call it before the first Get.
func (p *QueuePool) SetClock(now func() time.Time) { p.now = now }

// SetWaiterCancelHook installs f to run when a queued Get's context ends,
// before the waiter tries to leave the queue, so that a test can hand it
// a connection at exactly that moment. Call it before the first Get.
func (p *QueuePool) SetWaiterCancelHook(f func()) { p.testHookWaiterCancel = f }

// WaitDials waits until every dial in progress (including ones whose
// caller left) has finished and published its result. No Get may start
// a dial meanwhile.
func (p *QueuePool) WaitDials() { p.dialWG.Wait() }

// CheckInvariants checks the pool's bookkeeping under its lock.
func (p *QueuePool) CheckInvariants() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for w := p.waiters.head; w != nil; w = w.next {
		if !w.queued {
			return fmt.Errorf("waiter in queue not marked queued")
		}
		// One timer serves the queue only because deadlines follow it.
		if p.timed && w.prev != nil && w.deadline.Before(w.prev.deadline) {
			return fmt.Errorf("waiter deadline %v before its elder's %v", w.deadline, w.prev.deadline)
		}
		n++
	}
	if p.timed && n > 0 && !p.expiryArmed && !p.closed.Load() {
		return fmt.Errorf("%d timed waiters and no timer set", n)
	}
	for i := range p.idle.n {
		if st := p.idle.buf[p.idle.index(i)].state.Load(); st != connIdle {
			return fmt.Errorf("idle conn %d in state %d", i, st)
		}
	}
	switch {
	case n != p.waiters.n:
		return fmt.Errorf("waiter count %d, list holds %d", p.waiters.n, n)
	case p.open < 0 || p.idle.n < 0 || p.idle.n > p.open:
		return fmt.Errorf("open %d, idle %d", p.open, p.idle.n)
	case p.maxOpen >= 0 && p.open > p.maxOpen:
		return fmt.Errorf("open %d above the cap %d", p.open, p.maxOpen)
	case p.cfg.Size > 0 && p.idle.n > p.cfg.Size:
		return fmt.Errorf("idle %d above size %d", p.idle.n, p.cfg.Size)
	case p.waiters.n > 0 && p.idle.n > 0:
		return fmt.Errorf("%d waiters beside %d idle conns", p.waiters.n, p.idle.n)
	case p.waiters.n > 0 && p.maxOpen >= 0 && p.open != p.maxOpen:
		return fmt.Errorf("%d waiters while open %d is below the cap %d", p.waiters.n, p.open, p.maxOpen)
	case p.invalidMark > p.lastID:
		return fmt.Errorf("invalidation mark %d ahead of last id %d", p.invalidMark, p.lastID)
	}
	return nil
}

// SetResetAlways makes every checkin of c's connections send a ROLLBACK,
// as SQLAlchemy's reset_on_return does, so that a benchmark can compare
// it with alchemy's proof-based reset on the same server.
func SetResetAlways(c *Connector, on bool) { c.resetAlways = on }
