package metadata_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/metadata"
)

// TestTargets runs CreateAll, Reflect and DropAll through each kind of
// target: the Engine, a *sql.DB, a *sql.Conn and a *sql.Tx.
func TestTargets(t *testing.T) {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine("sqlite:///" + filepath.Join(t.TempDir(), "eng.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	conn, err := eng.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for name, target := range map[string]any{"engine": eng, "db": eng.DB(), "conn": conn} {
		t.Run(name, func(t *testing.T) {
			var sent []string
			md := seedSchema()
			if err := md.CreateAll(ctx, target, metadata.Echo(func(s string) { sent = append(sent, s) })); err != nil {
				t.Fatal(err)
			}
			if len(sent) != 3 || !strings.HasPrefix(sent[0], "SELECT") {
				t.Errorf("sent %q, want the catalog query and two CREATE TABLE", sent)
			}
			got := metadata.New()
			if err := got.Reflect(ctx, target); err != nil || len(got.Keys()) != 2 {
				t.Fatalf("reflected %v, %v", got.Keys(), err)
			}
			if err := md.DropAll(ctx, target); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("tx", func(t *testing.T) {
		tx, err := eng.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := seedSchema().CreateAll(ctx, tx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil { // the caller's transaction: rolled back, nothing stays
			t.Fatal(err)
		}
		left := metadata.New()
		if err := left.Reflect(ctx, eng); err != nil || len(left.Keys()) != 0 {
			t.Errorf("after rollback: %v, %v", left.Keys(), err)
		}
	})
}
