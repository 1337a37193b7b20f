package sqlexpr

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
)

// likeMatch says how a LikeExpr's pattern operand becomes the pattern.
type likeMatch uint8

const (
	// matchPattern: the operand is the whole pattern (a bound string,
	// already escaped for Contains and friends, or an expression).
	matchPattern likeMatch = iota
	// matchContains, matchStartsWith, matchEndsWith: the operand is an
	// expression, wrapped in SQL with the dialect's concatenation of '%'
	// before, after or both.
	matchContains
	matchStartsWith
	matchEndsWith
)

// autoEscapeChar is the ESCAPE character of Contains, StartsWith and
// EndsWith. '/' is written as it is in a string literal of every
// dialect (a backslash would have to be doubled in MySQL's literals and
// not in the others'), is not special in any LIKE syntax, and is rarer
// in text than '#' or '!'. It is the one SQLAlchemy's autoescape uses.
const autoEscapeChar = '/'

// autoEscaper escapes the escape character itself and LIKE's two
// wildcards, in one pass (a Replacer never rescans what it wrote).
var autoEscaper = strings.NewReplacer("/", "//", "%", "/%", "_", "/_")

// LikeExpr is x [NOT] LIKE pattern [ESCAPE 'c'], with a pattern made by
// Contains, StartsWith or EndsWith, or given with an explicit escape
// character to LikeEscape. Plain Like without ESCAPE is a [BinaryExpr].
type LikeExpr struct {
	Operators
	left    Expr
	pattern operand
	not     bool
	match   likeMatch
	escape  byte  // the ESCAPE character; 0: no ESCAPE clause
	err     error // a bad argument, reported by Compile
}

func newLike(left Expr, not bool, match likeMatch, pattern any, escape byte) *LikeExpr {
	l := &LikeExpr{left: left, not: not, match: match, pattern: toOperand(pattern), escape: escape}
	l.self = l
	return l
}

// affixLike builds Contains, StartsWith and EndsWith: a Go string is
// escaped and wrapped in '%' here, and bound as one value with ESCAPE
// '/' (so that "50%" matches only a literal "50%"); an expression is
// wrapped in SQL, without escaping (its value's wildcards stay
// wildcards, as in SQLAlchemy, which can only autoescape a literal).
func affixLike(left Expr, match likeMatch, s any, construct string) Expr {
	switch v := s.(type) {
	case string:
		return newLike(left, false, matchPattern, affixPattern(match, v), autoEscapeChar)
	case Expr, SelectBase:
		return newLike(left, false, match, v, 0)
	}
	if rv := reflect.ValueOf(s); rv.Kind() == reflect.String { // a named string type
		return newLike(left, false, matchPattern, affixPattern(match, rv.String()), autoEscapeChar)
	}
	l := newLike(left, false, match, nil, 0)
	l.err = invalidf("%s(%T): want a string or an expression", construct, s)
	return l
}

// affixPattern escapes s and adds the wildcards of match.
func affixPattern(match likeMatch, s string) string {
	s = autoEscaper.Replace(s)
	switch match {
	case matchStartsWith:
		return s + "%"
	case matchEndsWith:
		return "%" + s
	}
	return "%" + s + "%"
}

// likeEscape builds LikeEscape and NotLikeEscape.
func likeEscape(left Expr, not bool, pattern any, escape byte) Expr {
	l := newLike(left, not, matchPattern, pattern, escape)
	if err := checkEscapeChar(escape); err != nil {
		construct := "LikeEscape"
		if not {
			construct = "NotLikeEscape"
		}
		l.err = fmt.Errorf("%w: %s: escape character %q: %w", ErrInvalid, construct, rune(escape), err)
	}
	return l
}

// checkEscapeChar accepts one printable ASCII character that can be
// written between single quotes on every dialect as it is: not a quote
// of any kind, not a backslash (an escape in MySQL's literals), and not
// '?' (a placeholder to drivers that substitute arguments into the text
// themselves).
func checkEscapeChar(c byte) error {
	if c < 0x20 || c > 0x7e || strings.IndexByte("'\"`\\?", c) >= 0 {
		return errBadEscapeChar
	}
	return nil
}

var errBadEscapeChar = errors.New("want one printable ASCII character other than ' \" ` \\ and ?")

// like writes x [NOT] LIKE pattern [ESCAPE 'c'].
func (c *compiler) like(l *LikeExpr) {
	if l.err != nil {
		c.setErr(l.err)
		return
	}
	c.expr(l.left, precCmp+1)
	if l.not {
		c.kw(" NOT LIKE ")
	} else {
		c.kw(" LIKE ")
	}
	if l.match == matchPattern {
		c.operand(&l.pattern, precCmp+1)
	} else {
		c.likeAffixes(l)
	}
	if l.escape != 0 {
		// Checked by checkEscapeChar (Contains uses '/'): printable, so
		// also a valid key-mode keyword byte, and never a quote.
		c.kw(" ESCAPE '")
		c.kw(string(rune(l.escape)))
		c.kw("'")
	}
}

// likeAffixes writes an expression wrapped in '%' wildcards with the
// dialect's concatenation: '%' || x || '%', or concat('%', x, '%'). The
// wildcards are constants of the compiler, written as literals as
// SQLAlchemy does; x is parenthesised unless it is an atom, because
// SQLite's || binds tighter than arithmetic.
func (c *compiler) likeAffixes(l *LikeExpr) {
	before := l.match == matchContains || l.match == matchEndsWith
	after := l.match == matchContains || l.match == matchStartsWith
	if c.d.SQL.Concat == dialects.ConcatFunc {
		c.kw("concat(")
		if before {
			c.kw("'%', ")
		}
		c.operand(&l.pattern, 0)
		if after {
			c.kw(", '%'")
		}
		c.kw(")")
		return
	}
	if before {
		c.kw("'%' || ")
	}
	c.operand(&l.pattern, precAtom)
	if after {
		c.kw(" || '%'")
	}
}

// CollateExpr is x COLLATE name. See the Collate method of [Expr].
type CollateExpr struct {
	Operators
	e    Expr
	name string
}

// collate writes x COLLATE name; the name is an identifier, quoted where
// the dialect needs it ("C" and "en_US" on PostgreSQL, for their upper
// case). COLLATE binds tighter than every other operator on the three
// dialects, so anything but an atom on its left is parenthesised.
func (c *compiler) collate(x *CollateExpr) {
	c.expr(x.e, precAtom)
	c.kw(" COLLATE ")
	c.ident(x.name)
}
