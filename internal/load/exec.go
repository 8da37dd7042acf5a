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
func (e *env) issue(op *Op, intended time.Time) { e.issueAt(op, intended, e.clock.Now()) }

// issueAt is issue for a caller that has just read the clock (sent).
func (e *env) issueAt(op *Op, intended, sent time.Time) {
	e.rec.inFlight.Add(1)
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

// openExec is the open model: arrivals on schedule, at most MaxInFlight
// requests in flight. Workers pull the schedule: a free worker claims the
// next arrival (and its operation, in schedule order, so a seed gives the
// same sequence), sleeps until its intended time if it is ahead, and
// issues it, or counts it as not issued if it is more than MaxLate late
// (the pool was full). Workers start as the number in flight grows (one
// spare claimer is kept while fewer than MaxInFlight exist). Running flat
// out, a request costs no channel operation and no wake-up in the
// executor: the worker that finished one takes the next.
type openExec struct {
	*env
	arrivals *Arrivals
	pick     *picker
}

func (x *openExec) Run(ctx context.Context) error {
	var (
		mu      sync.Mutex // guards arrivals and pick
		spawned atomic.Int64
		idle    atomic.Int64 // workers not running a request
		wg      sync.WaitGroup
	)
	start := x.clock.Now()
	maxLate := x.spec.MaxLate.D()
	limit := int64(x.spec.MaxInFlight)
	// claim takes the next arrival; false once the schedule or the budget
	// is spent.
	claim := func(op *Op) (time.Time, bool) {
		mu.Lock()
		defer mu.Unlock()
		off, ok := x.arrivals.Next()
		if !ok || !x.take() {
			return time.Time{}, false
		}
		x.pick.next(op)
		return start.Add(off), true
	}
	var worker func()
	spawn := func() {
		if spawned.Add(1) > limit {
			spawned.Add(-1)
			return
		}
		idle.Add(1)
		wg.Add(1)
		go worker()
	}
	worker = func() {
		defer wg.Done()
		defer idle.Add(-1)
		timer := time.NewTimer(time.Hour)
		defer timer.Stop()
		var op Op
		freed := false // this worker has just finished a request
		for ctx.Err() == nil {
			intended, ok := claim(&op)
			if !ok {
				return
			}
			now := x.clock.Now()
			switch d := intended.Sub(now); {
			case d > earlyIssue:
				timer.Reset(d)
				select {
				case <-timer.C:
				case <-ctx.Done():
					return // its time had not come: neither issued nor late
				}
				now = x.clock.Now()
			case d < 0 && freed && spawned.Load() >= limit && now.Sub(intended) > maxLate:
				// Due while every worker was busy: it found the pool full
				// and waited longer than MaxLate.
				x.rec.NotIssued(op.Kind)
				continue
			}
			if idle.Add(-1) == 0 {
				spawn() // keep a worker claiming while this one is busy
			}
			x.issueAt(&op, intended, now)
			idle.Add(1)
			freed = true
		}
	}
	spawn()
	wg.Wait()
	return nil
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
