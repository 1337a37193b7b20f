package metadata

import (
	"fmt"
	"strconv"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/types"
)

// NativeEnum(false) stores an Enum column as a VARCHAR as long as its
// longest label, restricted by a CHECK constraint listing the labels, on
// every dialect: SQLAlchemy's Enum(native_enum=False,
// create_constraint=True). PostgreSQL then creates no enum type and MySQL
// writes no ENUM(…); the CHECK is named after the enum (types.Enum's
// name) unless [TypeConstraintName] says otherwise. NativeEnum(true) is
// the default: the dialect's own enum where it has one, the VARCHAR form
// on SQLite. Given to a column whose type is not an Enum it is a
// declaration error.
func NativeEnum(native bool) ColumnOption {
	return columnOption(func(c *ColumnDef) {
		if _, ok := c.typ.(*types.EnumType); !ok {
			c.failOpt(fmt.Sprintf("NativeEnum applies to an Enum column, not to %v", c.typ))
			return
		}
		c.nonNativeEnum = !native
	})
}

// TypeConstraintName names the CHECK constraint a column's type brings
// where the dialect lacks the type: a Boolean where there is no boolean
// type (MySQL, SQLite: CHECK (col IN (0, 1))), an Enum in its VARCHAR
// form (SQLite, or any dialect with [NativeEnum](false)). It is
// SQLAlchemy's Boolean(create_constraint=True, name=…); an Enum's CHECK
// is named after the enum without it, as in SQLAlchemy. The "ck" naming
// convention applies, %(constraint_name)s standing for this name. Where
// the dialect has the type natively there is no CHECK and the name is
// unused. Given to a column of another type it is a declaration error.
func TypeConstraintName(name string) ColumnOption {
	return columnOption(func(c *ColumnDef) {
		if c.typ == nil || (c.typ.Kind() != types.KindBoolean && c.typ.Kind() != types.KindEnum) {
			c.failOpt(fmt.Sprintf("TypeConstraintName applies to a Boolean or Enum column, not to %v", c.typ))
			return
		}
		if name == "" {
			c.failOpt("TypeConstraintName needs a name")
			return
		}
		c.typeCheckName = name
	})
}

// NativeEnum reports whether an Enum column uses the dialect's own enum
// where it has one: false after [NativeEnum](false).
func (c *ColumnDef) NativeEnum() bool { return !c.nonNativeEnum }

// TypeDDL renders the column's type as CREATE TABLE writes it on d: the
// type's own DDL, except VARCHAR(longest label) for an Enum declared
// [NativeEnum](false).
func (c *ColumnDef) TypeDDL(d *dialects.Dialect) (string, error) {
	if c.typ == nil {
		return "", fmt.Errorf("column %s has no type yet (its foreign key's table is not declared)", c.name)
	}
	if e, ok := c.typ.(*types.EnumType); ok && c.nonNativeEnum {
		if len(e.Values) == 0 {
			return "", fmt.Errorf("column %s: Enum without values cannot be rendered", c.name)
		}
		return "VARCHAR(" + strconv.Itoa(e.MaxLength()) + ")", nil
	}
	return c.typ.DDL(d)
}

// TypeCheck returns the CHECK constraint the column's type brings on d —
// CHECK (col IN (0, 1)) for a Boolean without a native boolean,
// CHECK (col IN ('a', 'b')) for an Enum in its VARCHAR form — or nil
// when the type needs none there. Its name, through [CheckDef.NameOn],
// is [TypeConstraintName]'s, else the enum's, passed through the "ck"
// naming convention; a convention that needs %(constraint_name)s leaves
// an unnamed one unnamed, as SQLAlchemy does for type-bound checks.
func (c *ColumnDef) TypeCheck(d *dialects.Dialect) (*CheckDef, error) {
	if c.typ == nil {
		return nil, nil
	}
	if c.table == nil {
		return nil, fmt.Errorf("column %s is not declared in a table", c.name)
	}
	// The name is checked for every column: an unquotable one is an
	// error whatever the type.
	if _, err := d.QuoteIdent(c.name); err != nil {
		return nil, err
	}
	return c.typeCheck(d)
}

// typeCheck is TypeCheck for a column of a table whose name has been
// quoted already (the DDL compiler writes it first): most columns need
// no check, and that is decided before anything is quoted or allocated,
// because CreateAll asks for every column twice.
func (c *ColumnDef) typeCheck(d *dialects.Dialect) (*CheckDef, error) {
	if c.typ == nil {
		return nil, nil
	}
	var e *types.EnumType
	switch c.typ.Kind() {
	case types.KindBoolean:
		if d.Features.NativeBoolean {
			return nil, nil
		}
	case types.KindEnum:
		var ok bool
		e, ok = c.typ.(*types.EnumType)
		if !ok || !(c.nonNativeEnum || d.DDL.EnumStyle == types.EnumCheck || d.DDL.EnumStyle == "") {
			return nil, nil
		}
	default:
		return nil, nil
	}
	quoted, err := d.QuoteIdent(c.name)
	if err != nil {
		return nil, err
	}
	ck := &CheckDef{name: c.typeCheckName, table: c.table, column: c, typeBound: true}
	if e == nil {
		ck.sql = quoted + " IN (0, 1)"
	} else {
		if ck.name == "" {
			ck.name = e.Name
		}
		ck.sql = quoted + " IN (" + e.Labels(d, ", ") + ")"
	}
	return ck, nil
}
