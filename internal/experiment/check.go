package experiment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"chaoslab/internal/fault"
	"chaoslab/internal/load"
	"chaoslab/internal/netem"
)

// Metrics are the built-in metric probes. Load metrics come from the
// background load's live window; server metrics are scraped from the
// servers of the probe (all servers when none are named).
var Metrics = []string{
	"rate", "error_rate", "not_issued", "latency_p99_ms", "events_rate", "event_lag_p99_ms",
	"read_latency_ms",
	"server_rss_mb", "server_cpu", "server_restarts", "events_dropped", "subscribers",
}

// ServerActions are the supervisor verbs an action can use.
var ServerActions = []string{"server.kill", "server.stop", "server.start", "server.restart"}

// ConfigKeys are the attribute configuration fields config.set may change.
var ConfigKeys = []string{"polling_period", "abs_change", "rel_change", "event_period"}

// ActionKinds lists every action kind, for validation and suggestions:
// the supervisor verbs, the net.* toxics, config.set, attribute.write,
// load.run and every fault kind of internal/fault (proc.*, the in-server
// server.* faults; its net.* kinds are the toxics already listed).
func ActionKinds() []string {
	out := append([]string(nil), ServerActions...)
	for _, t := range netem.ToxicTypes() {
		out = append(out, "net."+t)
	}
	out = append(out, "config.set", "attribute.write", "load.run")
	for _, k := range fault.KindNames() {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// faultKind returns the fault kind an action names, when it is one that
// is not a supervisor verb or a toxic (those keep their own meaning).
func faultKind(action string) *fault.Kind {
	if slices.Contains(ServerActions, action) || strings.HasPrefix(action, "net.") {
		return nil
	}
	return fault.Kinds[action]
}

func at(p []string, els ...any) []string {
	out := append([]string(nil), p...)
	for _, e := range els {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

// check validates what the schema cannot: one source per probe, known
// names, compilable patterns, the load specs and the toxics.
func (d *decoder) check(x *Experiment) {
	if x.LoadRaw != nil {
		x.Load = d.loadSpec(x.LoadRaw, []string{"load"})
	}
	for i := range x.SteadyState.Probes {
		d.probe(&x.SteadyState.Probes[i], at(nil, "steady_state", "probes", i), true)
	}
	for i := range x.Stop {
		d.probe(&x.Stop[i], at(nil, "stop_conditions", i), true)
	}
	for i := range x.Method {
		d.step(&x.Method[i], at(nil, "method", i))
	}
	for i := range x.Rollbacks {
		d.step(&x.Rollbacks[i], at(nil, "rollbacks", i))
		if x.Rollbacks[i].Probe != nil || x.Rollbacks[i].Load != nil {
			d.add(at(nil, "rollbacks", i), "a rollback is an action or a pause")
		}
	}
	if x.System.State != "" && x.System.Catalog != "" {
		// Allowed: attach to State, bringing Catalog up there if needed.
	}
}

func (d *decoder) loadSpec(raw map[string]any, p []string) *load.Spec {
	b, _ := json.Marshal(raw)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s load.Spec
	if err := dec.Decode(&s); err != nil {
		msg := err.Error()
		if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
			key, _ := strconv.Unquote(f)
			d.semantic(at(p, key), true, "unknown key %q in %s (see docs/load.md)", key, pointer(p))
			return nil
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			d.add(at(p, te.Field), "want a %s", te.Type)
			return nil
		}
		d.add(p, "%s", strings.TrimPrefix(msg, "json: "))
		return nil
	}
	s = s.Defaults()
	ok := true
	for _, e := range s.Validate() {
		ok = false
		var fe *load.FieldError
		if errors.As(e, &fe) && fe.Field != "" {
			d.add(at(p, fe.Field), "%s", fe.Msg)
		} else {
			d.add(p, "%v", e)
		}
	}
	if !ok {
		return nil
	}
	return &s
}

func (d *decoder) probe(pr *ProbeSpec, p []string, needTol bool) {
	n := 0
	for _, set := range []bool{pr.Metric != "", pr.Attribute != nil, pr.HTTP != nil, pr.Command != nil, pr.Prometheus != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		d.add(p, "a probe has exactly one of metric, attribute, http, command, prometheus (found %d)", n)
	}
	if pr.Metric != "" && !slices.Contains(Metrics, pr.Metric) {
		msg := fmt.Sprintf("unknown metric %q", pr.Metric)
		if s := suggest(pr.Metric, Metrics); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			msg += " (expected one of " + strings.Join(Metrics, ", ") + ")"
		}
		d.add(at(p, "metric"), "%s", msg)
	}
	if a := pr.Attribute; a != nil {
		if a.Field != "state" && a.Name == "" {
			d.add(at(p, "attribute"), "name is required for field %q", cmp(a.Field, "value"))
		}
		if a.Mode == "count" && a.Count == 0 {
			d.add(at(p, "attribute"), "mode count needs count: N (the least number of devices in the band)")
		}
	}
	t := pr.Tolerance
	if needTol && t.Equals == nil && t.OneOf == nil && t.Min == nil && t.Max == nil && t.Range == nil && t.Regex == "" && t.JSONPath == "" && t.Compare == nil {
		d.add(at(p, "tolerance"), "missing tolerance: equals, one_of, min, max, range, regex, jsonpath or compare")
	}
	if len(t.Range) == 2 && t.Range[0] > t.Range[1] {
		d.add(at(p, "tolerance", "range"), "empty range [%g, %g]", t.Range[0], t.Range[1])
	}
	if t.Regex != "" {
		if _, err := regexp.Compile(t.Regex); err != nil {
			d.add(at(p, "tolerance", "regex"), "%v", err)
		}
	}
	if t.JSONPath != "" {
		if _, err := parseJSONPath(t.JSONPath); err != nil {
			d.add(at(p, "tolerance", "jsonpath"), "%v", err)
		}
	}
	if t.StayFor > 0 && t.RecoverWithin == 0 {
		d.add(at(p, "tolerance", "stay_for"), "stay_for needs recover_within")
	}
	if c := t.Compare; c != nil {
		if c.Confidence == 0 {
			c.Confidence = 0.95
		}
		if c.Effect == 0 {
			c.Effect = 0.33
		}
		if c.Direction == "" {
			c.Direction = "either"
		}
		if c.With == "" {
			c.With = "during"
		}
	}
	if pr.Attribute != nil {
		if pr.Attribute.Field == "" {
			pr.Attribute.Field = "value"
		}
		if pr.Attribute.Mode == "" {
			pr.Attribute.Mode = "all"
		}
	}
	if len(pr.When) == 0 {
		pr.When = []string{"before", "during", "after"}
	}
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (d *decoder) step(s *Step, p []string) {
	n := 0
	for _, set := range []bool{s.Action != "", s.Probe != nil, s.LoadRaw != nil} {
		if set {
			n++
		}
	}
	if n > 1 || (n == 0 && s.Pause == 0) {
		d.add(p, "a step is one of action, probe, load or a bare pause")
		return
	}
	if s.Probe != nil {
		d.probe(s.Probe, at(p, "probe"), true)
		if slices.Equal(s.Probe.When, []string{"before", "during", "after"}) {
			s.Probe.When = []string{"during"}
		}
	}
	if s.LoadRaw != nil {
		s.Load = d.loadSpec(s.LoadRaw, at(p, "load"))
		s.Action = "load.run"
		if s.Load != nil && s.Duration == 0 {
			s.Duration = Duration(s.Load.Duration)
		}
		return
	}
	if s.Action == "" {
		return
	}
	kinds := ActionKinds()
	if !slices.Contains(kinds, s.Action) {
		msg := fmt.Sprintf("unknown action %q", s.Action)
		if sg := suggest(s.Action, kinds); sg != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sg)
		} else {
			msg += " (expected one of " + strings.Join(kinds, ", ") + ")"
		}
		d.add(at(p, "action"), "%s", msg)
		return
	}
	switch k := faultKind(s.Action); {
	case k != nil:
		if len(s.Target.Servers) == 0 && len(s.Target.Devices) == 0 {
			d.add(at(p, "target"), "%s needs target.servers or target.devices", s.Action)
		}
		if k.Level == fault.LevelAttribute && s.Target.Attribute == "" {
			d.add(at(p, "target"), "%s acts on attributes: it needs target.attribute", s.Action)
		}
		for key := range s.Attributes {
			if !slices.Contains(k.Params, key) {
				msg := fmt.Sprintf("unknown attribute %q of %s", key, s.Action)
				if len(k.Params) == 0 {
					msg += " (it takes none)"
				} else {
					msg += " (want one of " + strings.Join(k.Params, ", ") + ")"
				}
				d.add(at(p, "attributes", key), "%s", msg)
			}
		}
	case strings.HasPrefix(s.Action, "server."), strings.HasPrefix(s.Action, "net."):
		if len(s.Target.Servers) == 0 {
			d.add(at(p, "target"), "%s needs target.servers (server name patterns)", s.Action)
		}
		if strings.HasPrefix(s.Action, "net.") {
			if _, err := toxicSpec(s.Action, s.Attributes); err != nil {
				d.add(at(p, "attributes"), "%v", err)
			}
		}
	case s.Action == "config.set" || s.Action == "attribute.write":
		if len(s.Target.Devices) == 0 || s.Target.Attribute == "" {
			d.add(at(p, "target"), "%s needs target.devices and target.attribute", s.Action)
		}
		if s.Action == "config.set" {
			if len(s.Attributes) == 0 {
				d.add(p, "config.set needs attributes: one or more of %s", strings.Join(ConfigKeys, ", "))
			}
			for k, v := range s.Attributes {
				if !slices.Contains(ConfigKeys, k) {
					msg := fmt.Sprintf("unknown configuration key %q", k)
					if sg := suggest(k, ConfigKeys); sg != "" {
						msg += fmt.Sprintf(" (did you mean %q?)", sg)
					}
					d.semantic(at(p, "attributes", k), true, "%s", msg)
					continue
				}
				if _, err := configValue(k, v); err != nil {
					d.add(at(p, "attributes", k), "%v", err)
				}
			}
		} else if _, ok := s.Attributes["value"]; !ok {
			d.add(p, "attribute.write needs attributes.value")
		}
	}
}

// toxicSpec builds the netem toxic of a net.* action: the envelope keys
// stream and toxicity, the rest are the toxic's attributes.
func toxicSpec(action string, attrs map[string]any) (netem.ToxicSpec, error) {
	env := map[string]any{"type": strings.TrimPrefix(action, "net.")}
	rest := map[string]any{}
	for k, v := range attrs {
		switch k {
		case "stream", "toxicity", "name":
			env[k] = v
		default:
			rest[k] = v
		}
	}
	env["attributes"] = rest
	b, _ := json.Marshal(env)
	return netem.DecodeToxic(b)
}

// configValue parses a config.set value: durations for periods, numbers
// for thresholds.
func configValue(key string, v any) (float64, error) {
	switch key {
	case "polling_period", "event_period":
		s, ok := v.(string)
		if !ok {
			return 0, fmt.Errorf("want a duration such as \"100ms\" (0 stops polling)")
		}
		dur, err := parseDur(s)
		if err != nil {
			return 0, err
		}
		return float64(dur.Milliseconds()), nil
	default:
		switch n := v.(type) {
		case float64:
			return n, nil
		case json.Number:
			return n.Float64()
		}
		return 0, fmt.Errorf("want a number")
	}
}
