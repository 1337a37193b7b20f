package metadata_test

import (
	"context"
	"database/sql"
	"errors"
)

type dbQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
