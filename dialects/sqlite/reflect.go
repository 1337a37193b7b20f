package sqlite

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// catalog reads SQLite's catalog: sqlite_master and the PRAGMA table
// functions. SQLite keeps no catalog of CHECK constraints or constraint
// names, so checks are read from the CREATE TABLE text and primary keys,
// unique constraints and foreign keys reflect without names.
type catalog struct{}

var _ metadata.Catalog = catalog{}

// schemaName is the attached database a schema names ("main" for "").
func schemaName(schema string) string {
	if schema == "" {
		return "main"
	}
	return schema
}

func masterTable(schema string) (string, error) {
	q, err := Dialect.QuoteIdent(schemaName(schema))
	return q + ".sqlite_master", err
}

// Existing lists the tables of the schemas in one query (temporary
// tables count for the default schema, as in SQLAlchemy's has_table).
func (catalog) Existing(ctx context.Context, q metadata.Querier, schemas []string) (*metadata.Existing, error) {
	var parts []string
	for _, s := range schemas {
		master, err := masterTable(s)
		if err != nil {
			return nil, err
		}
		lit := Dialect.QuoteString(s)
		parts = append(parts, "SELECT "+lit+", name FROM "+master+" WHERE type = 'table'")
		if s == "" {
			parts = append(parts, "SELECT '', name FROM sqlite_temp_master WHERE type = 'table'")
		}
	}
	ex := &metadata.Existing{Tables: map[string]bool{}, Types: map[string]bool{}}
	if len(parts) == 0 {
		return ex, nil
	}
	rows, err := q.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var schema, name string
		if err := rows.Scan(&schema, &name); err != nil {
			return nil, err
		}
		ex.Tables[key(schema, name)] = true
	}
	return ex, rows.Err()
}

func key(schema, name string) string {
	if schema == "" {
		return name
	}
	return schema + "." + name
}

// TableNames lists the schema's tables, leaving out SQLite's own.
func (catalog) TableNames(ctx context.Context, q metadata.Querier, schema string) ([]string, error) {
	master, err := masterTable(schema)
	if err != nil {
		return nil, err
	}
	return metadata.QueryStrings(ctx, q, "SELECT name FROM "+master+
		` WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
}

// ReflectTable reads one table from sqlite_master and the PRAGMAs.
func (catalog) ReflectTable(ctx context.Context, q metadata.Querier, schema, name string) (*metadata.TableInfo, error) {
	master, err := masterTable(schema)
	if err != nil {
		return nil, err
	}
	ddl, err := metadata.QueryStrings(ctx, q, "SELECT sql FROM "+master+" WHERE type = 'table' AND name = ?", name)
	if err != nil || len(ddl) == 0 {
		return nil, err
	}
	info := &metadata.TableInfo{Name: name}
	if err := readColumns(ctx, q, schema, info); err != nil {
		return nil, err
	}
	if err := readForeignKeys(ctx, q, schema, info); err != nil {
		return nil, err
	}
	if err := readIndexes(ctx, q, schema, info); err != nil {
		return nil, err
	}
	info.Checks = parseChecks(ddl[0])
	return info, nil
}

func readColumns(ctx context.Context, q metadata.Querier, schema string, info *metadata.TableInfo) error {
	rows, err := q.QueryContext(ctx, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?, ?) ORDER BY cid`,
		info.Name, schemaName(schema))
	if err != nil {
		return err
	}
	defer rows.Close()
	type pkCol struct {
		name string
		pos  int
	}
	var pk []pkCol
	var rowidType string
	for rows.Next() {
		var c metadata.ColumnInfo
		var typ string
		var notNull, pkPos int
		var dflt sql.NullString
		if err := rows.Scan(&c.Name, &typ, &notNull, &dflt, &pkPos); err != nil {
			return err
		}
		c.Type, c.Nullable, c.Default = parseType(typ), notNull == 0 && pkPos == 0, parseDefault(dflt)
		if pkPos > 0 {
			pk = append(pk, pkCol{c.Name, pkPos})
			rowidType = typ
		}
		info.Columns = append(info.Columns, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	info.PrimaryKey.Columns = make([]string, len(pk))
	for _, p := range pk {
		info.PrimaryKey.Columns[p.pos-1] = p.name
	}
	// Only a single column declared exactly INTEGER aliases the rowid and
	// so generates its values.
	if len(pk) == 1 && strings.EqualFold(rowidType, "INTEGER") {
		for i := range info.Columns {
			if info.Columns[i].Name == pk[0].name {
				info.Columns[i].Autoincrement = true
			}
		}
	}
	return nil
}

func readForeignKeys(ctx context.Context, q metadata.Querier, schema string, info *metadata.TableInfo) error {
	rows, err := q.QueryContext(ctx, `SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?, ?) ORDER BY id, seq`,
		info.Name, schemaName(schema))
	if err != nil {
		return err
	}
	defer rows.Close()
	byID := map[int]int{}
	for rows.Next() {
		var id int
		var table, from, onUpdate, onDelete string
		var to sql.NullString
		if err := rows.Scan(&id, &table, &from, &to, &onUpdate, &onDelete); err != nil {
			return err
		}
		i, ok := byID[id]
		if !ok {
			i = len(info.ForeignKeys)
			byID[id] = i
			info.ForeignKeys = append(info.ForeignKeys, metadata.ForeignKeyInfo{
				RefTable: table, OnDelete: action(onDelete), OnUpdate: action(onUpdate)})
		}
		fk := &info.ForeignKeys[i]
		fk.Columns = append(fk.Columns, from)
		fk.RefColumns = append(fk.RefColumns, to.String)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// SQLite numbers foreign keys from the last declared; put them back
	// in declaration order.
	for i, j := 0, len(info.ForeignKeys)-1; i < j; i, j = i+1, j-1 {
		info.ForeignKeys[i], info.ForeignKeys[j] = info.ForeignKeys[j], info.ForeignKeys[i]
	}
	return nil
}

func action(a string) string {
	if a == "NO ACTION" {
		return ""
	}
	return a
}

func readIndexes(ctx context.Context, q metadata.Querier, schema string, info *metadata.TableInfo) error {
	rows, err := q.QueryContext(ctx, `SELECT name, "unique", origin FROM pragma_index_list(?, ?) ORDER BY seq`,
		info.Name, schemaName(schema))
	if err != nil {
		return err
	}
	type index struct {
		name, origin string
		unique       bool
	}
	var list []index
	for rows.Next() {
		var ix index
		if err := rows.Scan(&ix.name, &ix.unique, &ix.origin); err != nil {
			rows.Close()
			return err
		}
		list = append(list, ix)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i := len(list) - 1; i >= 0; i-- { // pragma_index_list lists the newest first
		ix := list[i]
		if ix.origin == "pk" {
			continue
		}
		cols, err := metadata.QueryStrings(ctx, q, `SELECT name FROM pragma_index_info(?, ?) ORDER BY seqno`, ix.name, schemaName(schema))
		if err != nil {
			return err
		}
		if ix.origin == "u" {
			info.Uniques = append(info.Uniques, metadata.ConstraintInfo{Columns: cols})
		} else {
			info.Indexes = append(info.Indexes, metadata.IndexInfo{Name: ix.name, Columns: cols, Unique: ix.unique})
		}
	}
	return nil
}

var typePattern = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$`)

// parseType maps a declared column type back to the types package.
func parseType(decl string) types.Type {
	if strings.TrimSpace(decl) == "" {
		return types.NullType() // CREATE TABLE kv (k, v), as SQLAlchemy reflects it
	}
	m := typePattern.FindStringSubmatch(decl)
	if m == nil {
		return types.Raw(decl)
	}
	n1, _ := strconv.Atoi(m[2])
	n2, _ := strconv.Atoi(m[3])
	switch strings.ToUpper(m[1]) {
	case "INTEGER", "INT":
		return types.Integer()
	case "BIGINT":
		return types.BigInteger()
	case "SMALLINT":
		return types.SmallInteger()
	case "VARCHAR", "CHARACTER VARYING", "NVARCHAR":
		return types.String(n1)
	case "CHAR":
		if n1 == 36 {
			return types.UUID()
		}
	case "TEXT", "CLOB":
		return types.Text()
	case "BOOLEAN", "BOOL":
		return types.Boolean()
	case "DATE":
		return types.Date()
	case "DATETIME", "TIMESTAMP":
		return types.DateTime()
	case "TIME":
		return types.Time()
	case "NUMERIC", "DECIMAL":
		if n1 > 0 || n2 == 0 { // SQLite keeps any text, even NUMERIC(0, 2), which Numeric cannot write
			return types.Numeric(n1, n2)
		}
	case "FLOAT":
		return types.Float()
	case "DOUBLE", "DOUBLE PRECISION", "REAL":
		return types.Double()
	case "BLOB":
		return types.LargeBinary()
	case "JSON":
		return types.JSON()
	}
	return types.Raw(strings.TrimSpace(decl))
}

var stringDefault = regexp.MustCompile(`^'((?:[^']|'')*)'$`)

// parseDefault reads dflt_value, the default's text as written (without
// the parentheses of an expression).
func parseDefault(d sql.NullString) *metadata.ServerDefaultDef {
	if !d.Valid || strings.EqualFold(d.String, "NULL") {
		return nil
	}
	s := strings.TrimSpace(d.String)
	if m := stringDefault.FindStringSubmatch(s); m != nil {
		return &metadata.ServerDefaultDef{Kind: metadata.DefaultLiteral, Text: strings.ReplaceAll(m[1], "''", "'")}
	}
	if strings.EqualFold(s, "CURRENT_TIMESTAMP") {
		return &metadata.ServerDefaultDef{Kind: metadata.DefaultNow}
	}
	return &metadata.ServerDefaultDef{Kind: metadata.DefaultExpr, Text: s}
}
