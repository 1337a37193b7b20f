package alchemyotel

import (
	"strings"
)

// Sanitize returns query with its literal values replaced by "?": string
// literals ('…', with ” and backslash escapes), dollar-quoted strings
// ($tag$…$tag$), and numbers that are not part of an identifier or a
// placeholder ($1 stays). Comments are kept; quoted identifiers ("…",
// `…`) are kept. It is what db.query.text carries, as the conventions
// ask for text that may hold sensitive values.
func Sanitize(query string) string {
	var b strings.Builder
	b.Grow(len(query))
	i := 0
	for i < len(query) {
		c := query[i]
		switch {
		case c == '\'':
			b.WriteByte('?')
			i = skipQuoted(query, i+1, '\'')
		case c == '"' || c == '`':
			j := skipQuoted(query, i+1, c)
			b.WriteString(query[i:j])
			i = j
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i
			}
			b.WriteString(query[i : i+j])
			i += j
		case c == '/' && i+1 < len(query) && query[i+1] == '*':
			j := strings.Index(query[i+2:], "*/")
			end := len(query)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			b.WriteString(query[i:end])
			i = end
		case c == '$':
			if tag, ok := dollarTag(query[i:]); ok {
				end := strings.Index(query[i+len(tag):], tag)
				b.WriteByte('?')
				if end < 0 {
					i = len(query)
				} else {
					i += len(tag) + end + len(tag)
				}
				continue
			}
			// A placeholder ($1) is kept whole.
			j := i + 1
			for j < len(query) && isDigit(query[j]) {
				j++
			}
			b.WriteString(query[i:j])
			i = j
		case isDigit(c) || (c == '.' && i+1 < len(query) && isDigit(query[i+1])):
			if i > 0 && isIdent(query[i-1]) {
				j := i + 1 // past the digit or the dot: always progress
				for j < len(query) && isIdent(query[j]) {
					j++
				}
				b.WriteString(query[i:j])
				i = j
				continue
			}
			j := i
			for j < len(query) && (isIdent(query[j]) || query[j] == '.' ||
				((query[j] == '+' || query[j] == '-') && (query[j-1] == 'e' || query[j-1] == 'E'))) {
				j++
			}
			b.WriteByte('?')
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// skipQuoted returns the index after the closing quote q, starting
// inside the literal at i; a doubled quote or a backslash escape stays
// inside. An unterminated literal runs to the end.
func skipQuoted(s string, i int, q byte) int {
	for i < len(s) {
		switch s[i] {
		case '\\':
			if q == '\'' {
				i += 2
				continue
			}
		case q:
			if i+1 < len(s) && s[i+1] == q {
				i += 2
				continue
			}
			return i + 1
		}
		i++
	}
	return len(s)
}

// dollarTag reports whether s starts a PostgreSQL dollar-quoted string,
// returning its tag ("$$" or "$name$").
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '$':
			if j > 1 && isDigit(s[1]) {
				return "", false // "$1$" is not a tag
			}
			return s[:j+1], true
		case isIdent(c):
		default:
			return "", false
		}
	}
	return "", false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdent(c byte) bool {
	return c == '_' || isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// Summarize returns the statement's operation (its first keyword,
// upper-cased: SELECT, INSERT …) and, when it plainly names a single
// table (SELECT … FROM t with no join or list, INSERT INTO t, UPDATE t,
// DELETE FROM t), that table; else "".
func Summarize(query string) (op, collection string) {
	words := strings.Fields(stripComments(query))
	if len(words) == 0 {
		return "", ""
	}
	op = strings.ToUpper(strings.TrimRight(words[0], "(;"))
	if !isWord(op) {
		return "", ""
	}
	next := func(after string) string {
		for i, w := range words {
			if strings.EqualFold(w, after) && i+1 < len(words) {
				t := strings.TrimRight(words[i+1], ";")
				rest := words[i+2:]
				if strings.ContainsAny(t, "(,") || (len(rest) > 0 && (strings.HasPrefix(rest[0], ",") || isJoin(rest))) {
					return ""
				}
				for _, w := range rest {
					if strings.EqualFold(w, "JOIN") {
						return ""
					}
				}
				return t
			}
		}
		return ""
	}
	switch op {
	case "SELECT", "DELETE":
		collection = next("FROM")
	case "INSERT", "REPLACE":
		collection = next("INTO")
	case "UPDATE":
		if len(words) > 1 {
			collection = strings.TrimRight(words[1], ";")
		}
	}
	if strings.ContainsAny(collection, "()'$?") {
		collection = ""
	}
	return op, collection
}

func isJoin(rest []string) bool {
	w := strings.ToUpper(rest[0])
	return w == "JOIN" || w == "LEFT" || w == "RIGHT" || w == "INNER" || w == "CROSS" || w == "FULL" || w == "NATURAL"
}

func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

func stripComments(q string) string {
	if !strings.Contains(q, "--") && !strings.Contains(q, "/*") {
		return q
	}
	var b strings.Builder
	for i := 0; i < len(q); {
		switch {
		case strings.HasPrefix(q[i:], "--"):
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				return b.String()
			}
			i += j
		case strings.HasPrefix(q[i:], "/*"):
			j := strings.Index(q[i+2:], "*/")
			if j < 0 {
				return b.String()
			}
			b.WriteByte(' ')
			i += j + 4
		default:
			b.WriteByte(q[i])
			i++
		}
	}
	return b.String()
}
