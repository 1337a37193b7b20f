package sqlexpr

import (
	"fmt"
	"log/slog"

	"github.com/go-alchemy/alchemy/dialects"
)

// FROM linting, as SQLAlchemy's enable_from_linting: a SELECT whose FROM
// list has elements that no join or WHERE comparison connects is a
// cartesian product, usually by mistake (a table only WHERE names is
// added to FROM, so forgetting the join condition goes unnoticed).

// LintMode says what a [Compiler] does with a cartesian product.
type LintMode uint8

const (
	// LintWarn logs a warning through the Compiler's logger (the
	// default, as SQLAlchemy warns).
	LintWarn LintMode = iota
	// LintOff does not check.
	LintOff
	// LintError makes Compile fail with a [*CartesianProductError].
	LintError
)

// SetFromLinting sets what c does when it compiles (a cache miss) a
// SELECT whose derived FROM list is a cartesian product: warn through
// logger (nil: slog.Default()), fail, or nothing. A product the
// statement asks for explicitly — every element named in From — is not
// reported. Only the outermost SELECT is checked.
//
// A change of mode empties c's cache: a statement cached under the old
// mode (a product warned about, or not checked at all) would otherwise
// go on compiling from the cache unchecked, so that turning LintError
// on at run time would not stop a product compiled before. Changing
// only the logger keeps the cache.
func (c *Compiler) SetFromLinting(mode LintMode, logger *slog.Logger) {
	old := c.lint.Swap(&lintConfig{mode: mode, logger: logger})
	oldMode := LintWarn
	if old != nil {
		oldMode = old.mode
	}
	// The new mode is stored before the cache is replaced: a compilation
	// that finds the new, empty cache lints with the new mode.
	if l := c.cache.Load(); l != nil && oldMode != mode {
		c.cache.CompareAndSwap(l, newLRU(l.capacity))
	}
}

type lintConfig struct {
	mode   LintMode
	logger *slog.Logger
}

// lintStatement checks a statement rendered on a cache miss.
func (c *Compiler) lintStatement(stmt Statement, d *dialects.Dialect) error {
	cfg := c.lint.Load()
	mode := LintWarn
	if cfg != nil {
		mode = cfg.mode
	}
	s, ok := stmt.(*SelectStmt)
	if mode == LintOff || !ok {
		return nil
	}
	err := cartesian(s, d)
	if err == nil {
		return nil
	}
	if mode == LintError {
		return err
	}
	logger := slog.Default()
	if cfg != nil && cfg.logger != nil {
		logger = cfg.logger
	}
	logger.Warn(err.Error())
	return nil
}

// cartesian returns the product error of s, nil when its FROM list is
// connected or every element was named explicitly.
func cartesian(s *SelectStmt, d *dialects.Dialect) error {
	more := s.rare()
	c := getCompiler(d, false)
	defer putCompiler(c)
	c.deriveFroms(s, false)
	items := c.items
	if len(items) < 2 || len(more.from) >= len(items) {
		return nil
	}
	// Union-find over FROM items: an item is connected to another when a
	// WHERE (or HAVING) expression compares columns of both.
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			i = parent[i]
		}
		return i
	}
	itemOf := func(f FromClause) int {
		for i, it := range items {
			if it == f || coversLeaf(it, f) {
				return i
			}
		}
		if len(s.joinList()) > 0 && hasLeafIn(s, f) {
			return 0 // a joined element belongs to the first item
		}
		return -1
	}
	var visit func(e Expr)
	visit = func(e Expr) {
		switch x := canon(e).(type) {
		case *BoolExpr:
			for _, it := range x.items {
				visit(it)
			}
		case nil:
		default:
			var froms []int
			collectFroms(x, func(f FromClause) {
				if i := itemOf(f); i >= 0 {
					froms = append(froms, i)
				}
			})
			for _, i := range froms[min(1, len(froms)):] {
				parent[find(i)] = find(froms[0])
			}
		}
	}
	for _, e := range s.whereList() {
		visit(e)
	}
	for _, e := range more.having {
		visit(e)
	}
	var unjoined []string
	for i := 1; i < len(items); i++ {
		if find(i) != find(0) {
			unjoined = append(unjoined, fromName(items[i]))
		}
	}
	if unjoined == nil {
		return nil
	}
	return &CartesianProductError{From: fromName(items[0]), Unjoined: unjoined}
}

func coversLeaf(f, leaf FromClause) bool {
	if j, ok := f.(*JoinClause); ok {
		return coversLeaf(canonFrom(j.left), leaf) || coversLeaf(canonFrom(j.right), leaf)
	}
	return f == leaf
}

func hasLeafIn(s *SelectStmt, f FromClause) bool {
	for _, j := range s.joinList() {
		if coversLeaf(canonFrom(j.right), f) {
			return true
		}
	}
	return false
}

// collectFroms calls add with the FROM element of every column of e.
func collectFroms(e Expr, add func(FromClause)) {
	c := &compiler{}
	d := fromDeriver{c: c}
	d.expr(e)
	for _, f := range c.items {
		add(f)
	}
}

func fromName(f FromClause) string {
	switch x := f.(type) {
	case *TableClause:
		return x.name
	case *AliasClause:
		return x.name
	case *Subquery:
		return x.name
	case *CTE:
		return x.name
	case *JoinClause:
		return fromName(canonFrom(x.left))
	}
	return fmt.Sprintf("%T", f)
}
