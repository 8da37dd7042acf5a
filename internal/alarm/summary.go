package alarm

import (
	"fmt"
	"strings"
)

// SummaryEntry is one parsed AlarmSummary line.
type SummaryEntry struct {
	Device   string `json:"device"`
	Tag      string `json:"tag"`
	State    string `json:"state"`
	Severity string `json:"severity"`
	Time     string `json:"time,omitempty"`
	Formula  string `json:"formula"`
	Message  string `json:"message,omitempty"`
	Runbook  string `json:"runbook,omitempty"`
}

// Active reports whether the entry's state is one of ACTIVE_STATES.
func (e SummaryEntry) Active() bool {
	switch e.State {
	case "UNACK", "ACTIVE", "ACKED", "RTNUN":
		return true
	}
	return false
}

// ParseSummary parses an AlarmSummary line. The formula may contain ';'
// and '=': fields are found by their keys in PANIC's fixed order.
func ParseSummary(device, line string) (SummaryEntry, error) {
	e := SummaryEntry{Device: device}
	keys := []string{"tag=", ";state=", ";priority=", ";time=", ";formula=", ";message="}
	dst := []*string{&e.Tag, &e.State, &e.Severity, &e.Time, &e.Formula, &e.Message}
	rest := line
	if !strings.HasPrefix(rest, keys[0]) {
		return e, fmt.Errorf("AlarmSummary line %q: expected it to start with tag=", line)
	}
	rest = rest[len(keys[0]):]
	for i := 1; i <= len(keys); i++ {
		var next int
		if i < len(keys) {
			next = strings.Index(rest, keys[i])
			if next < 0 {
				return e, fmt.Errorf("AlarmSummary line %q: missing %s", line, strings.TrimPrefix(keys[i], ";"))
			}
		} else {
			next = len(rest)
			if k := strings.LastIndex(rest, ";runbook="); k >= 0 {
				e.Runbook = rest[k+len(";runbook="):]
				next = k
			}
		}
		*dst[i-1] = rest[:next]
		if i < len(keys) {
			rest = rest[next+len(keys[i]):]
		}
	}
	return e, nil
}

// Violations returns the active entries whose severity ranks at least
// minSeverity: the probe "no alarm of severity S becomes active" holds
// when it is empty.
func Violations(entries []SummaryEntry, minSeverity string) []SummaryEntry {
	min := SeverityRank(minSeverity)
	var out []SummaryEntry
	for _, e := range entries {
		if e.Active() && SeverityRank(e.Severity) >= min {
			out = append(out, e)
		}
	}
	return out
}
