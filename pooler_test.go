package alchemy

import "testing"

func TestSessionState(t *testing.T) {
	tests := []struct {
		q    string
		want bool
	}{
		{"SELECT 1", false},
		{"INSERT INTO t VALUES (1)", false},
		{"SET LOCAL search_path = x", false},
		{"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", false},
		{"SET CONSTRAINTS ALL DEFERRED", false},
		{"SELECT pg_advisory_xact_lock(1)", false},
		{"SELECT set_config('x.y', '1', true)", false},
		{"CREATE TEMP TABLE t (id int) ON COMMIT DROP", false},
		{"CREATE TABLE settings (id int)", false},
		{"SET search_path = x", true},
		{"set session statement_timeout = 5", true},
		{"RESET ALL", true},
		{"LISTEN chan", true},
		{"PREPARE p AS SELECT 1", true},
		{"SELECT pg_advisory_lock(1)", true},
		{"SELECT pg_try_advisory_lock(1)", true},
		{"SELECT set_config('x.y', '1', false)", true},
		{"CREATE TEMP TABLE t (id int)", true},
		{"create temporary table t (id int)", true},
		{"DECLARE c CURSOR WITH HOLD FOR SELECT 1", true},
		{"SELECT 1; SET search_path = x", true},
		{"/* c */ SET x = 1", true},
	}
	for _, tt := range tests {
		if got := sessionState(tt.q); got != tt.want {
			t.Errorf("sessionState(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
}
