package supervisor

import (
	"fmt"
	"strings"
)

// Select returns the servers that patterns name, in state order, each once.
// Like tango_servers, a pattern is a server name (Class/instance), a
// wildcard pattern over server names ('*' any text, '?' one character,
// case-insensitive), a device name (its server) or a catalog host name
// (all its servers). A pattern without '/' is matched against the instance
// part of server names ("h0*" selects SimulatorDS/h0a). A pattern that
// names nothing is an error.
func Select(servers []*Server, patterns []string) ([]*Server, error) {
	if len(patterns) == 0 {
		return nil, fmt.Errorf("no server pattern given (use '*' for all servers)")
	}
	picked := make([]bool, len(servers))
	for _, p := range patterns {
		n := 0
		for i, sv := range servers {
			if matches(sv, p) {
				picked[i] = true
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("no server, device or host matches %q", p)
		}
	}
	var out []*Server
	for i, sv := range servers {
		if picked[i] {
			out = append(out, sv)
		}
	}
	return out, nil
}

func matches(sv *Server, p string) bool {
	name := sv.Name
	if !strings.Contains(p, "/") {
		// A pattern without a slash names the instance: "h0a" is SimulatorDS/h0a.
		name = name[strings.LastIndexByte(name, '/')+1:]
	}
	if strings.ContainsAny(p, "*?") {
		return glob(p, name)
	}
	if strings.EqualFold(name, p) || sv.Host != "" && strings.EqualFold(sv.Host, p) {
		return true
	}
	for _, d := range sv.Devices {
		if strings.EqualFold(d, p) {
			return true
		}
	}
	return false
}

// glob matches s against p where '*' is any text (slashes included) and
// '?' one byte, ASCII case-insensitive (Tango names are ASCII). Iterative
// with one backtrack point: linear in practice, no allocation.
func glob(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] != '*' && (p[pi] == '?' || lower(p[pi]) == lower(s[si])):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
