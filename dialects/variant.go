package dialects

import "database/sql/driver"

// WithDefaultPort returns drv with port filled in for a URL that names
// no port, for a variant whose server listens elsewhere than its base
// dialect's (CockroachDB on 26257, TiDB on 4000): the base binding would
// otherwise dial the base server's port — another server, or nothing. It
// is filled in for a Unix socket too, whose file name carries the port
// (PostgreSQL's .s.PGSQL.<port>). A host list has every port filled in
// already, from Dialect.DefaultPort.
func WithDefaultPort(drv Driver, port int) Driver {
	open := drv.OpenConnector
	drv.OpenConnector = func(p ConnParams) (driver.Connector, error) {
		if p.Port == 0 {
			p.Port = port
		}
		return open(p)
	}
	return drv
}
