package api

import "strings"

// SplitAttr splits "domain/family/member/attribute" into the device and
// attribute names. ok is false when name does not have exactly four parts.
func SplitAttr(name string) (dev, attr string, ok bool) {
	i := strings.LastIndexByte(name, '/')
	if i <= 0 || i == len(name)-1 || strings.Count(name[:i], "/") != 2 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

// HasWildcard reports whether s contains a wildcard character.
func HasWildcard(s string) bool {
	// A byte loop: strings.ContainsAny builds its set on every call, and
	// the server asks this for every attribute of every read.
	for i := 0; i < len(s); i++ {
		if s[i] == '*' || s[i] == '?' {
			return true
		}
	}
	return false
}

// Match reports whether name matches the wildcard pattern, case-insensitively
// as Tango names are: "*" matches any run of characters (including "/"),
// "?" matches one character. An empty pattern matches everything.
func Match(pattern, name string) bool {
	if pattern == "" {
		return true
	}
	// Iterative glob with one backtrack point: linear in practice.
	p, n := 0, 0
	star, mark := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || lower(pattern[p]) == lower(name[n])):
			p++
			n++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, n
			p++
		case star >= 0:
			p = star + 1
			mark++
			n = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
