package alchemy_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/go-alchemy/alchemy"
)

// stmtCounter is a driver.Connector over SQLite that counts the driver
// statements open on each connection and fails any use of one after its
// Close, so that the model test below sees every leak and every
// use-after-close of alchemy's statement bookkeeping.
type stmtCounter struct {
	under driver.Connector
	mu    sync.Mutex
	open  int // driver statements prepared and not closed
	peak  int
	conns int // connections open
	bad   []string
}

func (sc *stmtCounter) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := sc.under.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc.mu.Lock()
	sc.conns++
	sc.mu.Unlock()
	return &countConn{Conn: c, sc: sc}, nil
}

func (sc *stmtCounter) Driver() driver.Driver { return sc.under.Driver() }

func (sc *stmtCounter) fault(format string, args ...any) {
	sc.mu.Lock()
	sc.bad = append(sc.bad, fmt.Sprintf(format, args...))
	sc.mu.Unlock()
}

type countConn struct {
	driver.Conn
	sc     *stmtCounter
	closed bool
}

func (c *countConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	if c.closed {
		c.sc.fault("prepare on a closed connection: %s", q)
	}
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.sc.mu.Lock()
	c.sc.open++
	c.sc.peak = max(c.sc.peak, c.sc.open)
	c.sc.mu.Unlock()
	return &countStmt{raw: st, c: c, q: q}, nil
}

func (c *countConn) Close() error {
	c.closed = true
	c.sc.mu.Lock()
	c.sc.conns--
	c.sc.mu.Unlock()
	return c.Conn.Close()
}

func (c *countConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (c *countConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (c *countConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

type countStmt struct {
	raw    driver.Stmt
	c      *countConn
	q      string
	closed bool
}

func (s *countStmt) Close() error {
	if s.closed {
		s.c.sc.fault("statement closed twice: %s", s.q)
		return nil
	}
	s.closed = true
	s.c.sc.mu.Lock()
	s.c.sc.open--
	s.c.sc.mu.Unlock()
	return s.raw.Close()
}

func (s *countStmt) NumInput() int { return s.raw.NumInput() }

func (s *countStmt) check() error {
	if s.closed || s.c.closed {
		s.c.sc.fault("statement used after its close (or its connection's): %s", s.q)
		return errors.New("use after close")
	}
	return nil
}

func (s *countStmt) Exec(args []driver.Value) (driver.Result, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.raw.Exec(args) //nolint:staticcheck // forwarding
}

func (s *countStmt) Query(args []driver.Value) (driver.Rows, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.raw.Query(args) //nolint:staticcheck // forwarding
}

func (s *countStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.raw.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *countStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.raw.(driver.StmtQueryContext).QueryContext(ctx, args)
}

// FuzzPreparedStatements drives database/sql through alchemy on SQLite
// with a sequence of statement operations read from the input: prepare
// (db-level, several texts, twins included), execute, close, hold and
// release *sql.Conns (more handles), transactions with tx.Stmt, statements
// on a Conn closed after it, eviction pressure. Every answer is checked;
// at the end every *sql.Stmt is closed and the pool drained, and the
// driver must hold no statement beyond the cache's, never have used one
// after its close, and nothing may be checked out.
func FuzzPreparedStatements(f *testing.F) {
	f.Add([]byte{0, 1, 1, 2, 1})
	f.Add([]byte{0, 0, 3, 1, 4, 1, 2, 5, 1, 3, 3, 1})
	f.Add([]byte{0, 10, 6, 1, 1, 2, 2, 7, 0, 4, 4, 12, 13, 1})
	f.Add([]byte{3, 3, 3, 0, 1, 8, 1, 2, 9, 1, 6, 3, 1, 2, 1})
	f.Add([]byte{0, 1, 9, 9, 1, 4, 2, 2, 0, 5, 1, 6, 1, 11, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		ctx := context.Background()
		raw := "sqlite:///" + filepath.Join(t.TempDir(), "p.db")
		base, err := alchemy.NewConnector(raw)
		if err != nil {
			t.Fatal(err)
		}
		defer base.Close()
		sc := &stmtCounter{under: base.Underlying()}
		c, err := alchemy.NewConnector(withQuery(raw, "pool_size=2&max_overflow=1&pool_timeout=5"), alchemy.WithConnector(sc))
		if err != nil {
			t.Fatal(err)
		}
		db := sql.OpenDB(c)
		if _, err := db.ExecContext(ctx, "CREATE TABLE t (n INTEGER)"); err != nil {
			t.Fatal(err)
		}
		texts := []string{"SELECT 1 + ?", "SELECT 2 + ?", "SELECT 1 + ?"} // a twin
		offset := []int{1, 2, 1}
		type prepared struct {
			st  *sql.Stmt
			add int
		}
		var stmts []prepared
		var held []*sql.Conn
		pick := func(b byte) (prepared, bool) {
			if len(stmts) == 0 {
				return prepared{}, false
			}
			return stmts[int(b)%len(stmts)], true
		}
		run := func(p prepared, i int) {
			var n int
			if err := p.st.QueryRowContext(ctx, i).Scan(&n); err != nil || n != i+p.add {
				t.Fatalf("execution: %d, %v; want %d", n, err, i+p.add)
			}
		}
		for i, op := range ops {
			switch op % 14 {
			case 0, 10: // prepare
				k := i % len(texts)
				st, err := db.PrepareContext(ctx, texts[k])
				if err != nil {
					t.Fatal(err)
				}
				stmts = append(stmts, prepared{st, offset[k]})
			case 1, 11, 13: // execute
				if p, ok := pick(op / 14); ok {
					run(p, i)
				}
			case 2: // close one
				if len(stmts) > 0 {
					k := int(op/14) % len(stmts)
					stmts[k].st.Close()
					var n int
					if err := stmts[k].st.QueryRowContext(ctx, 1).Scan(&n); err == nil {
						t.Fatal("a closed *sql.Stmt ran")
					}
					stmts = append(stmts[:k], stmts[k+1:]...)
				}
			case 3: // hold a Conn: the next executions use other handles
				if len(held) < 2 {
					hc, err := db.Conn(ctx)
					if err != nil {
						t.Fatal(err)
					}
					held = append(held, hc)
				}
			case 4: // release the held Conns
				for _, hc := range held {
					hc.Close()
				}
				held = nil
			case 5, 12: // a transaction using a db-level statement
				p, ok := pick(op / 14)
				if !ok {
					continue
				}
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				var n int
				if err := tx.StmtContext(ctx, p.st).QueryRowContext(ctx, i).Scan(&n); err != nil || n != i+p.add {
					t.Fatalf("in a transaction: %d, %v", n, err)
				}
				if op%2 == 0 {
					err = tx.Commit()
				} else {
					err = tx.Rollback()
				}
				if err != nil {
					t.Fatal(err)
				}
			case 6: // a statement on a Conn, closed after the Conn
				if len(held) == 2 {
					continue // the pool's 3 connections: 2 held, 1 for this
				}
				hc, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				cst, err := hc.PrepareContext(ctx, texts[1])
				if err != nil {
					t.Fatal(err)
				}
				var n int
				if err := cst.QueryRowContext(ctx, i).Scan(&n); err != nil || n != i+2 {
					t.Fatalf("on a Conn: %d, %v", n, err)
				}
				hc.Close()
				cst.Close()
			case 7: // eviction pressure: more distinct statements than the cache holds
				for j := range 70 {
					st, err := db.PrepareContext(ctx, fmt.Sprintf("SELECT %d + ?", j+10))
					if err != nil {
						t.Fatal(err)
					}
					run(prepared{st, j + 10}, j)
					st.Close()
				}
			case 8: // a prepared INSERT, to be sure writes go through once
				st, err := db.PrepareContext(ctx, "INSERT INTO t VALUES (?)")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := st.ExecContext(ctx, i); err != nil {
					t.Fatal(err)
				}
				st.Close()
			case 9: // a statement text alone, prepared by database/sql for one query
				var n int
				if err := db.QueryRowContext(ctx, texts[0], i).Scan(&n); err != nil || n != i+1 {
					t.Fatalf("unprepared: %d, %v", n, err)
				}
			}
		}
		for _, hc := range held {
			hc.Close()
		}
		for _, p := range stmts {
			p.st.Close()
		}
		if ps := c.Pool().Stats(); ps.CheckedOut != 0 {
			t.Errorf("pool: %+v, want nothing checked out", ps)
		}
		sc.mu.Lock()
		open, conns, bad := sc.open, sc.conns, sc.bad
		sc.mu.Unlock()
		if len(bad) > 0 {
			t.Errorf("driver statement misuse: %v", bad)
		}
		// Only cache entries may stay prepared: at most 64 per open connection.
		if open > 64*conns {
			t.Errorf("%d driver statements open on %d connections after every *sql.Stmt was closed", open, conns)
		}
		db.Close()
		c.Close()
		sc.mu.Lock()
		open, conns = sc.open, sc.conns
		sc.mu.Unlock()
		if open != 0 || conns != 0 {
			t.Errorf("after Close: %d driver statements and %d connections still open", open, conns)
		}
	})
}
