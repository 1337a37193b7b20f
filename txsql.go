package alchemy

import "strings"

// txControl reports whether query may begin a transaction (BEGIN, START
// TRANSACTION, SET TRANSACTION, SAVEPOINT, XA, LOCK TABLES — MySQL
// commits on UNLOCK —, or any of them after a ';' in a multi-statement
// text): doubtTxSQL, so that checkin sends a ROLLBACK; or whether it
// changes whether statements autocommit (SET autocommit):
// doubtAutocommit, so that checkin closes the connection, because no
// ROLLBACK restores that setting for the next checkout.
//
// It errs on the side of yes: a false positive costs one ROLLBACK at
// checkin, a false negative could hand the next checkout an open
// transaction. Quoting is not parsed, so a ';' inside a string literal
// only ever adds a false positive. A transaction begun inside a stored
// procedure or a DO block cannot be seen; pgx reports those anyway (the
// pool's reset asks it), and on other drivers such code should end its
// transactions, as database/sql requires.
func txControl(query string) doubt {
	d := doubtNone
	for {
		d = max(d, startsTxControl(query))
		i := strings.IndexByte(query, ';')
		if i < 0 {
			return d
		}
		query = query[i+1:]
	}
}

// startsTxControl looks at the first keyword of query, past spaces and
// comments (--, #, /* */).
func startsTxControl(q string) doubt {
	// A statement that starts with a letter no transaction-control
	// keyword starts with (INSERT, UPDATE, DELETE, WITH, …), or with
	// SEL, leaves here, before the skipping and the word comparisons:
	// this runs for every statement.
	if len(q) > 2 {
		switch c := q[0] | 0x20; c {
		case 'b', 'x', 'l':
		case 's':
			if q[1]|0x20 == 'e' && q[2]|0x20 == 'l' {
				return doubtNone
			}
		default:
			if c >= 'a' && c <= 'z' {
				return doubtNone
			}
		}
	}
	q = skipSpaceAndComments(q)
	if len(q) < 2 {
		return doubtNone
	}
	// The common statements (SELECT, INSERT, UPDATE, DELETE, WITH) leave
	// after one or two byte comparisons.
	yes := func(b bool) doubt {
		if b {
			return doubtTxSQL
		}
		return doubtNone
	}
	switch q[0] | 0x20 {
	case 'b':
		return yes(hasWord(q, "begin"))
	case 's':
		switch q[1] | 0x20 {
		case 't':
			return yes(hasWord(q, "start"))
		case 'a':
			return yes(hasWord(q, "savepoint"))
		case 'e':
			if !hasWord(q, "set") {
				return doubtNone
			}
			// SET [SESSION|GLOBAL|@@…]autocommit = 0, SET TRANSACTION …:
			// look for the words anywhere in this statement.
			stmt, _, _ := strings.Cut(q[3:], ";")
			if containsFold(stmt, "autocommit") {
				return doubtAutocommit
			}
			return yes(containsFold(stmt, "transaction"))
		}
	case 'x':
		return yes(hasWord(q, "xa"))
	case 'l':
		return yes(hasWord(q, "lock"))
	}
	return doubtNone
}

func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if hasPrefixFold(s[i:], word) {
			return true
		}
	}
	return false
}

func skipSpaceAndComments(q string) string {
	for {
		for len(q) > 0 && (q[0] == ' ' || q[0] == '\t' || q[0] == '\n' || q[0] == '\r' || q[0] == '(') {
			q = q[1:]
		}
		switch {
		case len(q) >= 2 && q[0] == '-' && q[1] == '-', len(q) >= 1 && q[0] == '#':
			i := strings.IndexByte(q, '\n')
			if i < 0 {
				return ""
			}
			q = q[i+1:]
		case len(q) >= 2 && q[0] == '/' && q[1] == '*':
			end := -1
			for i := 2; i+1 < len(q); i++ {
				if q[i] == '*' && q[i+1] == '/' {
					end = i + 2
					break
				}
			}
			if end < 0 {
				return ""
			}
			q = q[end:]
		default:
			return q
		}
	}
}

// hasWord reports whether q starts with word (ASCII, any case) followed
// by a non-identifier byte or the end.
func hasWord(q, word string) bool {
	if !hasPrefixFold(q, word) {
		return false
	}
	if len(q) == len(word) {
		return true
	}
	c := q[len(word)]
	return !(c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z')
}

func hasPrefixFold(q, prefix string) bool {
	if len(q) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := q[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
