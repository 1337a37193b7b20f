package metadata

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/go-alchemy/alchemy/dialects"
)

// defaultForeignKeyName names a foreign key that must have a name (one
// created or dropped with ALTER TABLE) when no "fk" convention is set.
// SQLAlchemy leaves such keys unnamed and then cannot drop them: its
// drop_all fails with "Can't emit DROP CONSTRAINT … it has no name".
const defaultForeignKeyName = "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"

// nameRequest is what a naming-convention template is filled from.
type nameRequest struct {
	kind     string // "pk", "fk", "uq", "ck", "ix"
	explicit string // the declared name, may be empty
	table    *Table
	columns  []*ColumnDef
	refTable *Table
	refCols  []*ColumnDef
	force    bool // the object needs a name even without a convention
	// typeBound: a check a column's type brings, unnamed rather than an
	// error when the convention needs %(constraint_name)s and there is none.
	typeBound bool
}

// name returns the name of a constraint or index: the declared one, the
// naming convention's, or "" (the server names it). A name produced by a
// template longer than the dialect's limit is shortened to limit−8
// characters plus "_" and 4 hex digits of its MD5, as SQLAlchemy does; a
// declared name that is too long is an error.
func (c *compiler) name(r nameRequest) (string, error) {
	tmpl, ok := c.md.naming[r.kind]
	if r.explicit != "" && (!ok || !strings.Contains(tmpl, "%(constraint_name)s")) {
		if max := c.d.MaxIdentifierLength; max > 0 && len(r.explicit) > max {
			return "", fmt.Errorf("identifier %q exceeds the maximum length of %d characters", r.explicit, max)
		}
		return r.explicit, nil
	}
	if !ok {
		if !r.force {
			return "", nil
		}
		tmpl = defaultForeignKeyName
	}
	if r.typeBound && r.explicit == "" && strings.Contains(tmpl, "%(constraint_name)s") {
		return "", nil
	}
	name, err := expand(tmpl, r)
	if err != nil {
		return "", err
	}
	return truncateName(name, c.d.MaxIdentifierLength), nil
}

// expand fills the template's tokens, %(name)s where name is letters,
// digits and underscores; anything else is copied as it is. A scan, not
// a regular expression: CreateAll names every foreign key and index of a
// schema through here.
func expand(tmpl string, r nameRequest) (string, error) {
	orig := tmpl
	var b strings.Builder
	b.Grow(len(tmpl) + 32)
	var err error
	for {
		i := strings.Index(tmpl, "%(")
		if i < 0 {
			break
		}
		j := i + 2
		for j < len(tmpl) && isWordByte(tmpl[j]) {
			j++
		}
		if j == i+2 || j+1 >= len(tmpl) || tmpl[j] != ')' || tmpl[j+1] != 's' {
			// Not a token: keep "%(" and scan on after it.
			b.WriteString(tmpl[:i+2])
			tmpl = tmpl[i+2:]
			continue
		}
		v, e := tokenValue(tmpl[i+2:j], r)
		if e != nil && err == nil {
			err = fmt.Errorf("naming convention %q: %w", orig, e)
		}
		b.WriteString(tmpl[:i])
		b.WriteString(v)
		tmpl = tmpl[j+2:]
	}
	b.WriteString(tmpl)
	return b.String(), err
}

// isWordByte: the bytes of regexp's \w (ASCII letters, digits, '_').
func isWordByte(c byte) bool {
	return c == '_' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func tokenValue(tok string, r nameRequest) (string, error) {
	names := func(cols []*ColumnDef) []string {
		s := make([]string, len(cols))
		for i, c := range cols {
			s[i] = c.name
		}
		return s
	}
	needCols := func(cols []*ColumnDef, what string) error {
		if len(cols) == 0 {
			return fmt.Errorf("%%(%s)s needs %s", tok, what)
		}
		return nil
	}
	switch tok {
	case "table_name":
		return r.table.Name(), nil
	case "column_0_name", "column_0_label", "column_0N_name", "column_0_N_name":
		if err := needCols(r.columns, "a constraint on columns"); err != nil {
			return "", err
		}
		switch tok {
		case "column_0_name":
			return r.columns[0].name, nil
		case "column_0_label":
			return r.table.Name() + "_" + r.columns[0].name, nil
		case "column_0N_name":
			return strings.Join(names(r.columns), ""), nil
		}
		return strings.Join(names(r.columns), "_"), nil
	case "referred_table_name":
		if r.refTable == nil {
			return "", fmt.Errorf("%%(%s)s applies to foreign keys only", tok)
		}
		return r.refTable.Name(), nil
	case "referred_column_0_name":
		if err := needCols(r.refCols, "a foreign key"); err != nil {
			return "", err
		}
		return r.refCols[0].name, nil
	case "constraint_name":
		if r.explicit == "" {
			return "", fmt.Errorf("%%(constraint_name)s needs an explicit name; give the constraint one with Named")
		}
		return r.explicit, nil
	}
	return "", fmt.Errorf("unknown token %%(%s)s", tok)
}

// truncateName shortens a generated name to the identifier limit.
func truncateName(name string, limit int) string {
	if limit <= 0 || len(name) <= limit {
		return name
	}
	sum := md5.Sum([]byte(name))
	h := hex.EncodeToString(sum[:])
	return name[:limit-8] + "_" + h[len(h)-4:]
}

// NameOn returns the name the primary key is created under on dialect d:
// the declared one, else the naming convention's, else "" (the server
// names it).
func (pk *PrimaryKeyDef) NameOn(d *dialects.Dialect) (string, error) {
	return newCompiler(d, pk.table.md).name(nameRequest{kind: "pk", explicit: pk.name, table: pk.table, columns: pk.columns})
}

// NameOn returns the name the foreign key is created under on dialect d.
// A key that closes a dependency cycle, or one declared UseAlter, always
// has a name on a dialect that can ALTER, so that DropAll can drop it.
func (fk *ForeignKeyDef) NameOn(d *dialects.Dialect) (string, error) {
	return newCompiler(d, fk.table.md).foreignKeyName(fk)
}

// NameOn returns the name the unique constraint is created under on d.
func (u *UniqueDef) NameOn(d *dialects.Dialect) (string, error) {
	return newCompiler(d, u.table.md).name(nameRequest{kind: "uq", explicit: u.name, table: u.table, columns: u.columns})
}

// NameOn returns the name the check constraint is created under on d.
func (c *CheckDef) NameOn(d *dialects.Dialect) (string, error) {
	var cols []*ColumnDef
	if c.column != nil {
		cols = []*ColumnDef{c.column}
	}
	return newCompiler(d, c.table.md).name(nameRequest{kind: "ck", explicit: c.name, table: c.table, columns: cols, typeBound: c.typeBound})
}

// NameOn returns the name the index is created under on d (an index
// always has one).
func (ix *IndexDef) NameOn(d *dialects.Dialect) (string, error) {
	return newCompiler(d, ix.table.md).name(nameRequest{kind: "ix", explicit: ix.name, table: ix.table, columns: ix.columns, force: true})
}
