package metadata

import (
	"slices"
	"sort"
)

// sortResult is a creation order: every table after the tables it
// references, except through the foreign keys in deferred, which are
// created afterwards with ALTER TABLE (where the dialect can).
type sortResult struct {
	order    []*Table
	deferred []*ForeignKeyDef // in creation order of their tables, then declaration order
	cyclic   []*Table         // tables whose foreign keys closed a cycle
}

// depGraph is the foreign-key dependency graph of a set of tables:
// parents[i] lists the tables that table i references, in foreign-key
// order, without self-references.
type depGraph struct {
	tables  []*Table
	index   map[*Table]int
	parents [][]int
}

// newGraph builds the graph of tables; foreign keys for which skip
// returns true add no edge.
func newGraph(tables []*Table, skip func(*ForeignKeyDef) bool) *depGraph {
	g := &depGraph{tables: tables, index: make(map[*Table]int, len(tables)), parents: make([][]int, len(tables))}
	for i, t := range tables {
		g.index[t] = i
	}
	for i, t := range tables {
		for _, fk := range t.fks {
			p, ok := g.index[fk.refTable]
			if !ok || p == i || skip(fk) || slices.Contains(g.parents[i], p) {
				continue
			}
			g.parents[i] = append(g.parents[i], p)
		}
	}
	return g
}

// edge is a dependency child → parent.
type edge struct{ child, parent int }

// backEdges returns the edges that close a cycle in a depth-first walk
// that starts from the tables in input order and follows foreign keys in
// declaration order. Removing them leaves the graph acyclic, and they are
// only edges that lie on a cycle, so the other foreign keys of a cyclic
// table stay inline (SQLAlchemy defers every key of such a table, even
// those pointing outside the cycle). The walk is
// deterministic, so the same declarations always defer the same keys.
func (g *depGraph) backEdges() map[edge]bool {
	const (
		unseen = iota
		onStack
		done
	)
	state := make([]int, len(g.tables))
	back := map[edge]bool{}
	var visit func(i int)
	visit = func(i int) {
		state[i] = onStack
		for _, p := range g.parents[i] {
			switch state[p] {
			case unseen:
				visit(p)
			case onStack:
				back[edge{i, p}] = true
			}
		}
		state[i] = done
	}
	for i := range g.tables {
		if state[i] == unseen {
			visit(i)
		}
	}
	return back
}

// layered sorts the tables as SQLAlchemy's sort_tables does: each pass
// scans the remaining tables in input order and takes, as one layer,
// every table none of whose parents remained at the start of the pass.
// Edges in removed are ignored; the rest must be acyclic.
//
// A table's pass is one more than the latest pass of its parents (the
// first for a table without any), so the passes are computed once per
// table and the tables bucketed by pass in input order: the same order
// as running the passes, in time proportional to the foreign keys
// rather than to the tables times the depth of the chain.
func (g *depGraph) layered(removed map[edge]bool) []int {
	const unknown, visiting = -1, -2
	layer := make([]int, len(g.tables))
	for i := range layer {
		layer[i] = unknown
	}
	var depth func(i int) int
	depth = func(i int) int {
		switch layer[i] {
		case visiting: // cannot happen once back edges are removed
			panic("metadata: bug: dependency cycle left after removing back edges")
		case unknown:
		default:
			return layer[i]
		}
		layer[i] = visiting
		d := 0
		for _, p := range g.parents[i] {
			if !removed[edge{i, p}] {
				d = max(d, depth(p)+1)
			}
		}
		layer[i] = d
		return d
	}
	deepest := 0
	for i := range g.tables {
		deepest = max(deepest, depth(i))
	}
	// Counting sort by layer, stable in input order.
	starts := make([]int, deepest+2)
	for _, l := range layer {
		starts[l+1]++
	}
	for l := 1; l < len(starts); l++ {
		starts[l] += starts[l-1]
	}
	order := make([]int, len(g.tables))
	for i, l := range layer {
		order[starts[l]] = i
		starts[l]++
	}
	return order
}

// sortTables orders tables (given in tie-break order) for creation.
// UseAlter foreign keys add no dependency on any dialect, as in
// SQLAlchemy: on a dialect without ALTER (SQLite) they stay inline, and
// the table that holds one may come first. With alter set they are
// deferred, as are the keys that close a cycle; without it the cycle
// keys are still reported in deferred, for the caller to decide.
func sortTables(tables []*Table, alter bool) sortResult {
	g := newGraph(tables, func(fk *ForeignKeyDef) bool { return fk.useAlter })
	back := g.backEdges()
	var res sortResult
	for _, i := range g.layered(back) {
		res.order = append(res.order, g.tables[i])
	}
	seen := map[*Table]bool{}
	for _, t := range res.order {
		i := g.index[t]
		for _, fk := range t.fks {
			p, inSet := g.index[fk.refTable]
			if (inSet && back[edge{i, p}]) || (alter && fk.useAlter) {
				res.deferred = append(res.deferred, fk)
			}
			if inSet && back[edge{i, p}] && !seen[t] {
				seen[t] = true
				res.cyclic = append(res.cyclic, t)
			}
		}
	}
	return res
}

// cycleKeys returns the foreign keys that lie on a dependency cycle
// among tables (both ends in one strongly connected component). They
// are the keys that CreateAll may defer to ALTER TABLE depending on
// which tables already exist, so they always get a name: DropAll can
// then drop them whichever way they were created.
func cycleKeys(tables []*Table) map[*ForeignKeyDef]bool {
	g := newGraph(tables, func(*ForeignKeyDef) bool { return false })
	comp := g.components()
	keys := map[*ForeignKeyDef]bool{}
	for i, t := range tables {
		for _, fk := range t.fks {
			if p, ok := g.index[fk.refTable]; ok && p != i && comp[p] == comp[i] {
				keys[fk] = true
			}
		}
	}
	return keys
}

// components labels the strongly connected components (Tarjan).
func (g *depGraph) components() []int {
	n := len(g.tables)
	index, low, comp := make([]int, n), make([]int, n), make([]int, n)
	for i := range index {
		index[i], comp[i] = -1, -1
	}
	var stack []int
	onStack := make([]bool, n)
	next, label := 0, 0
	var connect func(v int)
	connect = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range g.parents[v] {
			if index[w] < 0 {
				connect(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp[w] = label
				if w == v {
					break
				}
			}
			label++
		}
	}
	for v := range n {
		if index[v] < 0 {
			connect(v)
		}
	}
	return comp
}

// SortedTables returns the tables in dependency order: each after the
// tables it references. Ties are broken by key, as SQLAlchemy's
// sorted_tables does (CreateAll breaks them by declaration order).
// Foreign keys that close a cycle, and UseAlter ones, are ignored for
// the order; unlike SQLAlchemy there is no warning, since CreateAll
// creates such keys afterwards with ALTER TABLE.
//
// It returns the declarations' first error instead, if any.
func (md *MetaData) SortedTables() ([]*Table, error) {
	if err := md.Err(); err != nil {
		return nil, err
	}
	tables := md.Tables()
	sort.SliceStable(tables, func(i, j int) bool { return tables[i].key < tables[j].key })
	return sortTables(tables, true).order, nil
}
