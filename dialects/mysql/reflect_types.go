package mysql

import (
	"database/sql"
	"regexp"
	"strings"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// parseType maps information_schema's DATA_TYPE and COLUMN_TYPE back to
// the types package.
func parseType(dataType, columnType string, length, precision, scale int) types.Type {
	switch dataType {
	case "int", "integer", "mediumint":
		return types.Integer()
	case "bigint":
		return types.BigInteger()
	case "smallint":
		return types.SmallInteger()
	case "tinyint":
		if columnType == "tinyint(1)" {
			return types.Boolean()
		}
	case "varchar":
		if length > 0 { // VARCHAR(0) is legal, but String(0) means "no length", which MySQL cannot write
			return types.String(length)
		}
	case "char":
		if length == 36 {
			return types.UUID()
		}
	case "text", "tinytext", "mediumtext", "longtext":
		return types.Text()
	case "json":
		return types.JSON()
	case "date":
		return types.Date()
	case "datetime":
		return types.DateTime()
	case "time":
		return types.Time()
	case "decimal", "numeric":
		return types.Numeric(precision, scale)
	case "float":
		return types.Float()
	case "double", "real":
		return types.Double()
	case "blob", "tinyblob", "mediumblob", "longblob":
		return types.LargeBinary()
	case "enum":
		return types.Enum("", enumLabels(columnType)...)
	}
	return types.Raw(columnType)
}

var enumLabel = regexp.MustCompile(`'((?:[^'\\]|''|\\.)*)'`)

// enumLabels reads the labels of "enum('a','b')".
func enumLabels(columnType string) []string {
	var out []string
	for _, m := range enumLabel.FindAllStringSubmatch(columnType, -1) {
		out = append(out, unescape(m[1]))
	}
	return out
}

func unescape(s string) string {
	return strings.NewReplacer("''", "'", `\\`, `\`, `\'`, "'").Replace(s)
}

var (
	quotedDefault = regexp.MustCompile(`^'((?:[^'\\]|''|\\.)*)'$`)
	nowDefault    = regexp.MustCompile(`(?i)^(current_timestamp|now)(\(\d*\))?$`)
)

// parseDefault maps COLUMN_DEFAULT back. MariaDB 10.2.7+ quotes string
// literals and writes NULL for "no default"; MySQL 8 writes literals bare
// and marks expressions DEFAULT_GENERATED in EXTRA.
func (r *reader) parseDefault(d sql.NullString, extra string, typ types.Type) *metadata.ServerDefaultDef {
	if !d.Valid || (r.mariadb && d.String == "NULL") {
		return nil
	}
	s := strings.TrimSpace(d.String)
	if nowDefault.MatchString(s) {
		return &metadata.ServerDefaultDef{Kind: metadata.DefaultNow}
	}
	if r.mariadb {
		if m := quotedDefault.FindStringSubmatch(s); m != nil {
			return &metadata.ServerDefaultDef{Kind: metadata.DefaultLiteral, Text: unescape(m[1])}
		}
		return &metadata.ServerDefaultDef{Kind: metadata.DefaultExpr, Text: stripParens(s)}
	}
	numeric := typ.Kind().IsInteger() || typ.Kind() == types.KindNumeric || typ.Kind() == types.KindBoolean ||
		typ.Kind() == types.KindFloat || typ.Kind() == types.KindDouble
	if strings.Contains(extra, "DEFAULT_GENERATED") || numeric {
		return &metadata.ServerDefaultDef{Kind: metadata.DefaultExpr, Text: stripParens(s)}
	}
	return &metadata.ServerDefaultDef{Kind: metadata.DefaultLiteral, Text: s}
}

// stripParens removes one pair of parentheses around the whole text.
func stripParens(s string) string {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return s
	}
	depth := 0
	for i := 0; i < len(s)-1; i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s
			}
		}
	}
	return strings.TrimSpace(s[1 : len(s)-1])
}
