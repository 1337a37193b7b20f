package alchemy_test

import (
	"context"
	"database/sql/driver"
	"testing"

	"github.com/go-alchemy/alchemy"
)

// BenchmarkWrapperExec: one checkout, then ExecContext on alchemy's
// driver.Conn directly, without database/sql around it: the wrapper's own
// statement path, where a tracer check would show.
func BenchmarkWrapperExec(b *testing.B) {
	c, err := alchemy.NewConnector("sqlite+noop://")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	cn, err := c.Connect(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer cn.Close()
	ex := cn.(driver.ExecerContext)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ex.ExecContext(ctx, "SELECT 1", nil); err != nil {
			b.Fatal(err)
		}
	}
}
