package migrate

import (
	"slices"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// CreateEnum creates a named enum type (PostgreSQL's CREATE TYPE … AS
// ENUM). On dialects whose enums are not named types it renders nothing.
type CreateEnum struct{ Enum *types.EnumType }

// DropEnum drops a named enum type.
type DropEnum struct{ Enum *types.EnumType }

// ReplaceEnum changes the labels of a named enum type from From to To
// (added, removed or reordered labels), rebuilding the type the way it
// has to be done on PostgreSQL, which can add a label but never remove
// one: rename the old type, create the new one, convert each column in
// Columns through text (dropping and restoring its server default around
// the conversion), drop the old type. A row holding a removed label makes
// the conversion, and so the step, fail.
type ReplaceEnum struct {
	From, To *types.EnumType
	// Columns are the columns of the type, as they are in the database.
	Columns []*metadata.ColumnDef
}

func (o ReplaceEnum) Describe() string {
	return "change enum type " + o.To.Name + " labels (" + strings.Join(o.From.Values, ", ") + ") -> (" + strings.Join(o.To.Values, ", ") + ")"
}

func (o ReplaceEnum) Reverse() Op { return ReplaceEnum{From: o.To, To: o.From, Columns: o.Columns} }

func (r renderer) replaceEnum(o ReplaceEnum) ([]string, error) {
	if r.d.DDL.EnumStyle != types.EnumNamed {
		return nil, nil
	}
	name, err := o.To.DDL(r.d)
	if err != nil {
		return nil, err
	}
	old, err := r.d.QuoteIdent(truncate(r.d, o.To.Name+"_old"))
	if err != nil {
		return nil, err
	}
	out := []string{
		"ALTER TYPE " + name + " RENAME TO " + old,
		"CREATE TYPE " + name + " AS ENUM (" + o.To.Labels(r.d, ", ") + ")",
	}
	for _, c := range o.Columns {
		t, err := r.table(c.Parent())
		if err != nil {
			return nil, err
		}
		col, err := r.d.QuoteIdent(c.Name())
		if err != nil {
			return nil, err
		}
		prefix := "ALTER TABLE " + t + " ALTER COLUMN " + col
		sd := c.ServerDefault()
		if sd != nil {
			out = append(out, prefix+" DROP DEFAULT")
		}
		out = append(out, prefix+" TYPE "+name+" USING "+col+"::text::"+name)
		if sd != nil {
			out = append(out, prefix+" SET DEFAULT "+sd.SQL(r.d))
		}
	}
	return append(out, "DROP TYPE "+old), nil
}

func (o CreateEnum) Describe() string { return "create enum type " + o.Enum.String() }
func (o DropEnum) Describe() string   { return "drop enum type " + o.Enum.String() }
func (o CreateEnum) Reverse() Op      { return DropEnum(o) }
func (o DropEnum) Reverse() Op        { return CreateEnum(o) }

func (r renderer) enum(e *types.EnumType, create bool) ([]string, error) {
	if r.d.DDL.EnumStyle != types.EnumNamed {
		return nil, nil
	}
	name, err := e.DDL(r.d)
	if err != nil {
		return nil, err
	}
	if !create {
		return []string{"DROP TYPE " + name}, nil
	}
	return []string{"CREATE TYPE " + name + " AS ENUM (" + e.Labels(r.d, ", ") + ")"}, nil
}

// enumsOf returns the named enum types the columns of md's tables use
// (not those declared NativeEnum(false), which are VARCHARs),
// by name, leaving out the tables ignore names.
func enumsOf(md *metadata.MetaData, ignore []string) map[string]*types.EnumType {
	out := map[string]*types.EnumType{}
	for _, t := range md.Tables() {
		if slices.Contains(ignore, t.Name()) {
			continue
		}
		for _, c := range t.Columns() {
			if e, ok := c.Type().(*types.EnumType); ok && e.Name != "" && c.NativeEnum() {
				if _, seen := out[e.Name]; !seen {
					out[e.Name] = e
				}
			}
		}
	}
	return out
}

// compareEnums returns the enum types to create or change and to drop on
// a dialect with named enum types.
func (c *comparer) compareEnums(d *dialects.Dialect, md, live *metadata.MetaData, ignore []string) (create, drop []Op) {
	if d.DDL.EnumStyle != types.EnumNamed {
		return nil, nil
	}
	want, have := enumsOf(md, ignore), enumsOf(live, ignore)
	for _, n := range sortedKeys(want) {
		h := have[n]
		if h == nil {
			create = append(create, CreateEnum{want[n]})
			continue
		}
		if !slices.Equal(h.Values, want[n].Values) {
			var cols []*metadata.ColumnDef
			for _, t := range live.Tables() {
				if slices.Contains(ignore, t.Name()) {
					continue
				}
				for _, col := range t.Columns() {
					if e, ok := col.Type().(*types.EnumType); ok && e.Name == n && col.NativeEnum() {
						cols = append(cols, col)
					}
				}
			}
			create = append(create, ReplaceEnum{From: h, To: want[n], Columns: cols})
			if removed := missing(h.Values, want[n].Values); len(removed) > 0 {
				c.warn("enum type %s: labels %s are removed; the upgrade fails while rows hold them", n, strings.Join(removed, ", "))
			}
		}
	}
	for _, n := range sortedKeys(have) {
		if want[n] == nil {
			drop = append(drop, DropEnum{have[n]})
		}
	}
	return create, drop
}

// missing returns the labels of a that b lacks.
func missing(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}
