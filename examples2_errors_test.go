package alchemy_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy"
)

// A pool of one connection with no overflow: a second checkout waits
// pool_timeout and fails with a *PoolTimeoutError, which also matches
// ErrPoolTimeout. Its fields say how full the pool was.
func ExamplePoolTimeoutError() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolSize(1), alchemy.MaxOverflow(0),
		alchemy.PoolTimeout(10*time.Millisecond))
	defer eng.Close()

	held, _ := eng.Connect(ctx)
	defer held.Close()
	_, err := eng.Connect(ctx) // the only connection is out

	var pte *alchemy.PoolTimeoutError
	fmt.Println(errors.Is(err, alchemy.ErrPoolTimeout), errors.As(err, &pte))
	fmt.Println(pte.Size, pte.Overflow, pte.Timeout, pte.CheckedOut)
	// Output:
	// true true
	// 1 0 10ms 1
}

// Checkout is what PoolTimeoutError.Oldest and QueuePool.Checkouts report
// about a connection that is out; with pool_leak_threshold set, TakenAt
// names the line that took it, which is how a leak is found.
func ExampleCheckout() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.PoolSize(1), alchemy.MaxOverflow(0),
		alchemy.PoolTimeout(10*time.Millisecond), alchemy.PoolLeakThreshold(time.Hour, nil))
	defer eng.Close()

	held, _ := eng.Connect(ctx)
	defer held.Close()
	_, err := eng.Connect(ctx)
	var pte *alchemy.PoolTimeoutError
	if errors.As(err, &pte) && pte.Oldest != nil {
		fmt.Println("oldest: connection", pte.Oldest.ConnID, "taken here:", strings.Contains(pte.Oldest.TakenAt, "examples2_errors_test.go"))
	}
	for _, c := range eng.Pool().Checkouts() {
		fmt.Println("out now: connection", c.ConnID)
	}
	// Output:
	// oldest: connection 1 taken here: true
	// out now: connection 1
}

// A URL that cannot be parsed is a *URLError; its text names the URL with
// the password masked, so it is safe to log.
func ExampleURLError() {
	_, err := alchemy.ParseURL("postgresql://app:s3cret@db.example.com:port/app")
	var ue *alchemy.URLError
	fmt.Println(errors.As(err, &ue))
	fmt.Println(ue.URL)
	fmt.Println(err)
	// Output:
	// true
	// postgresql://app:***@db.example.com:port/app
	// alchemy: invalid URL "postgresql://app:***@db.example.com:port/app": port "port" is not a number between 1 and 65535
}

// Opening a connection that the driver refuses (here a SQLite file in a
// directory that does not exist) is a *ConnectError, reported at the
// first use since CreateEngine opens nothing; errors.As reaches the
// driver's own error through it.
func ExampleConnectError() {
	dir, _ := os.MkdirTemp("", "alchemy-example")
	defer os.RemoveAll(dir)
	eng, err := alchemy.CreateEngine("sqlite:///" + filepath.Join(dir, "missing", "app.db"))
	fmt.Println("CreateEngine:", err)
	defer eng.Close()

	_, err = eng.Connect(context.Background())
	var ce *alchemy.ConnectError
	fmt.Println(errors.As(err, &ce), ce.Unwrap() != nil)
	// Output:
	// CreateEngine: <nil>
	// true true
}

// An OnConnect function that fails refuses the new connection: the
// checkout fails with an *OnConnectError wrapping its error, and the
// connection is closed rather than pooled.
func ExampleOnConnectError() {
	errSetup := errors.New("cannot set the session time zone")
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.OnConnect(func(context.Context, *alchemy.NewConn) error {
		return errSetup
	}))
	defer eng.Close()

	_, err := eng.Connect(context.Background())
	var oe *alchemy.OnConnectError
	fmt.Println(errors.As(err, &oe), errors.Is(err, errSetup))
	fmt.Println(oe.Err)
	// Output:
	// true true
	// cannot set the session time zone
}

// CommitUnknownError arrives when the connection broke after COMMIT was
// sent: the transaction may or may not have been committed, so the caller
// must check before retrying. A real one needs a server that dies at the
// wrong moment; this one is built by hand to show how to branch on it.
func ExampleCommitUnknownError() {
	driverErr := errors.New("read tcp: connection reset by peer")
	var err error = fmt.Errorf("saving order: %w", &alchemy.CommitUnknownError{Err: driverErr})

	fmt.Println(errors.Is(err, alchemy.ErrCommitUnknown)) // branch: check, then retry or not
	fmt.Println(errors.Is(err, driverErr))                // the driver's error is still reachable
	// Output:
	// true
	// true
}

// ReadOnlyError is what a write on a read-only server (a PostgreSQL
// standby, MySQL read_only) becomes on an Engine's Conn. SQLite has no
// such server, so this one is built by hand to show how to branch on it.
func ExampleReadOnlyError() {
	driverErr := errors.New("cannot execute INSERT in a read-only transaction")
	var err error = &alchemy.ReadOnlyError{Server: "postgresql://app:***@standby/app", Err: driverErr}

	var ro *alchemy.ReadOnlyError
	if errors.As(err, &ro) {
		fmt.Println("write refused by", ro.Server) // e.g. reconnect to the new primary
	}
	fmt.Println(errors.Is(err, driverErr))
	// Output:
	// write refused by postgresql://app:***@standby/app
	// true
}
