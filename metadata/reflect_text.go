package metadata

import "strings"

// Helpers that read the SQL text catalogs print for CHECK constraints.

// stripParens removes parentheses that wrap the whole expression.
func stripParens(s string) string {
	s = strings.TrimSpace(s)
	for isParenthesized(s) {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// unquoteIdent removes one level of identifier quotes ("x", `x`, [x]).
func unquoteIdent(s string) string {
	if len(s) >= 2 {
		switch {
		case s[0] == '"' && s[len(s)-1] == '"':
			return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
		case s[0] == '`' && s[len(s)-1] == '`':
			return strings.ReplaceAll(s[1:len(s)-1], "``", "`")
		case s[0] == '[' && s[len(s)-1] == ']':
			return s[1 : len(s)-1]
		}
	}
	return s
}

// parseLabels splits "(a, 'b', 'c')" into its items, keeping the quotes
// (a quote inside a label is doubled).
func parseLabels(s string) ([]string, bool) {
	s = strings.TrimSpace(s)
	if !isParenthesized(s) {
		return nil, false
	}
	s = s[1 : len(s)-1]
	var out []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			quoted = !quoted
			cur.WriteByte(c)
		case c == ',' && !quoted:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if quoted {
		return nil, false
	}
	out = append(out, strings.TrimSpace(cur.String()))
	for _, l := range out {
		if l == "" {
			return nil, false
		}
	}
	return out, true
}

func allQuoted(labels []string) bool {
	for _, l := range labels {
		if !stringLiteral.MatchString(l) {
			return false
		}
	}
	return true
}

func unquoteAll(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = strings.ReplaceAll(l[1:len(l)-1], "''", "'")
	}
	return out
}
