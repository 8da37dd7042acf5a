package api

import "strings"

// UnixScheme prefixes the address of a server's Unix socket
// ("unix:/path/to/server.sock"); any other address is TCP "host:port".
// Local clients take the socket when a server has one, as Tango's clients
// take omniORB's Unix socket transport: a round trip costs about half of
// one over loopback TCP (docs/api.md has the figures).
const UnixScheme = "unix:"

// Network splits an address into the network and address net.Dial takes.
func Network(addr string) (network, address string) {
	if path, ok := strings.CutPrefix(addr, UnixScheme); ok {
		return "unix", path
	}
	return "tcp", addr
}

// UnixAddr is the address of the Unix socket at path.
func UnixAddr(path string) string { return UnixScheme + path }
