package experiment

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/client"
	"chaoslab/internal/load"
	"chaoslab/internal/netem"
	"chaoslab/internal/supervisor"
)

// Twin is the Env over a running twin. Everything the experiment sends
// (background load, probes) goes through a netem proxy per server:
//
//   - with a twin brought up with `chaoslab up --proxy`, the supervisor's
//     proxies: net.* actions are faults of internal/fault added through
//     the proxies' control API, with a deadline and a record, so `chaoslab
//     recover` (or `fault clear`) removes them after the runner crashed, and
//     they also hit the twin's other clients and cross-server reads;
//   - otherwise in-process proxies of the runner: network faults hit
//     exactly the experiment's traffic and die with the runner.
//
// Server verbs go to the supervisor; fault kinds (proc.*, server.*) go
// through internal/fault; configuration changes and writes through the
// client.
type Twin struct {
	Dir   string
	Inv   Inventory
	seed  uint64
	sup   bool // the supervisor's proxies are used (no in-process ones)
	state *supervisor.State
	proxy map[string]*netem.Proxy // in-process proxies by server name (nil with sup)
	byDev map[string]string       // lower-case device → server name
	pool  *client.Pool
	log   *slog.Logger

	mu   sync.Mutex
	live *load.Live
	bg   *bgLoad
	cpu  map[string]cpuMark // last CPU reading by server (for rates)
}

// cpuMark is a server's CPU seconds at a time.
type cpuMark struct {
	sec float64
	at  time.Time
}

// cpuRate turns a CPU-seconds counter into CPU seconds per second since
// the previous reading of the same server. Without one (first probe, or
// the counter went back: the server restarted) it reads again after a
// short interval, so the first value is a rate too.
func (t *Twin) cpuRate(ctx context.Context, name, addr string, f load.ServerFigures) (float64, error) {
	now := time.Now()
	t.mu.Lock()
	prev, ok := t.cpu[name]
	t.mu.Unlock()
	if !ok || f.CPUSeconds < prev.sec || now.Sub(prev.at) <= 0 {
		prev = cpuMark{f.CPUSeconds, now}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return 0, err
		}
		g, err := load.ScrapeHTTP(ctx, addr)
		if err != nil {
			return 0, err
		}
		f, now = g, time.Now()
	}
	t.mu.Lock()
	if t.cpu == nil {
		t.cpu = map[string]cpuMark{}
	}
	t.cpu[name] = cpuMark{f.CPUSeconds, now}
	t.mu.Unlock()
	return max(f.CPUSeconds-prev.sec, 0) / now.Sub(prev.at).Seconds(), nil
}

type bgLoad struct {
	cancel context.CancelFunc
	done   chan struct{}
	res    *load.Result
	err    error
}

// OpenTwin attaches to the twin whose state directory is dir.
func OpenTwin(dir string, seed uint64, log *slog.Logger) (*Twin, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := supervisor.LoadState(dir)
	if err != nil {
		return nil, err
	}
	t := &Twin{Dir: dir, seed: seed, state: st, proxy: map[string]*netem.Proxy{}, byDev: map[string]string{}, log: log}
	t.sup = st.Proxies && st.Supervisor.Netem != "" && supervisor.Alive(st.Supervisor.Proc, st.Dir)
	for _, s := range st.Servers {
		t.Inv.Servers = append(t.Inv.Servers, ServerInfo{Name: s.Name, Host: s.Host, Devices: s.Devices})
		for _, d := range s.Devices {
			t.byDev[strings.ToLower(d)] = s.Name
		}
		if s.Addr == "" || t.sup {
			continue
		}
		p := netem.New(netem.Config{Name: s.Name, Upstream: s.Addr, Seed: seed})
		if err := p.Start(); err != nil {
			t.Close()
			return nil, fmt.Errorf("proxy for %s: %w", s.Name, err)
		}
		t.proxy[s.Name] = p
	}
	t.pool = client.NewPool(t)
	return t, nil
}

// Resolve maps a device to its server's proxy (client.Resolver).
func (t *Twin) Resolve(_ context.Context, device string) (string, error) {
	name, ok := t.byDev[strings.ToLower(device)]
	if a := t.addr(name); ok && a != "" {
		return a, nil
	}
	return "", api.NewError(api.ReasonDeviceNotFound, "no server hosts "+device, "chaoslab run")
}

// addr is the address the experiment reaches a server at: its proxy.
func (t *Twin) addr(server string) string {
	if !t.sup {
		if p := t.proxy[server]; p != nil {
			return p.Addr()
		}
		return ""
	}
	if s := t.state.Server(server); s != nil {
		return s.ClientAddr()
	}
	return ""
}

// Close stops the background load and the proxies.
func (t *Twin) Close() error {
	t.StopLoad()
	if t.pool != nil {
		t.pool.Close()
	}
	for _, p := range t.proxy {
		p.Close()
	}
	return nil
}

func (t *Twin) proxyAddrs() []string {
	var out []string
	for _, s := range t.Inv.Servers {
		if a := t.addr(s.Name); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// StartLoad starts the background load through the proxies. It returns
// once the targets are resolved; the load runs until StopLoad.
func (t *Twin) StartLoad(ctx context.Context, spec load.Spec) error {
	b, err := load.DialBackend(ctx, t.proxyAddrs(), max(spec.Connections, 1))
	if err != nil {
		return err
	}
	tg, err := load.ResolveTargets(ctx, b, spec.Targets, spec.Commands)
	if err != nil {
		b.Close()
		return err
	}
	first := make(chan struct{})
	var once sync.Once
	live := load.NewLive(120, func(load.Snapshot) { once.Do(func() { close(first) }) })
	lctx, cancel := context.WithCancel(ctx)
	bg := &bgLoad{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(bg.done)
		defer b.Close()
		bg.res, bg.err = load.Run(lctx, spec, tg, load.Options{Backend: b, Subscriber: b, Live: live, Interval: 250 * time.Millisecond})
	}()
	t.mu.Lock()
	t.live, t.bg = live, bg
	t.mu.Unlock()
	// Probes of load metrics need one interval of data.
	select {
	case <-first:
	case <-bg.done:
		return fmt.Errorf("background load ended at once: %v", bg.err)
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// StopLoad stops the background load and returns its result.
func (t *Twin) StopLoad() (*load.Result, error) {
	t.mu.Lock()
	bg := t.bg
	t.bg = nil
	t.mu.Unlock()
	if bg == nil {
		return nil, nil
	}
	bg.cancel()
	<-bg.done
	return bg.res, bg.err
}

// Probe observes one probe.
func (t *Twin) Probe(ctx context.Context, p *ProbeSpec) (Value, error) {
	switch {
	case p.Metric != "":
		return t.metric(ctx, p)
	case p.Attribute != nil:
		return t.attribute(ctx, p)
	case p.HTTP != nil:
		return httpProbe(ctx, p.HTTP)
	case p.Command != nil:
		return cmdProbe(ctx, p.Command)
	case p.Prometheus != nil:
		return promProbe(ctx, p.Prometheus)
	}
	return Value{}, fmt.Errorf("probe %q has no source", p.Name)
}

func (t *Twin) servers(patterns []string) []*supervisor.Server {
	st, err := supervisor.LoadState(t.Dir)
	if err != nil {
		st = t.state
	}
	var out []*supervisor.Server
	for _, s := range st.Servers {
		if len(patterns) == 0 || slices.ContainsFunc(patterns, func(p string) bool { return match(p, s.Name) }) {
			out = append(out, s)
		}
	}
	return out
}

func (t *Twin) metric(ctx context.Context, p *ProbeSpec) (Value, error) {
	switch p.Metric {
	case "rate", "error_rate", "not_issued", "latency_p99_ms", "events_rate", "event_lag_p99_ms":
		t.mu.Lock()
		live := t.live
		t.mu.Unlock()
		if live == nil {
			return Value{}, fmt.Errorf("metric %s needs a background load", p.Metric)
		}
		n := max(int(p.Window.D()/(250*time.Millisecond)), 1)
		w := live.Window(n)
		switch p.Metric {
		case "rate":
			return Num(w.Rate), nil
		case "error_rate":
			return Num(w.ErrorRate), nil
		case "not_issued":
			return Num(float64(w.NotIssued)), nil
		case "latency_p99_ms":
			return Num(float64(w.P99Us) / 1000), nil
		case "events_rate":
			if w.Span <= 0 {
				return Num(0), nil
			}
			return Num(float64(w.Events) / w.Span.Seconds()), nil
		case "event_lag_p99_ms":
			s, ok := live.Last()
			if !ok {
				return Value{}, fmt.Errorf("no load snapshot yet")
			}
			return Num(float64(s.LagP99Us) / 1000), nil
		}
	case "read_latency_ms":
		// The worst round trip of a ServerInfo call through each proxy.
		worst := 0.0
		for _, s := range t.servers(p.Servers) {
			a := t.addr(s.Name)
			if a == "" {
				continue
			}
			c, err := t.pool.Addr(ctx, a)
			if err != nil {
				return Value{}, err
			}
			t0 := time.Now()
			if _, err := c.ServerInfo(ctx); err != nil {
				return Value{}, fmt.Errorf("%s: %w", s.Name, err)
			}
			worst = math.Max(worst, float64(time.Since(t0).Microseconds())/1000)
		}
		return Num(worst), nil
	case "server_restarts":
		n := 0
		for _, s := range t.servers(p.Servers) {
			n += s.Restarts
		}
		return Num(float64(n)), nil
	case "server_rss_mb", "server_cpu", "events_dropped", "subscribers":
		sum := 0.0
		for _, s := range t.servers(p.Servers) {
			if p.Metric == "subscribers" {
				c, err := t.pool.Addr(ctx, s.Addr)
				if err != nil {
					return Value{}, err
				}
				info, err := c.ServerInfo(ctx)
				if err != nil {
					return Value{}, fmt.Errorf("%s: %w", s.Name, err)
				}
				sum += float64(info.Subscribers)
				continue
			}
			f, err := load.ScrapeHTTP(ctx, s.Addr)
			if err != nil {
				return Value{}, fmt.Errorf("%s: %w", s.Name, err)
			}
			switch p.Metric {
			case "server_rss_mb":
				sum += f.RSSBytes / 1e6
			case "server_cpu":
				r, err := t.cpuRate(ctx, s.Name, s.Addr, f)
				if err != nil {
					return Value{}, fmt.Errorf("%s: %w", s.Name, err)
				}
				sum += r
			case "events_dropped":
				sum += f.EventsDropped
			}
		}
		return Num(sum), nil
	}
	return Value{}, fmt.Errorf("unknown metric %q", p.Metric)
}

// devices lists the inventory devices matching patterns, grouped by server.
func (t *Twin) devices(patterns []string) map[string][]string {
	out := map[string][]string{}
	for _, s := range t.Inv.Servers {
		for _, d := range s.Devices {
			if slices.ContainsFunc(patterns, func(p string) bool { return match(p, d) }) {
				out[s.Name] = append(out[s.Name], d)
			}
		}
	}
	return out
}

// attribute reads the field of every matching device and judges each
// against the tolerance; the value is the number of devices in the band.
func (t *Twin) attribute(ctx context.Context, p *ProbeSpec) (Value, error) {
	a := p.Attribute
	var items []Value
	for server, devs := range t.devices(a.Devices) {
		addr := t.addr(server)
		if addr == "" {
			return Value{}, fmt.Errorf("server %s has no address", server)
		}
		c, err := t.pool.Addr(ctx, addr)
		if err != nil {
			return Value{}, err
		}
		if a.Field == "state" {
			sts, err := c.State(ctx, devs)
			if err != nil {
				return Value{}, fmt.Errorf("%s: %w", server, err)
			}
			for _, s := range sts {
				items = append(items, Text(s.State))
			}
			continue
		}
		names := make([]string, len(devs))
		for i, d := range devs {
			names[i] = d + "/" + a.Name
		}
		rs, err := c.ReadAttributes(ctx, names)
		if err != nil {
			return Value{}, fmt.Errorf("%s: %w", server, err)
		}
		for _, r := range rs {
			if a.Field == "quality" {
				items = append(items, Text(api.QualityName(r.Quality)))
			} else if len(r.Errors) > 0 {
				items = append(items, Value{Str: "error: " + r.Errors[0].Desc})
			} else {
				items = append(items, Text(api.FormatValue(r.Value)))
			}
		}
	}
	if len(items) == 0 {
		return Value{}, fmt.Errorf("no device matches %s", strings.Join(a.Devices, ", "))
	}
	in := 0
	for _, it := range items {
		if p.Tolerance.Check(it) {
			in++
		}
	}
	v := Num(float64(in))
	v.Items = items
	ok := false
	switch a.Mode {
	case "any":
		ok = in > 0
	case "count":
		ok = in >= a.Count
	default:
		ok = in == len(items)
	}
	v.Str = fmt.Sprintf("%d/%d in band", in, len(items))
	v.Band = &ok
	return v, nil
}

func httpProbe(ctx context.Context, h *HTTPProbe) (Value, error) {
	to := h.Timeout.D()
	if to <= 0 {
		to = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, to)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, cmp(h.Method, "GET"), h.URL, nil)
	if err != nil {
		return Value{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Value{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return Value{}, err
	}
	if h.Field == "body" {
		return Value{Str: string(body)}, nil
	}
	return Num(float64(resp.StatusCode)), nil
}

func cmdProbe(ctx context.Context, c *CmdProbe) (Value, error) {
	to := c.Timeout.D()
	if to <= 0 {
		to = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, to)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	out, err := cmd.Output()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			return Value{}, err
		}
		code = ee.ExitCode()
	}
	if c.Field == "stdout" {
		return Text(strings.TrimSpace(string(out))), nil
	}
	return Num(float64(code)), nil
}

func promProbe(ctx context.Context, p *PromProbe) (Value, error) {
	u := strings.TrimSuffix(p.URL, "/") + "/api/v1/query?query=" + url.QueryEscape(p.Query)
	v, err := httpProbe(ctx, &HTTPProbe{URL: u, Field: "body"})
	if err != nil {
		return Value{}, err
	}
	jp, _ := parseJSONPath("$.data.result[0].value[1]")
	var doc any
	if err := jsonUnmarshal([]byte(v.Str), &doc); err != nil {
		return Value{}, fmt.Errorf("prometheus: %w", err)
	}
	x, ok := jp.get(doc)
	if !ok {
		return Value{}, fmt.Errorf("prometheus: empty result for %s", p.Query)
	}
	return Text(fmt.Sprint(x)), nil
}

var _ pb.Quality // the api package formats qualities
