package catalog

import "strings"

// attrPropNames are the attribute properties Tango and tango2csv know.
// Others are kept but draw a warning when they look like a typo of one.
var attrPropNames = []string{
	"min_value", "max_value", "min_alarm", "max_alarm", "min_warning", "max_warning",
	"delta_t", "delta_val", "unit", "standard_unit", "display_unit", "format",
	"description", "label", "abs_change", "rel_change", "event_period",
	"archive_abs_change", "archive_rel_change", "archive_period",
	"polling_period", "polling", "events", "alarms", "value", "enum_labels",
}

// numericAttrProps must hold numbers (or an "unset" marker).
var numericAttrProps = map[string]bool{
	"min_value": true, "max_value": true, "min_alarm": true, "max_alarm": true,
	"min_warning": true, "max_warning": true, "delta_t": true, "delta_val": true,
	"abs_change": true, "rel_change": true, "event_period": true,
	"archive_abs_change": true, "archive_rel_change": true, "archive_period": true,
	"polling_period": true, "polling": true,
}

func knownAttrProp(name string) bool {
	for _, n := range attrPropNames {
		if equalFold(n, name) {
			return true
		}
	}
	return false
}

// IsUnset reports whether an attribute property value means "not set" in
// Tango exports ("", "None", "Not specified", "No standard unit", ...).
// tango2csv filters these; chaoslab accepts and ignores them.
func IsUnset(v string) bool {
	switch strings.ToLower(trimSpace(v)) {
	case "", "none", "not specified", "nan", "no standard unit", "no display unit", "no unit", "no description":
		return true
	}
	return false
}

// suggest returns the candidate closest to s (edit distance at most 2,
// or a case-insensitive prefix match), or "".
func suggest(s string, candidates []string) string {
	best, bestD := "", 3
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := editDistance(ls, strings.ToLower(c))
		if d < bestD {
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

func editDistance(a, b string) int {
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
