package migrate_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-alchemy/alchemy/migrate"
)

// FuzzReadRevision feeds arbitrary text to the revision file parser: it
// must return a revision or an error, never panic; and a revision it
// accepts must survive Text and a second read unchanged, since the
// migrate commands rewrite files they read (stamp, and people's editors,
// depend on the two agreeing).
func FuzzReadRevision(f *testing.F) {
	for _, s := range []string{
		"-- alchemy revision\n-- id: 1\n-- parent: base\n-- message: create\n\n-- +goose Up\nCREATE TABLE t (x INTEGER);\n\n-- +goose Down\nDROP TABLE t;\n",
		"-- id: 2\n-- parent: 1\n-- note\n-- +goose Up\nINSERT INTO t\nVALUES (1);\n-- +goose Down\n",
		"-- id: 3\n-- +goose Up\n-- a comment\nSELECT ';';;\n  \n-- +goose Down\n",
		"-- id: 4\n--+goose Up\n-- +goose Up\n",
		"-- id: 5\n--alchemy revision\n-- +goose Up\n",
		"-- id: x\n-- +goose Up\nno semicolon\n",
		"SELECT 1;\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		dir := t.TempDir()
		path := filepath.Join(dir, "r.sql")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := migrate.ReadRevision(path)
		if err != nil {
			return
		}
		out := r.Text()
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		back, err := migrate.ReadRevision(path)
		if err != nil {
			t.Fatalf("Text of an accepted revision is rejected: %v\ninput:\n%s\nText:\n%s", err, text, out)
		}
		if back.ID != r.ID || back.Parent != r.Parent || back.Message != r.Message ||
			!slices.Equal(back.Up, r.Up) || !slices.Equal(back.Down, r.Down) || !slices.Equal(back.Notes, r.Notes) {
			t.Fatalf("revision changed through Text:\nfirst  %+v\nsecond %+v\ninput:\n%s\nText:\n%s", *r, *back, text, out)
		}
	})
}
