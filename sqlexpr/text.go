package sqlexpr

import (
	"strings"

	"github.com/go-alchemy/alchemy/types"
)

// TextClause is hand-written SQL with bound arguments. It is a complete
// [Statement] and also an [Expr], so it can stand for a condition:
// Select(users).Where(Text("lower(name) = ?", "john")).
type TextClause struct {
	Operators
	sql      string
	args     []any
	values   Params                // values of :name parameters given to Text
	binds    map[string]types.Type // types given with Bind
	colTypes []types.Type          // result column types given with Columns
}

// Text returns hand-written SQL with parameters of two kinds, which the
// compiler writes as the dialect's placeholders ($1, $2, … on
// PostgreSQL, counting the placeholders before the text in the
// statement; ? elsewhere):
//
//   - "?" placeholders, bound to args in order; their number must equal
//     len(args), else compiling is an error;
//   - :name parameters, as in SQLAlchemy's text(): their values come
//     from a [Params] given as the only argument (Text("… :id", Params{"id": 7}))
//     or when the statement runs (Execute(ctx, db, stmt, Params{"id": 7})).
//     A name is a letter or underscore followed by letters, digits and
//     underscores. "::" (a PostgreSQL cast) and a colon after a letter or
//     digit (a[1:2]) are not parameters, nor is a name followed by a
//     colon (":x::int", as in SQLAlchemy: write CAST(:x AS int)); write
//     "\:" for a literal colon
//     before a name. Give a parameter a type with Bind, so its value is
//     converted as for a column of that type.
//
// A "?" inside a string literal ('…'), a quoted identifier ("…" or `…`)
// or a comment (-- to the end of the line, /* … */) is not a placeholder;
// write "??" for a literal "?" elsewhere (a PostgreSQL JSON operator, a
// dollar-quoted string). A backslash escapes a quote inside '…' only on
// dialects whose strings use backslash escapes (MySQL).
//
// Text is written into the statement as it is: never build it from
// untrusted input, bind that input through args. Used as an operand of
// an operator it is parenthesised.
func Text(sql string, args ...any) *TextClause {
	t := &TextClause{sql: sql}
	if p, ok := onlyParams(args); ok {
		t.values = p
	} else {
		t.args = append([]any(nil), args...)
	}
	t.self = t
	return t
}

// onlyParams reports whether args is a single Params.
func onlyParams(args []any) (Params, bool) {
	if len(args) != 1 {
		return nil, false
	}
	p, ok := args[0].(Params)
	return p, ok
}

// Bind gives the :name parameter a type and returns t: its value is
// converted as for a column of that type (a time.Time for a DateTime is
// bound in UTC, a map for JSON is encoded).
func (t *TextClause) Bind(name string, typ types.Type) *TextClause {
	if t.binds == nil {
		t.binds = map[string]types.Type{}
	}
	t.binds[name] = typ
	return t
}

// Columns declares the types of the text's result columns, in order,
// and returns t, so that its rows are processed like those of a typed
// SELECT (SQLAlchemy's TextClause.columns): Text("SELECT id, at FROM
// t").Columns(types.Integer(), types.DateTime()). A nil type leaves its
// column as the driver returns it.
func (t *TextClause) Columns(ts ...types.Type) *TextClause {
	t.colTypes = append([]types.Type(nil), ts...)
	return t
}

func (t *TextClause) stmtNode() {}

// textPart is a run of SQL text followed, unless it is the last, by one
// placeholder: a "?" (ph) or a :name parameter (name).
type textPart struct {
	sql  string
	ph   bool
	name string
}

// splitText cuts sql at its placeholders, unescaping "??". backslash says
// whether a backslash escapes a quote inside a string literal.
func splitText(sql string, backslash bool) []textPart {
	var parts []textPart
	var b strings.Builder
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := skipQuoted(sql, i, c, backslash && c == '\'')
			b.WriteString(sql[i:j])
			i = j
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				j = len(sql) - i
			}
			b.WriteString(sql[i : i+j])
			i += j
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			j := strings.Index(sql[i+2:], "*/")
			end := len(sql)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '?' && strings.HasPrefix(sql[i:], "??"):
			b.WriteByte('?')
			i += 2
		case c == '?':
			parts = append(parts, textPart{sql: b.String(), ph: true})
			b.Reset()
			i++
		case c == '\\' && i+1 < len(sql) && sql[i+1] == ':':
			b.WriteByte(':')
			i += 2
		case c == ':' && i+1 < len(sql) && sql[i+1] == ':':
			b.WriteString("::") // a cast; the next colon starts no name
			i += 2
		case c == ':' && (i == 0 || !isNameByte(sql[i-1])) && i+1 < len(sql) && isNameStart(sql[i+1]):
			j := i + 1
			for j < len(sql) && isNameByte(sql[j]) {
				j++
			}
			if j < len(sql) && sql[j] == ':' { // "a:b:" is no parameter (SQLAlchemy's rule)
				b.WriteString(sql[i:j])
				i = j
				continue
			}
			parts = append(parts, textPart{sql: b.String(), name: sql[i+1 : j]})
			b.Reset()
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return append(parts, textPart{sql: b.String()})
}

// skipQuoted returns the index just past the quoted run starting at i
// (the end of sql when it is not closed). A doubled quote is an escaped
// quote; with backslash, so is a backslash followed by any byte.
func skipQuoted(sql string, i int, q byte, backslash bool) int {
	for j := i + 1; j < len(sql); j++ {
		switch {
		case backslash && sql[j] == '\\':
			j++
		case sql[j] == q && j+1 < len(sql) && sql[j+1] == q:
			j++
		case sql[j] == q:
			return j + 1
		}
	}
	return len(sql)
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isNameByte(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }
