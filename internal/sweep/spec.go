package sweep

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Status is how a case (or one repeat of it) ended. When repeats differ
// the worst wins: FAILED > STALLED > OK (the seed let the last signal win).
type Status string

// Statuses.
const (
	StatusOK      Status = "OK"
	StatusFailed  Status = "FAILED"
	StatusStalled Status = "STALLED"
	StatusError   Status = "ERROR" // the case could not run (setup or executor error)
)

func (s Status) rank() int {
	switch s {
	case StatusOK:
		return 0
	case StatusStalled:
		return 2
	case StatusFailed:
		return 3
	case StatusError:
		return 4
	}
	return 1
}

// Worst returns the worse of two statuses ("" counts as nothing yet).
func Worst(a, b Status) Status {
	if a == "" {
		return b
	}
	if b == "" || a.rank() >= b.rank() {
		return a
	}
	return b
}

// Subset is the `subset:` section.
type SubsetSpec struct {
	Method SubsetMethod
	K      int
}

// Signal is one status and its conditions.
type Signal struct {
	Status     Status
	Conditions []*Expr
}

// Task is one hook command, awaited with a timeout.
type Task struct {
	Argv    []*Template
	Env     map[string]*Template
	Timeout time.Duration
	// Continue: a failure is logged and the run goes on; otherwise a
	// failing setup/pretest aborts the run and a failing intertest marks
	// the case ERROR.
	Continue bool
	Pos      Pos
}

// Tasks are the lifecycle hooks, all awaited.
type Tasks struct {
	Setup, Pretest, Intertest, Posttest, Teardown []*Task
}

// SearchConf is the `search:` section (breaking-point search).
type SearchConf struct {
	Parameter  string
	Spec       SearchSpec
	Hypothesis []*Expr
	Pos        Pos
}

// File is a parsed matrix file.
type File struct {
	Path     string
	Dir      string // directory of Path: relative paths in the file resolve against it
	Title    string
	Seed     uint64
	Repeat   int
	Outliers Outliers
	Stall    time.Duration // per-case stall timeout (no progress for this long)
	Subset   SubsetSpec
	Params   []*Param

	// The case template: Load with Twin (and Config), or Command.
	Twin       *Template
	Config     *Template // runtime attribute configuration (SetConfig), no twin restart
	Load       *Template
	Command    *Template
	Experiment *ExpTemplate // an experiment per case (internal/experiment)
	// Faults are fault specs (internal/fault) bound per case and applied
	// during every repeat of a twin load case, undone after it.
	Faults []*FaultTemplate

	Signals     []Signal
	SignalCount *Expr
	Tasks       Tasks
	Metrics     []string // metrics to summarise, plot and print (default: DefaultMetrics)
	Search      *SearchConf

	Warnings []string
}

// DefaultMetrics are summarised when the file does not list metrics.
var DefaultMetrics = []string{"achieved_rate", "p50_ms", "p99_ms", "error_rate", "events", "lag_p99_ms", "server_cpu", "server_rss_mb", "generator_cpu"}

// Load reads and validates a matrix file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse decodes a matrix file strictly: unknown keys, wrong types and bad
// values are errors at file:line:col, all reported at once; expressions
// are compiled (and checked against the parameters) before anything runs.
func Parse(path string, data []byte) (*File, error) {
	root, err := parseYAML(path, data)
	if err != nil {
		return nil, err
	}
	if root.Kind != yMap {
		return nil, &PosError{Pos: root.Pos, Msg: "expected a mapping with a matrix"}
	}
	f := &File{Path: path, Dir: filepath.Dir(path), Seed: 1, Repeat: 1, Outliers: OutliersNone, Stall: 30 * time.Second}
	var errs []error
	add := func(e error) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	add(root.checkKeys("the matrix file", "title", "seed", "repeat", "runs", "outliers", "stall_timeout", "subset",
		"matrix", "policies", "twin", "config", "load", "command", "experiment", "signals", "events", "signal_count",
		"tasks", "metrics", "search", "faults"))

	// The seed's whole config nests the matrix in a policy: accept
	// policies: [{class: policy.MultivariableExplorerPolicy, matrix, events}].
	if pol := root.get("policies"); pol != nil {
		add(f.readPolicies(pol, root))
	}
	if n := root.get("title"); n != nil {
		f.Title, err = str(n, "title")
		add(err)
	}
	if n := root.get("seed"); n != nil {
		v, err := integer(n, "seed")
		add(err)
		if err == nil && v < 0 {
			add(&PosError{Pos: n.Pos, Msg: "seed must not be negative"})
		}
		f.Seed = uint64(v)
	}
	rep := root.get("repeat")
	if n := root.get("runs"); n != nil {
		if rep != nil {
			add(&PosError{Pos: root.keyPos("runs"), Msg: "give repeat or its alias runs, not both"})
		} else {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s: runs is read as repeat (the seed documented runs but only read repeat)", root.keyPos("runs")))
			rep = n
		}
	}
	if rep != nil {
		v, err := integer(rep, "repeat")
		add(err)
		if err == nil && (v < 1 || v > 1000) {
			add(&PosError{Pos: rep.Pos, Msg: "repeat must be between 1 and 1000"})
		}
		f.Repeat = int(v)
	}
	if n := root.get("outliers"); n != nil {
		s, err := str(n, "outliers")
		add(err)
		if err == nil {
			o, err := ParseOutliers(s)
			if err != nil {
				add(&PosError{Pos: n.Pos, Msg: err.Error()})
			}
			f.Outliers = o
		}
	}
	if n := root.get("stall_timeout"); n != nil {
		d, err := duration(n, "stall_timeout")
		add(err)
		if err == nil && d <= 0 {
			add(&PosError{Pos: n.Pos, Msg: "stall_timeout must be positive"})
		}
		f.Stall = d
	}
	if n := root.get("subset"); n != nil {
		add(f.readSubset(n))
	}
	if n := root.get("matrix"); n != nil {
		add(f.readMatrix(n))
	} else if root.get("policies") == nil {
		add(&PosError{Pos: root.Pos, Msg: "missing matrix: expected matrix: {name: {type: discrete|range|sample, ...}}"})
	}
	for _, k := range []struct {
		key string
		dst **Template
	}{{"twin", &f.Twin}, {"config", &f.Config}, {"load", &f.Load}, {"command", &f.Command}} {
		if n := root.get(k.key); n != nil {
			t, err := compileTemplate(n)
			add(err)
			*k.dst = t
		}
	}
	if n := root.get("experiment"); n != nil {
		e, err := readExperiment(f.Dir, n)
		add(err)
		f.Experiment = e
	}
	if n := root.get("faults"); n != nil {
		l, err := readFaults(n)
		add(err)
		f.Faults = l
	}
	if n := root.get("signals"); n != nil {
		add(f.readSignals(n))
	}
	if n := root.get("events"); n != nil {
		add(f.readSeedEvents(n))
	}
	if n := root.get("signal_count"); n != nil {
		add(f.readSignalCount(n))
	}
	if n := root.get("tasks"); n != nil {
		add(f.readTasks(n))
	}
	if n := root.get("metrics"); n != nil {
		l, err := strList(n, "metrics")
		add(err)
		f.Metrics = l
	}
	if n := root.get("search"); n != nil {
		add(f.readSearch(n))
	}
	if len(errs) == 0 {
		add(f.check(root))
	}
	if err := joinErrs(errs); err != nil {
		return nil, err
	}
	if len(f.Metrics) == 0 {
		f.Metrics = DefaultMetrics
	}
	return f, nil
}

// check validates the file as a whole: one case template, expressions
// naming known parameters.
func (f *File) check(root *ynode) error {
	var errs []error
	kinds := 0
	for _, t := range []*Template{f.Load, f.Command} {
		if t != nil {
			kinds++
		}
	}
	if f.Experiment != nil {
		kinds++
	}
	switch {
	case kinds == 0 && !f.seedOnly():
		errs = append(errs, &PosError{Pos: root.Pos, Msg: "missing case template: give load: (with twin:), experiment: or command:"})
	case kinds > 1:
		errs = append(errs, &PosError{Pos: root.Pos, Msg: "give one case template: load, experiment or command"})
	}
	if f.Command != nil && (f.Twin != nil || f.Config != nil) {
		errs = append(errs, &PosError{Pos: root.keyPos("command"), Msg: "a command case runs outside the twin: twin and config do not apply"})
	}
	if len(f.Faults) > 0 && f.Load == nil {
		errs = append(errs, &PosError{Pos: root.keyPos("faults"), Msg: "faults apply to twin load cases (an experiment has its own method; a command runs outside the twin)"})
	}
	if f.Load != nil && f.Twin == nil {
		errs = append(errs, &PosError{Pos: root.keyPos("load"), Msg: "a load case needs twin: {catalog: FILE}"})
	}
	names := map[string]bool{}
	for _, p := range f.Params {
		names[p.Name] = true
	}
	if f.Search != nil && !names[f.Search.Parameter] {
		errs = append(errs, &PosError{Pos: f.Search.Pos, Msg: fmt.Sprintf("search parameter %q is not in the matrix", f.Search.Parameter)})
	}
	if f.SignalCount != nil {
		for _, n := range f.SignalCount.Names() {
			if !names[n] && n != "_i" {
				errs = append(errs, &PosError{Pos: f.SignalCount.Pos, Msg: fmt.Sprintf("signal_count: unknown name %q (expected a parameter or _i)", n)})
			}
		}
	}
	return joinErrs(errs)
}

// seedOnly reports a file that only expands (the seed's policy block with
// no case template): --dry-run works, running does not.
func (f *File) seedOnly() bool {
	return f.Load == nil && f.Command == nil && f.Experiment == nil && len(f.Signals) > 0
}

// ParamNames returns the parameter names in declaration order.
func (f *File) ParamNames() []string {
	out := make([]string, len(f.Params))
	for i, p := range f.Params {
		out[i] = p.Name
	}
	return out
}

func (f *File) readSubset(n *ynode) error {
	if n.Kind != yMap {
		return &PosError{Pos: n.Pos, Msg: "subset: expected {method: random|lhs, k: N}"}
	}
	if err := n.checkKeys("subset", "method", "k"); err != nil {
		return err
	}
	var errs []error
	if m := n.get("method"); m != nil {
		s, err := str(m, "subset.method")
		if err == nil && s != "random" && s != "lhs" {
			err = &PosError{Pos: m.Pos, Msg: fmt.Sprintf("subset.method %q: expected random or lhs", s)}
		}
		if err != nil {
			errs = append(errs, err)
		}
		f.Subset.Method = SubsetMethod(s)
	} else {
		errs = append(errs, &PosError{Pos: n.Pos, Msg: "subset: missing method (random or lhs)"})
	}
	if k := n.get("k"); k != nil {
		v, err := integer(k, "subset.k")
		if err == nil && v < 1 {
			err = &PosError{Pos: k.Pos, Msg: "subset.k must be at least 1"}
		}
		if err != nil {
			errs = append(errs, err)
		}
		f.Subset.K = int(v)
	} else {
		errs = append(errs, &PosError{Pos: n.Pos, Msg: "subset: missing k"})
	}
	return joinErrs(errs)
}

func (f *File) readMatrix(n *ynode) error {
	if n.Kind != yMap || len(n.Keys) == 0 {
		return &PosError{Pos: n.Pos, Msg: "matrix: expected a mapping of parameter names to {type: discrete|range|sample, ...}"}
	}
	var errs []error
	for i, name := range n.Keys {
		p, err := f.readParam(name, n.KeyPos[i], n.Vals[i])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f.Params = append(f.Params, p)
	}
	return joinErrs(errs)
}

var reserved = map[string]bool{"_i": true, "_repeat": true}

func (f *File) readParam(name string, kp Pos, n *ynode) (*Param, error) {
	if !isIdent(name) || reserved[name] {
		return nil, &PosError{Pos: kp, Msg: fmt.Sprintf("parameter name %q: expected an identifier (letters, digits, _; not _i or _repeat) usable in expressions", name)}
	}
	if n.Kind != yMap {
		return nil, &PosError{Pos: n.Pos, Msg: fmt.Sprintf("parameter %s: expected {type: discrete|range|sample, ...}, got %s", name, n.Kind)}
	}
	if err := n.checkKeys("parameter "+name, "type", "values", "min", "max", "step", "samples", "desc", "units"); err != nil {
		return nil, err
	}
	p := &Param{Name: name, Pos: kp}
	var errs []error
	add := func(e error) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	// The seed's default type was "sample" (which never worked); here a
	// missing type is discrete when values are given, range otherwise.
	typ := ""
	if t := n.get("type"); t != nil {
		s, err := str(t, "type")
		add(err)
		typ = s
		if s == "discreet" {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s: type \"discreet\" (the seed's spelling) is read as \"discrete\"", t.Pos))
			typ = "discrete"
		}
		switch Kind(typ) {
		case Discrete, Range, Sample:
		default:
			if err == nil {
				add(&PosError{Pos: t.Pos, Msg: fmt.Sprintf("parameter %s: unknown type %q (expected discrete, range or sample)", name, s)})
			}
		}
	} else if n.get("values") != nil {
		typ = "discrete"
	} else {
		typ = "range"
	}
	p.Kind = Kind(typ)
	if d := n.get("desc"); d != nil {
		p.Desc, _ = d.Val.(string)
	}
	if u := n.get("units"); u != nil {
		p.Units, _ = u.Val.(string)
	}
	switch p.Kind {
	case Discrete:
		for _, k := range []string{"min", "max", "step", "samples"} {
			if n.get(k) != nil {
				add(&PosError{Pos: n.keyPos(k), Msg: fmt.Sprintf("parameter %s: %s does not apply to a discrete parameter (values: [...])", name, k)})
			}
		}
		v := n.get("values")
		if v == nil || v.Kind != ySeq || len(v.Items) == 0 {
			pos := n.Pos
			if v != nil {
				pos = v.Pos
			}
			add(&PosError{Pos: pos, Msg: fmt.Sprintf("parameter %s: discrete needs values: [v1, v2, ...]", name)})
			break
		}
		seen := map[string]Pos{}
		for _, it := range v.Items {
			if it.Kind != yScalar || it.Val == nil {
				add(&PosError{Pos: it.Pos, Msg: fmt.Sprintf("parameter %s: values must be numbers, strings or booleans", name)})
				continue
			}
			k := FormatValue(it.Val)
			if at, dup := seen[k]; dup {
				add(&PosError{Pos: it.Pos, Msg: fmt.Sprintf("parameter %s: duplicate value %s (also at line %d)", name, k, at.Line)})
			}
			seen[k] = it.Pos
			p.Values = append(p.Values, it.Val)
		}
	case Range, Sample:
		if n.get("values") != nil {
			add(&PosError{Pos: n.keyPos("values"), Msg: fmt.Sprintf("parameter %s: values applies only to a discrete parameter", name)})
		}
		if p.Kind == Range && n.get("samples") != nil {
			add(&PosError{Pos: n.keyPos("samples"), Msg: fmt.Sprintf("parameter %s: samples applies only to a sample parameter", name)})
		}
		// Defaults follow the seed: min 0, max 1, step 1, samples 10.
		p.Min, p.Max, p.Step, p.Samples = 0, 1, 1, 10
		ints := true
		for _, k := range []struct {
			key string
			dst *float64
		}{{"min", &p.Min}, {"max", &p.Max}, {"step", &p.Step}} {
			c := n.get(k.key)
			if c == nil {
				continue
			}
			x, isInt, err := number(c, name+"."+k.key)
			add(err)
			*k.dst = x
			ints = ints && isInt
		}
		p.Ints = ints
		if s := n.get("samples"); s != nil {
			v, err := integer(s, name+".samples")
			add(err)
			p.Samples = int(v)
		}
		if len(errs) == 0 {
			if g, err := p.gridSize(); err != nil {
				pos := n.Pos
				switch {
				case !(p.Step > 0) && n.get("step") != nil:
					pos = n.get("step").Pos
				case p.Max < p.Min && n.get("max") != nil:
					pos = n.get("max").Pos
				}
				add(&PosError{Pos: pos, Msg: err.Error()})
			} else if p.Kind == Sample {
				if _, err := p.Options(paramRNG(0, name)); err != nil {
					add(&PosError{Pos: n.Pos, Msg: err.Error()})
				} else if p.Samples >= g {
					f.Warnings = append(f.Warnings, fmt.Sprintf("%s: parameter %s: %d samples asked but the grid has %d values: every grid value is used once", n.Pos, name, p.Samples, g))
				}
			}
		}
	}
	return p, joinErrs(errs)
}

// readPolicies accepts the seed's policy block for the explorer.
func (f *File) readPolicies(n, root *ynode) error {
	if root.get("matrix") != nil {
		return &PosError{Pos: root.keyPos("policies"), Msg: "give matrix at the top level or in policies, not both"}
	}
	if n.Kind != ySeq || len(n.Items) != 1 || n.Items[0].Kind != yMap {
		return &PosError{Pos: n.Pos, Msg: "policies: expected one MultivariableExplorerPolicy block"}
	}
	p := n.Items[0]
	if err := p.checkKeys("the policy", "class", "matrix", "events"); err != nil {
		return err
	}
	if c := p.get("class"); c != nil {
		s, _ := c.Val.(string)
		if s != "policy.MultivariableExplorerPolicy" {
			return &PosError{Pos: c.Pos, Msg: fmt.Sprintf("policy class %q: only policy.MultivariableExplorerPolicy is supported", s)}
		}
	}
	var errs []error
	if m := p.get("matrix"); m != nil {
		if err := f.readMatrix(m); err != nil {
			errs = append(errs, err)
		}
	} else {
		errs = append(errs, &PosError{Pos: p.Pos, Msg: "policy: missing matrix"})
	}
	if e := p.get("events"); e != nil {
		if err := f.readSeedEvents(e); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrs(errs)
}

// readSeedEvents reads the seed's events block: signal (status → event
// names), signalEventCount and start. Event names become conditions that a
// metric named after the event is non-zero.
func (f *File) readSeedEvents(n *ynode) error {
	if n.Kind != yMap {
		return &PosError{Pos: n.Pos, Msg: "events: expected {signal: {STATUS: Event}, signalEventCount: expr}"}
	}
	if err := n.checkKeys("events", "signal", "signalEventCount", "start"); err != nil {
		return err
	}
	var errs []error
	if s := n.get("signal"); s != nil {
		if err := f.readSignals(s); err != nil {
			errs = append(errs, err)
		}
	}
	if c := n.get("signalEventCount"); c != nil {
		if err := f.readSignalCount(c); err != nil {
			errs = append(errs, err)
		}
	}
	if s := n.get("start"); s != nil {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s: events.start is not needed: cases start after setup and pretest have completed", s.Pos))
	}
	return joinErrs(errs)
}

func (f *File) readSignals(n *ynode) error {
	if n.Kind != yMap || len(n.Keys) == 0 {
		return &PosError{Pos: n.Pos, Msg: "signals: expected {OK: [conditions], FAILED: [conditions]}"}
	}
	var errs []error
	for i, k := range n.Keys {
		st := Status(strings.ToUpper(k))
		switch st {
		case StatusOK, StatusFailed, StatusStalled:
		default:
			errs = append(errs, &PosError{Pos: n.KeyPos[i], Msg: fmt.Sprintf("signal status %q: expected OK, FAILED or STALLED", k)})
			continue
		}
		sig := Signal{Status: st}
		v := n.Vals[i]
		items := []*ynode{v}
		if v.Kind == ySeq {
			items = v.Items
		}
		for _, it := range items {
			src, err := exprText(it, "signal condition")
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if isIdent(src) && src[0] >= 'A' && src[0] <= 'Z' {
				// The seed's event names (MarathonDeploymentSuccessEvent):
				// the signal fires when that metric is non-zero.
				f.Warnings = append(f.Warnings, fmt.Sprintf("%s: signal %s is read as the condition %q (a metric of that name is non-zero)", it.Pos, src, src))
			}
			e, err := CompileExpr(src, it.Pos)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			sig.Conditions = append(sig.Conditions, e)
		}
		f.Signals = append(f.Signals, sig)
	}
	return joinErrs(errs)
}

func (f *File) readSignalCount(n *ynode) error {
	src, err := exprText(n, "signal_count")
	if err != nil {
		return err
	}
	e, err := CompileExpr(src, n.Pos)
	if err != nil {
		return err
	}
	f.SignalCount = e
	return nil
}

func (f *File) readTasks(n *ynode) error {
	if n.Kind != yMap {
		return &PosError{Pos: n.Pos, Msg: "tasks: expected {setup: [...], pretest: [...], intertest: [...], posttest: [...], teardown: [...]}"}
	}
	if err := n.checkKeys("tasks", "setup", "pretest", "intertest", "posttest", "teardown"); err != nil {
		return err
	}
	var errs []error
	for i, k := range n.Keys {
		v := n.Vals[i]
		items := []*ynode{v}
		if v.Kind == ySeq {
			items = v.Items
		}
		var list []*Task
		for _, it := range items {
			t, err := readTask(it)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			list = append(list, t)
		}
		switch k {
		case "setup":
			f.Tasks.Setup = list
		case "pretest":
			f.Tasks.Pretest = list
		case "intertest":
			f.Tasks.Intertest = list
		case "posttest":
			f.Tasks.Posttest = list
		case "teardown":
			f.Tasks.Teardown = list
		}
	}
	return joinErrs(errs)
}

func readTask(n *ynode) (*Task, error) {
	if n.Kind != yMap {
		return nil, &PosError{Pos: n.Pos, Msg: "task: expected {run: [argv...], env: {}, timeout: 30s, continue: false}"}
	}
	if err := n.checkKeys("task", "run", "env", "timeout", "continue"); err != nil {
		return nil, err
	}
	t := &Task{Timeout: time.Minute, Pos: n.Pos}
	r := n.get("run")
	if r == nil || r.Kind != ySeq || len(r.Items) == 0 {
		return nil, &PosError{Pos: n.Pos, Msg: "task: run must be a non-empty list [program, args...]"}
	}
	var errs []error
	for _, it := range r.Items {
		tp, err := compileTemplate(it)
		if err != nil {
			errs = append(errs, err)
		}
		t.Argv = append(t.Argv, tp)
	}
	if e := n.get("env"); e != nil {
		if e.Kind != yMap {
			errs = append(errs, &PosError{Pos: e.Pos, Msg: "task env: expected a mapping NAME: value"})
		} else {
			t.Env = map[string]*Template{}
			for i, k := range e.Keys {
				tp, err := compileTemplate(e.Vals[i])
				if err != nil {
					errs = append(errs, err)
				}
				t.Env[k] = tp
			}
		}
	}
	if d := n.get("timeout"); d != nil {
		v, err := duration(d, "task timeout")
		if err != nil {
			errs = append(errs, err)
		}
		t.Timeout = v
	}
	if c := n.get("continue"); c != nil {
		b, ok := c.Val.(bool)
		if !ok {
			errs = append(errs, &PosError{Pos: c.Pos, Msg: "task continue: expected true or false"})
		}
		t.Continue = b
	}
	return t, joinErrs(errs)
}

func (f *File) readSearch(n *ynode) error {
	if n.Kind != yMap {
		return &PosError{Pos: n.Pos, Msg: "search: expected {parameter, min, max, step, repeats, hypothesis: [conditions]}"}
	}
	if err := n.checkKeys("search", "parameter", "min", "max", "step", "repeats", "hypothesis", "verify"); err != nil {
		return err
	}
	s := &SearchConf{Pos: n.Pos, Spec: SearchSpec{Step: 1, Repeats: 1}}
	var errs []error
	add := func(e error) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	if p := n.get("parameter"); p != nil {
		v, err := str(p, "search.parameter")
		add(err)
		s.Parameter, s.Pos = v, p.Pos
	} else {
		add(&PosError{Pos: n.Pos, Msg: "search: missing parameter"})
	}
	ints := true
	for _, k := range []struct {
		key string
		dst *float64
		req bool
	}{{"min", &s.Spec.Min, true}, {"max", &s.Spec.Max, true}, {"step", &s.Spec.Step, false}} {
		c := n.get(k.key)
		if c == nil {
			if k.req {
				add(&PosError{Pos: n.Pos, Msg: "search: missing " + k.key})
			}
			continue
		}
		v, isInt, err := number(c, "search."+k.key)
		add(err)
		*k.dst = v
		ints = ints && isInt
	}
	s.Spec.Ints = ints
	if !(s.Spec.Step > 0) {
		add(&PosError{Pos: n.keyPos("step"), Msg: "search.step (the resolution) must be positive"})
	} else if (s.Spec.Max-s.Spec.Min)/s.Spec.Step > 1e9 {
		add(&PosError{Pos: n.keyPos("step"), Msg: "search.step is too fine for the range (more than 1e9 grid points)"})
	}
	if s.Spec.Max < s.Spec.Min {
		add(&PosError{Pos: n.keyPos("max"), Msg: "search.max is below search.min"})
	}
	if v := n.get("verify"); v != nil {
		k, err := integer(v, "search.verify")
		if err == nil && (k < 0 || k > 100) {
			err = &PosError{Pos: v.Pos, Msg: "search.verify must be between 0 and 100"}
		}
		add(err)
		s.Spec.Verify = int(k)
	}
	if r := n.get("repeats"); r != nil {
		v, err := integer(r, "search.repeats")
		add(err)
		if err == nil && v < 1 {
			add(&PosError{Pos: r.Pos, Msg: "search.repeats must be at least 1"})
		}
		s.Spec.Repeats = int(v)
	}
	h := n.get("hypothesis")
	if h == nil {
		add(&PosError{Pos: n.Pos, Msg: "search: missing hypothesis (conditions that must all hold)"})
	} else {
		items := []*ynode{h}
		if h.Kind == ySeq {
			items = h.Items
		}
		for _, it := range items {
			src, err := exprText(it, "hypothesis")
			if err != nil {
				add(err)
				continue
			}
			e, err := CompileExpr(src, it.Pos)
			add(err)
			s.Hypothesis = append(s.Hypothesis, e)
		}
	}
	f.Search = s
	return joinErrs(errs)
}

// --- scalar helpers ---

func str(n *ynode, what string) (string, error) {
	s, ok := n.Val.(string)
	if n.Kind != yScalar || !ok {
		return "", &PosError{Pos: n.Pos, Msg: fmt.Sprintf("%s: expected a string", what)}
	}
	return s, nil
}

func strList(n *ynode, what string) ([]string, error) {
	if n.Kind != ySeq {
		return nil, &PosError{Pos: n.Pos, Msg: fmt.Sprintf("%s: expected a list of names", what)}
	}
	var out []string
	for _, it := range n.Items {
		s, err := str(it, what)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// exprText accepts a string, number or bool as an expression's text.
func exprText(n *ynode, what string) (string, error) {
	switch v := n.Val.(type) {
	case string:
		return v, nil
	case int64, float64, bool:
		if n.Kind == yScalar {
			return FormatValue(v), nil
		}
	}
	return "", &PosError{Pos: n.Pos, Msg: fmt.Sprintf("%s: expected an expression (a string), got %s", what, n.Kind)}
}

func integer(n *ynode, what string) (int64, error) {
	switch v := n.Val.(type) {
	case int64:
		return v, nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), nil
		}
	}
	return 0, &PosError{Pos: n.Pos, Msg: fmt.Sprintf("%s: expected an integer, got %s", what, describe(n))}
}

// number reads a number; isInt tells whether it was written as an integer.
func number(n *ynode, what string) (float64, bool, error) {
	switch v := n.Val.(type) {
	case int64:
		return float64(v), true, nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			break
		}
		return v, false, nil
	}
	return 0, false, &PosError{Pos: n.Pos, Msg: fmt.Sprintf("%s: expected a finite number, got %s", what, describe(n))}
}

func duration(n *ynode, what string) (time.Duration, error) {
	switch v := n.Val.(type) {
	case string:
		d, err := time.ParseDuration(v)
		if err == nil {
			return d, nil
		}
	case int64:
		return time.Duration(v) * time.Second, nil
	case float64:
		return time.Duration(v * float64(time.Second)), nil
	}
	return 0, &PosError{Pos: n.Pos, Msg: fmt.Sprintf("%s: expected a duration such as 30s or 2m, got %s", what, describe(n))}
}

func describe(n *ynode) string {
	if n.Kind != yScalar {
		return n.Kind.String()
	}
	if n.Val == nil {
		return "null"
	}
	if s, ok := n.Val.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return FormatValue(n.Val)
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9') {
			continue
		}
		return false
	}
	return true
}
