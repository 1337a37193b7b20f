//go:build !linux

package main

import (
	"context"
	"errors"
)

// privatePostgres needs Linux (Debian's PostgreSQL 15 binaries, and
// Pdeathsig so that the server cannot outlive the tool).
type privatePostgres struct{ url string }

func startPrivatePostgres(context.Context, int) (*privatePostgres, error) {
	return nil, errors.New("-pg-private runs only on Linux; start a server yourself and pass its URL with -postgres")
}

func (*privatePostgres) stop() error { return nil }

func (*privatePostgres) pid() int { return 0 }
