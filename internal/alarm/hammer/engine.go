package hammer

import (
	"path"
	"strings"
	"time"

	"chaoslab/internal/alarm"
)

// AlarmStatus is what the engine needs to know of one alarm.
type AlarmStatus struct {
	Device, Tag string
	Active      time.Time // activation time; zero when not active
}

// Verdict is what a decision does.
type Verdict string

// Verdicts.
const (
	Acted     Verdict = "act"       // the action is to be executed
	Reported  Verdict = "report"    // report-only mode: would have acted
	Exhausted Verdict = "exhausted" // attempt budget used up: refused
)

// Decision is one hammer decision, journaled.
type Decision struct {
	Time    time.Time `json:"time"`
	Rule    string    `json:"rule"`
	Alarm   string    `json:"alarm"` // device/TAG
	Active  time.Time `json:"active_since"`
	Target  string    `json:"target"`
	Action  string    `json:"action"`
	Command string    `json:"command,omitempty"`
	Args    []string  `json:"args,omitempty"`
	Verdict Verdict   `json:"verdict"`
	Attempt int       `json:"attempt"` // 1-based attempt number (for act/report)
	Max     int       `json:"max_attempts"`
	Runbook string    `json:"runbook,omitempty"`
	Result  string    `json:"result,omitempty"` // filled by the Runner: "ok" or the error
}

// Engine decides. It is pure (time is passed in) and not safe for
// concurrent use.
type Engine struct {
	rules []Rule
	// attempts per rule/target, oldest first.
	attempts map[string][]time.Time
	// refused remembers the activation for which an exhausted budget was
	// already journaled (one entry per activation, not one per tick).
	refused map[string]time.Time
}

// NewEngine returns an engine for rules (as returned by Parse).
func NewEngine(rules []Rule) *Engine {
	return &Engine{rules: rules, attempts: map[string][]time.Time{}, refused: map[string]time.Time{}}
}

// Observe looks at the alarms at now and returns the decisions to take.
// The attempt budget is checked before an attempt is counted, so a rule
// never acts more than MaxAttempts times per target (within Window).
func (e *Engine) Observe(now time.Time, alarms []AlarmStatus) []Decision {
	var out []Decision
	for i := range e.rules {
		r := &e.rules[i]
		for _, a := range alarms {
			if a.Active.IsZero() || !matchAlarm(r.Alarm, a.Device, a.Tag) || now.Sub(a.Active) < time.Duration(r.For) {
				continue
			}
			for _, target := range r.Targets {
				key := r.Name + "\x00" + target
				hist := e.attempts[key]
				if r.Window > 0 {
					k := 0
					for _, t := range hist {
						if now.Sub(t) < time.Duration(r.Window) {
							hist[k] = t
							k++
						}
					}
					hist = hist[:k]
					e.attempts[key] = hist
				}
				if n := len(hist); n > 0 && now.Sub(hist[n-1]) < time.Duration(r.Cooldown) {
					continue // cooling down
				}
				d := Decision{Time: now, Rule: r.Name, Alarm: a.Device + "/" + a.Tag, Active: a.Active, Target: target,
					Action: r.Action, Command: r.Command, Args: r.Args, Max: r.MaxAttempts, Runbook: r.Runbook}
				if len(hist) >= r.MaxAttempts {
					if e.refused[key].Equal(a.Active) {
						continue
					}
					e.refused[key] = a.Active
					d.Verdict, d.Attempt = Exhausted, len(hist)
					out = append(out, d)
					continue
				}
				e.attempts[key] = append(hist, now)
				d.Attempt = len(hist) + 1
				d.Verdict = Reported
				if r.Mode == Act {
					d.Verdict = Acted
				}
				out = append(out, d)
			}
		}
	}
	return out
}

// Attempts returns the attempts counted for a rule and target.
func (e *Engine) Attempts(rule, target string) int { return len(e.attempts[rule+"\x00"+target]) }

// matchAlarm matches "device/TAG" or "TAG" patterns, case-insensitively.
func matchAlarm(pattern, device, tag string) bool {
	pattern = strings.ToLower(pattern)
	full := strings.ToLower(device + "/" + tag)
	if strings.Count(pattern, "/") >= 3 {
		ok, _ := path.Match(pattern, full)
		return ok
	}
	ok, _ := path.Match(pattern, strings.ToLower(tag))
	return ok
}

// FromDevices lists the alarms of in-process PyAlarm devices.
func FromDevices(devs []*alarm.Device) []AlarmStatus {
	var out []AlarmStatus
	for _, d := range devs {
		for _, a := range d.Alarms() {
			out = append(out, AlarmStatus{Device: d.Name(), Tag: a.Tag, Active: a.Active})
		}
	}
	return out
}
