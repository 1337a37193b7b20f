package alchemy

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// DriverName is the name alchemy registers with database/sql.
const DriverName = "alchemy"

func init() {
	// Don't panic when the name is taken (a vendored second copy of the
	// package, say): sql.Register would.
	if !slices.Contains(sql.Drivers(), DriverName) {
		sql.Register(DriverName, &Driver{})
	}
}

// Driver is the database/sql driver registered as "alchemy". Its data
// source names are SQLAlchemy URLs (see [URL]):
//
//	db, err := sql.Open("alchemy", "postgresql://john:secret@localhost/app?pool_size=10")
//
// sql.Open calls [Driver.OpenConnector], which parses the URL, and builds
// the underlying driver's connector and one [QueuePool] in front of it.
// No connection is opened until the *sql.DB is used.
type Driver struct {
	mu         sync.Mutex
	connectors map[string]*Connector // for Open, by URL; guarded by mu
}

// OpenConnector implements driver.DriverContext.
func (d *Driver) OpenConnector(name string) (driver.Connector, error) {
	c, err := NewConnector(name)
	if err != nil {
		return nil, err
	}
	c.drv = d
	return c, nil
}

// Open implements driver.Driver for callers that bypass sql.Open. The
// connections of one URL share one pool, created at the first Open.
func (d *Driver) Open(name string) (driver.Conn, error) {
	d.mu.Lock()
	c, ok := d.connectors[name]
	if !ok {
		var err error
		if c, err = NewConnector(name); err != nil {
			d.mu.Unlock()
			return nil, err
		}
		c.drv = d
		if d.connectors == nil {
			d.connectors = map[string]*Connector{}
		}
		d.connectors[name] = c
	}
	d.mu.Unlock()
	return c.Connect(context.Background())
}

var (
	_ driver.Driver        = (*Driver)(nil)
	_ driver.DriverContext = (*Driver)(nil)
)

// connectorProbe is answered like dialects.Probe: a connection opened
// through "alchemy" fills in its connector without contacting the server.
type connectorProbe struct{ c *Connector }

const connectorProbeQuery = "/* alchemy: connector probe */"

// ConnectorOf returns the Connector behind db, a *sql.DB, *sql.Conn or
// *sql.Tx opened through "alchemy" (sql.Open exposes no connector). It
// checks a connection out for the call, opening one if none is idle; no
// statement reaches the server.
func ConnectorOf(ctx context.Context, db interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}) (*Connector, error) {
	if e, ok := db.(*Engine); ok {
		return e.connector, nil
	}
	p := &connectorProbe{}
	if _, err := db.ExecContext(ctx, connectorProbeQuery, p); err != nil {
		return nil, fmt.Errorf("alchemy: cannot find the connector (was this opened with sql.Open(\"alchemy\", …)?): %w", err)
	}
	if p.c == nil {
		return nil, errors.New(`alchemy: not opened through the "alchemy" driver`)
	}
	return p.c, nil
}

// PoolOf returns the QueuePool behind a *sql.DB opened with
// sql.Open("alchemy", url); see [ConnectorOf].
func PoolOf(db *sql.DB) (*QueuePool, error) {
	c, err := ConnectorOf(context.Background(), db)
	if err != nil {
		return nil, err
	}
	return c.pool, nil
}
