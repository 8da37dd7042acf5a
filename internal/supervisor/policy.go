package supervisor

import (
	"fmt"
	"time"
)

// RestartMode says when the supervisor restarts a server that exited
// without being asked to.
type RestartMode string

// Restart modes.
const (
	RestartAlways    RestartMode = "always"     // any unrequested exit, clean or not
	RestartOnFailure RestartMode = "on-failure" // a non-zero exit or a signal
	RestartNever     RestartMode = "never"
)

// Policy is the restart policy: exponential backoff from Backoff, doubling
// per restart within Window, capped at MaxBackoff; after MaxRestarts
// restarts within Window the server is marked failed (a crash loop is not
// hidden forever). The zero Policy means DefaultPolicy.
type Policy struct {
	Restart     RestartMode   `json:"restart"`
	Backoff     time.Duration `json:"backoff"`
	MaxBackoff  time.Duration `json:"max_backoff"`
	MaxRestarts int           `json:"max_restarts"`
	Window      time.Duration `json:"window"`
}

// DefaultPolicy restarts always, first after 100 ms, at most 5 times a minute.
var DefaultPolicy = Policy{Restart: RestartAlways, Backoff: 100 * time.Millisecond, MaxBackoff: 10 * time.Second, MaxRestarts: 5, Window: time.Minute}

// withDefaults fills zero fields from DefaultPolicy.
func (p Policy) withDefaults() Policy {
	if p.Restart == "" {
		p.Restart = DefaultPolicy.Restart
	}
	if p.Backoff <= 0 {
		p.Backoff = DefaultPolicy.Backoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultPolicy.MaxBackoff
	}
	if p.MaxRestarts <= 0 {
		p.MaxRestarts = DefaultPolicy.MaxRestarts
	}
	if p.Window <= 0 {
		p.Window = DefaultPolicy.Window
	}
	return p
}

// Validate reports a bad policy in a sentence.
func (p Policy) Validate() error {
	switch p.Restart {
	case "", RestartAlways, RestartOnFailure, RestartNever:
	default:
		return fmt.Errorf("restart policy %q: want always, on-failure or never", p.Restart)
	}
	if p.Backoff < 0 || p.MaxBackoff < 0 || p.Window < 0 || p.MaxRestarts < 0 {
		return fmt.Errorf("restart policy: durations and counts must not be negative")
	}
	return nil
}

// Decision is what to do about a server that exited unrequested.
type Decision struct {
	Restart bool
	Delay   time.Duration // before the restart
	Reason  string        // why not, when Restart is false
}

// Decide applies the policy to an exit at now. failed is true for a
// non-zero exit or a death by signal; restarts holds the times of earlier
// restarts of this server (older ones are ignored).
func (p Policy) Decide(failed bool, restarts []time.Time, now time.Time) Decision {
	p = p.withDefaults()
	switch {
	case p.Restart == RestartNever:
		return Decision{Reason: "restart policy is never"}
	case p.Restart == RestartOnFailure && !failed:
		return Decision{Reason: "exited cleanly (restart policy on-failure)"}
	}
	n := 0
	for _, t := range restarts {
		if now.Sub(t) < p.Window {
			n++
		}
	}
	if n >= p.MaxRestarts {
		return Decision{Reason: fmt.Sprintf("%d restarts within %v", n, p.Window)}
	}
	d := p.Backoff
	for i := 0; i < n && d < p.MaxBackoff; i++ {
		d *= 2
	}
	return Decision{Restart: true, Delay: min(d, p.MaxBackoff)}
}
