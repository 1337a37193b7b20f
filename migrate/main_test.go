package migrate_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/go-alchemy/alchemy/migrate"
)

// TestMain runs migrate.Main instead of the tests when
// TestMainExitStatus starts the test binary as its program.
func TestMain(m *testing.M) {
	if os.Getenv("MIGRATE_MAIN_HELPER") == "1" {
		os.Args = append([]string{"migrate"}, os.Args[1:]...)
		migrate.Main(gooseVersion(1))
	}
	os.Exit(m.Run())
}

func TestMainExitStatus(t *testing.T) {
	url := "sqlite:///" + filepath.Join(t.TempDir(), "main.db")
	dir := filepath.Join(t.TempDir(), "migrations")
	status := func(args ...string) int {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "MIGRATE_MAIN_HELPER=1", "ALCHEMY_URL="+url)
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"-dir", dir, "check"}, 1}, // differs: an empty database
		{[]string{"-dir", dir, "frobnicate"}, 2},
		{[]string{"-dir", dir, "revision", "--autogenerate", "-m", "users"}, 0},
		{[]string{"-dir", dir, "upgrade"}, 0},
		{[]string{"-dir", dir, "check"}, 0},
		{[]string{"-dir", dir, "upgrade", "nosuchrevision"}, 1},
	} {
		if got := status(c.args...); got != c.want {
			t.Errorf("%v: exit status %d, want %d", c.args, got, c.want)
		}
	}
}
