package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuick runs every measurement at its smallest and checks that the
// tables and charts come out.
func TestQuick(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-quick", "-out", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"| 100 | ", "| 10 IN values | ", "| 5 joins | ", "| 20 | "} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("no %q row in\n%s", want, stdout.String())
		}
	}
	for _, f := range []string{"handoff.png", "compile.png", "createall.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-waiters", "10,x"}, `-waiters: "x" is not a positive number`},
		{[]string{"-tables", "0"}, `-tables: "0" is not a positive number`},
		{[]string{"-ops", "0"}, "-ops must be at least 1"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}
