package sqlexpr

// OnConflictDoNothing adds ON CONFLICT [(target…)] DO NOTHING and returns
// s. On a dialect with ON DUPLICATE KEY UPDATE instead (MySQL) it is
// written ON DUPLICATE KEY UPDATE c = c, with c the first target column
// (else the first inserted column): a no-op update, so a duplicate row is
// left as it is and no error is raised, without INSERT IGNORE's habit of
// turning other errors into warnings.
func (s *InsertStmt) OnConflictDoNothing(target ...string) *InsertStmt {
	s.setUpsert(&upsert{kind: upsertDoNothing, target: append([]string(nil), target...)})
	return s
}

// OnConflictDoUpdate adds ON CONFLICT (target…) DO UPDATE SET … and
// returns s. set maps columns to values or expressions; Excluded(col)
// is the value the INSERT proposed. On MySQL it is written ON DUPLICATE
// KEY UPDATE, where the server checks every unique key rather than the
// target.
func (s *InsertStmt) OnConflictDoUpdate(target []string, set Values) *InsertStmt {
	u := &upsert{kind: upsertDoUpdate, target: append([]string(nil), target...)}
	if len(target) == 0 {
		s.setErr(invalidf("OnConflictDoUpdate: ON CONFLICT DO UPDATE needs a conflict target"))
	}
	s.setUpsertSet(u, set)
	return s
}

// OnDuplicateKeyUpdate adds MySQL's ON DUPLICATE KEY UPDATE … and returns
// s; other dialects make compiling a [*CompileError] (use
// OnConflictDoUpdate, which MySQL also accepts).
func (s *InsertStmt) OnDuplicateKeyUpdate(set Values) *InsertStmt {
	s.setUpsertSet(&upsert{kind: upsertDuplicateKey}, set)
	return s
}

func (s *InsertStmt) setUpsertSet(u *upsert, set Values) {
	if s.table == nil {
		return
	}
	if len(set) == 0 {
		s.setErr(invalidf("upsert: no columns to update"))
		return
	}
	items, err := setItems(s.table, set)
	if err != nil {
		s.setErr(err)
		return
	}
	u.set = items
	s.setUpsert(u)
}

func (s *InsertStmt) setUpsert(u *upsert) {
	if s.table == nil {
		return
	}
	for _, c := range u.target {
		if err := checkColumn(s.table, c); err != nil {
			s.setErr(err)
			return
		}
	}
	s.upsert = u
}
