package metadata

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// passes is SQLAlchemy's sort_tables as written: each pass scans the
// remaining tables in input order and takes every one none of whose
// parents remained at the start of the pass. layered computes the same
// order from each table's pass; this is the reference it is held to.
func (g *depGraph) passes(removed map[edge]bool) []int {
	remaining := make([]bool, len(g.tables))
	for i := range remaining {
		remaining[i] = true
	}
	var order []int
	for len(order) < len(g.tables) {
		var layer []int
		for i := range g.tables {
			if !remaining[i] {
				continue
			}
			ready := true
			for _, p := range g.parents[i] {
				if remaining[p] && !removed[edge{i, p}] {
					ready = false
				}
			}
			if ready {
				layer = append(layer, i)
			}
		}
		for _, i := range layer {
			remaining[i] = false
		}
		order = append(order, layer...)
	}
	return order
}

// TestLayeredMatchesPasses: on random graphs, cyclic ones with their
// back edges removed as sortTables removes them, layered and the pass
// algorithm give the same order.
func TestLayeredMatchesPasses(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := range 500 {
		n := 1 + rng.IntN(60)
		tables := make([]*Table, n)
		for i := range tables {
			tables[i] = &Table{}
		}
		for i, tb := range tables {
			for range rng.IntN(4) {
				j := rng.IntN(n)
				if iter%2 == 0 && j >= i { // half the graphs acyclic
					continue
				}
				tb.fks = append(tb.fks, &ForeignKeyDef{table: tb, refTable: tables[j]})
			}
		}
		g := newGraph(tables, func(*ForeignKeyDef) bool { return false })
		back := g.backEdges()
		if got, want := g.layered(back), g.passes(back); !slices.Equal(got, want) {
			t.Fatalf("iteration %d (%d tables, %d back edges): layered %v, passes %v", iter, n, len(back), got, want)
		}
	}
}
