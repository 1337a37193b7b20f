package sqlite

import (
	"strings"

	"github.com/go-alchemy/alchemy/metadata"
)

// SQLite has no catalog of CHECK constraints: the only record is the
// CREATE TABLE text in sqlite_master. parseChecks reads them from it with
// a small tokenizer (quotes, comments and nesting respected).

// token is a lexical token of SQL text; start and end are byte offsets.
type token struct {
	kind       byte // 'w' word, 'q' quoted identifier, 's' string, or the punctuation itself
	text       string
	start, end int
}

// lex splits SQL text into tokens, dropping spaces and comments.
func lex(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '-' && strings.HasPrefix(s[i:], "--"):
			i = skipTo(s, i, "\n")
		case c == '/' && strings.HasPrefix(s[i:], "/*"):
			i = skipTo(s, i+2, "*/")
		case c == '\'' || c == '"' || c == '`' || c == '[':
			j := closeQuote(s, i)
			kind := byte('q')
			if c == '\'' {
				kind = 's'
			}
			out = append(out, token{kind, s[i:j], i, j})
			i = j
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			out = append(out, token{'w', s[i:j], i, j})
			i = j
		default:
			out = append(out, token{c, s[i : i+1], i, i + 1})
			i++
		}
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// skipTo returns the offset just past the next end after i (or len(s)).
func skipTo(s string, i int, end string) int {
	if j := strings.Index(s[i:], end); j >= 0 {
		return i + j + len(end)
	}
	return len(s)
}

// closeQuote returns the offset just past the quote opened at i; a
// doubled quote character is an escaped one.
func closeQuote(s string, i int) int {
	q := s[i]
	if q == '[' {
		return skipTo(s, i+1, "]")
	}
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

// unquote returns an identifier token's name.
func unquote(t token) string {
	if t.kind != 'q' {
		return t.text
	}
	body := t.text[1 : len(t.text)-1]
	switch t.text[0] {
	case '"':
		return strings.ReplaceAll(body, `""`, `"`)
	case '`':
		return strings.ReplaceAll(body, "``", "`")
	}
	return body
}

// matching returns the index of the ')' closing the '(' at toks[i].
func matching(toks []token, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j].kind {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks) - 1
}

// elements splits the body of CREATE TABLE … ( … ) into its column
// definitions and table constraints.
func elements(toks []token) [][]token {
	open := -1
	for i, t := range toks {
		if t.kind == '(' {
			open = i
			break
		}
	}
	if open < 0 {
		return nil
	}
	end := matching(toks, open)
	if end <= open { // "(" is the last token: no body (malformed text)
		return nil
	}
	var out [][]token
	start, depth := open+1, 0
	for j := open + 1; j < end; j++ {
		switch toks[j].kind {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, toks[start:j])
				start = j + 1
			}
		}
	}
	return append(out, toks[start:end])
}

var tableConstraintWords = map[string]bool{"CONSTRAINT": true, "PRIMARY": true, "UNIQUE": true, "CHECK": true, "FOREIGN": true}

// parseChecks returns the CHECK constraints of a CREATE TABLE statement.
func parseChecks(ddl string) []metadata.CheckInfo {
	var out []metadata.CheckInfo
	for _, el := range elements(lex(ddl)) {
		if len(el) == 0 {
			continue
		}
		column := ""
		if !(el[0].kind == 'w' && tableConstraintWords[strings.ToUpper(el[0].text)]) {
			column = unquote(el[0])
		}
		for i := 0; i+1 < len(el); i++ {
			if el[i].kind != 'w' || !strings.EqualFold(el[i].text, "CHECK") || el[i+1].kind != '(' {
				continue
			}
			end := matching(el, i+1)
			if end <= i+1 { // an unclosed "CHECK (" at the end (malformed text)
				break
			}
			ck := metadata.CheckInfo{Column: column, SQL: strings.TrimSpace(ddl[el[i+1].end:el[end].start])}
			if i >= 2 && el[i-2].kind == 'w' && strings.EqualFold(el[i-2].text, "CONSTRAINT") {
				ck.Name = unquote(el[i-1])
			}
			out = append(out, ck)
			i = end
		}
	}
	return out
}
