package alchemy

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestEnders: work handed off one at a time reuses one goroutine; work
// that blocks gets goroutines of its own; at most maxIdleEnders stay
// idle; close ends them.
func TestEnders(t *testing.T) {
	var e enders
	base := runtime.NumGoroutine()
	ids := map[uint64]bool{}
	for range 50 {
		done := make(chan uint64)
		e.run(func() { done <- goid() })
		ids[<-done] = true
		waitFor(t, func() bool { e.mu.Lock(); defer e.mu.Unlock(); return len(e.idle) == 1 })
	}
	if len(ids) != 1 {
		t.Errorf("50 sequential hand-offs ran on %d goroutines, want 1", len(ids))
	}

	release := make(chan struct{})
	var started sync.WaitGroup
	const blocked = maxIdleEnders + 8
	started.Add(blocked)
	var ran sync.WaitGroup
	ran.Add(blocked)
	for range blocked {
		e.run(func() { started.Done(); <-release; ran.Done() })
	}
	started.Wait() // every one runs at once: none waits for another
	close(release)
	ran.Wait()
	waitFor(t, func() bool { return runtime.NumGoroutine() <= base+maxIdleEnders })
	e.mu.Lock()
	idle := len(e.idle)
	e.mu.Unlock()
	if idle != maxIdleEnders {
		t.Errorf("%d idle after %d concurrent hand-offs, want %d", idle, blocked, maxIdleEnders)
	}

	e.close()
	waitFor(t, func() bool { return runtime.NumGoroutine() <= base })
	done := make(chan struct{})
	e.run(func() { close(done) }) // after close: still runs, on a goroutine that then ends
	<-done
	waitFor(t, func() bool { return runtime.NumGoroutine() <= base })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met in 5s (%d goroutines)", runtime.NumGoroutine())
		}
		time.Sleep(time.Millisecond)
	}
}

// goid returns the calling goroutine's id, from its stack header.
func goid() uint64 {
	var buf [32]byte
	n := runtime.Stack(buf[:], false)
	var id uint64
	for _, c := range buf[len("goroutine "):n] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
