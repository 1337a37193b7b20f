package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"strings"
	"time"
)

// The workloads, by their -workload names.
const (
	wlPointSelect = "point-select" // SELECT one row by primary key
	wlInsert      = "insert"       // INSERT one row
	wlMixed       = "mixed"        // 4 point selects to 1 update by primary key
	wlSlow        = "slow"         // a query the server holds for -hold
)

var workloadNames = []string{wlPointSelect, wlInsert, wlMixed, wlSlow}

// The dialect families the tool knows how to drive.
const (
	famPostgres = "postgresql"
	famMySQL    = "mysql"
	famSQLite   = "sqlite"
)

// schema is the pair of tables the tool creates for a run, and the SQL
// of every workload in the database's dialect.
type schema struct {
	family      string
	read, write string // table names, unique to the run
	rows        int    // rows in read, ids 1..rows

	pointSelect, insert, update, slow string
	slowArg                           any // seconds to sleep, or SQLite loop iterations
}

// newSchema picks unique table names and writes the workloads' SQL.
func newSchema(family string, rows int) (*schema, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	base := fmt.Sprintf("alchemy_bench_%d_%s", os.Getpid(), hex.EncodeToString(b[:]))
	s := &schema{family: family, read: base + "_r", write: base + "_w", rows: rows}
	p1, p2 := "?", "?"
	switch family {
	case famPostgres:
		p1, p2 = "$1", "$2"
		s.slow = "SELECT pg_sleep($1)"
	case famMySQL:
		s.slow = "SELECT SLEEP(?)"
	case famSQLite:
		// A busy loop on the server side: SQLite has no sleep function.
		s.slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < ?) SELECT count(*) FROM c"
	default:
		return nil, fmt.Errorf("the %s dialect is not supported by the tool (postgresql, mysql and sqlite are)", family)
	}
	s.pointSelect = "SELECT v FROM " + s.read + " WHERE id = " + p1
	s.insert = "INSERT INTO " + s.write + " (k, v) VALUES (" + p1 + ", " + p2 + ")"
	s.update = "UPDATE " + s.read + " SET k = k + 1 WHERE id = " + p1
	return s, nil
}

// ddl returns the CREATE TABLE statements.
func (s *schema) ddl() []string {
	switch s.family {
	case famPostgres:
		return []string{
			"CREATE TABLE " + s.read + " (id integer PRIMARY KEY, k integer NOT NULL, v varchar(64) NOT NULL)",
			"CREATE TABLE " + s.write + " (id bigserial PRIMARY KEY, k integer NOT NULL, v varchar(64) NOT NULL)",
		}
	case famMySQL:
		return []string{
			"CREATE TABLE " + s.read + " (id INT PRIMARY KEY, k INT NOT NULL, v VARCHAR(64) NOT NULL) ENGINE=InnoDB",
			"CREATE TABLE " + s.write + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL, v VARCHAR(64) NOT NULL) ENGINE=InnoDB",
		}
	}
	return []string{
		"CREATE TABLE " + s.read + " (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, v TEXT NOT NULL)",
		"CREATE TABLE " + s.write + " (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, v TEXT NOT NULL)",
	}
}

// create makes the tables and loads the read table. On error the caller
// still calls drop: a table may have been created.
func (s *schema) create(ctx context.Context, db *sql.DB) error {
	for _, q := range s.ddl() {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create the benchmark tables: %w", err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("load the benchmark rows: %w", err)
	}
	defer tx.Rollback()
	const batch = 500
	for lo := 1; lo <= s.rows; lo += batch {
		var b strings.Builder
		b.WriteString("INSERT INTO " + s.read + " (id, k, v) VALUES ")
		for id := lo; id < lo+batch && id <= s.rows; id++ {
			if id > lo {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "(%d, %d, 'value-%08d')", id, id, id)
		}
		if _, err := tx.ExecContext(ctx, b.String()); err != nil {
			return fmt.Errorf("load the benchmark rows: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("load the benchmark rows: %w", err)
	}
	if s.family == famPostgres {
		if _, err := db.ExecContext(ctx, "ANALYZE "+s.read); err != nil {
			return fmt.Errorf("analyze the benchmark table: %w", err)
		}
	}
	return nil
}

// drop removes both tables. It is safe to call when they don't exist.
func (s *schema) drop(ctx context.Context, db *sql.DB) error {
	for _, t := range []string{s.read, s.write} {
		if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS "+t); err != nil {
			return fmt.Errorf("drop %s: %w", t, err)
		}
	}
	return nil
}

// calibrateSlow sets the slow query's argument so that the server holds
// the connection about hold: seconds for pg_sleep and SLEEP, loop
// iterations (timed here, on db) for SQLite.
func (s *schema) calibrateSlow(ctx context.Context, db *sql.DB, hold time.Duration) error {
	if s.family != famSQLite {
		s.slowArg = hold.Seconds()
		return nil
	}
	const probe = 200000
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		var n int64
		if err := db.QueryRowContext(ctx, s.slow, probe).Scan(&n); err != nil {
			return fmt.Errorf("time the slow query: %w", err)
		}
		best = min(best, time.Since(start))
	}
	s.slowArg = max(int64(1000), int64(float64(probe)*float64(hold)/float64(best)))
	return nil
}

// op is one operation of a workload on a checked-out connection.
type op func(ctx context.Context, c session, rng *mrand.Rand) error

// op returns the operation of the named workload.
func (s *schema) op(workload string) op {
	pointSelect := func(ctx context.Context, c session, rng *mrand.Rand) error {
		var v string
		return c.scanOne(ctx, s.pointSelect, &v, 1+rng.IntN(s.rows))
	}
	switch workload {
	case wlInsert:
		return func(ctx context.Context, c session, rng *mrand.Rand) error {
			k := rng.IntN(1 << 30)
			return c.exec(ctx, s.insert, k, fmt.Sprintf("value-%08d", k%100000000))
		}
	case wlMixed:
		return func(ctx context.Context, c session, rng *mrand.Rand) error {
			if rng.IntN(5) == 0 {
				return c.exec(ctx, s.update, 1+rng.IntN(s.rows))
			}
			return pointSelect(ctx, c, rng)
		}
	case wlSlow:
		if s.family == famSQLite {
			return func(ctx context.Context, c session, _ *mrand.Rand) error {
				var n int64
				return c.scanOne(ctx, s.slow, &n, s.slowArg)
			}
		}
		return func(ctx context.Context, c session, _ *mrand.Rand) error {
			return c.exec(ctx, s.slow, s.slowArg)
		}
	}
	return pointSelect
}
