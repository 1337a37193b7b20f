package metadata_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// chainSchema is n tables, each referencing the previous one; table bad
// (1-based) carries a CHECK on a column that does not exist, which the
// server rejects.
func chainSchema(n, bad int) *metadata.MetaData {
	md := metadata.New()
	for i := 1; i <= n; i++ {
		items := []metadata.TableItem{metadata.Column("id", types.Integer(), metadata.PrimaryKey())}
		if i > 1 {
			items = append(items, metadata.Column("prev_id", nil, metadata.ForeignKey(fmt.Sprintf("t%02d.id", i-1))))
		}
		if i == bad {
			items = append(items, metadata.CheckConstraint("no_such_column > 0"))
		}
		md.Table(fmt.Sprintf("t%02d", i), items...)
	}
	return md
}

// TestFailingCreateAllLeavesNothing: with transactional DDL a failure in
// table 40 of 50 leaves no table behind. MySQL commits each statement:
// the 39 tables before stay, and a second CreateAll resumes after fixing.
func TestFailingCreateAllLeavesNothing(t *testing.T) {
	forEachServer(t, func(t *testing.T, s server) {
		ctx := context.Background()
		db := s.fresh(t, nil)
		err := chainSchema(50, 40).CreateAll(ctx, db)
		var ee *metadata.ExecError
		if !errors.As(err, &ee) || !strings.HasPrefix(ee.SQL, "CREATE TABLE t40 ") {
			t.Fatalf("err = %v, want the server's rejection of CREATE TABLE t40", err)
		}
		left := metadata.New()
		if err := left.Reflect(ctx, db); err != nil {
			t.Fatal(err)
		}
		want := 0
		if !s.d.Features.TransactionalDDL {
			want = 39
		}
		if n := len(left.Keys()); n != want {
			t.Errorf("%d tables left behind, want %d: %v", n, want, left.Keys())
		}
		if err := chainSchema(50, 0).CreateAll(ctx, db); err != nil {
			t.Fatal(err)
		}
		if err := chainSchema(50, 0).DropAll(ctx, db); err != nil {
			t.Fatal(err)
		}
		assertEmpty(t, s, db)
	})
}
