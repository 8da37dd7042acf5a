package config

import (
	"fmt"
	"strings"
)

// Suggest returns the candidate closest to s for a "did you mean" (edit
// distance at most 2, case-insensitive, or else a case-insensitive prefix
// match of at least 3 letters), or "".
func Suggest(s string, candidates []string) string {
	best, bestD := "", 3
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if d := EditDistance(ls, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" && len(ls) >= 3 {
		for _, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), ls) {
				return c
			}
		}
	}
	return best
}

// UnknownKey is the message for a key not in allowed: with a suggestion,
// else the allowed keys when there are any.
func UnknownKey(key string, allowed []string) string {
	msg := fmt.Sprintf("unknown key %q", key)
	if s := Suggest(key, allowed); s != "" {
		return msg + fmt.Sprintf(" (did you mean %q?)", s)
	}
	if len(allowed) > 0 {
		return msg + " (expected one of " + strings.Join(allowed, ", ") + ")"
	}
	return msg
}

// EditDistance is the Levenshtein distance of a and b (bytes); long
// strings (over 64 bytes) are "far" (99) to bound the cost.
func EditDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
