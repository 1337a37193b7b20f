package mysql

import (
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/go-alchemy/alchemy/dialects"
)

// TestGaleraErrorClassification: what a Galera node (MariaDB, Percona
// XtraDB Cluster, MySQL-wsrep) answers, and what the pool must make of
// it. A node outside the primary component is unusable (the pool drops
// the connection and, with a host list, moves on); a certification
// conflict is a deadlock on a healthy node, whatever its wording, and
// must neither mark the node down nor make a COMMIT's outcome unknown.
func TestGaleraErrorClassification(t *testing.T) {
	my := func(n uint16, state, msg string) *gomysql.MySQLError {
		e := &gomysql.MySQLError{Number: n, Message: msg}
		copy(e.SQLState[:], state)
		return e
	}
	tests := []struct {
		name       string
		err        error
		disconnect bool
		kind       dialects.ErrorKind
	}{
		{"MariaDB node not in the primary component", my(1047, "08S01", "WSREP has not yet prepared node for application use"), true, dialects.KindDisconnect},
		{"COMMIT on a node that lost the primary component", my(1180, "HY000", `Got error 6 "No such device or address" during COMMIT`), true, dialects.KindDisconnect},
		{"an unlisted number with WSREP in the message: the fallback rule", my(1105, "HY000", "WSREP: node is not ready"), true, dialects.KindDisconnect},
		{"MariaDB certification conflict", my(1213, "40001", "Deadlock found when trying to get lock; try restarting transaction"), false, dialects.KindDeadlock},
		{"PXC / MySQL-wsrep certification conflict", my(1213, "40001", "WSREP detected deadlock/conflict and aborted the transaction. Try restarting the transaction"), false, dialects.KindDeadlock},
		{"older MySQL-wsrep brute-force abort", my(1213, "40001", "Deadlock: wsrep aborted transaction"), false, dialects.KindDeadlock},
		{"a constraint error that mentions WSREP in its text", my(1062, "23000", "Duplicate entry 'WSREP' for key 'PRIMARY'"), false, dialects.KindUniqueViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isDisconnect(tt.err); got != tt.disconnect {
				t.Errorf("isDisconnect(%v) = %v, want %v", tt.err, got, tt.disconnect)
			}
			if got := Dialect.Kind(tt.err); got != tt.kind {
				t.Errorf("Kind(%v) = %v, want %v", tt.err, got, tt.kind)
			}
			if got := Dialect.ServerGone(tt.err); got != tt.disconnect {
				t.Errorf("ServerGone(%v) = %v, want %v", tt.err, got, tt.disconnect)
			}
			if got := Dialect.ServerAnswered(tt.err); got == tt.disconnect {
				t.Errorf("ServerAnswered(%v) = %v, want %v", tt.err, got, !tt.disconnect)
			}
		})
	}
}
