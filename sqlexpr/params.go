package sqlexpr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// Params are the values of a statement's named parameters ([BindParam],
// :name in [Text]) given when it runs: Execute(ctx, db, stmt, Params{"id": 7}).
// Given to an INSERT without Values, they are the row to insert, and a
// list of them (executemany) the rows.
type Params map[string]any

// BindParamExpr is a named parameter whose value is given when the
// statement runs. See [BindParam].
type BindParamExpr struct {
	Operators
	ref paramRef
}

// BindParam returns a named parameter, SQLAlchemy's bindparam(): a
// placeholder whose value comes from the [Params] the statement is run
// with, so that one statement, compiled once, runs with other values:
//
//	byName := Select(users).Where(users.C("name").Eq(BindParam("name")))
//	rows, err := Query(ctx, db, byName, Params{"name": "john"})
//
// Compared with a typed column, the parameter takes the column's type
// (its value is converted as the column's are); Typed sets a type
// explicitly. Running the statement without a value for the name is an
// error naming it.
func BindParam(name string) *BindParamExpr {
	b := &BindParamExpr{ref: paramRef{name: name}}
	b.self = b
	return b
}

// Typed returns a copy of b whose value is converted as for a column of
// type t.
func (b *BindParamExpr) Typed(t types.Type) *BindParamExpr {
	c := BindParam(b.ref.name)
	c.ref.typ = t
	return c
}

// Name returns the parameter's name.
func (b *BindParamExpr) Name() string { return b.ref.name }

// paramRef stands for a named parameter's value among a compiled
// statement's arguments until the statement runs (resolveArgs).
type paramRef struct {
	name string
	typ  types.Type
}

// withType returns the parameter typed as a column of type t, unless it
// has a type of its own.
func (b *BindParamExpr) withType(t types.Type) *BindParamExpr {
	if b.ref.typ != nil || t == nil {
		return b
	}
	return b.Typed(t)
}

// resolveArgs replaces the parameters among args with their values in
// p, converted for their type and dialect d, and the dialect-dependent
// values (typedValue) with their form on d. It returns a new slice when
// it changes anything but the dialect-dependent values, which it
// resolves in place. A parameter without a value, or a value for no
// parameter of the statement, is an error.
func resolveArgs(args []any, p Params, d *dialects.Dialect) ([]any, error) {
	var used []string
	out := args
	for i, a := range args {
		switch x := a.(type) {
		case paramRef:
			v, ok := p[x.name]
			if !ok {
				return nil, missingParam(x.name, p)
			}
			if x.typ != nil {
				v = bindValue(x.typ, v)
			}
			if &out[0] == &args[0] {
				out = slices.Clone(args)
			}
			out[i] = v
			if !slices.Contains(used, x.name) {
				used = append(used, x.name)
			}
		}
	}
	if len(used) < len(p) {
		for name := range p {
			if !slices.Contains(used, name) {
				return nil, invalidf("Params: %q is not a parameter of the statement (it has %s)", name, nameList(used))
			}
		}
	}
	if err := bindArgs(out, d); err != nil {
		return nil, err
	}
	return out, nil
}

func missingParam(name string, p Params) error {
	have := make([]string, 0, len(p))
	for k := range p {
		have = append(have, k)
	}
	slices.Sort(have)
	return invalidf("no value for parameter :%s (Params has %s)", name, nameList(have))
}

func nameList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// hasParams reports whether args hold a parameter.
func hasParams(args []any) bool {
	for _, a := range args {
		if _, ok := a.(paramRef); ok {
			return true
		}
	}
	return false
}

// oneParams returns the single Params of a Query, an error for more.
func oneParams(op string, params []Params) (Params, error) {
	switch len(params) {
	case 0:
		return nil, nil
	case 1:
		return params[0], nil
	}
	return nil, invalidf("%s takes one Params, not %d (Execute runs a statement for each of several)", op, len(params))
}

func (p paramRef) String() string { return fmt.Sprintf(":%s", p.name) }
