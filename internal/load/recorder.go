package load

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram range: 1 µs .. 100 s at 3 significant figures, in µs.
const (
	histMin = 1
	histMax = 100_000_000
	histSig = 3
)

func newHist() *hdr.Histogram { return hdr.New(histMin, histMax, histSig) }

func recordDur(h *hdr.Histogram, d time.Duration) {
	us := d.Microseconds()
	if us < histMin {
		us = histMin
	}
	if us > histMax {
		us = histMax
	}
	_ = h.RecordValue(us)
}

// opStats are the running figures of one operation kind.
type opStats struct {
	corrected, uncorrected *hdr.Histogram
	ok, failed, notIssued  int64
	errors                 map[string]int64
}

// Recorder collects outcomes from concurrent executors. One mutex guards
// the histograms (an HDR record is a few ns, so contention is small next
// to a request's cost); the in-flight gauge is atomic.
type Recorder struct {
	mu  sync.Mutex
	ops [numOps]*opStats
	// the current one-second window, reset by Snapshot
	win       *hdr.Histogram
	winOK     int64
	winFailed int64
	winNotIss int64
	winEvents int64
	winLag    *hdr.Histogram

	ev eventStats

	inFlight atomic.Int64
}

type eventStats struct {
	subscribed, subscribeErrors, streamsEnded int64
	events, errorEvents, noTimestamp          int64
	dropMarkers, dropped, outOfOrder          int64
	lag                                       *hdr.Histogram
	negativeLag                               int64
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder {
	r := &Recorder{win: newHist(), winLag: newHist()}
	for i := range r.ops {
		r.ops[i] = &opStats{corrected: newHist(), uncorrected: newHist(), errors: map[string]int64{}}
	}
	r.ev.lag = newHist()
	return r
}

// Done records a completed request: intended is when the schedule wanted
// it sent, sent when it was, done when the reply arrived; reason is "" on
// success.
func (r *Recorder) Done(k OpKind, intended, sent, done time.Time, reason string) {
	corr, unc := done.Sub(intended), done.Sub(sent)
	r.mu.Lock()
	s := r.ops[k]
	recordDur(s.corrected, corr)
	recordDur(s.uncorrected, unc)
	recordDur(r.win, corr)
	if reason == "" {
		s.ok++
		r.winOK++
	} else {
		s.failed++
		s.errors[reason]++
		r.winFailed++
	}
	r.mu.Unlock()
}

// NotIssued records a request that could not be issued in time.
func (r *Recorder) NotIssued(k OpKind) {
	r.mu.Lock()
	r.ops[k].notIssued++
	r.winNotIss++
	r.mu.Unlock()
}

// Events records a batch received at recv by an event client; last holds
// the previous source timestamp per attribute (the caller's, one map per
// stream) to detect events out of order.
func (r *Recorder) Events(b Batch, recv time.Time, last map[string]int64) {
	rn := recv.UnixNano()
	r.mu.Lock()
	defer r.mu.Unlock()
	if b.Dropped > 0 {
		r.ev.dropMarkers++
		r.ev.dropped += int64(b.Dropped)
	}
	for _, e := range b.Events {
		r.ev.events++
		r.winEvents++
		if e.Err {
			r.ev.errorEvents++
			continue
		}
		if e.UnixNano == 0 {
			r.ev.noTimestamp++
			continue
		}
		if prev, ok := last[e.Name]; ok && e.UnixNano < prev {
			r.ev.outOfOrder++
		}
		last[e.Name] = e.UnixNano
		lag := time.Duration(rn - e.UnixNano)
		if lag < 0 {
			// The source clock is ahead of ours: counted, recorded as 0.
			r.ev.negativeLag++
			lag = 0
		}
		recordDur(r.ev.lag, lag)
		recordDur(r.winLag, lag)
	}
}

func (r *Recorder) subscribed(err error) {
	r.mu.Lock()
	if err != nil {
		r.ev.subscribeErrors++
	} else {
		r.ev.subscribed++
	}
	r.mu.Unlock()
}

func (r *Recorder) streamEnded() {
	r.mu.Lock()
	r.ev.streamsEnded++
	r.mu.Unlock()
}

// Snapshot is one interval of a run (normally one second).
type Snapshot struct {
	Elapsed   time.Duration `json:"-"`
	Second    float64       `json:"t_s"`
	Interval  time.Duration `json:"-"`
	OK        int64         `json:"ok"`
	Errors    int64         `json:"errors"`
	NotIssued int64         `json:"not_issued"`
	// Rate is completed requests per second over the interval.
	Rate     float64 `json:"rate"`
	P50Us    int64   `json:"p50_us"`
	P99Us    int64   `json:"p99_us"`
	MaxUs    int64   `json:"max_us"`
	InFlight int64   `json:"in_flight"`
	Events   int64   `json:"events"`
	LagP99Us int64   `json:"lag_p99_us"`
}

// snapshot closes the current window.
func (r *Recorder) snapshot(elapsed, interval time.Duration) Snapshot {
	r.mu.Lock()
	s := Snapshot{Elapsed: elapsed, Second: elapsed.Seconds(), Interval: interval,
		OK: r.winOK, Errors: r.winFailed, NotIssued: r.winNotIss, Events: r.winEvents,
		P50Us: r.win.ValueAtQuantile(50), P99Us: r.win.ValueAtQuantile(99), MaxUs: r.win.Max(),
		LagP99Us: r.winLag.ValueAtQuantile(99)}
	r.win.Reset()
	r.winLag.Reset()
	r.winOK, r.winFailed, r.winNotIss, r.winEvents = 0, 0, 0, 0
	r.mu.Unlock()
	if interval > 0 {
		s.Rate = float64(s.OK+s.Errors) / interval.Seconds()
	}
	s.InFlight = r.inFlight.Load()
	return s
}

// Latency is a latency distribution in microseconds.
type Latency struct {
	Count int64   `json:"count"`
	Min   int64   `json:"min_us"`
	Mean  float64 `json:"mean_us"`
	P50   int64   `json:"p50_us"`
	P90   int64   `json:"p90_us"`
	P99   int64   `json:"p99_us"`
	P999  int64   `json:"p99_9_us"`
	Max   int64   `json:"max_us"`
}

func latencyOf(h *hdr.Histogram) Latency {
	if h.TotalCount() == 0 {
		return Latency{}
	}
	return Latency{Count: h.TotalCount(), Min: h.Min(), Mean: h.Mean(),
		P50: h.ValueAtQuantile(50), P90: h.ValueAtQuantile(90), P99: h.ValueAtQuantile(99),
		P999: h.ValueAtQuantile(99.9), Max: h.Max()}
}

// OpResult is the outcome of one operation kind.
type OpResult struct {
	Op string `json:"op"`
	// Requests = OK + Errors + NotIssued.
	Requests  int64 `json:"requests"`
	OK        int64 `json:"ok"`
	Errors    int64 `json:"errors"`
	NotIssued int64 `json:"not_issued"`
	// Latency is measured from the intended send time (corrected for
	// coordinated omission); LatencyUncorrected from the actual send.
	Latency            Latency          `json:"latency"`
	LatencyUncorrected Latency          `json:"latency_uncorrected"`
	ErrorsByReason     map[string]int64 `json:"errors_by_reason,omitempty"`
}

// EventResult is the outcome of the event clients.
type EventResult struct {
	Subscriptions   int64 `json:"subscriptions"`
	SubscribeErrors int64 `json:"subscribe_errors"`
	StreamsEnded    int64 `json:"streams_ended_early"`
	Events          int64 `json:"events"`
	ErrorEvents     int64 `json:"error_events"`
	// Lag is receive time − the event's source timestamp.
	Lag         Latency `json:"lag"`
	NegativeLag int64   `json:"negative_lag"`
	NoTimestamp int64   `json:"no_timestamp"`
	// DropMarkers counts batches that said events were lost (gaps);
	// Dropped sums the events lost.
	DropMarkers int64 `json:"drop_markers"`
	Dropped     int64 `json:"dropped"`
	OutOfOrder  int64 `json:"out_of_order"`
}

// results returns the per-operation results (operations with requests
// only, in kind order), the total, and the event figures.
func (r *Recorder) results() ([]OpResult, OpResult, *EventResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []OpResult
	total := OpResult{Op: "total", ErrorsByReason: map[string]int64{}}
	tc, tu := newHist(), newHist()
	for k, s := range r.ops {
		n := s.ok + s.failed + s.notIssued
		if n == 0 {
			continue
		}
		o := OpResult{Op: OpKind(k).String(), Requests: n, OK: s.ok, Errors: s.failed, NotIssued: s.notIssued,
			Latency: latencyOf(s.corrected), LatencyUncorrected: latencyOf(s.uncorrected)}
		if len(s.errors) > 0 {
			o.ErrorsByReason = map[string]int64{}
			for re, c := range s.errors {
				o.ErrorsByReason[re] = c
				total.ErrorsByReason[re] += c
			}
		}
		out = append(out, o)
		total.Requests += n
		total.OK += s.ok
		total.Errors += s.failed
		total.NotIssued += s.notIssued
		tc.Merge(s.corrected)
		tu.Merge(s.uncorrected)
	}
	total.Latency, total.LatencyUncorrected = latencyOf(tc), latencyOf(tu)
	if len(total.ErrorsByReason) == 0 {
		total.ErrorsByReason = nil
	}
	var ev *EventResult
	if r.ev.subscribed+r.ev.subscribeErrors > 0 {
		ev = &EventResult{Subscriptions: r.ev.subscribed, SubscribeErrors: r.ev.subscribeErrors,
			StreamsEnded: r.ev.streamsEnded, Events: r.ev.events, ErrorEvents: r.ev.errorEvents,
			Lag: latencyOf(r.ev.lag), NegativeLag: r.ev.negativeLag, NoTimestamp: r.ev.noTimestamp,
			DropMarkers: r.ev.dropMarkers, Dropped: r.ev.dropped, OutOfOrder: r.ev.outOfOrder}
	}
	return out, total, ev
}

func sortedReasons(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
