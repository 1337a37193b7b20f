package postgresql

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// catalog reads PostgreSQL's pg_catalog. The default schema ("") is
// current_schema(): where an unqualified CREATE TABLE puts a table.
type catalog struct{}

var _ metadata.Catalog = catalog{}

// sep separates column names aggregated into one string (ASCII unit
// separator: it cannot be typed into an identifier by accident).
const sep = "\x1f"

// schemaCond is the SQL condition "namespace alias n is schema".
func schemaCond(schema string) string {
	if schema == "" {
		return "n.nspname = current_schema()"
	}
	return "n.nspname = " + Dialect.QuoteString(schema)
}

// Existing lists the tables (and views, which a CREATE TABLE would
// collide with) of the schemas and the enum types of the default schema,
// in one query.
func (catalog) Existing(ctx context.Context, q metadata.Querier, schemas []string) (*metadata.Existing, error) {
	parts := []string{"SELECT 'e', '', t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace" +
		" WHERE t.typtype = 'e' AND " + schemaCond("")}
	for _, s := range schemas {
		parts = append(parts, "SELECT 't', "+Dialect.QuoteString(s)+", c.relname FROM pg_catalog.pg_class c"+
			" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"+
			" WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND "+schemaCond(s))
	}
	rows, err := q.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ex := &metadata.Existing{Tables: map[string]bool{}, Types: map[string]bool{}}
	for rows.Next() {
		var kind, schema, name string
		if err := rows.Scan(&kind, &schema, &name); err != nil {
			return nil, err
		}
		switch {
		case kind == "e":
			ex.Types[name] = true
		case schema == "":
			ex.Tables[name] = true
		default:
			ex.Tables[schema+"."+name] = true
		}
	}
	return ex, rows.Err()
}

// TableNames lists the schema's ordinary and partitioned tables (not the
// partitions).
func (catalog) TableNames(ctx context.Context, q metadata.Querier, schema string) ([]string, error) {
	return metadata.QueryStrings(ctx, q, "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"+
		" WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND "+schemaCond(schema)+" ORDER BY c.relname")
}

// ReflectTable reads one table from pg_catalog.
func (catalog) ReflectTable(ctx context.Context, q metadata.Querier, schema, name string) (*metadata.TableInfo, error) {
	rows, err := q.QueryContext(ctx, "SELECT c.oid::int8, COALESCE(pg_catalog.obj_description(c.oid, 'pg_class'), '')"+
		" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"+
		" WHERE c.relkind IN ('r', 'p') AND c.relname = $1 AND "+schemaCond(schema), name)
	if err != nil {
		return nil, err
	}
	var oid int64
	info := &metadata.TableInfo{Name: name}
	found := rows.Next()
	if found {
		err = rows.Scan(&oid, &info.Comment)
	}
	rows.Close()
	if err != nil || !found {
		return nil, firstErr(err, rows.Err())
	}
	for _, read := range []func(context.Context, metadata.Querier, int64, *metadata.TableInfo) error{
		readColumns, readConstraints, readIndexes,
	} {
		if err := read(ctx, q, oid, info); err != nil {
			return nil, err
		}
	}
	return info, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

const columnsQuery = `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), t.typtype::text, t.typname,
 a.attnotnull, COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text,
 COALESCE(pg_catalog.col_description(a.attrelid, a.attnum), ''),
 COALESCE((SELECT string_agg(e.enumlabel, chr(31) ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = a.atttypid), '')
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = $1::int8::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`

func readColumns(ctx context.Context, q metadata.Querier, oid int64, info *metadata.TableInfo) error {
	rows, err := q.QueryContext(ctx, columnsQuery, oid)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c metadata.ColumnInfo
		var format, typtype, typname, dflt, identity, labels string
		var notNull bool
		if err := rows.Scan(&c.Name, &format, &typtype, &typname, &notNull, &dflt, &identity, &c.Comment, &labels); err != nil {
			return err
		}
		c.Nullable = !notNull
		if typtype == "e" {
			c.Type = types.Enum(typname, strings.Split(labels, sep)...)
		} else {
			c.Type = parseType(format)
		}
		c.Autoincrement = identity != ""
		if strings.HasPrefix(dflt, "nextval(") && c.Type.Kind().IsInteger() {
			c.Autoincrement, dflt = true, "" // SERIAL
		}
		c.Default = parseDefault(dflt)
		info.Columns = append(info.Columns, c)
	}
	return rows.Err()
}

// constraintsQuery lists primary key, unique, foreign key and check
// constraints in creation order, their columns joined by chr(31).
const constraintsQuery = `SELECT con.conname, con.contype::text,
 COALESCE((SELECT string_agg(a.attname, chr(31) ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
   JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n), ''),
 CASE WHEN fn.nspname IS NULL OR fn.nspname = n.nspname THEN '' ELSE fn.nspname END, COALESCE(fc.relname, ''),
 COALESCE((SELECT string_agg(a.attname, chr(31) ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
   JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n), ''),
 con.confdeltype::text, con.confupdtype::text, con.condeferrable, con.condeferred,
 pg_catalog.pg_get_constraintdef(con.oid, true)
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.conrelid = $1::int8::oid AND con.contype IN ('p', 'u', 'f', 'c')
ORDER BY con.oid`

var actions = map[string]string{"r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

func readConstraints(ctx context.Context, q metadata.Querier, oid int64, info *metadata.TableInfo) error {
	rows, err := q.QueryContext(ctx, constraintsQuery, oid)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, kind, cols, refSchema, refTable, refCols, onDelete, onUpdate, def string
		var deferrable, deferred bool
		if err := rows.Scan(&name, &kind, &cols, &refSchema, &refTable, &refCols, &onDelete, &onUpdate,
			&deferrable, &deferred, &def); err != nil {
			return err
		}
		columns := split(cols)
		switch kind {
		case "p":
			info.PrimaryKey = metadata.ConstraintInfo{Name: name, Columns: columns}
		case "u":
			info.Uniques = append(info.Uniques, metadata.ConstraintInfo{Name: name, Columns: columns})
		case "f":
			fk := metadata.ForeignKeyInfo{Name: name, Columns: columns, RefSchema: refSchema, RefTable: refTable,
				RefColumns: split(refCols), OnDelete: actions[onDelete], OnUpdate: actions[onUpdate], Deferrable: deferrable}
			if deferred {
				fk.Initially = "DEFERRED"
			}
			info.ForeignKeys = append(info.ForeignKeys, fk)
		case "c":
			ck := metadata.CheckInfo{Name: name, SQL: checkSQL(def)}
			if len(columns) == 1 {
				ck.Column = columns[0]
			}
			info.Checks = append(info.Checks, ck)
		}
	}
	return rows.Err()
}

// checkSQL turns "CHECK (q > 0) NOT VALID" into "q > 0".
func checkSQL(def string) string {
	def = strings.TrimSuffix(strings.TrimSpace(def), " NOT VALID")
	def = strings.TrimSpace(strings.TrimPrefix(def, "CHECK"))
	if strings.HasPrefix(def, "(") && strings.HasSuffix(def, ")") {
		def = def[1 : len(def)-1]
	}
	return def
}

// indexesQuery lists the indexes that do not implement a constraint;
// expression and partial indexes are flagged, as they have no
// declaration to map to.
const indexesQuery = `SELECT i.relname, ix.indisunique,
 COALESCE((SELECT string_agg(a.attname, chr(31) ORDER BY k.i) FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(n, i)
   JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n WHERE k.i <= ix.indnkeyatts), ''),
 ix.indexprs IS NOT NULL OR ix.indpred IS NOT NULL
FROM pg_catalog.pg_index ix JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
WHERE ix.indrelid = $1::int8::oid AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con
   WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.relname`

func readIndexes(ctx context.Context, q metadata.Querier, oid int64, info *metadata.TableInfo) error {
	rows, err := q.QueryContext(ctx, indexesQuery, oid)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ix metadata.IndexInfo
		var cols string
		var expr bool
		if err := rows.Scan(&ix.Name, &ix.Unique, &cols, &expr); err != nil {
			return err
		}
		if expr {
			continue // an expression or partial index: not expressible as a declaration
		}
		ix.Columns = split(cols)
		info.Indexes = append(info.Indexes, ix)
	}
	return rows.Err()
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}

var typePattern = regexp.MustCompile(`^([a-z ]+?)(?:\((\d+)(?:,(\d+))?\))?( with(?:out)? time zone)?$`)

// parseType maps format_type's text back to the types package.
func parseType(format string) types.Type {
	m := typePattern.FindStringSubmatch(format)
	if m == nil {
		return types.Raw(format)
	}
	n1, _ := strconv.Atoi(m[2])
	n2, _ := strconv.Atoi(m[3])
	tz := m[4] == " with time zone"
	switch m[1] {
	case "integer":
		return types.Integer()
	case "bigint":
		return types.BigInteger()
	case "smallint":
		return types.SmallInteger()
	case "character varying":
		return types.String(n1)
	case "text":
		return types.Text()
	case "boolean":
		return types.Boolean()
	case "date":
		return types.Date()
	case "timestamp":
		if tz {
			return types.DateTimeTZ()
		}
		return types.DateTime()
	case "time":
		if tz {
			return types.TimeTZ()
		}
		return types.Time()
	case "numeric":
		// Numeric cannot write a scale without a precision, nor the
		// scale above the precision (or below zero) that PostgreSQL 15
		// accepts (NUMERIC(1, 2) holds values below 0.1): those stay Raw,
		// written back as the server spelled them.
		if (n1 > 0 || n2 == 0) && n2 >= 0 && (n1 == 0 || n2 <= n1) {
			return types.Numeric(n1, n2)
		}
	case "real":
		return types.Float()
	case "double precision":
		return types.Double()
	case "bytea":
		return types.LargeBinary()
	case "json", "jsonb":
		return types.JSON()
	case "uuid":
		return types.UUID()
	case "interval":
		return types.Interval()
	}
	return types.Raw(format)
}

// castLiteral is a string literal with an optional cast, as pg_get_expr
// prints literal defaults ('x'::character varying).
var castLiteral = regexp.MustCompile(`^'((?:[^']|'')*)'(?:::[\w ."]+)?$`)

// parseDefault maps pg_get_expr's text of a default back.
func parseDefault(s string) *metadata.ServerDefaultDef {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return nil
	case s == "now()" || strings.EqualFold(s, "CURRENT_TIMESTAMP"):
		return &metadata.ServerDefaultDef{Kind: metadata.DefaultNow}
	}
	if m := castLiteral.FindStringSubmatch(s); m != nil {
		return &metadata.ServerDefaultDef{Kind: metadata.DefaultLiteral, Text: strings.ReplaceAll(m[1], "''", "'")}
	}
	return &metadata.ServerDefaultDef{Kind: metadata.DefaultExpr, Text: s}
}

var _ metadata.EnumCatalog = catalog{}

// Enums lists the schema's enum types with their labels in sort order.
func (catalog) Enums(ctx context.Context, q metadata.Querier, schema string) ([]metadata.EnumInfo, error) {
	rows, err := q.QueryContext(ctx, "SELECT t.typname, string_agg(e.enumlabel, chr(31) ORDER BY e.enumsortorder)"+
		" FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"+
		" JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"+
		" WHERE t.typtype = 'e' AND "+schemaCond(schema)+" GROUP BY t.typname ORDER BY t.typname")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []metadata.EnumInfo
	for rows.Next() {
		var name, labels string
		if err := rows.Scan(&name, &labels); err != nil {
			return nil, err
		}
		out = append(out, metadata.EnumInfo{Schema: schema, Name: name, Labels: split(labels)})
	}
	return out, rows.Err()
}
