package mysql

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/metadata"
)

// The distributed engines that speak MySQL's protocol are registered with
// the base dialect, each under its own URL scheme and with the
// go-sql-driver/mysql binding (host lists and failover included), its
// default port filled in.
func init() {
	for _, d := range []*dialects.Dialect{TiDB, Vitess} {
		dialects.MustRegister(d)
		dialects.RegisterDriver(d.Name, dialects.WithDefaultPort(Driver, d.DefaultPort))
	}
}

// checkSource says where reflection reads CHECK constraints from.
type checkSource int

const (
	// checksInformationSchema reads information_schema.CHECK_CONSTRAINTS
	// (MySQL 8.0.16+, MariaDB 10.2+).
	checksInformationSchema checkSource = iota
	// checksIfPresent reads it too, and takes a server without that view
	// (TiDB before it kept CHECK constraints) as having none.
	checksIfPresent
	// checksFromShowCreate reads them from SHOW CREATE TABLE (Vitess,
	// whose vtgate refuses the CHECK_CONSTRAINTS query).
	checksFromShowCreate
)

// isNoSuchTable reports the server's answer to a query on a view it
// does not have: ER_NO_SUCH_TABLE, or ER_UNKNOWN_TABLE ("Unknown table …
// in information_schema").
func isNoSuchTable(err error) bool {
	var myErr *gomysql.MySQLError
	return errors.As(err, &myErr) && (myErr.Number == 1146 || myErr.Number == 1109)
}

// checkLine matches a CHECK constraint line of SHOW CREATE TABLE, as
// MySQL 8 prints it: CONSTRAINT `name` CHECK (expr), perhaps followed by
// the versioned comment that says it is not enforced.
var checkLine = regexp.MustCompile("^\\s*CONSTRAINT `((?:[^`]|``)+)` CHECK \\((.*)\\)(?: /\\*!80016 NOT ENFORCED \\*/)?,?$")

// checksFromShowCreate reads the CHECK constraints from the table's
// CREATE TABLE text, one per line. The expression is what
// information_schema's CHECK_CLAUSE would hold: the text inside
// CHECK (…).
func (r *reader) checksFromShowCreate(ctx context.Context) error {
	name := quoteAlways(r.info.Name)
	if r.schema != "" {
		name = quoteAlways(r.schema) + "." + name
	}
	rows, err := r.q.QueryContext(ctx, "SHOW CREATE TABLE "+name)
	if err != nil {
		return err
	}
	defer rows.Close()
	var table, ddl string
	if rows.Next() {
		if err := rows.Scan(&table, &ddl); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	r.info.Checks = append(r.info.Checks, parseShowCreateChecks(ddl)...)
	return nil
}

// parseShowCreateChecks returns the CHECK constraints of a CREATE TABLE
// text, sorted by name as the information_schema query returns them
// (MySQL prints them by name already, MariaDB in declaration order).
func parseShowCreateChecks(ddl string) []metadata.CheckInfo {
	var out []metadata.CheckInfo
	for _, line := range strings.Split(ddl, "\n") {
		m := checkLine.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		out = append(out, metadata.CheckInfo{Name: strings.ReplaceAll(m[1], "``", "`"), SQL: m[2]})
	}
	slices.SortStableFunc(out, func(a, b metadata.CheckInfo) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out
}

// quoteAlways quotes an identifier with backticks whether it needs it or
// not: SHOW CREATE TABLE takes a name, not a bound value.
func quoteAlways(ident string) string {
	return "`" + strings.ReplaceAll(ident, "`", "``") + "`"
}

// myNumber returns a MySQL server error's number and message, 0 and ""
// for anything else.
func myNumber(err error) (uint16, string) {
	var myErr *gomysql.MySQLError
	if errors.As(err, &myErr) {
		return myErr.Number, myErr.Message
	}
	return 0, ""
}
