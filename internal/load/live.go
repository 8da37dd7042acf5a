package load

import (
	"sync"
	"time"
)

// Live is a view of a running load for experiments' probes and stop
// conditions and for the progress line: the recent per-interval snapshots.
// It is safe for concurrent use. Create it with NewLive and pass it in
// Options.Live.
type Live struct {
	mu     sync.Mutex
	ring   []Snapshot
	n      int // snapshots pushed
	notify func(Snapshot)
	done   chan struct{}
}

// NewLive keeps the last keep snapshots (default 60); notify, if not nil,
// is called with each snapshot (on the run's ticker goroutine: keep it
// short).
func NewLive(keep int, notify func(Snapshot)) *Live {
	if keep <= 0 {
		keep = 60
	}
	return &Live{ring: make([]Snapshot, keep), notify: notify, done: make(chan struct{})}
}

func (l *Live) push(s Snapshot) {
	l.mu.Lock()
	l.ring[l.n%len(l.ring)] = s
	l.n++
	l.mu.Unlock()
	if l.notify != nil {
		l.notify(s)
	}
}

func (l *Live) finish() { close(l.done) }

// Done is closed when the run has ended.
func (l *Live) Done() <-chan struct{} { return l.done }

// Last returns the latest snapshot (false before the first).
func (l *Live) Last() (Snapshot, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		return Snapshot{}, false
	}
	return l.ring[(l.n-1)%len(l.ring)], true
}

// Window summarizes the last n snapshots.
type Window struct {
	Span      time.Duration
	Rate      float64 // completed requests per second
	ErrorRate float64 // errors / completed
	NotIssued int64
	// P99Us is the highest per-interval p99 in the window: an upper bound
	// of the window's p99, cheap to keep.
	P99Us  int64
	Events int64
}

// Window returns the summary of the last n snapshots (fewer if the run is
// younger).
func (l *Live) Window(n int) Window {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n > l.n {
		n = l.n
	}
	if n > len(l.ring) {
		n = len(l.ring)
	}
	var w Window
	var done, errs int64
	for i := 0; i < n; i++ {
		s := l.ring[(l.n-1-i)%len(l.ring)]
		w.Span += s.Interval
		done += s.OK + s.Errors
		errs += s.Errors
		w.NotIssued += s.NotIssued
		w.Events += s.Events
		w.P99Us = max(w.P99Us, s.P99Us)
	}
	if w.Span > 0 {
		w.Rate = float64(done) / w.Span.Seconds()
	}
	if done > 0 {
		w.ErrorRate = float64(errs) / float64(done)
	}
	return w
}
