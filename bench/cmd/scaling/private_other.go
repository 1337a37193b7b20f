//go:build !linux

package main

import (
	"context"
	"errors"
)

// privateServer needs Linux (Debian's server packages, and Pdeathsig so
// that the server cannot outlive the tool).
type privateServer struct{ url string }

var errPrivate = errors.New("-pg-private and -mysql-private run only on Linux; start a server yourself and pass its URL with -postgres or -mysql")

func startPrivatePostgres(context.Context, int) (*privateServer, error) { return nil, errPrivate }
func startPrivateMariaDB(context.Context) (*privateServer, error)       { return nil, errPrivate }

func (*privateServer) stop() error { return nil }
func (*privateServer) pid() int    { return 0 }
