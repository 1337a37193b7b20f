package alchemy_test

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-alchemy/alchemy"
	"github.com/go-alchemy/alchemy/internal/testdb"
)

// logSink collects slog records as JSON objects.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *logSink) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(s, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (s *logSink) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// records returns the records whose msg is msg.
func (s *logSink) records(t testing.TB, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s.text()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("bad log line %q: %v", line, err)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// findSQL returns the execute record of the first statement containing sub.
func findSQL(t testing.TB, recs []map[string]any, sub string) map[string]any {
	t.Helper()
	for _, r := range recs {
		if s, _ := r["sql"].(string); strings.Contains(s, sub) {
			return r
		}
	}
	t.Fatalf("no execute record for %q in %v", sub, recs)
	return nil
}

// setDefaultLogger points slog.Default at a sink for the test.
func setDefaultLogger(t *testing.T) *logSink {
	sink := &logSink{}
	old := slog.Default()
	slog.SetDefault(sink.logger())
	t.Cleanup(func() { slog.SetDefault(old) })
	return sink
}

// placeholder returns the n-th placeholder in the server's style.
func placeholder(srv server, n int) string {
	if srv.name == "postgresql" {
		return "$" + string(rune('0'+n))
	}
	return "?"
}

// TestServerEchoDropIn: sql.Open("alchemy", "…?echo=true") logs what
// legacy code runs to slog.Default(): statements with their values,
// duration, rows affected, connection id, and BEGIN/COMMIT. Long values
// are cut, and neither the URL's password nor a password set by SQL
// reaches the log.
func TestServerEchoDropIn(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			raw := srv.newURL(t)
			if srv.name == "postgresql" {
				// The test server trusts every login, so a password in
				// the URL is accepted and must stay out of the log.
				raw = strings.Replace(raw, "postgres@", "postgres:S3cretURLpw@", 1)
			}
			sink := setDefaultLogger(t)
			db := openDB(t, withQuery(raw, "echo=true"))
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, "CREATE TABLE echo_t (id INT PRIMARY KEY, name VARCHAR(600))"); err != nil {
				t.Fatal(err)
			}
			long := strings.Repeat("x", 500)
			ins := "INSERT INTO echo_t (id, name) VALUES (" + placeholder(srv, 1) + ", " + placeholder(srv, 2) + ")"
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, ins, 1, long); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, ins, 2, "bob"); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			role := testdb.UniqueName("echo_role")
			pwSQL := "CREATE USER " + role + " IDENTIFIED BY 'Hunter2pw'"
			drop := "DROP USER " + role
			if srv.name == "postgresql" {
				pwSQL = "CREATE ROLE " + role + " PASSWORD 'Hunter2pw'"
				drop = "DROP ROLE " + role
			}
			if _, err := db.ExecContext(ctx, pwSQL); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, drop); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, "SELECT * FROM no_such_table_echo"); err == nil {
				t.Fatal("query on a missing table succeeded")
			}

			recs := sink.records(t, "alchemy: execute")
			first := findSQL(t, recs, "VALUES")
			args, _ := first["args"].(string)
			if !strings.HasPrefix(args, `[1, "`+strings.Repeat("x", alchemy.DefaultEchoMaxValueLen)+`…(400 more)"]`) {
				t.Errorf("args of the long insert = %q, want the value cut at %d characters", args, alchemy.DefaultEchoMaxValueLen)
			}
			if first["tx"] != true || first["rows_affected"] != 1.0 {
				t.Errorf("insert record %v: want tx=true rows_affected=1", first)
			}
			if _, ok := first["duration"]; !ok {
				t.Errorf("insert record has no duration: %v", first)
			}
			if c, _ := first["conn"].(float64); c < 1 {
				t.Errorf("insert record has no connection id: %v", first)
			}
			bad := findSQL(t, recs, "no_such_table_echo")
			if e, _ := bad["error"].(string); e == "" {
				t.Errorf("failed statement logged without its error: %v", bad)
			}
			if n := len(sink.records(t, "alchemy: BEGIN")); n != 1 {
				t.Errorf("%d BEGIN records, want 1", n)
			}
			if n := len(sink.records(t, "alchemy: COMMIT")); n != 1 {
				t.Errorf("%d COMMIT records, want 1", n)
			}
			text := sink.text()
			for _, secret := range []string{"S3cretURLpw", "Hunter2pw"} {
				if strings.Contains(text, secret) {
					t.Errorf("the log shows the password %q:\n%s", secret, text)
				}
			}
			if !strings.Contains(findSQL(t, recs, role)["sql"].(string), "'***'") {
				t.Errorf("password statement not masked: %v", findSQL(t, recs, role))
			}
			// The server got the values whole: echo only cuts the log.
			var n int
			if err := testdb.Plain(t, raw).QueryRow("SELECT length(name) FROM echo_t WHERE id = 1").Scan(&n); err != nil || n != 500 {
				t.Errorf("server holds a name of %d characters (%v), want 500", n, err)
			}
		})
	}
}

// TestServerEchoDebug: echo=debug adds the rows a query returned and the
// pool events.
func TestServerEchoDebug(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			sink := setDefaultLogger(t)
			db := openDB(t, withQuery(srv.newURL(t), "echo=debug"))
			rows, err := db.Query("SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
			rr := sink.records(t, "alchemy: rows")
			if len(rr) != 1 || rr[0]["rows"] != 3.0 {
				t.Errorf("rows records %v, want one with rows=3", rr)
			}
			events := map[string]bool{}
			for _, r := range sink.records(t, "alchemy: pool") {
				events[r["event"].(string)] = true
			}
			for _, want := range []string{"connect", "checkout", "checkin"} {
				if !events[want] {
					t.Errorf("no %s pool event logged (got %v)", want, events)
				}
			}
		})
	}
}

// TestEchoURLValues: echo's URL spellings, and the key never reaches the
// driver.
func TestEchoURLValues(t *testing.T) {
	for _, tc := range []struct {
		v      string
		ok     bool
		logged bool
	}{
		{"true", true, true}, {"1", true, true}, {"debug", true, true}, {"DEBUG", true, true},
		{"false", true, false}, {"0", true, false}, {"loud", false, false},
	} {
		t.Run(tc.v, func(t *testing.T) {
			c, err := alchemy.NewConnector("sqlite+noop://?echo=" + tc.v)
			if !tc.ok {
				if err == nil || !strings.Contains(err.Error(), "echo") {
					t.Fatalf("NewConnector: %v, want an error naming echo", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sink := setDefaultLogger(t)
			db := sql.OpenDB(c)
			defer db.Close()
			if _, err := db.Exec("SELECT 1"); err != nil {
				t.Fatal(err)
			}
			if got := len(sink.records(t, "alchemy: execute")) > 0; got != tc.logged {
				t.Errorf("logged = %v, want %v", got, tc.logged)
			}
			if q := c.URL().DriverQuery(); q.Has("echo") {
				t.Errorf("echo reaches the driver: %v", q)
			}
			if c.URL().Query.Get("echo") != tc.v {
				t.Errorf("Connector.URL() lost echo: %v", c.URL().Query)
			}
		})
	}
}

// TestEchoRedact: EchoWith's Redact replaces values, MaxValueLen -1 keeps
// them whole, []byte is shown in hex.
func TestEchoRedact(t *testing.T) {
	sink := &logSink{}
	eng, err := alchemy.CreateEngine("sqlite+noop://", alchemy.EchoWith(alchemy.EchoConfig{
		Logger:      sink.logger(),
		MaxValueLen: -1,
		Redact: func(query string, i int, v driver.NamedValue) any {
			if i == 0 {
				return "[card]"
			}
			return v.Value
		},
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	long := strings.Repeat("y", 300)
	if _, err := eng.ExecContext(context.Background(), "UPDATE t SET a = ?, b = ?, c = ?", "4111111111111111", long, []byte{0xde, 0xad}); err != nil {
		t.Fatal(err)
	}
	r := findSQL(t, sink.records(t, "alchemy: execute"), "UPDATE")
	if want := `["[card]", "` + long + `", x'dead']`; r["args"] != want {
		t.Errorf("args = %v, want %v", r["args"], want)
	}
	// The whole number, not a prefix: durations in the records (41.11µs)
	// may contain any four digits.
	if strings.Contains(sink.text(), "4111111111111111") {
		t.Error("redacted value in the log")
	}
}

// recorder is a Tracer that keeps what it sees.
type recorder struct {
	mu    sync.Mutex
	execs []alchemy.Execution
	rows  []alchemy.Execution
	txs   []alchemy.TxEvent
	ctxOK int // AfterExecute calls that saw BeforeExecute's context
}

type recKey struct{}

func (r *recorder) BeforeExecute(ctx context.Context, ex *alchemy.Execution) context.Context {
	return context.WithValue(ctx, recKey{}, ex.Query)
}

func (r *recorder) AfterExecute(ctx context.Context, ex *alchemy.Execution) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ctx.Value(recKey{}) == ex.Query {
		r.ctxOK++
	}
	e := *ex
	e.Args = append([]driver.NamedValue(nil), ex.Args...)
	r.execs = append(r.execs, e)
}

func (r *recorder) RowsClosed(ctx context.Context, ex *alchemy.Execution) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows = append(r.rows, *ex)
}

func (r *recorder) TxEvent(ctx context.Context, ev alchemy.TxEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.txs = append(r.txs, ev)
}

func (r *recorder) find(t testing.TB, sub string) alchemy.Execution {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range r.execs {
		if strings.Contains(e.Query, sub) && !errors.Is(e.Err, driver.ErrSkip) {
			return e
		}
	}
	t.Fatalf("no execution of %q", sub)
	return alchemy.Execution{}
}

// TestServerTracer: before/after-execute hooks see the SQL, the values,
// the duration, the rows and the error, for the Engine's Conn and for the
// *sql.DB of the same connector (the drop-in path), plain and prepared;
// transaction boundaries arrive as TxEvents; BeforeExecute's context
// reaches AfterExecute.
func TestServerTracer(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			rec := &recorder{}
			eng, err := alchemy.CreateEngine(srv.newURL(t), alchemy.WithTracer(rec))
			if err != nil {
				t.Fatal(err)
			}
			defer eng.Close()
			ctx := context.Background()
			db := eng.DB()
			if _, err := db.ExecContext(ctx, "CREATE TABLE tr_t (id INT PRIMARY KEY)"); err != nil {
				t.Fatal(err)
			}
			err = eng.Begin(ctx, func(c *alchemy.Conn) error {
				_, err := c.ExecContext(ctx, "INSERT INTO tr_t VALUES ("+placeholder(srv, 1)+"), (2), (3)", 1)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			st, err := db.PrepareContext(ctx, "SELECT id FROM tr_t WHERE id >= "+placeholder(srv, 1))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := st.QueryContext(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			st.Close()
			_, bad := db.ExecContext(ctx, "INSERT INTO tr_t VALUES (1)")
			if bad == nil {
				t.Fatal("duplicate insert succeeded")
			}

			ins := rec.find(t, "VALUES (")
			if !ins.InTx || ins.RowsAffected != 3 || len(ins.Args) != 1 || fmt.Sprint(ins.Args[0].Value) != "1" || ins.Duration <= 0 || ins.ConnID == 0 || ins.Connector == nil {
				t.Errorf("insert execution %+v", ins)
			}
			sel := rec.find(t, "id >=")
			if !sel.IsQuery || !sel.Prepared {
				t.Errorf("prepared select %+v: want IsQuery and Prepared", sel)
			}
			rec.mu.Lock()
			var closed *alchemy.Execution
			for i := range rec.rows {
				if strings.Contains(rec.rows[i].Query, "id >=") {
					closed = &rec.rows[i]
				}
			}
			if closed == nil || closed.Rows != 2 || n != 2 {
				t.Errorf("RowsClosed %+v (read %d), want 2 rows", closed, n)
			}
			kinds := []string{}
			for _, ev := range rec.txs {
				kinds = append(kinds, ev.Kind.String())
			}
			if strings.Join(kinds, " ") != "BEGIN COMMIT" {
				t.Errorf("tx events %v, want BEGIN COMMIT", kinds)
			}
			if rec.ctxOK != len(rec.execs) {
				t.Errorf("%d of %d AfterExecute calls saw BeforeExecute's context", rec.ctxOK, len(rec.execs))
			}
			rec.mu.Unlock()
			if e := rec.find(t, "INSERT INTO tr_t VALUES (1)"); !errors.Is(e.Err, bad) && (e.Err == nil || e.Err.Error() != bad.Error()) {
				t.Errorf("failed insert recorded error %v, want %v", e.Err, bad)
			}
		})
	}
}

// TestServerOnConnect: the OnConnect hook runs SQL on each new
// connection before its first use (search_path, time_zone); an error
// fails the checkout and closes the connection, on the server too.
func TestServerOnConnect(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			raw := srv.newURL(t)
			setup, check, want := "SET time_zone = '+03:00'", "SELECT @@session.time_zone", "+03:00"
			if srv.name == "postgresql" {
				if _, err := testdb.Plain(t, raw).Exec("CREATE SCHEMA app_s"); err != nil {
					t.Fatal(err)
				}
				setup, check, want = "SET search_path TO app_s", "SELECT current_setting('search_path')", "app_s"
			}
			var calls int
			var mu sync.Mutex
			db := sql.OpenDB(mustConnector(t, raw, alchemy.OnConnect(func(ctx context.Context, c *alchemy.NewConn) error {
				mu.Lock()
				calls++
				mu.Unlock()
				return c.ExecContext(ctx, setup)
			})))
			defer db.Close()
			conns := make([]*sql.Conn, 3)
			for i := range conns {
				c, err := db.Conn(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				conns[i] = c
				var got string
				if err := c.QueryRowContext(context.Background(), check).Scan(&got); err != nil || got != want {
					t.Errorf("connection %d: %s = %q (%v), want %q", i, check, got, err, want)
				}
			}
			for _, c := range conns {
				c.Close()
			}
			if calls != 3 {
				t.Errorf("OnConnect ran %d times for 3 connections", calls)
			}

			// A failing hook: the checkout fails, and the server sees no
			// session left behind.
			admin := srv.admin(t)
			failRaw := srv.newURL(t)
			refuse := errors.New("refused by the hook")
			bc := mustConnector(t, failRaw, alchemy.OnConnect(func(ctx context.Context, c *alchemy.NewConn) error {
				if err := c.ExecContext(ctx, "SELECT 1"); err != nil {
					return err
				}
				return refuse
			}))
			bad := sql.OpenDB(bc)
			defer bad.Close()
			_, err := bad.Exec("SELECT 1")
			var oe *alchemy.OnConnectError
			if !errors.Is(err, refuse) || !errors.As(err, &oe) {
				t.Fatalf("Exec: %v, want the hook's error in an *OnConnectError", err)
			}
			if s := bc.Pool().Stats(); s.Open != 0 {
				t.Errorf("pool holds %d connections after the hook refused", s.Open)
			}
			deadline := time.Now().Add(5 * time.Second)
			for serverConns(t, admin, srv.connCount, dbName(t, failRaw)) != 0 {
				if time.Now().After(deadline) {
					t.Fatal("the refused connection is still open on the server")
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

func mustConnector(t testing.TB, raw string, opts ...alchemy.Option) *alchemy.Connector {
	t.Helper()
	c, err := alchemy.NewConnector(raw, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
