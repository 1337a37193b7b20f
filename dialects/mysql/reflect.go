package mysql

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// catalog reads MySQL's and MariaDB's information_schema. The default
// schema ("") is DATABASE().
//
// MySQL keeps no difference between a unique constraint and a unique
// index, so every unique key reflects as a unique constraint; it creates
// an index for each foreign key, which is not reported; and RESTRICT is
// its name for the default action, which reflects as "".
type catalog struct {
	// checks is how CHECK constraints are read; the zero value is
	// information_schema.CHECK_CONSTRAINTS (see tidb.go, vitess.go).
	checks checkSource
}

var _ metadata.Catalog = catalog{}

// schemaCond is the SQL condition "column col is schema".
func schemaCond(col, schema string) string {
	if schema == "" {
		return col + " = DATABASE()"
	}
	return col + " = " + Dialect.QuoteString(schema)
}

// Existing lists the tables of the schemas in one query. MySQL has no
// named types.
func (catalog) Existing(ctx context.Context, q metadata.Querier, schemas []string) (*metadata.Existing, error) {
	ex := &metadata.Existing{Tables: map[string]bool{}, Types: map[string]bool{}}
	if len(schemas) == 0 {
		return ex, nil
	}
	parts := make([]string, len(schemas))
	for i, s := range schemas {
		parts[i] = "SELECT " + Dialect.QuoteString(s) + ", TABLE_NAME FROM information_schema.TABLES WHERE " +
			schemaCond("TABLE_SCHEMA", s)
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
		if schema != "" {
			name = schema + "." + name
		}
		ex.Tables[name] = true
	}
	return ex, rows.Err()
}

// TableNames lists the schema's base tables.
func (catalog) TableNames(ctx context.Context, q metadata.Querier, schema string) ([]string, error) {
	return metadata.QueryStrings(ctx, q, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE "+
		schemaCond("TABLE_SCHEMA", schema)+" AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")
}

// reader reads one table; mariadb changes how defaults and checks read.
type reader struct {
	q       metadata.Querier
	schema  string
	mariadb bool
	checks  checkSource
	info    *metadata.TableInfo
}

// ReflectTable reads one table from information_schema.
func (c catalog) ReflectTable(ctx context.Context, q metadata.Querier, schema, name string) (*metadata.TableInfo, error) {
	rows, err := q.QueryContext(ctx, "SELECT TABLE_COMMENT, VERSION() FROM information_schema.TABLES WHERE "+
		schemaCond("TABLE_SCHEMA", schema)+" AND TABLE_NAME = ? AND TABLE_TYPE = 'BASE TABLE'", name)
	if err != nil {
		return nil, err
	}
	r := &reader{q: q, schema: schema, checks: c.checks, info: &metadata.TableInfo{Name: name}}
	var version string
	found := rows.Next()
	if found {
		err = rows.Scan(&r.info.Comment, &version)
	}
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	if err != nil || !found {
		return nil, err
	}
	r.mariadb = strings.Contains(version, "MariaDB")
	for _, read := range []func(context.Context) error{r.columns, r.constraints, r.readChecks, r.indexes} {
		if err := read(ctx); err != nil {
			return nil, err
		}
	}
	return r.info, nil
}

func (r *reader) where(alias string) string {
	return schemaCond(alias+"TABLE_SCHEMA", r.schema) + " AND " + alias + "TABLE_NAME = ?"
}

func (r *reader) columns(ctx context.Context) error {
	rows, err := r.q.QueryContext(ctx, "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,"+
		" COLUMN_COMMENT, COALESCE(CHARACTER_MAXIMUM_LENGTH, 0), COALESCE(NUMERIC_PRECISION, 0), COALESCE(NUMERIC_SCALE, 0)"+
		" FROM information_schema.COLUMNS WHERE "+r.where("")+" ORDER BY ORDINAL_POSITION", r.info.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c metadata.ColumnInfo
		var dataType, columnType, nullable, extra string
		var dflt sql.NullString
		var length, precision, scale int64
		if err := rows.Scan(&c.Name, &dataType, &columnType, &nullable, &dflt, &extra, &c.Comment,
			&length, &precision, &scale); err != nil {
			return err
		}
		c.Type = parseType(strings.ToLower(dataType), strings.ToLower(columnType), int(length), int(precision), int(scale))
		c.Nullable = nullable == "YES"
		c.Autoincrement = strings.Contains(strings.ToLower(extra), "auto_increment")
		c.Default = r.parseDefault(dflt, extra, c.Type)
		r.info.Columns = append(r.info.Columns, c)
	}
	return rows.Err()
}

// constraints reads primary key, unique and foreign key constraints.
func (r *reader) constraints(ctx context.Context) error {
	rows, err := r.q.QueryContext(ctx, "SELECT tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.COLUMN_NAME,"+
		" COALESCE(k.REFERENCED_TABLE_SCHEMA, ''), COALESCE(k.REFERENCED_TABLE_NAME, ''), COALESCE(k.REFERENCED_COLUMN_NAME, ''),"+
		" COALESCE(rc.UPDATE_RULE, ''), COALESCE(rc.DELETE_RULE, ''), tc.TABLE_SCHEMA"+
		" FROM information_schema.TABLE_CONSTRAINTS tc"+
		" JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA"+
		"  AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME AND k.TABLE_NAME = tc.TABLE_NAME"+
		" LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS rc ON rc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA"+
		"  AND rc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME AND rc.TABLE_NAME = tc.TABLE_NAME"+
		" WHERE "+r.where("tc.")+" AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')"+
		" ORDER BY tc.CONSTRAINT_TYPE, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION", r.info.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	info := r.info
	for rows.Next() {
		var name, kind, col, refSchema, refTable, refCol, onUpdate, onDelete, schema string
		if err := rows.Scan(&name, &kind, &col, &refSchema, &refTable, &refCol, &onUpdate, &onDelete, &schema); err != nil {
			return err
		}
		switch kind {
		case "PRIMARY KEY":
			info.PrimaryKey.Columns = append(info.PrimaryKey.Columns, col)
		case "UNIQUE":
			if n := len(info.Uniques); n == 0 || info.Uniques[n-1].Name != name {
				info.Uniques = append(info.Uniques, metadata.ConstraintInfo{Name: name})
			}
			u := &info.Uniques[len(info.Uniques)-1]
			u.Columns = append(u.Columns, col)
		case "FOREIGN KEY":
			if n := len(info.ForeignKeys); n == 0 || info.ForeignKeys[n-1].Name != name {
				if refSchema == schema {
					refSchema = ""
				}
				info.ForeignKeys = append(info.ForeignKeys, metadata.ForeignKeyInfo{Name: name, RefSchema: refSchema,
					RefTable: refTable, OnDelete: action(onDelete), OnUpdate: action(onUpdate)})
			}
			fk := &info.ForeignKeys[len(info.ForeignKeys)-1]
			fk.Columns = append(fk.Columns, col)
			fk.RefColumns = append(fk.RefColumns, refCol)
		}
	}
	return rows.Err()
}

// action maps MySQL's rule names: RESTRICT and NO ACTION both mean the
// default (InnoDB checks immediately either way).
func action(rule string) string {
	if rule == "RESTRICT" || rule == "NO ACTION" {
		return ""
	}
	return rule
}

// readChecks reads CHECK constraints (MariaDB 10.2+, MySQL 8.0.16+). MariaDB
// lists a column-level check under the column's name; its JSON type is
// LONGTEXT with CHECK (json_valid(col)), which reflects as JSON.
func (r *reader) readChecks(ctx context.Context) error {
	switch r.checks {
	case checksFromShowCreate:
		return r.checksFromShowCreate(ctx)
	case checksIfPresent:
		err := r.checksFromInformationSchema(ctx)
		if isNoSuchTable(err) {
			return nil // a server without the CHECK_CONSTRAINTS view keeps no checks
		}
		return err
	}
	return r.checksFromInformationSchema(ctx)
}

func (r *reader) checksFromInformationSchema(ctx context.Context) error {
	query := "SELECT cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, '' FROM information_schema.CHECK_CONSTRAINTS cc" +
		" JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA" +
		"  AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'" +
		" WHERE " + r.where("tc.") + " ORDER BY cc.CONSTRAINT_NAME"
	if r.mariadb {
		query = "SELECT CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL FROM information_schema.CHECK_CONSTRAINTS" +
			" WHERE " + schemaCond("CONSTRAINT_SCHEMA", r.schema) + " AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME"
	}
	rows, err := r.q.QueryContext(ctx, query, r.info.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ck metadata.CheckInfo
		var level string
		if err := rows.Scan(&ck.Name, &ck.SQL, &level); err != nil {
			return err
		}
		if level == "Column" {
			ck.Column = ck.Name
			ck.Name = ""
			if r.foldJSON(ck) {
				continue
			}
		}
		r.info.Checks = append(r.info.Checks, ck)
	}
	return rows.Err()
}

var jsonValid = regexp.MustCompile("(?i)^json_valid\\(`([^`]+)`\\)$")

// foldJSON turns MariaDB's LONGTEXT + json_valid check back into JSON.
func (r *reader) foldJSON(ck metadata.CheckInfo) bool {
	m := jsonValid.FindStringSubmatch(strings.TrimSpace(ck.SQL))
	if m == nil || m[1] != ck.Column {
		return false
	}
	for i := range r.info.Columns {
		if c := &r.info.Columns[i]; c.Name == ck.Column && c.Type.Kind() == types.KindText {
			c.Type = types.JSON()
			return true
		}
	}
	return false
}

// indexes reads the non-unique indexes (unique ones are constraints,
// read above), leaving out the ones InnoDB creates for foreign keys.
func (r *reader) indexes(ctx context.Context) error {
	rows, err := r.q.QueryContext(ctx, "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS"+
		" WHERE "+r.where("")+" AND NON_UNIQUE = 1 ORDER BY INDEX_NAME, SEQ_IN_INDEX", r.info.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	var list []metadata.IndexInfo
	for rows.Next() {
		var name string
		var col sql.NullString
		if err := rows.Scan(&name, &col); err != nil {
			return err
		}
		if n := len(list); n == 0 || list[n-1].Name != name {
			list = append(list, metadata.IndexInfo{Name: name})
		}
		ix := &list[len(list)-1]
		ix.Columns = append(ix.Columns, col.String)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ix := range list {
		if !slices.Contains(ix.Columns, "") && !r.foreignKeyIndex(ix) {
			r.info.Indexes = append(r.info.Indexes, ix)
		}
	}
	return nil
}

// foreignKeyIndex reports whether ix is the index InnoDB made for a
// foreign key: named after the constraint, or after its first column when
// the constraint had no name, over the key's columns.
func (r *reader) foreignKeyIndex(ix metadata.IndexInfo) bool {
	for _, fk := range r.info.ForeignKeys {
		if slices.Equal(ix.Columns, fk.Columns) && (ix.Name == fk.Name || ix.Name == fk.Columns[0]) {
			return true
		}
	}
	return false
}
