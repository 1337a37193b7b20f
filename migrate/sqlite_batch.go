package migrate

import (
	"fmt"
	"strings"

	"github.com/go-alchemy/alchemy/metadata"
)

// Batch mode, for dialects without ALTER (SQLite): a table is rebuilt
// rather than altered, as Alembic's batch_alter_table does.
//
// The statements need foreign-key enforcement off: dropping the old table
// would otherwise delete (or refuse to delete) the rows that reference
// it. SQLite ignores PRAGMA foreign_keys inside a transaction, so the
// runner turns it off on its connection before BEGIN, runs the step,
// checks the result with PRAGMA foreign_key_check before COMMIT and turns
// enforcement back on after (a connection that had it off is left so). A revision file that contains a rebuild says
// so in a comment.
const (
	batchTempPrefix  = "_alchemy_tmp_"
	pragmaFKState    = "PRAGMA foreign_keys"
	pragmaFKOff      = "PRAGMA foreign_keys = OFF"
	pragmaFKOn       = "PRAGMA foreign_keys = ON"
	pragmaFKCheck    = "PRAGMA foreign_key_check"
	batchFileComment = "-- This revision rebuilds tables (batch mode): run it with foreign key enforcement off (PRAGMA foreign_keys = OFF before BEGIN), then PRAGMA foreign_key_check."
)

// batch renders the rebuild of table from into table to: CREATE TABLE of
// to under a temporary name, INSERT … SELECT of the columns both have,
// DROP TABLE, ALTER TABLE … RENAME, then the indexes of to.
func (r renderer) batch(from, to *metadata.Table, _ []Op) ([]string, error) {
	stmts, err := r.createTable(to)
	if err != nil {
		return nil, err
	}
	name, err := r.table(to)
	if err != nil {
		return nil, err
	}
	old, err := r.table(from)
	if err != nil {
		return nil, err
	}
	tmpName, err := r.d.QuoteIdent(batchTempPrefix + to.Name())
	if err != nil {
		return nil, err
	}
	tmp := tmpName
	if to.Schema() != "" {
		s, err := r.d.QuoteIdent(to.Schema())
		if err != nil {
			return nil, err
		}
		tmp = s + "." + tmpName
	}
	head := "CREATE TABLE " + name + " ("
	if len(stmts) == 0 || !strings.HasPrefix(stmts[0], head) {
		return nil, fmt.Errorf("unexpected CREATE TABLE text for %s", to.Key())
	}
	create := "CREATE TABLE " + tmp + " (" + strings.TrimPrefix(stmts[0], head)
	var common []string
	for _, c := range to.Columns() {
		if from.LookupColumn(c.Name()) != nil {
			q, err := r.d.QuoteIdent(c.Name())
			if err != nil {
				return nil, err
			}
			common = append(common, q)
		}
	}
	out := []string{create}
	if len(common) > 0 {
		cols := strings.Join(common, ", ")
		out = append(out, "INSERT INTO "+tmp+" ("+cols+") SELECT "+cols+" FROM "+old)
	}
	out = append(out, "DROP TABLE "+old, "ALTER TABLE "+tmp+" RENAME TO "+quotedBare(r, to))
	return append(out, stmts[1:]...), nil
}

// quotedBare is the table's quoted name without its schema (RENAME TO
// takes a bare name).
func quotedBare(r renderer, t *metadata.Table) string {
	n, _ := r.d.QuoteIdent(t.Name())
	return n
}

// needsFKOff reports whether the statements rebuild a table.
func needsFKOff(stmts []string) bool {
	for _, s := range stmts {
		if strings.HasPrefix(s, "CREATE TABLE ") && strings.Contains(s, batchTempPrefix) {
			return true
		}
	}
	return false
}
