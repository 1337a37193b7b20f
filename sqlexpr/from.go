package sqlexpr

// This file holds the FROM elements besides TableClause itself: aliases,
// subqueries, CTEs and joins, and the TableClause methods that make them.

func (t *TableClause) fromNode() FromClause { return t }
func (t *TableClause) selectItem()          {}

// C returns the column named name. For a name the table does not have it
// returns a column that makes compiling fail with an error naming the
// table and the column, so that a typo surfaces as an error, not a panic.
func (t *TableClause) C(name string) *ColumnClause {
	// The usual call finds its column in the first slot of the name's
	// bytes (see colSite); the full lookup does the rest.
	if c := t.bySite[colSite(name)]; c != nil && sameBytes(c.name, name) {
		return c
	}
	if c := t.lookup(name); c != nil {
		return c
	}
	return badColumn(t, nil, name, invalidf("table %s has no column %q", t.name, name))
}

// Alias returns the table under another name: users AS u.
func (t *TableClause) Alias(name string) *AliasClause { return Alias(t, name) }

// Join returns t JOIN right ON on.
func (t *TableClause) Join(right FromClause, on Expr) *JoinClause {
	return newJoin(t, right, on, innerJoin)
}

// LeftJoin returns t LEFT OUTER JOIN right ON on.
func (t *TableClause) LeftJoin(right FromClause, on Expr) *JoinClause {
	return newJoin(t, right, on, leftJoin)
}

// SetPrimaryKey records the names of t's primary-key columns and returns
// t. [Execute] uses them to return the primary key of an inserted row
// (Result.InsertedPrimaryKey). metadata.Table sets it for declared
// tables; call it before t is used by concurrent goroutines.
func (t *TableClause) SetPrimaryKey(names ...string) *TableClause {
	t.pk = append([]string(nil), names...)
	return t
}

// PrimaryKeyNames returns the names recorded by SetPrimaryKey. The slice
// must not be modified.
func (t *TableClause) PrimaryKeyNames() []string { return t.pk }

// NewColumn returns a column that belongs to no table (SQLAlchemy's
// column(), as [NewTable] is its table()), rendered by its name alone
// (quoted where needed): for Text-based queries, for the output columns
// of a compound SELECT, for a column of a FROM element the statement does
// not model, or for an INSERT into a [TableClause] without declared
// columns. A column declared in a schema is metadata.Column.
func NewColumn(name string) *ColumnClause {
	c := &ColumnClause{name: name}
	c.self = c
	return c
}

// newColumn returns a column of the derived FROM element from.
func newColumn(table *TableClause, from FromClause, name string) *ColumnClause {
	c := &ColumnClause{table: table, from: from, name: name}
	c.self = c
	return c
}

func badColumn(table *TableClause, from FromClause, name string, err error) *ColumnClause {
	c := newColumn(table, from, name)
	c.err = err
	return c
}

// qualifier returns the FROM element whose name qualifies the column, nil
// for a standalone column.
func (c *ColumnClause) qualifier() FromClause {
	if c.from != nil {
		return c.from
	}
	if c.table != nil {
		return c.table
	}
	return nil
}

// AliasClause is a table or CTE under another name: users AS u.
type AliasClause struct {
	of   FromClause // canonical *TableClause or *CTE
	name string
	err  error
}

// Alias returns f under the name name. f must be a table (or a value
// embedding one, such as metadata.Table) or a CTE; a subquery already has
// its name, and aliasing anything else is an error at compile time.
func Alias(f FromClause, name string) *AliasClause {
	a := &AliasClause{of: canonFrom(f), name: name}
	switch a.of.(type) {
	case *TableClause, *CTE:
	default:
		a.err = invalidf("Alias of %T: only a table or a CTE can be aliased", f)
	}
	return a
}

func (a *AliasClause) fromNode() FromClause { return a }
func (a *AliasClause) selectItem()          {}

// Name returns the alias name.
func (a *AliasClause) Name() string { return a.name }

// C returns the column named name of the alias. For an aliased table the
// name must be one of its columns (see TableClause.C).
func (a *AliasClause) C(name string) *ColumnClause {
	if t, ok := a.of.(*TableClause); ok {
		tc := t.lookup(name)
		if tc == nil {
			return badColumn(t, a, name, invalidf("table %s (alias %s) has no column %q", t.name, a.name, name))
		}
		c := newColumn(t, a, name)
		c.typ = tc.typ
		return c
	}
	return newColumn(nil, a, name)
}

// Subquery is a SELECT used as a FROM element: (SELECT …) AS name.
type Subquery struct {
	q    SelectBase
	name string
}

func newSubquery(q SelectBase, name string) *Subquery { return &Subquery{q: q, name: name} }

func (s *Subquery) fromNode() FromClause { return s }
func (s *Subquery) selectItem()          {}

// Name returns the subquery's name.
func (s *Subquery) Name() string { return s.name }

// C returns the output column named name of the subquery: a column's
// name, a label, or an automatic label such as count_1.
func (s *Subquery) C(name string) *ColumnClause { return newColumn(nil, s, name) }

// CTE is a common table expression: WITH name [(cols)] AS (query). A
// statement declares the CTEs it uses with its With method; referring to
// one that no enclosing statement declares is an error.
type CTE struct {
	q         SelectBase
	name      string
	cols      []string
	recursive bool
}

// RecursiveCTE starts a recursive CTE named name with the given column
// names; set its query, which refers to the CTE itself, with As:
//
//	nums := sqlexpr.RecursiveCTE("nums", "n")
//	nums.As(sqlexpr.UnionAll(
//		sqlexpr.Select(sqlexpr.InlineLiteral(1)),
//		sqlexpr.Select(nums.C("n").Add(1)).Where(nums.C("n").Lt(5))))
//
// A statement that declares a recursive CTE renders WITH RECURSIVE.
func RecursiveCTE(name string, cols ...string) *CTE {
	return &CTE{name: name, cols: cols, recursive: true}
}

// As sets the CTE's query and returns c.
func (c *CTE) As(q SelectBase) *CTE { c.q = q; return c }

// Columns sets the CTE's column names, WITH name (cols…) AS …, and
// returns c.
func (c *CTE) Columns(names ...string) *CTE { c.cols = names; return c }

func (c *CTE) fromNode() FromClause { return c }
func (c *CTE) selectItem()          {}

// Name returns the CTE's name.
func (c *CTE) Name() string { return c.name }

// C returns the column named name of the CTE.
func (c *CTE) C(name string) *ColumnClause { return newColumn(nil, c, name) }

// Alias returns the CTE under another name, for a self-join.
func (c *CTE) Alias(name string) *AliasClause { return Alias(c, name) }

type joinKind uint8

const (
	innerJoin joinKind = iota
	leftJoin
	rightJoin
	fullJoin
)

// JoinClause is a join of two FROM elements. Its own Join methods chain
// further joins: users.Join(addresses, on1).LeftJoin(orders, on2).
type JoinClause struct {
	left, right FromClause
	on          Expr
	kind        joinKind
}

func newJoin(left, right FromClause, on Expr, kind joinKind) *JoinClause {
	return &JoinClause{left: left, right: right, on: on, kind: kind}
}

// Join returns left JOIN right ON on (INNER JOIN on MySQL).
func Join(left, right FromClause, on Expr) *JoinClause { return newJoin(left, right, on, innerJoin) }

// LeftJoin returns left LEFT OUTER JOIN right ON on.
func LeftJoin(left, right FromClause, on Expr) *JoinClause {
	return newJoin(left, right, on, leftJoin)
}

// RightJoin returns left RIGHT OUTER JOIN right ON on; an error on a
// dialect without right joins.
func RightJoin(left, right FromClause, on Expr) *JoinClause {
	return newJoin(left, right, on, rightJoin)
}

// FullJoin returns left FULL OUTER JOIN right ON on; an error on a
// dialect without full joins (MySQL).
func FullJoin(left, right FromClause, on Expr) *JoinClause {
	return newJoin(left, right, on, fullJoin)
}

// Join chains j JOIN right ON on.
func (j *JoinClause) Join(right FromClause, on Expr) *JoinClause { return Join(j, right, on) }

// LeftJoin chains j LEFT OUTER JOIN right ON on.
func (j *JoinClause) LeftJoin(right FromClause, on Expr) *JoinClause { return LeftJoin(j, right, on) }

// RightJoin chains j RIGHT OUTER JOIN right ON on.
func (j *JoinClause) RightJoin(right FromClause, on Expr) *JoinClause {
	return RightJoin(j, right, on)
}

// FullJoin chains j FULL OUTER JOIN right ON on.
func (j *JoinClause) FullJoin(right FromClause, on Expr) *JoinClause { return FullJoin(j, right, on) }

func (j *JoinClause) fromNode() FromClause { return j }
func (j *JoinClause) selectItem()          {}
