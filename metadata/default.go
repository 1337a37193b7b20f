package metadata

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
)

// DefaultKind says what a server default is.
type DefaultKind int

const (
	// DefaultLiteral is a string literal, quoted in DDL ('x').
	DefaultLiteral DefaultKind = iota
	// DefaultExpr is SQL text, written as is (0, CURRENT_DATE, lower('X')).
	DefaultExpr
	// DefaultNow is the current timestamp, spelled by the dialect
	// (now(), CURRENT_TIMESTAMP(6) on MySQL, CURRENT_TIMESTAMP on SQLite).
	DefaultNow
	// DefaultBool is true or false (Text "true" or "false"), spelled by
	// the dialect (true / false, or 1 / 0 on SQLite).
	DefaultBool
)

// ServerDefaultDef is a default the database applies (DEFAULT … in the
// column's DDL).
type ServerDefaultDef struct {
	Kind DefaultKind
	Text string // the literal's value or the SQL text; empty for DefaultNow
}

// ServerDefault sets a server default that is a string literal: it is
// quoted in DDL, with its quotes doubled, so ServerDefault("0") is
// DEFAULT '0' (use [ServerDefaultExpr] for a bare 0).
func ServerDefault(literal string) ColumnOption {
	return setDefault(&ServerDefaultDef{Kind: DefaultLiteral, Text: literal})
}

// ServerDefaultExpr sets a server default that is SQL text, written as
// is: ServerDefaultExpr("0"), ServerDefaultExpr("lower('X')"). Dialects
// that require it (SQLite, MySQL) get it in parentheses unless it is a
// literal or a bare word.
func ServerDefaultExpr(sql string) ColumnOption {
	return setDefault(&ServerDefaultDef{Kind: DefaultExpr, Text: sql})
}

// ServerDefaultNow sets the current timestamp as the server default, in
// each dialect's spelling.
func ServerDefaultNow() ColumnOption {
	return setDefault(&ServerDefaultDef{Kind: DefaultNow})
}

// ServerDefaultBool sets true or false as the server default, in each
// dialect's spelling.
func ServerDefaultBool(v bool) ColumnOption {
	return setDefault(&ServerDefaultDef{Kind: DefaultBool, Text: strconv.FormatBool(v)})
}

func setDefault(d *ServerDefaultDef) ColumnOption {
	return columnOption(func(c *ColumnDef) {
		if d.Kind == DefaultExpr && strings.TrimSpace(d.Text) == "" {
			c.failOpt("ServerDefaultExpr: the expression is empty")
		}
		c.serverDefault = d
	})
}

// String describes the default without a dialect: 'x', the SQL text, or
// now().
func (d *ServerDefaultDef) String() string {
	switch d.Kind {
	case DefaultLiteral:
		return "'" + strings.ReplaceAll(d.Text, "'", "''") + "'"
	case DefaultNow:
		return "now()"
	}
	return d.Text // DefaultExpr, DefaultBool
}

// SQL renders the default as written after DEFAULT on dialect dl.
func (d *ServerDefaultDef) SQL(dl *dialects.Dialect) string {
	switch d.Kind {
	case DefaultLiteral:
		return dl.QuoteString(d.Text)
	case DefaultNow:
		if dl.DDL.NowDefault != "" {
			return dl.DDL.NowDefault
		}
		if dl.SQL.NowFunc != "" {
			return dl.SQL.NowFunc
		}
		return "CURRENT_TIMESTAMP"
	case DefaultBool:
		if d.Text == "true" {
			return dl.SQL.TrueLiteral
		}
		return dl.SQL.FalseLiteral
	}
	if dl.DDL.ParenthesizeDefaultExpr && needsParens(d.Text) {
		return "(" + d.Text + ")"
	}
	return d.Text
}

var (
	numberLiteral = regexp.MustCompile(`^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$`)
	stringLiteral = regexp.MustCompile(`^'([^']|'')*'$`)
	bareWord      = regexp.MustCompile(`^[A-Za-z_][A-Za-z_0-9]*$`)
	// now(6) and current_timestamp(6) are accepted bare by MySQL.
	timestampCall = regexp.MustCompile(`(?i)^(now|current_timestamp)\(\d*\)$`)
)

// needsParens reports whether an expression default must be wrapped on
// dialects that only accept literals and bare words unwrapped (SQLite;
// MySQL 8.0.13+ and MariaDB 10.2+ for expression defaults).
func needsParens(s string) bool {
	s = strings.TrimSpace(s)
	switch {
	case numberLiteral.MatchString(s), stringLiteral.MatchString(s), bareWord.MatchString(s),
		timestampCall.MatchString(s), isParenthesized(s),
		strings.Contains(strings.ToUpper(s), "ON UPDATE"):
		return false
	}
	return true
}

// isParenthesized reports whether s is one parenthesized expression,
// "(a) + (b)" not being one.
func isParenthesized(s string) bool {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return false
	}
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 && i != len(s)-1 {
				return false
			}
		}
	}
	return depth == 0
}
