package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/go-alchemy/alchemy/internal/testdb"
)

// TestQuickstart runs the README's first command in-process and checks
// every step reports what it should, on SQLite and on the real servers.
func TestQuickstart(t *testing.T) {
	urls := map[string]func(t testing.TB) string{
		"sqlite":     func(testing.TB) string { return "sqlite://" },
		"postgresql": testdb.Postgres,
		"mariadb":    testdb.MySQL,
	}
	for name, newURL := range urls {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(context.Background(), &out, newURL(t)); err != nil {
				t.Fatalf("quickstart failed: %v\n%s", err, out.String())
			}
			got := out.String()
			for _, want := range []string{
				"Connections in pool: 0 Current Overflow: -5",
				"CREATE TABLE users",
				"CreateAll created users, addresses (declared: addresses, users)",
				"INSERT john (id 1): in a transaction = true",
				"a duplicate email failed (unique violation)",
				"row: name=john email=john@example.com city=Springfield",
				"row: name=wendy email=wendy@example.com city=Shelbyville",
				"7. john signed up 2026-12-02 10:30:00 (time.Time), active=true (bool)",
				"7. wendy signed up 2026-12-03 22:30:00 (time.Time), active=false (bool)",
				"One with BindParam: wendy → wendy@example.com; nobody → ErrNoResultFound=true",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\n%s", want, got)
				}
			}
			if strings.Contains(got, "ghost") && strings.Contains(got, "row: name=ghost") {
				t.Errorf("the uncommitted row is visible:\n%s", got)
			}
		})
	}
}
