package alchemy

import "sync"

// enders runs the COMMITs and ROLLBACKs that a Conn's caller may stop
// waiting for (Conn.startLocked) on goroutines kept for the purpose.
// A new goroutine per transaction was the obvious way, and the dearest
// part of Engine.Begin: a COMMIT through the driver (pgx over TLS
// especially) runs deep enough that a fresh goroutine's stack is grown
// and copied two or three times — about 70,000 instructions per
// transaction under callgrind, twice what the rest of a two-INSERT
// transaction costs the client. A kept goroutine has its stack grown
// already (until the collector shrinks an idle one).
//
// At most maxIdleEnders wait idle; more are started when every kept one
// is busy (a COMMIT the server is slow to answer holds its goroutine),
// and those beyond the limit end after their work. Engine.Close ends the
// idle ones.
type enders struct {
	mu     sync.Mutex
	idle   []chan func()
	closed bool
}

// maxIdleEnders bounds the goroutines kept waiting: a COMMIT is handed
// off once per transaction, so a few cover many concurrent transactions.
const maxIdleEnders = 16

// run runs f on a kept goroutine, or on a new one when none is idle.
func (e *enders) run(f func()) {
	e.mu.Lock()
	if n := len(e.idle); n > 0 && !e.closed {
		ch := e.idle[n-1]
		e.idle[n-1] = nil
		e.idle = e.idle[:n-1]
		e.mu.Unlock()
		ch <- f // buffered: the goroutine takes it when it next waits
		return
	}
	e.mu.Unlock()
	ch := make(chan func(), 1)
	ch <- f
	go e.loop(ch)
}

func (e *enders) loop(ch chan func()) {
	for f := range ch {
		f()
		e.mu.Lock()
		if e.closed || len(e.idle) >= maxIdleEnders {
			e.mu.Unlock()
			return
		}
		e.idle = append(e.idle, ch)
		e.mu.Unlock()
	}
}

// close ends the idle goroutines; busy ones end after their work.
func (e *enders) close() {
	e.mu.Lock()
	e.closed = true
	idle := e.idle
	e.idle = nil
	e.mu.Unlock()
	for _, ch := range idle {
		close(ch)
	}
}
