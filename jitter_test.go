package alchemy

import (
	"slices"
	"testing"
	"time"
)

// TestRecycleJitter: connections opened at the same moment get lifetimes
// spread over the documented fraction of pool_recycle, never longer than
// it; so at a checkout storm 95% into the lifetime only some of them are
// replaced. Without jitter they all share pool_recycle exactly.
func TestRecycleJitter(t *testing.T) {
	const n = 200
	for _, tc := range []struct {
		name   string
		jitter float64
	}{{"default", DefaultRecycleJitter}, {"off", 0}, {"quarter", 0.25}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := poolCfg(n, 0, 0)
			cfg.Recycle = time.Hour
			cfg.RecycleJitter = tc.jitter
			p, _ := newFakePool(t, cfg)
			clock := newFakeClock()
			p.SetClock(clock.Now)
			pcs := make([]*PooledConn, n)
			lifetimes := make([]time.Duration, n)
			for i := range pcs {
				pcs[i] = mustGet(t, p)
				lifetimes[i] = pcs[i].lifetime
			}
			for _, pc := range pcs {
				pc.Release()
			}
			slices.Sort(lifetimes)
			lo, hi := lifetimes[0], lifetimes[n-1]
			floor := time.Duration(float64(time.Hour) * (1 - tc.jitter))
			t.Logf("jitter %.2f: lifetimes from %v to %v (median %v)", tc.jitter, lo.Round(time.Second), hi.Round(time.Second), lifetimes[n/2].Round(time.Second))
			if lo < floor || hi > time.Hour {
				t.Errorf("lifetimes %v..%v outside [%v, 1h]", lo, hi, floor)
			}
			if tc.jitter == 0 {
				if lo != time.Hour || hi != time.Hour {
					t.Errorf("without jitter lifetimes %v..%v, want all 1h", lo, hi)
				}
				return
			}
			// 200 uniform draws cover most of the range.
			if spread := hi - lo; spread < time.Duration(0.8*tc.jitter*float64(time.Hour)) {
				t.Errorf("spread %v, want most of %v", spread, time.Duration(tc.jitter*float64(time.Hour)))
			}
			// Halfway into the jitter window, some (not all) are due.
			clock.Advance(time.Duration(float64(time.Hour) * (1 - tc.jitter/2)))
			before := p.Stats().Recycles
			got := make([]*PooledConn, n)
			for i := range got {
				got[i] = mustGet(t, p)
			}
			for _, pc := range got {
				pc.Release()
			}
			r := p.Stats().Recycles - before
			t.Logf("at %.1f%% of pool_recycle, %d of %d connections were replaced", 100*(1-tc.jitter/2), r, n)
			if r < n/4 || r > 3*n/4 {
				t.Errorf("%d of %d replaced halfway into the jitter window, want about half", r, n)
			}
		})
	}
}
