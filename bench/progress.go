package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress reports the sweep on stderr: a bar redrawn in place when
// stderr is a terminal, else one plain line per finished step.
type progress struct {
	w     io.Writer
	tty   bool
	total int           // steps: cells × rounds × pools
	step  time.Duration // warm-up + duration

	mu      sync.Mutex
	done    int       // guarded by mu
	label   string    // guarded by mu
	began   time.Time // guarded by mu
	stop    chan struct{}
	stopped chan struct{}
}

func newProgress(w io.Writer, tty bool, total int, step time.Duration) *progress {
	p := &progress{w: w, tty: tty, total: total, step: step, stop: make(chan struct{}), stopped: make(chan struct{})}
	if !tty {
		close(p.stopped)
		return p
	}
	go func() {
		defer close(p.stopped)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
	return p
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (c cell) label() string {
	return fmt.Sprintf("%s size=%d overflow=%d conc=%d timeout=%s",
		c.Workload, c.PoolSize, c.MaxOverflow, c.Concurrency, formatTimeout(c.PoolTimeout))
}

func (p *progress) begin(c cell, pool string) {
	p.mu.Lock()
	p.label = c.label() + " " + pool
	p.began = time.Now()
	p.mu.Unlock()
}

func (p *progress) end(c cell, pool string, rd *round) {
	p.mu.Lock()
	p.done++
	done := p.done
	p.mu.Unlock()
	if p.tty {
		return
	}
	msg := fmt.Sprintf("[%d/%d] %s %s: %.0f ops/s", done, p.total, c.label(), pool, rate(int64(len(rd.Lat)), rd.Measured))
	if rd.Timeouts > 0 || rd.Errors > 0 {
		msg += fmt.Sprintf(", %d timeouts, %d errors", rd.Timeouts, rd.Errors)
	}
	if rd.Interrupted {
		msg += " (interrupted)"
	}
	fmt.Fprintln(p.w, msg)
}

func (p *progress) draw() {
	p.mu.Lock()
	done, label, began := p.done, p.label, p.began
	p.mu.Unlock()
	const width = 24
	frac := (float64(done) + min(1, float64(time.Since(began))/float64(p.step))) / float64(p.total)
	filled := min(width, int(frac*width))
	left := time.Duration(p.total-done)*p.step - time.Since(began)
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %d/%d %s  ETA %s",
		strings.Repeat("#", filled), strings.Repeat("-", width-filled),
		done, p.total, label, max(0, left).Round(time.Second))
}

// close clears the bar.
func (p *progress) close() {
	if p.tty {
		close(p.stop)
	}
	<-p.stopped
}
