package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml"

	"chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/catalog"
	"chaoslab/internal/client"
	"chaoslab/internal/experiment"
	"chaoslab/internal/load"
	"chaoslab/internal/supervisor"
)

// TwinExec runs load cases against the twin: the bound twin template
// (catalog and catalog overrides) decides which twin runs — it is brought
// up once and reused while the binding is unchanged —, the bound config
// template is applied at run time through SetConfig (no restart), and the
// bound load template is a load.Spec run with load.Run.
type TwinExec struct {
	File     *File
	Binary   string // chaoslab executable for `up`
	StateDir string // twin state directory (inside the results directory)
	Timeout  time.Duration

	key       string
	recovered bool // a crashed run's leftovers were cleared
	addrs     []string
	be        *load.ClientBackend
	tg        map[string]*load.Targets
	cfg       string // last applied runtime config
}

// twinConf is the bound twin template.
type twinConf struct {
	Catalog   string         `json:"catalog"`
	Devices   int            `json:"devices,omitempty"` // keep the first N devices of every server
	Attrs     []attrOverride `json:"attributes,omitempty"`
	UpTimeout string         `json:"up_timeout,omitempty"`
}

// attrOverride sets attribute properties on attributes matching Match
// ("device-pattern/attr-pattern", path.Match wildcards, case-insensitive).
type attrOverride struct {
	Match string         `json:"match"`
	Set   map[string]any `json:"set"`
}

func decodeStrict(v any, dst any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	return dec.Decode(dst)
}

func (x *TwinExec) bindTwin(c *Case) (*twinConf, string, error) {
	var t twinConf
	if x.File.Twin == nil && x.File.Experiment != nil {
		// An experiment case without twin: runs on its system.catalog.
		ex, err := x.File.Experiment.Bind(c)
		if err != nil {
			return nil, "", err
		}
		if ex.System.Catalog == "" {
			return nil, "", &PosError{Pos: x.File.Experiment.Pos, Msg: "experiment case: give twin: {catalog: FILE} or system.catalog in the experiment"}
		}
		t.Catalog = ex.System.Catalog
	} else {
		v, err := x.File.Twin.Bind(c.Vars())
		if err != nil {
			return nil, "", err
		}
		if err := decodeStrict(v, &t); err != nil {
			return nil, "", &PosError{Pos: x.File.Twin.Pos, Msg: "twin: " + err.Error() + " (expected catalog, devices, attributes: [{match, set: {property: value}}], up_timeout)"}
		}
		if t.Catalog == "" {
			return nil, "", &PosError{Pos: x.File.Twin.Pos, Msg: "twin: missing catalog"}
		}
		if !filepath.IsAbs(t.Catalog) {
			t.Catalog = filepath.Join(x.File.Dir, t.Catalog)
		}
	}
	b, _ := json.Marshal(t)
	sum := sha256.Sum256(b)
	return &t, hex.EncodeToString(sum[:8]), nil
}

// Group implements Grouper: cases with the same bound twin run together.
func (x *TwinExec) Group(c *Case) (string, error) {
	_, k, err := x.bindTwin(c)
	return k, err
}

// Prepare brings up the case's twin (unless already up with the same
// binding) and applies the runtime configuration.
func (x *TwinExec) Prepare(ctx context.Context, c *Case) error {
	t, key, err := x.bindTwin(c)
	if err != nil {
		return err
	}
	if !x.recovered {
		x.recovered = true
		x.recoverStale(ctx)
	}
	if key != x.key {
		if err := x.down(ctx); err != nil {
			return err
		}
		if err := x.up(ctx, t, key); err != nil {
			return err
		}
		if err := x.applyConfig(ctx, c); err != nil {
			return err
		}
		return x.waitReadable(ctx, c)
	}
	return x.applyConfig(ctx, c)
}

// waitReadable waits (at most a minute) until the case's load targets read
// without errors: simulated devices refuse reads during their StartupDelay,
// which would otherwise fail the first case of a fresh twin.
func (x *TwinExec) waitReadable(ctx context.Context, c *Case) error {
	var targets []string
	if x.File.Load != nil {
		spec, err := x.Spec(c)
		if err != nil {
			return err
		}
		targets = spec.Targets
	} else if x.File.Experiment != nil {
		ex, err := x.File.Experiment.Bind(c)
		if err != nil {
			return err
		}
		if ex.Load == nil {
			return nil
		}
		targets = ex.Load.Targets
	}
	if len(targets) == 0 {
		return nil
	}
	tg, err := load.ResolveTargets(ctx, x.be, targets, nil)
	if err != nil {
		return err
	}
	byServer := map[int][]string{}
	for _, a := range tg.Attrs {
		byServer[a.Server] = append(byServer[a.Server], a.Name)
	}
	deadline := time.Now().Add(time.Minute)
	for srv, names := range byServer {
		cl, err := client.Dial(ctx, tg.Servers[srv])
		if err != nil {
			return err
		}
		for {
			rs, err := cl.ReadAttributes(ctx, names)
			bad := err != nil
			for _, r := range rs {
				if len(r.Errors) > 0 {
					bad = true
					if time.Now().After(deadline) {
						cl.Close()
						return fmt.Errorf("twin not ready: %s: %s", r.Name, r.Errors[0].Desc)
					}
				}
			}
			if !bad {
				break
			}
			if time.Now().After(deadline) {
				cl.Close()
				return fmt.Errorf("twin not ready: %v", err)
			}
			select {
			case <-ctx.Done():
				cl.Close()
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
		cl.Close()
	}
	return nil
}

func (x *TwinExec) up(ctx context.Context, t *twinConf, key string) error {
	cat, err := catalog.Load(t.Catalog)
	if err != nil {
		return err
	}
	if err := applyOverrides(cat, t); err != nil {
		return err
	}
	if err := os.MkdirAll(x.StateDir, 0o755); err != nil {
		return err
	}
	// The edited catalog goes next to the original so relative file
	// references in it still resolve; it is removed at Close.
	dirSum := sha256.Sum256([]byte(x.StateDir))
	catPath := filepath.Join(filepath.Dir(t.Catalog), fmt.Sprintf(".explore-%s-%s.csv", key, hex.EncodeToString(dirSum[:4])))
	if err := writeAtomic(catPath, func(f *os.File) error { return catalog.WriteCSV(f, cat, catalog.CSVOptions{}) }); err != nil {
		return err
	}
	_ = os.WriteFile(filepath.Join(x.StateDir, "catalog-"+key+".path"), []byte(catPath+"\n"), 0o644)
	timeout := x.Timeout
	if t.UpTimeout != "" {
		if d, err := time.ParseDuration(t.UpTimeout); err == nil {
			timeout = d
		}
	}
	// Load cases measure one configuration: a crashed server stays down
	// (the case fails). Experiments kill servers on purpose and rely on
	// the supervisor's default restart policy.
	pol := supervisor.Policy{Restart: supervisor.RestartNever}
	if x.File.Experiment != nil {
		pol = supervisor.Policy{}
	}
	res, err := supervisor.Up(ctx, supervisor.UpOptions{Dir: x.StateDir, Catalog: catPath, Binary: x.Binary, Timeout: timeout, Policy: pol})
	if err != nil {
		return fmt.Errorf("twin up: %w", err)
	}
	x.key = key
	if len(res.Problems) > 0 {
		return fmt.Errorf("twin up: %s did not come up: %s", res.Problems[0].Server, res.Problems[0].Reason)
	}
	x.addrs = nil
	for _, s := range res.Servers {
		if s.Addr != "" {
			x.addrs = append(x.addrs, s.Addr)
		}
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	be, err := load.DialBackend(dctx, x.addrs, 2)
	if err != nil {
		return err
	}
	x.be, x.tg, x.cfg = be, map[string]*load.Targets{}, ""
	return nil
}

// recoverStale undoes what a crashed explore left in its state directory:
// fault records whose injector is gone (faults: and experiment faults),
// then a twin still up from that run.
func (x *TwinExec) recoverStale(ctx context.Context) {
	if _, err := os.Stat(filepath.Join(x.StateDir, "faults")); err == nil {
		_ = clearOrphanFaults(ctx, x.StateDir)
	}
	if x.File.Experiment != nil {
		_, _, _ = experiment.Recover(ctx, x.StateDir)
	}
	if _, err := supervisor.LoadState(x.StateDir); err == nil {
		_, _ = supervisor.Down(ctx, supervisor.DownOptions{Dir: x.StateDir})
	}
}

func (x *TwinExec) down(ctx context.Context) error {
	if x.be != nil {
		x.be.Close()
		x.be = nil
	}
	if x.key == "" {
		return nil
	}
	x.key = ""
	_, err := supervisor.Down(ctx, supervisor.DownOptions{Dir: x.StateDir})
	if err != nil {
		return fmt.Errorf("twin down: %w", err)
	}
	return nil
}

// Close takes the twin down and removes the edited catalogs.
func (x *TwinExec) Close(ctx context.Context) error {
	err := x.down(ctx)
	paths, _ := filepath.Glob(filepath.Join(x.StateDir, "catalog-*.path"))
	for _, p := range paths {
		if b, e := os.ReadFile(p); e == nil {
			os.Remove(strings.TrimSpace(string(b)))
		}
	}
	return err
}

func applyOverrides(cat *catalog.Catalog, t *twinConf) error {
	if t.Devices > 0 {
		for _, s := range cat.Servers {
			if len(s.Devices) > t.Devices {
				s.Devices = s.Devices[:t.Devices]
			}
		}
	}
	for _, o := range t.Attrs {
		dp, ap, ok := splitAttrPattern(o.Match)
		if !ok {
			return fmt.Errorf("twin attributes: match %q: expected device-pattern/attribute", o.Match)
		}
		hit := 0
		for _, s := range cat.Servers {
			for _, d := range s.Devices {
				if m, _ := path.Match(strings.ToLower(dp), strings.ToLower(d.Name)); !m {
					continue
				}
				for _, a := range d.Attributes {
					if m, _ := path.Match(strings.ToLower(ap), strings.ToLower(a.Name)); !m {
						continue
					}
					hit++
					for k, v := range o.Set {
						setProp(a, k, FormatValue(v))
					}
				}
			}
		}
		if hit == 0 {
			return fmt.Errorf("twin attributes: match %q names no configured attribute of the catalog", o.Match)
		}
	}
	return nil
}

func setProp(a *catalog.AttrConfig, name, val string) {
	for _, p := range a.Properties {
		if strings.EqualFold(p.Name, name) {
			p.Values, p.At = []string{val}, nil
			return
		}
	}
	a.Properties = append(a.Properties, &catalog.Property{Name: name, Values: []string{val}})
}

// splitAttrPattern splits "a/b/c/Attr" into the device and attribute parts.
func splitAttrPattern(s string) (string, string, bool) {
	i := strings.LastIndexByte(s, '/')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// runtimeConf is one entry of the bound config template.
type runtimeConf struct {
	Match         string   `json:"match"`
	PollingPeriod *int64   `json:"polling_period,omitempty"` // ms
	AbsChange     *float64 `json:"abs_change,omitempty"`
	RelChange     *float64 `json:"rel_change,omitempty"`
	EventPeriod   *int64   `json:"event_period,omitempty"` // ms
	ArchivePeriod *int64   `json:"archive_period,omitempty"`
}

func (x *TwinExec) applyConfig(ctx context.Context, c *Case) error {
	if x.File.Config == nil {
		return nil
	}
	v, err := x.File.Config.Bind(c.Vars())
	if err != nil {
		return err
	}
	var confs []runtimeConf
	if err := decodeStrict(v, &confs); err != nil {
		return &PosError{Pos: x.File.Config.Pos, Msg: "config: " + err.Error() + " (expected a list of {match, polling_period, abs_change, rel_change, event_period, archive_period})"}
	}
	b, _ := json.Marshal(confs)
	if string(b) == x.cfg {
		return nil
	}
	for _, rc := range confs {
		tg, err := load.ResolveTargets(ctx, x.be, []string{rc.Match}, nil)
		if err != nil {
			return fmt.Errorf("config %s: %w", rc.Match, err)
		}
		cfg := &chaoslabv1.AttrConfig{PollingPeriodMs: rc.PollingPeriod, AbsChange: rc.AbsChange, RelChange: rc.RelChange,
			EventPeriodMs: rc.EventPeriod, ArchivePeriodMs: rc.ArchivePeriod}
		clients := map[int]*client.Client{}
		for _, a := range tg.Attrs {
			cl := clients[a.Server]
			if cl == nil {
				cl, err = client.Dial(ctx, tg.Servers[a.Server])
				if err != nil {
					return err
				}
				clients[a.Server] = cl
			}
			if _, err := cl.SetConfig(ctx, a.Name, cfg); err != nil {
				for _, cl := range clients {
					cl.Close()
				}
				return fmt.Errorf("config %s: %w", a.Name, err)
			}
		}
		for _, cl := range clients {
			cl.Close()
		}
	}
	x.cfg = string(b)
	return nil
}

// Spec binds the load template for a case.
func (x *TwinExec) Spec(c *Case) (load.Spec, error) {
	v, err := x.File.Load.Bind(c.Vars())
	if err != nil {
		return load.Spec{}, err
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return load.Spec{}, err
	}
	spec, err := load.ParseSpec(fmt.Sprintf("load (case %d, bound)", c.I), b)
	if err != nil {
		return load.Spec{}, &PosError{Pos: x.File.Load.Pos, Msg: err.Error()}
	}
	return spec, nil
}

// Run runs the case's load once and turns the result into metrics.
func (x *TwinExec) Run(ctx context.Context, c *Case, repeat int, probe func(Probe)) (*Outcome, error) {
	spec, err := x.Spec(c)
	if err != nil {
		return nil, err
	}
	if spec.Seed == 0 {
		spec.Seed = uint64(c.I)*1000 + uint64(repeat) + 1
	}
	tkey := strings.Join(spec.Targets, "\x00") + "\x01" + strings.Join(spec.Commands, "\x00")
	tg := x.tg[tkey]
	if tg == nil {
		tg, err = load.ResolveTargets(ctx, x.be, spec.Targets, spec.Commands)
		if err != nil {
			return nil, err
		}
		x.tg[tkey] = tg
	}
	var mu sync.Mutex
	var progress int64
	live := load.NewLive(8, func(s load.Snapshot) {
		mu.Lock()
		progress += s.OK + s.Errors + s.Events
		p := progress
		mu.Unlock()
		probe(Probe{Progress: p, Metrics: map[string]float64{
			"elapsed_s": s.Second, "rate": s.Rate, "ok": float64(s.OK), "errors": float64(s.Errors),
			"p99_ms": float64(s.P99Us) / 1000, "events": float64(s.Events), "lag_p99_ms": float64(s.LagP99Us) / 1000,
			"in_flight": float64(s.InFlight), "not_issued": float64(s.NotIssued),
		}})
	})
	var undo func() error
	if len(x.File.Faults) > 0 {
		undo, err = caseFaults(ctx, x.StateDir, c, x.File.Faults, spec.Seed)
		if err != nil {
			return nil, err
		}
	}
	res, err := load.Run(ctx, spec, tg, load.Options{Backend: x.be, Subscriber: x.be, Live: live, CPU: load.ProcessCPU, Scrape: load.ScrapeHTTP})
	if undo != nil {
		if uerr := undo(); uerr != nil && err == nil && ctx.Err() == nil {
			return nil, fmt.Errorf("undo faults: %w", uerr)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return &Outcome{Metrics: LoadMetrics(res), Raw: res}, nil
}

// LoadMetrics flattens a load result into the metric names that signals,
// statistics and plots use (times in ms, memory in MiB).
func LoadMetrics(r *load.Result) map[string]float64 {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	t := r.Total
	m := map[string]float64{
		"duration_s": r.DurationS, "requested_rate": r.RequestedRate, "achieved_rate": r.AchievedRate,
		"requests": float64(t.Requests), "ok": float64(t.OK), "errors": float64(t.Errors), "not_issued": float64(t.NotIssued),
		"mean_ms": t.Latency.Mean / 1000, "p50_ms": ms(t.Latency.P50), "p90_ms": ms(t.Latency.P90), "p99_ms": ms(t.Latency.P99),
		"p999_ms": ms(t.Latency.P999), "max_ms": ms(t.Latency.Max),
		"p99_uncorrected_ms": ms(t.LatencyUncorrected.P99),
		"generator_cpu":      r.Generator.CPUUtilization, "generator_cpu_per_request_us": r.Generator.CPUPerRequestUs,
		"error_rate": 0, "events": 0,
	}
	if t.Requests > 0 {
		m["error_rate"] = float64(t.Errors+t.NotIssued) / float64(t.Requests)
	}
	nan := math.NaN()
	m["lag_p50_ms"], m["lag_p99_ms"], m["lag_max_ms"], m["events_per_s"] = nan, nan, nan, nan
	if e := r.Events; e != nil {
		m["events"] = float64(e.Events)
		if r.DurationS > 0 {
			m["events_per_s"] = float64(e.Events) / r.DurationS
		}
		m["subscribe_errors"] = float64(e.SubscribeErrors)
		m["lag_p50_ms"], m["lag_p99_ms"], m["lag_max_ms"] = ms(e.Lag.P50), ms(e.Lag.P99), ms(e.Lag.Max)
		m["drop_markers"], m["dropped"], m["out_of_order"] = float64(e.DropMarkers), float64(e.Dropped), float64(e.OutOfOrder)
	}
	var cpu, cpuS, rss, gor, sent, dropped float64
	for _, s := range r.Servers {
		cpu += s.CPUUtilization
		cpuS += s.CPUSeconds
		rss += s.RSSBytes
		gor += s.Goroutines
		sent += s.EventsSent
		dropped += s.EventsDropped
	}
	if len(r.Servers) > 0 {
		m["server_cpu"], m["server_cpu_s"], m["server_rss_mb"] = cpu, cpuS, rss/(1<<20)
		m["server_goroutines"], m["server_events_sent"], m["server_events_dropped"] = gor, sent, dropped
	}
	return m
}

var _ = errors.New
