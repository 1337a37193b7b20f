package sqlexpr

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

type rfPlanRow struct {
	ID   int64
	Name string `db:"label"`
	Qty  int64
}

// TestStructPlanCache: plans are per (struct type, column list), shared,
// bounded, and right under concurrent use with several column lists for
// one type (each goroutine's plan must be for its own columns).
func TestStructPlanCache(t *testing.T) {
	typ := reflect.TypeFor[rfPlanRow]()
	lists := [][]string{{"id", "label", "qty"}, {"qty", "id"}, {"label"}, {"id", "nope"}}
	want := [][][]int{{{0}, {1}, {2}}, {{2}, {0}}, {{1}}, {{0}, nil}}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				k := (g + i) % len(lists)
				cols := slices.Clone(lists[k]) // the driver's own slice each time
				p := planFor(typ, cols)
				if !slices.Equal(p.cols, lists[k]) || !reflect.DeepEqual(p.fields, want[k]) {
					t.Errorf("planFor(%v) = cols %v fields %v, want %v", lists[k], p.cols, p.fields, want[k])
					return
				}
				if p.fast != (k != 3) {
					t.Errorf("planFor(%v).fast = %v", lists[k], p.fast)
					return
				}
			}
		}()
	}
	// Meanwhile, more column lists than the cache holds.
	for i := range 3 * planCacheSize {
		planFor(typ, []string{"id", fmt.Sprint("c", i)})
	}
	wg.Wait()
	plans.mu.RLock()
	n := len(plans.m)
	plans.mu.RUnlock()
	if n > planCacheSize {
		t.Errorf("%d plans cached, more than the bound %d", n, planCacheSize)
	}
}

// TestScanFastWritesAllOrNothing: a value not of its field's type makes
// scanFast leave the struct untouched, for the reflective path.
func TestScanFastWritesAllOrNothing(t *testing.T) {
	p := planFor(reflect.TypeFor[rfPlanRow](), []string{"id", "label", "qty"})
	var v rfPlanRow
	if p.scanFast(reflect.ValueOf(&v).UnsafePointer(), []any{int64(1), "a", []byte("3")}) {
		t.Fatal("scanFast stored a []byte into an int64 field")
	}
	if v != (rfPlanRow{}) {
		t.Errorf("scanFast wrote %+v before giving up", v)
	}
	if !p.scanFast(reflect.ValueOf(&v).UnsafePointer(), []any{int64(1), "a", int64(3)}) || v != (rfPlanRow{1, "a", 3}) {
		t.Errorf("scanFast of exact values: %+v", v)
	}
	if p.scanFast(reflect.ValueOf(&v).UnsafePointer(), []any{int64(1), nil, int64(3)}) {
		t.Error("scanFast stored NULL into a string field")
	}
}

// TestScanFastAsReflection: whenever scanFast takes values, it stores
// what the reflective path (structPlan.scan, assignValue) stores.
func TestScanFastAsReflection(t *testing.T) {
	type row struct {
		N  int64
		S  string
		F  float64
		B  bool
		T  time.Time
		Bs []byte
	}
	p := planFor(reflect.TypeFor[row](), []string{"n", "s", "f", "b", "t", "bs"})
	at := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	for i, vals := range [][]any{
		{int64(7), "x", 1.5, true, at, []byte{1}},
		{int64(-1), []byte("text"), 0.0, int64(0), at, []byte{}},
		{int64(0), "", -2.5, int64(3), time.Time{}, []byte(nil)},
		{int64(1), "y", 1.0, false, at, nil},        // NULL bytes: reflective only
		{"1", "y", 1.0, false, at, []byte{}},        // text for an integer: reflective only
		{int64(1), "y", float32(1), false, at, nil}, // another float: reflective only
	} {
		var fast, slow row
		took := p.scanFast(reflect.ValueOf(&fast).UnsafePointer(), vals)
		if took != (i < 3) {
			t.Errorf("%v: scanFast took them: %v, want %v", vals, took, i < 3)
		}
		err := p.scan(reflect.ValueOf(&slow).Elem(), vals)
		if !took {
			if !reflect.DeepEqual(fast, row{}) {
				t.Errorf("%v: scanFast gave up after writing %+v", vals, fast)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(fast, slow) {
			t.Errorf("%v: scanFast stored %+v, the reflective path %+v, %v", vals, fast, slow, err)
		}
	}
}
