package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Options are the run's I/O: the backend, the clock, observers.
type Options struct {
	Backend    Backend    // required for open, closed and poll models
	Subscriber Subscriber // required for the events model
	Clock      Clock      // default: the time package
	// Live, if set, receives a snapshot every Interval while the run lasts.
	Live     *Live
	Interval time.Duration // default 1s
	// Scrape, if set, reads server-side figures before and after the run.
	Scrape func(ctx context.Context, addr string) (ServerFigures, error)
	// CPU, if set, returns this process's CPU time (user+system).
	CPU func() time.Duration
}

// Result is the outcome of a run. JSON field names are stable (docs/load.md).
type Result struct {
	Spec Spec `json:"spec"`
	// Duration is the wall time of the run, from the first scheduled
	// request to the last reply.
	DurationS float64 `json:"duration_s"`
	// RequestedRate is the planned mean arrival rate; AchievedRate the
	// completed requests per second; IssuedRate the issued ones.
	RequestedRate float64       `json:"requested_rate"`
	AchievedRate  float64       `json:"achieved_rate"`
	Planned       int64         `json:"planned_requests"`
	Total         OpResult      `json:"total"`
	Ops           []OpResult    `json:"ops"`
	Events        *EventResult  `json:"events,omitempty"`
	Servers       []ServerDelta `json:"servers,omitempty"`
	Generator     Generator     `json:"generator"`
	Series        []Snapshot    `json:"-"`
}

// Generator is the load generator's own cost.
type Generator struct {
	CPUSeconds float64 `json:"cpu_s"`
	// CPUPerRequestUs is CPU time per issued request (µs); with event
	// clients only, per event received.
	CPUPerRequestUs float64 `json:"cpu_per_request_us"`
	CPUUtilization  float64 `json:"cpu_utilization"` // CPU seconds per wall second (1 = one core)
}

// Run runs spec against targets and returns its result. It refuses
// non-loopback addresses and invalid specs before sending anything.
func Run(ctx context.Context, spec Spec, targets *Targets, opts Options) (*Result, error) {
	spec = spec.Defaults()
	if errs := spec.Validate(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := CheckLoopback(targets.Servers); err != nil {
		return nil, err
	}
	if err := checkTargets(spec, targets); err != nil {
		return nil, err
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	needBackend := spec.Model != ModelEvents || spec.rateDriven()
	if needBackend && opts.Backend == nil {
		return nil, errors.New("load: no backend")
	}
	if spec.Model == ModelEvents && opts.Subscriber == nil {
		return nil, errors.New("load: no subscriber")
	}
	plan := spec.Plan()
	rec := NewRecorder()
	e := &env{spec: spec, targets: targets, be: opts.Backend, sub: opts.Subscriber, rec: rec, clock: opts.Clock}
	limit := spec.Requests
	if limit <= 0 {
		limit = spec.MaxRequests
	}
	e.budget.Store(limit)

	before := scrapeAll(ctx, opts.Scrape, targets.Servers)
	var cpu0 time.Duration
	if opts.CPU != nil {
		cpu0 = opts.CPU()
	}

	// The run context bounds issuing; the request context outlives it by
	// the timeout so the last replies are counted.
	var runCtx context.Context
	var cancelRun context.CancelFunc
	if spec.Model == ModelOpen {
		// The schedule ends the run; the limit is only a safety net.
		runCtx, cancelRun = context.WithTimeout(ctx, spec.MaxDuration.D())
	} else {
		runCtx, cancelRun = context.WithTimeout(ctx, plan.Duration)
	}
	defer cancelRun()
	reqCtx, cancelReq := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelReq()
	e.reqCtx = reqCtx
	go func() {
		// Requests still in flight a timeout after the run (or at once when
		// the caller cancels) fail as timed out.
		select {
		case <-runCtx.Done():
		case <-reqCtx.Done():
			return
		}
		if ctx.Err() != nil {
			cancelReq()
			return
		}
		t := time.NewTimer(spec.Timeout.D())
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		case <-reqCtx.Done():
		}
		cancelReq()
	}()

	var execs []Executor
	rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(spec.Seed, stream)) }
	openish := func() Executor {
		var arr *rand.Rand
		if spec.Poisson {
			arr = rng(1 << 32)
		}
		stagesLimit := spec.Requests
		return &openExec{env: e, arrivals: NewArrivals(spec.stages(), arr, stagesLimit), pick: newPicker(spec.Mix, targets, spec.BatchSize, rng(0))}
	}
	switch spec.Model {
	case ModelOpen:
		execs = append(execs, openish())
	case ModelClosed:
		execs = append(execs, &closedExec{env: e, seed: spec.Seed})
	case ModelPoll:
		execs = append(execs, &pollExec{env: e})
	case ModelEvents:
		execs = append(execs, &eventExec{env: e})
		if spec.rateDriven() {
			execs = append(execs, openish())
		}
	}

	start := opts.Clock.Now()
	var series []Snapshot
	tickDone := make(chan struct{})
	stopTick := make(chan struct{})
	go func() {
		defer close(tickDone)
		t := time.NewTicker(opts.Interval)
		defer t.Stop()
		last := start
		for {
			select {
			case <-t.C:
			case <-stopTick:
			}
			now := opts.Clock.Now()
			s := rec.snapshot(now.Sub(start), now.Sub(last))
			last = now
			series = append(series, s)
			if opts.Live != nil {
				opts.Live.push(s)
			}
			select {
			case <-stopTick:
				return
			default:
			}
		}
	}()

	var wg sync.WaitGroup
	errs := make([]error, len(execs))
	for i, x := range execs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = x.Run(runCtx)
		}()
	}
	wg.Wait()
	end := opts.Clock.Now()
	close(stopTick)
	<-tickDone
	cancelReq()
	if opts.Live != nil {
		opts.Live.finish()
	}

	res := &Result{Spec: spec, Planned: plan.Requests, Series: series}
	res.Ops, res.Total, res.Events = rec.results()
	wall := end.Sub(start).Seconds()
	res.DurationS = wall
	if wall > 0 {
		res.AchievedRate = float64(res.Total.OK+res.Total.Errors) / wall
	}
	if spec.Model == ModelOpen && plan.Duration > 0 {
		res.RequestedRate = float64(plan.Requests) / plan.Duration.Seconds()
	}
	if opts.CPU != nil {
		c := (opts.CPU() - cpu0).Seconds()
		res.Generator.CPUSeconds = c
		if n := res.Total.OK + res.Total.Errors; n > 0 {
			res.Generator.CPUPerRequestUs = c / float64(n) * 1e6
		} else if res.Events != nil && res.Events.Events > 0 {
			res.Generator.CPUPerRequestUs = c / float64(res.Events.Events) * 1e6
		}
		if wall > 0 {
			res.Generator.CPUUtilization = c / wall
		}
	}
	after := scrapeAll(ctx, opts.Scrape, targets.Servers)
	res.Servers = serverDeltas(targets.Servers, before, after, wall)
	return res, errors.Join(errs...)
}

// checkTargets refuses a mix whose operations have nothing to act on.
func checkTargets(spec Spec, t *Targets) error {
	if len(t.Servers) == 0 {
		return errors.New("load: no servers")
	}
	writable := 0
	for _, a := range t.Attrs {
		if a.Server < 0 || a.Server >= len(t.Servers) {
			return fmt.Errorf("load: attribute %s: bad server index %d", a.Name, a.Server)
		}
		if a.Value != nil {
			writable++
		}
	}
	usesMix := spec.Model == ModelOpen || spec.Model == ModelClosed || spec.rateDriven()
	for k, w := range spec.Mix {
		if w <= 0 || !usesMix {
			continue
		}
		switch {
		case (k == OpRead || k == OpBatch) && len(t.Attrs) == 0:
			return fmt.Errorf("load: the mix has %s but no target attribute matched", k)
		case k == OpWrite && writable == 0:
			return errors.New("load: the mix has writes but no target attribute is writable")
		case k == OpCommand && len(t.Commands) == 0:
			return errors.New("load: the mix has commands but no command target")
		}
	}
	if (spec.Model == ModelPoll || spec.Model == ModelEvents) && len(t.Attrs) == 0 {
		return errors.New("load: no target attribute matched")
	}
	return nil
}
