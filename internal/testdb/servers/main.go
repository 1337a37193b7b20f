// Command servers prints one line saying which real servers the test
// suite will run against and how to enable the others, because go test
// prints only "ok" for a package whose server tests skipped:
//
//	go run ./internal/testdb/servers && go test -race -count=1 ./...
//
// It exits with status 1 when a configured server cannot be reached (its
// tests would fail), 0 otherwise.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/go-alchemy/alchemy/internal/testdb"
)

func main() {
	line, ok := testdb.StatusLine(context.Background(), os.Getenv, 5*time.Second)
	fmt.Fprintln(os.Stderr, line)
	if !ok {
		os.Exit(1)
	}
}
