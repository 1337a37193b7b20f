package sqlexpr

import "strings"

// TextClause is hand-written SQL with bound arguments. It is a complete
// [Statement] and also an [Expr], so it can stand for a condition:
// Select(users).Where(Text("lower(name) = ?", "john")).
type TextClause struct {
	ops
	sql  string
	args []any
}

// Text returns hand-written SQL. Write every placeholder as "?" whatever
// the dialect; the compiler numbers them for the dialect ($1, $2, … on
// PostgreSQL, counting the placeholders that come before the text in the
// statement) and binds args in order. The number of placeholders must
// equal len(args), else compiling is an error.
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
	t := &TextClause{sql: sql, args: append([]any(nil), args...)}
	t.self = t
	return t
}

func (t *TextClause) stmtNode() {}

// textPart is a run of SQL text followed, unless it is the last, by one
// placeholder.
type textPart struct {
	sql string
	ph  bool
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
