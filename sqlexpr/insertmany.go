package sqlexpr

import (
	"context"
	"fmt"

	"github.com/go-alchemy/alchemy/dialects"
)

// maxValuesPerInsert bounds the values of one multi-row INSERT: SQLite
// takes 32,766 placeholders, PostgreSQL and MySQL 65,535.
const maxValuesPerInsert = 30000

// insertManyPK reports whether s is a multi-row INSERT … VALUES that
// Execute runs itself (in chunks, reading the keys), and returns the
// primary-key names to read (nil: none known).
func insertManyPK(s *InsertStmt) (pk []string, ok bool) {
	if s.err != nil || s.target == nil || s.query != nil || len(s.rows) < 2 || len(s.returning) > 0 {
		return nil, false // (a nil target: withoutPK's copy, run as it is)
	}
	if p, isPK := s.target.(pkNamer); isPK && s.upsert == nil {
		// An upsert may insert fewer rows than it has: the keys returned
		// would not line up with the rows.
		pk = p.PrimaryKeyNames()
	}
	return pk, true
}

// execInsertRows runs a multi-row INSERT in chunks of at most
// maxValuesPerInsert values, with RETURNING of the primary key where the
// dialect has it.
func execInsertRows(ctx context.Context, target Target, s *InsertStmt, pk []string) (*Result, error) {
	d, err := dialects.Of(ctx, target)
	if err != nil {
		return nil, fmt.Errorf("sqlexpr: %w", err)
	}
	out := &Result{}
	returning := len(pk) > 0 && d.Features.InsertReturning
	switch {
	case len(pk) == 0:
		out.pkErr = ErrNoPrimaryKeys
	case !returning:
		out.pkErr = fmt.Errorf("sqlexpr: dialect %s has no INSERT … RETURNING, so the keys of a multi-row INSERT are not known (insert one row per statement to read each key)", d.Name)
	}
	per := max(1, maxValuesPerInsert/max(1, len(s.cols)))
	for i := 0; i < len(s.rows); i += per {
		c := *s
		c.target = nil // Execute runs it as it is
		c.rows = s.rows[i:min(i+per, len(s.rows))]
		if !returning {
			res, err := Execute(ctx, target, &c)
			if err != nil {
				return nil, err
			}
			if n, err := res.RowsAffected(); err == nil {
				out.affected += n
			}
			continue
		}
		for _, name := range pk {
			c.returning = append(c.returning, s.table.C(name))
		}
		keys, err := queryKeys(ctx, target, &c)
		if err != nil {
			return nil, err
		}
		out.pks = append(out.pks, keys...)
		out.affected += int64(len(keys))
	}
	if len(out.pks) > 0 {
		out.pk = out.pks[0]
	}
	return out, nil
}

// queryKeys runs an INSERT … RETURNING and reads every returned row.
func queryKeys(ctx context.Context, target Target, s *InsertStmt) ([][]any, error) {
	rows, err := Query(ctx, target, s)
	if err != nil {
		return nil, err
	}
	all, err := rows.All()
	if err != nil {
		return nil, err
	}
	keys := make([][]any, len(all))
	for i, r := range all {
		keys[i] = r.vals
	}
	return keys, nil
}
