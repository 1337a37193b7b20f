package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy"
)

// exampleLogger writes slog's text format to stdout without the time
// and durations, so that the examples' output is stable.
func exampleLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" || a.Key == "held" || a.Key == "out_for" || a.Key == "stack" {
				return slog.Attr{}
			}
			if a.Key == "taken_at" { // "function (file:line)": keep the function
				fn, _, _ := strings.Cut(a.Value.String(), " (")
				return slog.String(a.Key, fn)
			}
			return a
		},
	}))
}

func ExampleEcho() {
	ctx := context.Background()
	eng, err := alchemy.CreateEngine("sqlite://", alchemy.Echo(exampleLogger()))
	if err != nil {
		panic(err)
	}
	defer eng.Close()
	_, _ = eng.ExecContext(ctx, "CREATE TABLE users (name TEXT)")
	_ = eng.Begin(ctx, func(c *alchemy.Conn) error {
		_, err := c.ExecContext(ctx, "INSERT INTO users VALUES (?)", "ada")
		return err
	})
	// Output:
	// level=INFO msg="alchemy: execute" sql="CREATE TABLE users (name TEXT)" args=[] conn=1 tx=false rows_affected=0
	// level=INFO msg="alchemy: BEGIN" conn=1
	// level=INFO msg="alchemy: execute" sql="INSERT INTO users VALUES (?)" args="[\"ada\"]" conn=1 tx=true rows_affected=1
	// level=INFO msg="alchemy: COMMIT" conn=1
}

// The URL key echo=true logs to slog.Default() what code written against
// database/sql runs; echo=debug adds rows read and pool events.
func ExampleEcho_dropIn() {
	old := slog.Default()
	slog.SetDefault(exampleLogger())
	defer slog.SetDefault(old)

	db, err := sql.Open("alchemy", "sqlite://?echo=debug")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	var n int
	_ = db.QueryRow("SELECT 1 + ?", 41).Scan(&n)
	fmt.Println(n)
	// Output:
	// level=INFO msg="alchemy: pool" event=connect conn=1
	// level=INFO msg="alchemy: pool" event=checkout conn=1
	// level=INFO msg="alchemy: execute" sql="SELECT 1 + ?" args=[41] conn=1 tx=false
	// level=INFO msg="alchemy: rows" rows=1 conn=1
	// level=INFO msg="alchemy: pool" event=reset conn=1
	// level=INFO msg="alchemy: pool" event=checkin conn=1
	// 42
	// level=INFO msg="alchemy: pool" event=close conn=1
}

func ExampleEchoWith() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.EchoWith(alchemy.EchoConfig{
		Logger:      exampleLogger(),
		MaxValueLen: 8,
		Redact: func(query string, i int, v driver.NamedValue) any {
			if i == 1 {
				return "[email]"
			}
			return v.Value
		},
	}))
	defer eng.Close()
	_, _ = eng.ExecContext(context.Background(), "SELECT ?, ?", strings.Repeat("long ", 10), "ada@example.com")
	// Output:
	// level=INFO msg="alchemy: execute" sql="SELECT ?, ?" args="[\"long lon…(42 more)\", \"[email]\"]" conn=1 tx=false rows_affected=0
}

func ExampleRedactSQL() {
	fmt.Println(alchemy.RedactSQL("ALTER USER app PASSWORD 'hunter2'"))
	fmt.Println(alchemy.RedactSQL("CREATE USER 'app'@'%' IDENTIFIED BY 'hunter2'"))
	// Output:
	// ALTER USER app PASSWORD '***'
	// CREATE USER 'app'@'%' IDENTIFIED BY '***'
}

// slowQueries is a Tracer that reports statements slower than a limit.
type slowQueries struct{ limit time.Duration }

func (s slowQueries) BeforeExecute(ctx context.Context, _ *alchemy.Execution) context.Context {
	return ctx
}

func (s slowQueries) AfterExecute(_ context.Context, ex *alchemy.Execution) {
	if ex.Duration >= s.limit {
		fmt.Printf("slow (conn %d): %s\n", ex.ConnID, ex.Query)
	}
}

func ExampleWithTracer() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.WithTracer(slowQueries{limit: 0}))
	defer eng.Close()
	_, _ = eng.ExecContext(context.Background(), "SELECT 1")
	// Output:
	// slow (conn 1): SELECT 1
}

func ExampleOnConnect() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.OnConnect(func(ctx context.Context, c *alchemy.NewConn) error {
		return c.ExecContext(ctx, "PRAGMA foreign_keys = ON")
	}))
	defer eng.Close()
	var on int
	_ = eng.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on)
	fmt.Println("foreign_keys:", on)
	// Output:
	// foreign_keys: 1
}

func ExampleInstrument() {
	eng, _ := alchemy.CreateEngine("sqlite://", alchemy.Instrument(func(c *alchemy.Connector) {
		fmt.Println("instrumenting", c.Dialect().Name, "pool of size", c.Pool().Config().Size)
	}))
	defer eng.Close()
	// Output:
	// instrumenting sqlite pool of size 5
}

func ExampleOptions() {
	observe := alchemy.Options(alchemy.PoolSize(3), alchemy.PoolRecycle(time.Hour))
	eng, _ := alchemy.CreateEngine("sqlite://", observe)
	defer eng.Close()
	fmt.Println(eng.Pool().Config().Size, eng.Pool().Config().Recycle)
	// Output:
	// 3 1h0m0s
}

func ExamplePoolLeakThreshold() {
	ctx := context.Background()
	eng, _ := alchemy.CreateEngine("sqlite://?pool_size=1&max_overflow=0&pool_timeout=0",
		alchemy.PoolLeakThreshold(20*time.Millisecond, exampleLogger()))
	defer eng.Close()
	forgotten, _ := eng.Connect(ctx) // never closed in time
	time.Sleep(100 * time.Millisecond)

	_, err := eng.Connect(ctx)
	msg, _, _ := strings.Cut(err.Error(), " for ")
	fmt.Println(msg + " for …")
	forgotten.Close()
	// Output:
	// level=WARN msg="alchemy: connection checked out longer than pool_leak_threshold, possible leak" pool="sqlite://?max_overflow=0&pool_size=1&pool_timeout=0" conn=1 threshold=20ms taken_at=github.com/go-alchemy/alchemy_test.ExamplePoolLeakThreshold
	// alchemy: QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.00s; 1 connections checked out, the oldest (connection 1) for …
	// level=INFO msg="alchemy: a connection reported as possibly leaked came back" pool="sqlite://?max_overflow=0&pool_size=1&pool_timeout=0" conn=1
}

func ExampleQueuePool_Checkouts() {
	eng, _ := alchemy.CreateEngine("sqlite://?pool_leak_threshold=3600")
	defer eng.Close()
	c, _ := eng.Connect(context.Background())
	defer c.Close()
	for _, co := range eng.Pool().Checkouts() {
		fmt.Println(co.ConnID, strings.HasPrefix(co.TakenAt, "github.com/go-alchemy/alchemy_test.ExampleQueuePool_Checkouts "))
	}
	// Output:
	// 1 true
}

func ExamplePoolRecycleJitter() {
	eng, _ := alchemy.CreateEngine("sqlite://?pool_recycle=3600", alchemy.PoolRecycleJitter(0.2))
	defer eng.Close()
	cfg := eng.Pool().Config()
	fmt.Printf("recycled between %v and %v after opening\n", time.Duration(float64(cfg.Recycle)*(1-cfg.RecycleJitter)), cfg.Recycle)
	// Output:
	// recycled between 48m0s and 1h0m0s after opening
}

func ExamplePoolPage() {
	eng, _ := alchemy.CreateEngine("sqlite://?pool_size=3")
	defer eng.Close()
	_, _ = eng.ExecContext(context.Background(), "SELECT 1")

	mux := http.NewServeMux()
	mux.Handle("/debug/alchemy/", alchemy.PoolPage(eng.Pool()))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, _ := http.Get(srv.URL + "/debug/alchemy/?format=json")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(strings.Contains(string(body), `"name":"sqlite://?pool_size=3"`), strings.Contains(string(body), `"Idle":1`))
	// Output:
	// true true
}

func ExampleQueuePool_WaitHistogram() {
	eng, _ := alchemy.CreateEngine("sqlite://?pool_size=1&max_overflow=0")
	defer eng.Close()
	ctx := context.Background()
	c, _ := eng.Connect(ctx)
	go func() { time.Sleep(30 * time.Millisecond); c.Close() }()
	c2, _ := eng.Connect(ctx) // waits for c
	c2.Close()
	for _, b := range eng.Pool().WaitHistogram() {
		if b.Count > 0 {
			fmt.Println(b.Count, "wait(s) of at most", b.UpTo)
		}
	}
	// Output:
	// 1 wait(s) of at most 50ms
}

func ExampleQueuePool_RecentInvalidations() {
	eng, _ := alchemy.CreateEngine("sqlite://")
	defer eng.Close()
	pc, _ := eng.Pool().Get(context.Background())
	pc.Invalidate(fmt.Errorf("server went away"))
	for _, iv := range eng.Pool().RecentInvalidations() {
		fmt.Println(iv.ConnID, iv.Reason)
	}
	// Output:
	// 1 server went away
}
