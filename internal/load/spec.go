package load

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Model is how clients issue requests.
type Model string

// Models.
const (
	ModelOpen   Model = "open"   // requests on a schedule (arrival rate), independent of replies
	ModelClosed Model = "closed" // N clients: request, wait for the reply, think, repeat
	ModelPoll   Model = "poll"   // N clients each reading all targets every Poll
	ModelEvents Model = "events" // N clients each subscribed to all targets
)

// Hard limits: flags may raise the defaults up to these, never beyond.
const (
	DefaultMaxDuration = 10 * time.Minute
	LimitDuration      = 24 * time.Hour
	DefaultMaxRequests = 10_000_000
	LimitRequests      = 1_000_000_000
	LimitClients       = 10_000
	LimitConnections   = 256
	LimitInFlight      = 100_000
	LimitRate          = 10_000_000
)

// Duration is a time.Duration written as "10s", "250ms" in YAML and flags.
type Duration time.Duration

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalText parses a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return &TextError{Text: string(b), Msg: fmt.Sprintf("want a duration like 10s or 250ms, got %q", b)}
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the Go form.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Rate is requests per second, written "1000", "1000/s", "60/m", "5/100ms".
type Rate float64

// ParseRate parses a rate.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	num, unit, hasUnit := strings.Cut(s, "/")
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("want a rate like 1000/s, got %q", s)
	}
	if !hasUnit {
		return Rate(v), nil
	}
	unit = strings.TrimSpace(unit)
	var per time.Duration
	switch unit {
	case "s":
		per = time.Second
	case "m":
		per = time.Minute
	case "h":
		per = time.Hour
	default:
		per, err = time.ParseDuration(unit)
		if err != nil || per <= 0 {
			return 0, fmt.Errorf("want a rate like 1000/s, got %q (bad unit %q)", s, unit)
		}
	}
	return Rate(v / per.Seconds()), nil
}

// UnmarshalText parses a rate.
func (r *Rate) UnmarshalText(b []byte) error {
	v, err := ParseRate(string(b))
	if err != nil {
		return &TextError{Text: string(b), Msg: err.Error()}
	}
	*r = v
	return nil
}

// MarshalText writes "N/s".
func (r Rate) MarshalText() ([]byte, error) {
	return []byte(strconv.FormatFloat(float64(r), 'g', -1, 64) + "/s"), nil
}

// Stage is one segment of the arrival-rate profile: the rate goes linearly
// from From to To over Duration (From == To: constant; a jump between
// stages is a spike). Written "10s:0->5000" or "20s:5000".
type Stage struct {
	Duration Duration
	From, To Rate
}

// ParseStage parses "DUR:RATE" or "DUR:FROM->TO".
func ParseStage(s string) (Stage, error) {
	ds, rs, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return Stage{}, fmt.Errorf("stage %q: want DURATION:RATE or DURATION:FROM->TO", s)
	}
	var st Stage
	if err := st.Duration.UnmarshalText([]byte(ds)); err != nil {
		return Stage{}, fmt.Errorf("stage %q: %v", s, err)
	}
	if st.Duration <= 0 {
		return Stage{}, fmt.Errorf("stage %q: duration must be positive", s)
	}
	from, to, ramp := strings.Cut(rs, "->")
	var err error
	if st.From, err = ParseRate(from); err != nil {
		return Stage{}, fmt.Errorf("stage %q: %v", s, err)
	}
	st.To = st.From
	if ramp {
		if st.To, err = ParseRate(to); err != nil {
			return Stage{}, fmt.Errorf("stage %q: %v", s, err)
		}
	}
	return st, nil
}

// ParseStages parses a comma-separated list of stages.
func ParseStages(s string) ([]Stage, error) {
	var out []Stage
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		st, err := ParseStage(part)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no stages in %q", s)
	}
	return out, nil
}

// UnmarshalText parses one stage.
func (st *Stage) UnmarshalText(b []byte) error {
	v, err := ParseStage(string(b))
	if err != nil {
		return &TextError{Text: string(b), Msg: err.Error()}
	}
	*st = v
	return nil
}

// MarshalText writes "DUR:FROM->TO".
func (st Stage) MarshalText() ([]byte, error) {
	f, _ := st.From.MarshalText()
	t, _ := st.To.MarshalText()
	return []byte(fmt.Sprintf("%s:%s->%s", st.Duration.D(), f, t)), nil
}

// TextError is a bad scalar; Text lets the YAML reader find its position.
type TextError struct{ Text, Msg string }

func (e *TextError) Error() string { return e.Msg }

// Mix is the relative weight of each operation in open and closed models.
type Mix map[OpKind]float64

// ParseMix parses "read=8,batch=1,write=1".
func ParseMix(s string) (Mix, error) {
	m := Mix{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("mix %q: want OP=WEIGHT (ops: %s)", part, opList())
		}
		kind, ok := parseOpKind(strings.TrimSpace(k))
		if !ok || kind == OpPoll {
			return nil, fmt.Errorf("mix %q: unknown operation %q (ops: %s)", part, k, opList())
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || w < 0 || math.IsInf(w, 0) || math.IsNaN(w) {
			return nil, fmt.Errorf("mix %q: weight must be a non-negative number", part)
		}
		m[kind] = w
	}
	return m, nil
}

// UnmarshalYAML-free form: a YAML mapping {read: 8, write: 1} decodes via
// the map's text keys.
func (k *OpKind) UnmarshalText(b []byte) error {
	v, ok := parseOpKind(string(b))
	if !ok || v == OpPoll {
		return &TextError{Text: string(b), Msg: fmt.Sprintf("unknown operation %q (ops: %s)", b, opList())}
	}
	*k = v
	return nil
}

// MarshalText writes the operation's name.
func (k OpKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// String renders the mix sorted by operation.
func (m Mix) String() string {
	var parts []string
	for k, w := range m {
		parts = append(parts, fmt.Sprintf("%s=%g", k, w))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// Spec is a workload. The zero value of most fields is a usable default
// (see Defaults); Validate says what is wrong with the rest.
type Spec struct {
	Model Model `yaml:"model" json:"model"`
	// Targets are "device/attribute" patterns (wildcards allowed) read,
	// polled, subscribed and (when writable) written.
	Targets []string `yaml:"targets" json:"targets"`
	// Commands are "device/command" names run by the command operation
	// (argument-less commands only).
	Commands []string `yaml:"commands,omitempty" json:"commands,omitempty"`
	Mix      Mix      `yaml:"mix,omitempty" json:"mix,omitempty"`
	// BatchSize is the number of attributes in a batched read.
	BatchSize int `yaml:"batch_size,omitempty" json:"batch_size,omitempty"`

	// Open model: Rate for Duration, or Stages.
	Rate    Rate    `yaml:"rate,omitempty" json:"rate,omitempty"`
	Stages  []Stage `yaml:"stages,omitempty" json:"stages,omitempty"`
	Poisson bool    `yaml:"poisson,omitempty" json:"poisson,omitempty"`
	// MaxInFlight bounds requests in flight; an arrival that finds no free
	// slot waits at most MaxLate past its intended time (default 1s; a
	// negative value: not at all, as k6 does), then counts as not issued.
	MaxInFlight int      `yaml:"max_inflight,omitempty" json:"max_inflight,omitempty"`
	MaxLate     Duration `yaml:"max_late,omitempty" json:"max_late,omitempty"`

	// Closed, poll and events models.
	Clients int      `yaml:"clients,omitempty" json:"clients,omitempty"`
	Think   Duration `yaml:"think,omitempty" json:"think,omitempty"`
	Poll    Duration `yaml:"poll,omitempty" json:"poll,omitempty"`
	// Events is the event type of event clients: change, periodic, archive.
	Events string `yaml:"events,omitempty" json:"events,omitempty"`

	Duration Duration `yaml:"duration,omitempty" json:"duration,omitempty"`
	Requests int64    `yaml:"requests,omitempty" json:"requests,omitempty"`
	// Connections is the number of TCP connections per server.
	Connections int      `yaml:"connections,omitempty" json:"connections,omitempty"`
	Timeout     Duration `yaml:"timeout,omitempty" json:"timeout,omitempty"`
	Seed        uint64   `yaml:"seed,omitempty" json:"seed,omitempty"`

	// Limits; raising them beyond the Limit* constants is refused.
	MaxDuration Duration `yaml:"max_duration,omitempty" json:"max_duration,omitempty"`
	MaxRequests int64    `yaml:"max_requests,omitempty" json:"max_requests,omitempty"`
}

// Defaults returns a copy of s with unset fields filled in.
func (s Spec) Defaults() Spec {
	if s.Model == "" {
		s.Model = ModelOpen
	}
	if len(s.Mix) == 0 {
		s.Mix = Mix{OpRead: 1}
	}
	if s.BatchSize == 0 {
		s.BatchSize = 10
	}
	if s.MaxInFlight == 0 {
		s.MaxInFlight = 1024
	}
	if s.MaxLate == 0 {
		s.MaxLate = Duration(time.Second)
	}
	if s.Clients == 0 {
		s.Clients = 1
	}
	if s.Events == "" {
		s.Events = "change"
	}
	if s.Connections == 0 {
		s.Connections = 1
	}
	if s.Timeout == 0 {
		s.Timeout = Duration(5 * time.Second)
	}
	if s.MaxDuration == 0 {
		s.MaxDuration = Duration(DefaultMaxDuration)
	}
	if s.MaxRequests == 0 {
		s.MaxRequests = DefaultMaxRequests
	}
	if s.Model == ModelOpen && len(s.Stages) == 0 && s.Duration == 0 && s.Requests > 0 && s.Rate > 0 {
		// A request count at a constant rate implies the duration.
		s.Duration = Duration(time.Duration(float64(s.Requests) / float64(s.Rate) * float64(time.Second)))
	}
	return s
}

// FieldError is a validation problem with the (YAML) field it concerns.
type FieldError struct {
	Field string // YAML key, "" for the spec as a whole
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// Validate returns every problem of a defaulted spec (call Defaults first).
func (s Spec) Validate() []error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	switch s.Model {
	case ModelOpen, ModelClosed, ModelPoll, ModelEvents:
	default:
		bad("model", "unknown model %q (want open, closed, poll or events)", s.Model)
	}
	if len(s.Targets) == 0 && !(s.onlyCommands()) {
		bad("targets", "no targets: give device/attribute patterns")
	}
	for k, w := range s.Mix {
		if w < 0 {
			bad("mix", "%s has a negative weight", k)
		}
	}
	if s.Model == ModelOpen || s.Model == ModelClosed || (s.Model == ModelEvents && s.rateDriven()) {
		total := 0.0
		for _, w := range s.Mix {
			total += w
		}
		if total <= 0 {
			bad("mix", "all weights are zero")
		}
		if s.Mix[OpCommand] > 0 && len(s.Commands) == 0 {
			bad("commands", "the mix has commands but no --command device/command is given")
		}
	}
	if s.BatchSize < 1 || s.BatchSize > 10_000 {
		bad("batch_size", "must be 1..10000, got %d", s.BatchSize)
	}
	if s.Rate < 0 || s.Rate > LimitRate {
		bad("rate", "must be 0..%d/s", LimitRate)
	}
	for i, st := range s.Stages {
		if st.Duration <= 0 {
			bad("stages", "stage %d: duration must be positive", i+1)
		}
		if st.From < 0 || st.To < 0 || st.From > LimitRate || st.To > LimitRate {
			bad("stages", "stage %d: rates must be 0..%d/s", i+1, LimitRate)
		}
	}
	if s.Model == ModelOpen {
		if len(s.Stages) == 0 && s.Rate <= 0 {
			bad("rate", "the open model needs a rate (or stages)")
		}
		if len(s.Stages) > 0 && s.Rate > 0 {
			bad("stages", "give either rate (with duration) or stages, not both")
		}
		if len(s.Stages) == 0 && s.Duration <= 0 && s.Requests <= 0 {
			bad("duration", "the open model needs a duration, a request count or stages")
		}
	}
	if s.Model != ModelOpen && len(s.Stages) > 0 {
		bad("stages", "stages shape the open model's arrival rate only")
	}
	if s.Model != ModelOpen && s.Duration <= 0 && s.Requests <= 0 {
		bad("duration", "give a duration or a request count")
	}
	if s.Model == ModelPoll && s.Poll <= 0 {
		bad("poll", "poll clients need a positive poll period")
	}
	if s.Model == ModelEvents {
		if _, ok := eventTypes[s.Events]; !ok {
			bad("events", "unknown event type %q (want change, periodic or archive)", s.Events)
		}
	}
	if s.Clients < 1 || s.Clients > LimitClients {
		bad("clients", "must be 1..%d, got %d", LimitClients, s.Clients)
	}
	if s.Think < 0 {
		bad("think", "must not be negative")
	}
	if s.MaxInFlight < 1 || s.MaxInFlight > LimitInFlight {
		bad("max_inflight", "must be 1..%d, got %d", LimitInFlight, s.MaxInFlight)
	}
	if s.Connections < 1 || s.Connections > LimitConnections {
		bad("connections", "must be 1..%d, got %d", LimitConnections, s.Connections)
	}
	if s.Timeout <= 0 {
		bad("timeout", "must be positive")
	}
	if s.Requests < 0 {
		bad("requests", "must not be negative")
	}
	if s.MaxDuration <= 0 || s.MaxDuration.D() > LimitDuration {
		bad("max_duration", "must be positive and at most %s", LimitDuration)
	}
	if s.MaxRequests <= 0 || s.MaxRequests > LimitRequests {
		bad("max_requests", "must be 1..%d", LimitRequests)
	}
	if d := s.planDuration(); d > s.MaxDuration.D() {
		bad("duration", "%s exceeds the limit of %s (raise max_duration, at most %s)", d, s.MaxDuration.D(), LimitDuration)
	}
	if s.Requests > s.MaxRequests {
		bad("requests", "%d exceeds the limit of %d (raise max_requests, at most %d)", s.Requests, s.MaxRequests, int64(LimitRequests))
	}
	return errs
}

func (s Spec) onlyCommands() bool {
	return len(s.Commands) > 0 && (s.Model == ModelOpen || s.Model == ModelClosed) && len(s.Mix) == 1 && s.Mix[OpCommand] > 0
}

// rateDriven reports whether an events run also drives writes on a schedule.
func (s Spec) rateDriven() bool { return s.Rate > 0 || len(s.Stages) > 0 }

func (s Spec) planDuration() time.Duration {
	if len(s.Stages) > 0 {
		var d time.Duration
		for _, st := range s.Stages {
			d += st.Duration.D()
		}
		return d
	}
	return s.Duration.D()
}

// Plan is what a spec will do, worked out without running it.
type Plan struct {
	Model Model
	// Duration bounds the run (the limit when only a count bounds it).
	Duration time.Duration
	// Requests is the number of scheduled requests of the open model
	// (expected value with Poisson arrivals), or the count limit.
	Requests int64
	// PeakRate is the highest scheduled arrival rate (open model).
	PeakRate float64
}

// Plan computes the plan of a defaulted, valid spec.
func (s Spec) Plan() Plan {
	p := Plan{Model: s.Model, Duration: s.planDuration()}
	if p.Duration <= 0 {
		p.Duration = s.MaxDuration.D()
	}
	if s.Model == ModelOpen || (s.Model == ModelEvents && s.rateDriven()) {
		stages := s.stages()
		var n float64
		for _, st := range stages {
			n += (float64(st.From) + float64(st.To)) / 2 * st.Duration.D().Seconds()
			p.PeakRate = math.Max(p.PeakRate, math.Max(float64(st.From), float64(st.To)))
		}
		p.Requests = int64(math.Floor(n + 1e-9))
		if s.Requests > 0 && s.Requests < p.Requests {
			p.Requests = s.Requests
		}
		if p.Requests > s.MaxRequests {
			p.Requests = s.MaxRequests
		}
		return p
	}
	p.Requests = s.Requests
	if p.Requests == 0 {
		p.Requests = s.MaxRequests
	}
	return p
}

// stages returns the arrival profile: Stages, or Rate for Duration.
func (s Spec) stages() []Stage {
	if len(s.Stages) > 0 {
		return s.Stages
	}
	d := s.Duration
	if d <= 0 {
		d = s.MaxDuration
	}
	return []Stage{{Duration: d, From: s.Rate, To: s.Rate}}
}
