package alchemy

import "testing"

func TestTxControl(t *testing.T) {
	tests := []struct {
		q    string
		want doubt
	}{
		{"SELECT 1", doubtNone},
		{"select * from begin_table", doubtNone},
		{"INSERT INTO t VALUES (1)", doubtNone},
		{"UPDATE t SET x = 1", doubtNone},
		{"SET search_path = public", doubtNone},
		{"SET NAMES utf8mb4", doubtNone},
		{"WITH x AS (SELECT 1) SELECT * FROM x", doubtNone},
		{"beginning", doubtNone},
		{"", doubtNone},
		{"BEGIN", doubtTxSQL},
		{"begin;", doubtTxSQL},
		{"  \n\tBegin Transaction", doubtTxSQL},
		{"BEGIN ISOLATION LEVEL SERIALIZABLE", doubtTxSQL},
		{"START TRANSACTION", doubtTxSQL},
		{"start transaction read only", doubtTxSQL},
		{"/* hint */ START TRANSACTION", doubtTxSQL},
		{"-- why\nBEGIN", doubtTxSQL},
		{"# mysql comment\nBEGIN", doubtTxSQL},
		{"SAVEPOINT a", doubtTxSQL},
		{"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", doubtTxSQL},
		{"XA START 'x'", doubtTxSQL},
		{"LOCK TABLES t WRITE", doubtTxSQL},
		{"SELECT 1; BEGIN", doubtTxSQL},
		{"SELECT 1;\n  begin", doubtTxSQL},
		{"SET autocommit = 0", doubtAutocommit},
		{"set session autocommit=0", doubtAutocommit},
		{"SET @@autocommit = 0", doubtAutocommit},
		{"SET @@session.autocommit = OFF", doubtAutocommit},
		{"BEGIN; SET autocommit=0", doubtAutocommit},
		{"/* unterminated", doubtNone},
		// The first-letter fast path in startsTxControl.
		{"sElEcT 1; sAvEpOiNt a", doubtTxSQL},
		{"Sel", doubtNone},
		{"SE", doubtNone},
		{"Set transaction read only", doubtTxSQL},
		{"SHOW TABLES", doubtNone},
		{"x", doubtNone},
		{"Xa begin 'x'", doubtTxSQL},
		{"lock table t in exclusive mode", doubtTxSQL},
		{"delete from t; Begin", doubtTxSQL},
		{"(begin", doubtTxSQL},
	}
	for _, tt := range tests {
		if got := txControl(tt.q); got != tt.want {
			t.Errorf("txControl(%q) = %d, want %d", tt.q, got, tt.want)
		}
	}
}

func FuzzTxControl(f *testing.F) {
	for _, s := range []string{"BEGIN", "SET autocommit=0", "/* x */ START TRANSACTION", "SELECT 1; begin", "-- c\n#d\nSAVEPOINT s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		d := txControl(q)
		// Whatever precedes a ';' cannot hide what follows it.
		if startsTxControl("BEGIN") != doubtTxSQL || txControl(q+";BEGIN") < doubtTxSQL {
			t.Fatalf("BEGIN after %q not seen", q)
		}
		if d > doubtAutocommit {
			t.Fatalf("txControl(%q) = %d", q, d)
		}
	})
}
