package experiment

import (
	"encoding/json"
	"time"

	"chaoslab/internal/load"
)

// Experiment is a decoded, validated experiment file.
type Experiment struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Tags        []string       `json:"tags,omitempty"`
	Seed        *uint64        `json:"seed,omitempty"`
	Every       Duration       `json:"every,omitempty"`
	System      System         `json:"system"`
	LoadRaw     map[string]any `json:"load,omitempty"`
	SteadyState Hypothesis     `json:"steady_state"`
	Method      []Step         `json:"method"`
	Rollbacks   []Step         `json:"rollbacks,omitempty"`
	Stop        []ProbeSpec    `json:"stop_conditions,omitempty"`
	BlastRadius BlastRadius    `json:"blast_radius"`

	// Load is the background load (LoadRaw decoded), nil when none.
	Load *load.Spec `json:"-"`
	// Source is the file as read, for the journal (replay).
	Source string `json:"-"`
	// File is the name errors are reported under.
	File string `json:"-"`
}

// System says which twin the experiment runs on.
type System struct {
	// State is the twin's state directory (attach to a running twin).
	State string `json:"state,omitempty"`
	// Catalog, if set, is brought up when the twin is not up.
	Catalog string `json:"catalog,omitempty"`
	// Down stops a twin the run brought up once it ends (default true).
	Down *bool `json:"down,omitempty"`
}

// Hypothesis is the steady state: probes checked before, during (every
// Interval) and after the method.
type Hypothesis struct {
	Title    string      `json:"title,omitempty"`
	Interval Duration    `json:"interval,omitempty"` // default 500ms
	Baseline Duration    `json:"baseline,omitempty"` // sampling before the method (default 0: one check)
	Settle   Duration    `json:"settle,omitempty"`   // wait after the method before the after-check
	Probes   []ProbeSpec `json:"probes,omitempty"`
}

// ProbeSpec is a probe with its tolerance. Exactly one source is set:
// Metric, Attribute, HTTP, Command or Prometheus.
type ProbeSpec struct {
	Name       string     `json:"name"`
	Metric     string     `json:"metric,omitempty"`
	Window     Duration   `json:"window,omitempty"`
	Servers    []string   `json:"servers,omitempty"`
	Attribute  *AttrProbe `json:"attribute,omitempty"`
	HTTP       *HTTPProbe `json:"http,omitempty"`
	Command    *CmdProbe  `json:"command,omitempty"`
	Prometheus *PromProbe `json:"prometheus,omitempty"`
	When       []string   `json:"when,omitempty"` // default before, during, after
	Tolerance  Tolerance  `json:"tolerance"`
}

// AttrProbe reads an attribute (or the state) of every device matching
// Devices and applies the tolerance to each: all, any, or at least Count.
type AttrProbe struct {
	Devices []string `json:"devices"`
	Name    string   `json:"name,omitempty"`  // attribute name (not for field state)
	Field   string   `json:"field,omitempty"` // value (default), quality, state
	Mode    string   `json:"mode,omitempty"`  // all (default), any, count
	Count   int      `json:"count,omitempty"`
}

// HTTPProbe fetches a URL; the observation is the status or the body.
type HTTPProbe struct {
	URL     string   `json:"url"`
	Method  string   `json:"method,omitempty"`
	Field   string   `json:"field,omitempty"` // status (default) or body
	Timeout Duration `json:"timeout,omitempty"`
}

// CmdProbe runs a program; the observation is its exit code or stdout.
type CmdProbe struct {
	Path    string   `json:"path"`
	Args    []string `json:"args,omitempty"`
	Field   string   `json:"field,omitempty"` // exit (default) or stdout
	Timeout Duration `json:"timeout,omitempty"`
}

// PromProbe evaluates an instant PromQL query against a Prometheus URL.
type PromProbe struct {
	URL   string `json:"url"`
	Query string `json:"query"`
}

// Tolerance says which observations are in the steady state.
type Tolerance struct {
	Equals   any       `json:"equals,omitempty"`
	OneOf    []any     `json:"one_of,omitempty"`
	Min      *float64  `json:"min,omitempty"`
	Max      *float64  `json:"max,omitempty"`
	Range    []float64 `json:"range,omitempty"`
	Regex    string    `json:"regex,omitempty"`
	JSONPath string    `json:"jsonpath,omitempty"`
	// RecoverWithin: during the method the probe may leave the band after
	// a fault but must be back within this time and stay for StayFor.
	// Without it a during-probe must never leave the band.
	RecoverWithin Duration `json:"recover_within,omitempty"`
	StayFor       Duration `json:"stay_for,omitempty"`
	// Compare makes the verdict statistical: the baseline samples against
	// the samples during (or after) the method.
	Compare *Compare `json:"compare,omitempty"`
}

// Compare is a Mann-Whitney U comparison of two windows of a probe.
type Compare struct {
	With       string  `json:"with,omitempty"`       // during (default) or after
	Confidence float64 `json:"confidence,omitempty"` // default 0.95
	// Effect is the smallest |Cliff's delta| that counts as a deviation.
	Effect    float64 `json:"effect,omitempty"`    // default 0.33 (medium)
	Direction string  `json:"direction,omitempty"` // increase, decrease, either (default)
}

// Step is one method or rollback step: an action, a probe or a pause.
type Step struct {
	Name       string         `json:"name,omitempty"`
	Action     string         `json:"action,omitempty"`
	Target     Target         `json:"target"`
	Attributes map[string]any `json:"attributes,omitempty"`
	Probe      *ProbeSpec     `json:"probe,omitempty"`
	Pause      Duration       `json:"pause,omitempty"`
	Jitter     Duration       `json:"jitter,omitempty"`
	// Duration: the action is reverted after this long (before the next
	// step, or in the background when Background is set).
	Duration   Duration       `json:"duration,omitempty"`
	Background bool           `json:"background,omitempty"`
	Repeat     int            `json:"repeat,omitempty"`
	Every      Duration       `json:"every,omitempty"`
	LoadRaw    map[string]any `json:"load,omitempty"`

	Load *load.Spec `json:"-"`
}

// Target selects servers or devices; Pick chooses a seeded random subset.
type Target struct {
	Servers   []string `json:"servers,omitempty"`
	Devices   []string `json:"devices,omitempty"`
	Attribute string   `json:"attribute,omitempty"`
	Pick      Amount   `json:"pick,omitempty"`
}

// BlastRadius caps what the method may touch, checked before any action.
type BlastRadius struct {
	Servers Amount `json:"servers,omitempty"`
	Devices Amount `json:"devices,omitempty"`
	Hosts   Amount `json:"hosts,omitempty"`
}

// Amount is a count ("3") or a percentage ("25%"); zero means unset.
type Amount struct {
	N       int
	Percent float64
	Set     bool
}

// Of returns the amount out of total (percentages round down, at least 1
// when the percentage is positive and total > 0).
func (a Amount) Of(total int) int {
	if !a.Set {
		return total
	}
	if a.Percent > 0 {
		n := int(a.Percent * float64(total) / 100)
		if n == 0 && total > 0 {
			n = 1
		}
		return n
	}
	if a.N > total {
		return total
	}
	return a.N
}

func (a Amount) String() string {
	if a.Percent > 0 {
		return jsonFloat(a.Percent) + "%"
	}
	return jsonFloat(float64(a.N))
}

// MarshalJSON writes the amount as written.
func (a Amount) MarshalJSON() ([]byte, error) {
	if !a.Set {
		return []byte("null"), nil
	}
	if a.Percent > 0 {
		return json.Marshal(a.String())
	}
	return json.Marshal(a.N)
}

// UnmarshalJSON reads 3 or "25%" (the schema has checked the shape).
func (a *Amount) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err == nil {
		*a = Amount{N: n, Set: true}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	var f float64
	if err := json.Unmarshal([]byte(s[:len(s)-1]), &f); err != nil {
		return err
	}
	*a = Amount{Percent: f, Set: true}
	return nil
}

// Duration is a Go duration written as a string ("500ms").
type Duration time.Duration

// D returns the duration as time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// MarshalJSON writes "500ms".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "500ms" (the schema has checked the shape).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}
