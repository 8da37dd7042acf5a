package server

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// In-server fault kinds. Attribute faults are sim.Override functions
// stacked per attribute (applied in injection order, so the later fault
// sees the earlier one's output); the others act in the server layer:
// request latency, command failures, forced device state in GetState,
// event flood, memory growth and CPU burn.

// layer says where a kind acts.
type layer uint8

const (
	layerAttr   layer = iota // a sim.Override on each target attribute
	layerDevice              // a server-layer hook on each target device
	layerServer              // the whole process (memory, CPU)
)

// faultKind describes one in-server fault kind.
type faultKind struct {
	layer  layer
	params []string // accepted parameter names
	// attr builds the override of one attribute (layerAttr, and the State
	// attribute of server.state). start is the injection time.
	attr func(p params, rng *rand.Rand, start time.Time) (applyFunc, error)
}

// applyFunc alters one reading; false drops it from events.
type applyFunc func(now time.Time, r *sim.Reading) bool

// faultKinds is the registry of in-server fault kinds, by namespaced ID.
var faultKinds = map[string]*faultKind{
	"server.exception":    {layer: layerAttr, params: []string{"reason", "desc"}, attr: newException},
	"server.stuck":        {layer: layerAttr, params: []string{"value"}, attr: newStuck},
	"server.drift":        {layer: layerAttr, params: []string{"rate"}, attr: newDrift},
	"server.noise":        {layer: layerAttr, params: []string{"amplitude"}, attr: newNoise},
	"server.saturate":     {layer: layerAttr, params: []string{"min", "max"}, attr: newSaturate},
	"server.nan":          {layer: layerAttr, attr: newNaN},
	"server.out_of_range": {layer: layerAttr, params: []string{"value"}, attr: newOutOfRange},
	"server.wrong_type":   {layer: layerAttr, params: []string{"value"}, attr: newWrongType},
	"server.stale":        {layer: layerAttr, params: []string{"age"}, attr: newStale},
	"server.quality":      {layer: layerAttr, params: []string{"quality"}, attr: newQuality},
	"server.event_drop":   {layer: layerAttr, params: []string{"probability"}, attr: newEventDrop},
	"server.state":        {layer: layerDevice, params: []string{"state", "status"}},
	"server.latency":      {layer: layerDevice, params: []string{"latency", "jitter", "ops"}},
	"server.command_fail": {layer: layerDevice, params: []string{"command", "reason", "desc"}},
	"server.event_flood":  {layer: layerDevice, params: []string{"factor"}},
	"server.memory":       {layer: layerServer, params: []string{"rate", "cap"}},
	"server.cpu":          {layer: layerServer, params: []string{"workers"}},
}

// FaultKinds lists the in-server fault kinds.
func FaultKinds() []string {
	out := make([]string, 0, len(faultKinds))
	for k := range faultKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// params are a fault's parameters with typed, strict accessors; errors
// name the kind and the parameter.
type params struct {
	kind string
	m    map[string]string
}

func (p params) check(allowed []string) error {
	for k := range p.m {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
			}
		}
		if !ok {
			if len(allowed) == 0 {
				return fmt.Errorf("%s: unknown parameter %q (it takes none)", p.kind, k)
			}
			return fmt.Errorf("%s: unknown parameter %q (want one of %s)", p.kind, k, strings.Join(allowed, ", "))
		}
	}
	return nil
}

func (p params) str(name, def string) string {
	if v, ok := p.m[name]; ok {
		return v
	}
	return def
}

func (p params) float(name string, def float64, required bool) (float64, error) {
	v, ok := p.m[name]
	if !ok {
		if required {
			return 0, fmt.Errorf("%s: parameter %s is required", p.kind, name)
		}
		return def, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return 0, fmt.Errorf("%s: parameter %s: want a number, got %q", p.kind, name, v)
	}
	return f, nil
}

func (p params) duration(name string, def time.Duration, required bool) (time.Duration, error) {
	v, ok := p.m[name]
	if !ok {
		if required {
			return 0, fmt.Errorf("%s: parameter %s is required", p.kind, name)
		}
		return def, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: parameter %s: want a duration like 100ms, got %q", p.kind, name, v)
	}
	return d, nil
}

// numeric returns a scalar reading's number; ok is false for other values.
func numeric(v pyval.Value) (f float64, isInt, ok bool) {
	switch v.K {
	case pyval.FloatKind:
		return v.Float64(), false, true
	case pyval.IntKind:
		return float64(v.Int64()), true, true
	}
	return 0, false, false
}

// setNumber stores f keeping the attribute's kind (ints are rounded).
func setNumber(r *sim.Reading, f float64, isInt bool) {
	if isInt && !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) < 1<<62 {
		r.Value = pyval.Int(int64(math.Round(f)))
		return
	}
	r.Value = pyval.Float(f)
}

// mapNumber applies f to numeric scalar readings without an error.
func mapNumber(f func(now time.Time, x float64) float64) applyFunc {
	return func(now time.Time, r *sim.Reading) bool {
		if r.Err != nil {
			return true
		}
		if x, isInt, ok := numeric(r.Value); ok {
			setNumber(r, f(now, x), isInt)
		}
		return true
	}
}

func newException(p params, _ *rand.Rand, _ time.Time) (applyFunc, error) {
	de := &sim.DevError{Reason: p.str("reason", "API_InjectedFault"), Desc: p.str("desc", "fault injected by chaoslab"), Origin: "chaoslab fault"}
	return func(_ time.Time, r *sim.Reading) bool {
		r.Value, r.Quality, r.Err = pyval.None, sim.Invalid, de
		return true
	}, nil
}

// newStuck freezes the value: at value= when given, else at the first
// value read after injection.
func newStuck(p params, _ *rand.Rand, _ time.Time) (applyFunc, error) {
	var stuck pyval.Value
	have := false
	if v, ok := p.m["value"]; ok {
		stuck, have = literal(v), true
	}
	return func(_ time.Time, r *sim.Reading) bool {
		if r.Err != nil {
			return true
		}
		if !have {
			stuck, have = r.Value, true
		}
		r.Value = stuck
		return true
	}, nil
}

// literal reads a parameter as a number when it is one, else a string.
func literal(s string) pyval.Value {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return pyval.Int(i)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return pyval.Float(f)
	}
	return pyval.Str(s)
}

func newDrift(p params, _ *rand.Rand, start time.Time) (applyFunc, error) {
	rate, err := p.float("rate", 0, true)
	if err != nil {
		return nil, err
	}
	return mapNumber(func(now time.Time, x float64) float64 {
		return x + rate*now.Sub(start).Seconds()
	}), nil
}

func newNoise(p params, rng *rand.Rand, _ time.Time) (applyFunc, error) {
	a, err := p.float("amplitude", 0, true)
	if err != nil {
		return nil, err
	}
	if a < 0 {
		return nil, fmt.Errorf("server.noise: parameter amplitude must not be negative, got %g", a)
	}
	return mapNumber(func(_ time.Time, x float64) float64 {
		return x + (2*rng.Float64()-1)*a
	}), nil
}

func newSaturate(p params, _ *rand.Rand, _ time.Time) (applyFunc, error) {
	lo, err := p.float("min", math.Inf(-1), false)
	if err != nil {
		return nil, err
	}
	hi, err := p.float("max", math.Inf(1), false)
	if err != nil {
		return nil, err
	}
	if lo > hi {
		return nil, fmt.Errorf("server.saturate: min %g is above max %g", lo, hi)
	}
	if _, ok := p.m["min"]; !ok {
		if _, ok := p.m["max"]; !ok {
			return nil, fmt.Errorf("server.saturate: give min, max or both")
		}
	}
	return mapNumber(func(_ time.Time, x float64) float64 { return min(max(x, lo), hi) }), nil
}

func newNaN(params, *rand.Rand, time.Time) (applyFunc, error) {
	return func(_ time.Time, r *sim.Reading) bool {
		if r.Err == nil {
			r.Value = pyval.Float(math.NaN())
		}
		return true
	}, nil
}

func newOutOfRange(p params, _ *rand.Rand, _ time.Time) (applyFunc, error) {
	v, err := p.float("value", 1e300, false)
	if err != nil {
		return nil, err
	}
	return func(_ time.Time, r *sim.Reading) bool {
		if r.Err == nil {
			r.Value = pyval.Float(v)
		}
		return true
	}, nil
}

func newWrongType(p params, _ *rand.Rand, _ time.Time) (applyFunc, error) {
	v := pyval.Str(p.str("value", "#garbage#"))
	return func(_ time.Time, r *sim.Reading) bool {
		if r.Err == nil {
			r.Value = v
		}
		return true
	}, nil
}

// newStale freezes the timestamp at the injection time minus age.
func newStale(p params, _ *rand.Rand, start time.Time) (applyFunc, error) {
	age, err := p.duration("age", 0, false)
	if err != nil {
		return nil, err
	}
	t := start.Add(-age)
	return func(_ time.Time, r *sim.Reading) bool { r.Time = t; return true }, nil
}

var qualities = map[string]sim.Quality{"VALID": sim.Valid, "INVALID": sim.Invalid, "ALARM": sim.Alarm, "CHANGING": sim.Changing, "WARNING": sim.Warning}

func newQuality(p params, _ *rand.Rand, _ time.Time) (applyFunc, error) {
	name := strings.ToUpper(strings.TrimPrefix(strings.ToUpper(p.str("quality", "INVALID")), "ATTR_"))
	q, ok := qualities[name]
	if !ok {
		return nil, fmt.Errorf("server.quality: parameter quality: want INVALID, ALARM, WARNING, CHANGING or VALID, got %q", p.m["quality"])
	}
	return func(_ time.Time, r *sim.Reading) bool { r.Quality = q; return true }, nil
}

func newEventDrop(p params, rng *rand.Rand, _ time.Time) (applyFunc, error) {
	prob, err := p.float("probability", 1, false)
	if err != nil {
		return nil, err
	}
	if prob < 0 || prob > 1 {
		return nil, fmt.Errorf("server.event_drop: parameter probability must be in [0, 1], got %g", prob)
	}
	// Reads also pass through overrides; the returned false only drops
	// events, so a read still shows the value.
	return func(time.Time, *sim.Reading) bool { return rng.Float64() >= prob }, nil
}

// newForcedState is server.state's override of the State attribute.
func newForcedState(st sim.State) applyFunc {
	return func(_ time.Time, r *sim.Reading) bool { r.Value = pyval.Int(int64(st)); return true }
}
