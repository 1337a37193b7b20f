package sqlexpr

// This file names SELECT-list columns: automatic labels and the output
// names of subqueries and CTEs.

import (
	"strconv"
	"strings"
)

// columnNames returns the column names of an alias, subquery or CTE.
func columnNames(f FromClause) []string {
	switch x := f.(type) {
	case *AliasClause:
		if t, ok := x.of.(*TableClause); ok {
			names := make([]string, len(t.columns))
			for i, col := range t.columns {
				names[i] = col.name
			}
			return names
		}
		return columnNames(x.of)
	case *Subquery:
		return outputNames(x.q)
	case *CTE:
		if len(x.cols) > 0 {
			return x.cols
		}
		return outputNames(x.q)
	}
	return nil
}

// outputNames returns the names of a query's result columns, as the
// server will report them given our labels.
func outputNames(q SelectBase) []string {
	switch x := q.(type) {
	case *SelectStmt:
		var labels labelCounter
		var names []string
		for _, it := range x.itemList() {
			switch it := it.(type) {
			case Expr:
				names = append(names, labels.outputName(canon(it)))
			case FromClause:
				names = append(names, fromNames(canonFrom(it))...)
			}
		}
		return names
	case *CompoundSelect:
		if len(x.parts) > 0 {
			return outputNames(x.parts[0])
		}
	}
	return nil
}

func fromNames(f FromClause) []string {
	switch x := f.(type) {
	case *TableClause:
		names := make([]string, len(x.columns))
		for i, col := range x.columns {
			names[i] = col.name
		}
		return names
	case *JoinClause:
		return append(fromNames(canonFrom(x.left)), fromNames(canonFrom(x.right))...)
	}
	return columnNames(f)
}

// labelCounter hands out the automatic labels of one SELECT list:
// <function>_<n> for function calls, the column's name for a CAST of a
// column, anon_<n> for other expressions without a name.
type labelCounter struct {
	anon   int
	funcs  []string
	counts []int
}

// next returns the label to write after n, "" for none.
func (l *labelCounter) next(n Expr) string {
	switch x := n.(type) {
	case *ColumnClause, *RawExpr, *TextClause, *LabelExpr:
		return ""
	case *FuncExpr:
		return l.funcLabel(x.name)
	case *CastExpr:
		if col, ok := canon(x.e.expr()).(*ColumnClause); ok {
			return col.name
		}
	}
	l.anon++
	return "anon_" + strconv.Itoa(l.anon)
}

// outputName is the name the server reports for n in a SELECT list.
func (l *labelCounter) outputName(n Expr) string {
	switch x := n.(type) {
	case *ColumnClause:
		return x.name
	case *LabelExpr:
		return x.name
	case *RawExpr:
		return x.sql
	case *TextClause:
		return x.sql
	}
	return l.next(n)
}

func (l *labelCounter) funcLabel(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	for i, f := range l.funcs {
		if f == name {
			l.counts[i]++
			return name + "_" + strconv.Itoa(l.counts[i])
		}
	}
	l.funcs = append(l.funcs, name)
	l.counts = append(l.counts, 1)
	return name + "_1"
}
