package metadata

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// Reflect reads tables from the database into md: all the base tables of
// md's default schema, or those named with [Only] together with the
// tables they reference (so that every foreign key resolves). Tables md
// already holds are left as they are. Columns get their types mapped back
// to the types package (an unknown type becomes types.Raw), nullability,
// server defaults, autoincrement, comments; tables get their primary key,
// foreign keys with their actions, unique constraints, indexes and CHECK
// constraints where the catalog exposes them. ctx bounds the whole call.
//
// The CHECK constraints that CreateAll adds for Boolean and Enum columns
// are recognised and folded back into the type (a SQLite VARCHAR(n)
// restricted to a list of labels reflects as an Enum).
func (md *MetaData) Reflect(ctx context.Context, target Target, opts ...Option) error {
	o := buildRunOptions(opts)
	return run(ctx, target, o, func(*dialects.Dialect) bool { return false },
		func(ctx context.Context, d *dialects.Dialect, q *executor) error {
			cat, err := catalogOf(d)
			if err != nil {
				return err
			}
			names := o.only
			if len(names) == 0 {
				if names, err = cat.TableNames(ctx, q, md.schema); err != nil {
					return fmt.Errorf("metadata: listing tables: %w", err)
				}
			}
			return md.reflectAll(ctx, d, cat, q, names)
		})
}

// ReflectTable reads table name (or "schema.name") into md, with the
// tables it references, and returns it. A table md already holds is
// returned as it is. A missing table is an error matching ErrNoSuchTable.
func ReflectTable(ctx context.Context, target Target, md *MetaData, name string, opts ...Option) (*Table, error) {
	if err := md.Reflect(ctx, target, append(opts, Only(name))...); err != nil {
		return nil, err
	}
	schema, bare := md.splitKey(name)
	return md.byKey[tableKey(schema, bare)], nil
}

// splitKey splits "schema.name"; a bare name is in md's default schema.
func (md *MetaData) splitKey(key string) (schema, name string) {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return md.schema, key
}

// reflectAll reflects the named tables, then the tables they reference.
func (md *MetaData) reflectAll(ctx context.Context, d *dialects.Dialect, cat Catalog, q Querier, names []string) error {
	queue := append([]string(nil), names...)
	for len(queue) > 0 {
		schema, name := md.splitKey(queue[0])
		queue = queue[1:]
		if md.byKey[tableKey(schema, name)] != nil {
			continue
		}
		info, err := readTableInfo(ctx, d, cat, q, md.schema, schema, name)
		if err != nil {
			return err
		}
		md.Table(info.Name, info.items()...)
		for _, fk := range info.ForeignKeys {
			rs := fk.RefSchema
			if rs == "" {
				rs = md.schema
			}
			queue = append(queue, tableKey(rs, fk.RefTable))
		}
	}
	return md.Err()
}

// items turns the description back into declarations.
func (info *TableInfo) items() []TableItem {
	var items []TableItem
	if info.Schema != "" {
		items = append(items, Schema(info.Schema))
	}
	if info.Comment != "" {
		items = append(items, Comment(info.Comment))
	}
	for _, c := range info.Columns {
		items = append(items, c.column())
	}
	if len(info.PrimaryKey.Columns) > 0 {
		items = append(items, PrimaryKeyConstraint(info.PrimaryKey.Columns, named(info.PrimaryKey.Name)...))
	}
	for _, fk := range info.ForeignKeys {
		items = append(items, fk.item())
	}
	for _, u := range info.Uniques {
		items = append(items, UniqueConstraint(u.Columns, named(u.Name)...))
	}
	for _, ix := range info.Indexes {
		if ix.Unique {
			items = append(items, UniqueIndex(ix.Name, ix.Columns...))
		} else {
			items = append(items, Index(ix.Name, ix.Columns...))
		}
	}
	for _, ck := range info.Checks {
		items = append(items, CheckConstraint(ck.SQL, named(ck.Name)...))
	}
	return items
}

func named(name string) []ConstraintOption {
	if name == "" {
		return nil
	}
	return []ConstraintOption{Named(name)}
}

func (c ColumnInfo) column() *ColumnDef {
	opts := []ColumnOption{Autoincrement(c.Autoincrement)}
	if !c.Nullable {
		opts = append(opts, NotNull())
	}
	if c.Default != nil {
		opts = append(opts, setDefault(c.Default))
	}
	if c.Comment != "" {
		opts = append(opts, Comment(c.Comment))
	}
	return Column(c.Name, c.Type, opts...)
}

func (fk ForeignKeyInfo) item() TableItem {
	refs := make([]string, len(fk.RefColumns))
	for i, c := range fk.RefColumns {
		refs[i] = fk.RefTable + "." + c
		if fk.RefSchema != "" {
			refs[i] = fk.RefSchema + "." + refs[i]
		}
	}
	opts := named(fk.Name)
	if fk.OnDelete != "" && fk.OnDelete != "NO ACTION" {
		opts = append(opts, OnDelete(fk.OnDelete))
	}
	if fk.OnUpdate != "" && fk.OnUpdate != "NO ACTION" {
		opts = append(opts, OnUpdate(fk.OnUpdate))
	}
	if fk.Deferrable {
		opts = append(opts, Deferrable())
	}
	if fk.Initially != "" && fk.Initially != "IMMEDIATE" {
		opts = append(opts, Initially(fk.Initially))
	}
	return ForeignKeyConstraint(fk.Columns, refs, opts...)
}

// inList matches "col IN (…)" once quotes, parentheses and spaces are
// gone, as catalogs print it in different styles ("`flag` in (0,1)",
// "((flag IN (0, 1)))").
var inList = regexp.MustCompile(`(?is)^(.+?)\s+in\s*(.*)$`)

// foldTypeChecks removes the CHECK constraints CreateAll adds for types
// (Boolean without a native boolean, Enum in the check style) and, for
// the latter, turns the VARCHAR back into an Enum.
func foldTypeChecks(d *dialects.Dialect, info *TableInfo) {
	byName := map[string]*ColumnInfo{}
	for i := range info.Columns {
		byName[info.Columns[i].Name] = &info.Columns[i]
	}
	kept := info.Checks[:0]
	for _, ck := range info.Checks {
		if !foldCheck(d, ck, byName) {
			kept = append(kept, ck)
		}
	}
	info.Checks = kept
}

// foldCheck reports whether ck is the check a column's type implies.
func foldCheck(d *dialects.Dialect, ck CheckInfo, cols map[string]*ColumnInfo) bool {
	m := inList.FindStringSubmatch(strings.TrimSpace(stripParens(ck.SQL)))
	if m == nil {
		return false
	}
	col := cols[unquoteIdent(strings.TrimSpace(stripParens(m[1])))]
	if col == nil || col.Type == nil {
		return false
	}
	labels, ok := parseLabels(m[2])
	if !ok {
		return false
	}
	switch col.Type.Kind() {
	case types.KindBoolean:
		return len(labels) == 2 && labels[0] == "0" && labels[1] == "1"
	case types.KindString:
		s, ok := col.Type.(*types.StringType)
		if !ok || d.DDL.EnumStyle != types.EnumCheck || !allQuoted(labels) {
			return false
		}
		// A named check keeps its name as the enum's: CreateAll names the
		// check after the enum.
		e := types.Enum(ck.Name, unquoteAll(labels)...)
		if e.MaxLength() != s.Length {
			return false
		}
		col.Type = e
		return true
	}
	return false
}

// foldBoolDefaults turns the spellings of a boolean default on a
// Boolean column (0, 1, true, false, in any case) into a DefaultBool.
func foldBoolDefaults(info *TableInfo) {
	for i := range info.Columns {
		c := &info.Columns[i]
		if c.Default == nil || c.Type == nil || c.Type.Kind() != types.KindBoolean || c.Default.Kind == DefaultNow {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(c.Default.Text)) {
		case "1", "true":
			c.Default = &ServerDefaultDef{Kind: DefaultBool, Text: "true"}
		case "0", "false":
			c.Default = &ServerDefaultDef{Kind: DefaultBool, Text: "false"}
		}
	}
}
