package load

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"chaoslab/internal/api"
)

// Clock tells the time. Executors measure with it; they wait with the time
// package, which testing/synctest fakes, so tests get both in one bubble.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// env is what every executor shares.
type env struct {
	spec    Spec
	targets *Targets
	be      Backend
	sub     Subscriber
	rec     *Recorder
	clock   Clock
	// reqCtx outlives the run context by the spec's timeout so requests
	// in flight at the end can finish (or fail as timed out): counts add up.
	reqCtx context.Context
	// budget is the number of requests left (open and closed models);
	// negative: unlimited.
	budget atomic.Int64
}

// take reserves one request from the budget.
func (e *env) take() bool {
	if e.budget.Load() < 0 {
		return true
	}
	return e.budget.Add(-1) >= 0
}

// issue runs op and records it; intended is its scheduled send time.
func (e *env) issue(op *Op, intended time.Time) {
	e.rec.inFlight.Add(1)
	sent := e.clock.Now()
	err := e.be.Do(e.reqCtx, op)
	done := e.clock.Now()
	e.rec.inFlight.Add(-1)
	if sent.Before(intended) {
		intended = sent // issued a little early: never report less than the real wait
	}
	e.rec.Done(op.Kind, intended, sent, done, reasonOf(err))
}

func reasonOf(err error) string {
	if err == nil {
		return ""
	}
	if r := api.ReasonOf(err); r != "" {
		return r
	}
	return "Unknown"
}

// Executor runs one kind of client behaviour until ctx ends or its budget
// is spent.
type Executor interface {
	Run(ctx context.Context) error
}

// earlyIssue is how early a request may go out rather than sleeping: a
// timer shorter than this costs more than it is precise.
const earlyIssue = 20 * time.Microsecond

// openExec is the open model: arrivals on schedule, a bounded pool of
// requests in flight. An arrival that finds the pool full waits for a
// slot until MaxLate past its intended time, then counts as not issued.
// Requests run on a pool of worker goroutines (started as the number in
// flight grows, at most MaxInFlight), not one goroutine per request; a
// job carries its intended time, so the latency correction is unchanged.
type openExec struct {
	*env
	arrivals *Arrivals
	pick     *picker
}

// job is one scheduled request for a worker.
type job struct {
	op       Op
	intended time.Time
}

func (x *openExec) Run(ctx context.Context) error {
	slots := make(chan struct{}, x.spec.MaxInFlight)
	// A job is queued only after taking a slot, so this never blocks.
	jobs := make(chan job, x.spec.MaxInFlight)
	var wg sync.WaitGroup
	var idle atomic.Int64 // workers waiting for a job
	workers := 0
	defer func() {
		close(jobs)
		wg.Wait()
	}()
	worker := func() {
		defer wg.Done()
		for j := range jobs {
			idle.Add(-1)
			x.issue(&j.op, j.intended)
			idle.Add(1)
			<-slots
		}
		idle.Add(-1)
	}
	var op Op
	start := x.clock.Now()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	maxLate := x.spec.MaxLate.D()
	for {
		off, ok := x.arrivals.Next()
		if !ok {
			return nil
		}
		intended := start.Add(off)
		if d := intended.Sub(x.clock.Now()); d > earlyIssue {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return nil
			}
		}
		if !x.take() {
			return nil
		}
		x.pick.next(&op)
		select {
		case slots <- struct{}{}:
		default:
			wait := intended.Add(maxLate).Sub(x.clock.Now())
			if wait <= 0 {
				x.rec.NotIssued(op.Kind)
				continue
			}
			timer.Reset(wait)
			select {
			case slots <- struct{}{}:
				if !timer.Stop() {
					<-timer.C
				}
			case <-timer.C:
				x.rec.NotIssued(op.Kind)
				continue
			case <-ctx.Done():
				x.rec.NotIssued(op.Kind)
				return nil
			}
		}
		if idle.Load() <= int64(len(jobs)) && workers < x.spec.MaxInFlight {
			workers++
			idle.Add(1)
			wg.Add(1)
			go worker()
		}
		jobs <- job{op, intended}
	}
}

// closedExec is the closed model: each client sends, waits for the reply,
// thinks, repeats. Its latency has no correction to make (the intended
// time is the send time): a closed model cannot see coordinated omission.
type closedExec struct {
	*env
	seed uint64
}

func (x *closedExec) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := 0; i < x.spec.Clients; i++ {
		pick := newPicker(x.spec.Mix, x.targets, x.spec.BatchSize, rand.New(rand.NewPCG(x.seed, uint64(i)+1)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			think := x.spec.Think.D()
			var op Op
			for ctx.Err() == nil && x.take() {
				pick.next(&op)
				x.issue(&op, x.clock.Now())
				if think > 0 {
					select {
					case <-time.After(think):
					case <-ctx.Done():
					}
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// pollExec is polling clients: each reads all its targets every Poll, at
// a phase spread over the period. A poll still running when the next one
// is due delays it (the delay is in the corrected latency); a poll a whole
// period late is skipped and counted as not issued, as a polling client
// would skip it.
type pollExec struct {
	*env
}

func (x *pollExec) Run(ctx context.Context) error {
	groups := x.targets.byServer()
	period := x.spec.Poll.D()
	start := x.clock.Now()
	var wg sync.WaitGroup
	for i := 0; i < x.spec.Clients; i++ {
		phase := time.Duration(int64(period) * int64(i) / int64(x.spec.Clients))
		wg.Add(1)
		go func() {
			defer wg.Done()
			timer := time.NewTimer(time.Hour)
			defer timer.Stop()
			for k := int64(0); ; k++ {
				intended := start.Add(phase + time.Duration(k)*period)
				if d := intended.Sub(x.clock.Now()); d > earlyIssue {
					timer.Reset(d)
					select {
					case <-timer.C:
					case <-ctx.Done():
						return
					}
				}
				if ctx.Err() != nil {
					return
				}
				if x.clock.Now().Sub(intended) >= period {
					x.rec.NotIssued(OpPoll)
					continue
				}
				for s, names := range groups {
					if len(names) == 0 {
						continue
					}
					if !x.take() {
						return
					}
					x.issue(&Op{Kind: OpPoll, Server: s, Names: names}, intended)
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// eventExec is event clients: each subscribes to all its targets and
// records every event's lag (receive time − source timestamp), drop
// markers and events out of order until ctx ends.
type eventExec struct {
	*env
}

func (x *eventExec) Run(ctx context.Context) error {
	groups := x.targets.byServer()
	typ := eventTypes[x.spec.Events]
	var wg sync.WaitGroup
	for i := 0; i < x.spec.Clients; i++ {
		for s, names := range groups {
			if len(names) == 0 {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, err := x.sub.Subscribe(ctx, s, names, typ)
				x.rec.subscribed(err)
				if err != nil {
					return
				}
				x.consume(ctx, st)
			}()
		}
	}
	wg.Wait()
	return nil
}

func (x *eventExec) consume(ctx context.Context, st Stream) {
	defer st.Close()
	last := map[string]int64{}
	for {
		select {
		case b, ok := <-st.C():
			if !ok {
				if ctx.Err() == nil {
					x.rec.streamEnded()
				}
				return
			}
			x.rec.Events(b, x.clock.Now(), last)
		case <-ctx.Done():
			return
		}
	}
}
