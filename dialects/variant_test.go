package dialects

import (
	"database/sql/driver"
	"testing"
)

// TestWithDefaultPort: an explicit port stays; a missing one (also for a
// Unix socket, whose file name carries the port) becomes the variant's.
func TestWithDefaultPort(t *testing.T) {
	var got ConnParams
	drv := WithDefaultPort(Driver{Name: "x", OpenConnector: func(p ConnParams) (driver.Connector, error) {
		got = p
		return nil, nil
	}}, 26257)
	for _, tc := range []struct {
		host       string
		port, want int
	}{
		{"db1", 0, 26257}, {"db1", 26300, 26300}, {"/tmp", 0, 26257}, {"", 0, 26257},
	} {
		if _, err := drv.OpenConnector(ConnParams{Host: tc.host, Port: tc.port}); err != nil {
			t.Fatal(err)
		}
		if got.Port != tc.want {
			t.Errorf("host %q port %d: binding got port %d, want %d", tc.host, tc.port, got.Port, tc.want)
		}
	}
	if drv.Name != "x" {
		t.Errorf("the binding's name changed to %q", drv.Name)
	}
}
