package alarm

import (
	"strings"
)

// globalReceivers returns the GlobalReceivers entries that apply to tag
// (api:L1682-1706): lines "[!]pattern[,pattern]:receivers", caseless
// wildcards on the tag, '!' excluding; a line without ':' applies to every
// alarm.
func globalReceivers(lines []string, tag string) []string {
	var out []string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		pats, recv, ok := strings.Cut(l, ":")
		if !ok || strings.Contains(pats, "(") {
			// no pattern part (or the ':' belongs to an ACTION)
			out = append(out, l)
			continue
		}
		neg := strings.HasPrefix(pats, "!")
		match := false
		for _, p := range strings.Split(strings.TrimPrefix(pats, "!"), ",") {
			if p = strings.TrimSpace(p); p != "" && wildcard(p)(tag) {
				match = true
			}
		}
		if match != neg {
			out = append(out, strings.TrimSpace(recv))
		}
	}
	return out
}

// expandPhoneBook replaces %NAME tokens by their PhoneBook entries
// ("%NAME:receivers" lines), two passes as PyAlarm does (pya:L491-523).
func expandPhoneBook(recv string, book []string) string {
	if !strings.Contains(recv, "%") || len(book) == 0 {
		return recv
	}
	entries := map[string]string{}
	for _, l := range book {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), ":"); ok && strings.HasPrefix(k, "%") {
			entries[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	for pass := 0; pass < 2; pass++ {
		parts := strings.Split(recv, ",")
		for i, p := range parts {
			if v, ok := entries[strings.TrimSpace(p)]; ok {
				parts[i] = v
			}
		}
		recv = strings.Join(parts, ",")
	}
	return recv
}
