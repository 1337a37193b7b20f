package sqlexpr

import (
	"strconv"
	"sync"
)

// The cache key (see compile.go) writes a table, or a column of a table,
// as a number instead of its names: the number stands for the
// (schema, table, column) names, interned when the table or column is
// created, so tables built anew with the same names share numbers and
// cache entries. It shortens the key of a typical statement by half.
//
// The intern table grows with the distinct names a program uses and is
// never pruned; a program that invents table names without end (one
// table per tenant, say) grows it by one entry per name.
var interned struct {
	sync.Mutex
	ids map[string]uint64 // guarded by the mutex
}

// internName returns the number of (schema, table, column); column is ""
// for the table itself. Numbers start at 1.
func internName(schema, table, column string) uint64 {
	key := strconv.Itoa(len(schema)) + ":" + schema + strconv.Itoa(len(table)) + ":" + table + column
	interned.Lock()
	defer interned.Unlock()
	if id, ok := interned.ids[key]; ok {
		return id
	}
	if interned.ids == nil {
		interned.ids = map[string]uint64{}
	}
	id := uint64(len(interned.ids) + 1)
	interned.ids[key] = id
	return id
}
