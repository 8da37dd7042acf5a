package load

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"chaoslab/internal/api"
)

// CheckLoopback refuses any address that is not on the loopback interface
// (127.0.0.0/8, ::1, "localhost") or a Unix socket (unix:PATH, local by
// nature): chaoslab load drives the twin, never a production control
// system.
func CheckLoopback(addrs []string) error {
	for _, a := range addrs {
		if network, path := api.Network(a); network == "unix" {
			if path == "" {
				return fmt.Errorf("target %q: want unix:PATH", a)
			}
			continue
		}
		host, _, err := net.SplitHostPort(a)
		if err != nil {
			return fmt.Errorf("target %q: want host:port: %v", a, err)
		}
		if strings.EqualFold(host, "localhost") {
			continue
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return fmt.Errorf("target %q: refused: only loopback addresses (127.0.0.0/8, ::1, localhost) may be loaded, and %q is not an IP address", a, host)
		}
		if !ip.Unmap().IsLoopback() {
			return fmt.Errorf("target %q: refused: %s is not a loopback address; chaoslab load only drives a local twin (127.0.0.0/8, ::1)", a, ip)
		}
	}
	return nil
}
