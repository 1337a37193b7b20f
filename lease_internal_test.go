package alchemy

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"testing"
)

// TestLeaseUsedWithoutReset: database/sql can hand a handle it released
// without marking it for reset (a fresh connection passed to a waiter
// that gave up) to its next user with no ResetSession call. The handle
// then takes a connection at its first call instead of failing (or
// dereferencing the connection it gave back).
func TestLeaseUsedWithoutReset(t *testing.T) {
	c, err := NewConnector("sqlite:///" + filepath.Join(t.TempDir(), "l.db") + "?pool_size=1&max_overflow=0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	dc, err := c.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l := dc.(*lease)
	calls := []struct {
		name string
		call func() error
	}{
		{"ExecContext", func() error { _, err := l.ExecContext(ctx, "SELECT 1", nil); return err }},
		{"QueryContext", func() error {
			rows, err := l.QueryContext(ctx, "SELECT 1", nil)
			if err == nil {
				rows.Close()
			}
			return err
		}},
		{"PrepareContext", func() error {
			st, err := l.PrepareContext(ctx, "SELECT 1")
			if err == nil {
				st.Close()
			}
			return err
		}},
		{"BeginTx", func() error {
			tx, err := l.BeginTx(ctx, driver.TxOptions{})
			if err == nil {
				err = tx.Rollback()
			}
			return err
		}},
		{"Ping", func() error { return l.Ping(ctx) }},
		{"CheckNamedValue", func() error {
			err := l.CheckNamedValue(&driver.NamedValue{Ordinal: 1, Value: int64(1)})
			if err == driver.ErrSkip {
				err = nil
			}
			return err
		}},
		{"Unwrap", func() error {
			if l.Unwrap() == nil {
				return driver.ErrBadConn
			}
			return nil
		}},
	}
	for _, tc := range calls {
		if !l.IsValid() {
			t.Fatal("IsValid = false")
		}
		if l.conn != nil || c.pool.Stats().CheckedOut != 0 {
			t.Fatalf("after IsValid the handle still has its connection")
		}
		if err := tc.call(); err != nil {
			t.Errorf("%s on a handle with no ResetSession: %v", tc.name, err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if st := c.pool.Stats(); st.CheckedOut != 0 {
		t.Errorf("pool after Close: %+v", st)
	}
}
