package sim

import (
	"hash/fnv"
	"math"
	"time"

	"chaoslab/internal/formula/pylib"
	"chaoslab/internal/formula/pyval"
)

// Polling: one binary heap of (next due time, device, attribute) over every
// polled attribute of the World (attribute -1 is the device State). A
// polled attribute is read as Tango's polling thread reads it (through the
// KeepTime cache), then its events are generated.

type pollEntry struct {
	next int64
	dev  int32
	attr int32
}

type pollHeap []pollEntry

func (w *World) heapIdx(e pollEntry) *int32 {
	d := w.devs[e.dev]
	if e.attr < 0 {
		return &d.stateHeap
	}
	return &d.attrs[e.attr].heap
}

func (w *World) less(i, j int) bool { return w.poll[i].next < w.poll[j].next }

func (w *World) swap(i, j int) {
	h := w.poll
	h[i], h[j] = h[j], h[i]
	*w.heapIdx(h[i]) = int32(i)
	*w.heapIdx(h[j]) = int32(j)
}

func (w *World) up(j int) {
	for j > 0 {
		i := (j - 1) / 2
		if !w.less(j, i) {
			break
		}
		w.swap(i, j)
		j = i
	}
}

func (w *World) down(i int) {
	n := len(w.poll)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && w.less(r, l) {
			j = r
		}
		if !w.less(j, i) {
			return
		}
		w.swap(i, j)
		i = j
	}
}

func (w *World) remove(i int) {
	n := len(w.poll) - 1
	e := w.poll[i]
	if i != n {
		w.swap(i, n)
	}
	w.poll = w.poll[:n]
	*w.heapIdx(e) = -1
	if i != n {
		w.down(i)
		w.up(i)
	}
}

// schedule (re)inserts an attribute in the polling heap after its period
// changed: a newly polled attribute is due at once, a re-configured one
// one new period from now, an unpolled one is removed.
func (w *World) schedule(d *device, attr int32, now int64) {
	period := d.statePoll
	idx := &d.stateHeap
	if attr >= 0 {
		period = d.attrs[attr].period
		idx = &d.attrs[attr].heap
	}
	if period <= 0 {
		if *idx >= 0 {
			w.remove(int(*idx))
		}
		return
	}
	if *idx >= 0 {
		w.poll[*idx].next = now + period
		w.down(int(*idx))
		w.up(int(*idx))
		return
	}
	w.poll = append(w.poll, pollEntry{next: now, dev: d.idx, attr: attr})
	*idx = int32(len(w.poll) - 1)
	w.up(len(w.poll) - 1)
}

// advance runs due polling and returns the events since the last Advance.
func (w *World) advance(now int64) Update {
	w.polling = true
	for len(w.poll) > 0 && w.poll[0].next <= now {
		e := w.poll[0]
		d := w.devs[e.dev]
		period := d.statePoll
		if e.attr >= 0 {
			period = d.attrs[e.attr].period
		}
		next := e.next + period
		if next <= now { // late: skip the missed polls, as Tango's polling thread does
			next = now + period
		}
		w.poll[0].next = next
		w.down(0)
		if !d.allowed(now) && e.attr >= 0 {
			continue // StartupDelay: reads are refused; no events until it ends
		}
		if e.attr < 0 {
			d.hook(now)
			continue
		}
		d.get(int(e.attr), now)
		d.events(int(e.attr), now, true)
		if d.dirty && len(d.states) > 0 && !d.queued {
			d.queued = true
			w.dirtyDevs = append(w.dirtyDevs, d)
		}
		d.dirty = false
	}
	w.polling = false
	// DynamicDS re-checks the state when a kept attribute changes
	// (dyn.py:L1354-1360): once per device per Advance here.
	for _, d := range w.dirtyDevs {
		d.queued = false
		d.hook(now)
	}
	w.dirtyDevs = w.dirtyDevs[:0]
	var next int64
	t := time.Unix(0, now)
	for _, d := range w.plugged {
		n := d.plug.Advance(t, func(ev Event) { w.emitPlug(d, ev) })
		// The plugged device's State follows its timed work (a PyAlarm
		// device goes ON → ALARM when an alarm activates): check it now so
		// that the change event leaves with this Advance, not at the next
		// client read.
		d.hook(now)
		if !n.IsZero() && (next == 0 || n.UnixNano() < next) {
			next = n.UnixNano()
		}
	}
	if len(w.poll) > 0 && (next == 0 || w.poll[0].next < next) {
		next = w.poll[0].next
	}
	w.out, w.pending = w.pending, w.out[:0]
	u := Update{Events: w.out}
	if next != 0 {
		u.Next = time.Unix(0, next)
	}
	return u
}

// evState is the event memory of one polled or evented attribute.
type evState struct {
	change               pyval.Value
	nextPeriodic         int64 // when the next periodic event is due, on the period's own grid
	changeQ              Quality
	hasChange, changeErr bool
	arch                 *archState // archive events (rare): kept apart to keep evState small
}

type archState struct {
	archive                pyval.Value
	lastArchT              int64
	archiveQ               Quality
	hasArchive, archiveErr bool
}

// events generates the events of attribute i after an evaluation: change
// events (first value, quality or error change, abs/rel thresholds, or the
// UseEvents rules of DynamicDS), and, when polled, periodic and archive
// events.
func (d *device) events(i int, now int64, polled bool) {
	a := &d.attrs[i]
	var cfg EventConfig
	if a.cfg != nil {
		cfg = a.cfg.events
	}
	if a.ev == nil {
		if a.ue == ueNone && (!polled || cfg == (EventConfig{}) && !a.cfg.archiveOn()) {
			return // no events configured: no event memory either
		}
		a.ev = &evState{}
	}
	ev := a.ev
	if a.ue != ueNone || (polled && (cfg.AbsChange > 0 || cfg.RelChange > 0)) {
		abs, rel := cfg.AbsChange, cfg.RelChange
		if a.ue == uePush || (a.ue == ueTrue && abs == 0 && rel == 0) {
			abs, rel = -1, -1 // any change
		}
		if a.ue == ueAlways || d.crossed(ev.hasChange, ev.change, ev.changeQ, ev.changeErr, a, abs, rel) {
			ev.change, ev.changeQ, ev.changeErr, ev.hasChange = a.val, a.q, a.err != nil, true
			d.w.emit(d, int32(i), ChangeEvent, d.reading(i, now), now)
		}
	}
	if !polled {
		return
	}
	if cfg.Period > 0 && periodicDue(&ev.nextPeriodic, now, int64(cfg.Period)) {
		d.w.emit(d, int32(i), PeriodicEvent, d.reading(i, now), now)
	}
	if cfg.ArchiveAbs > 0 || cfg.ArchiveRel > 0 || cfg.ArchivePeriod > 0 || a.cfg.archiveOn() {
		abs, rel := cfg.ArchiveAbs, cfg.ArchiveRel
		if abs == 0 && rel == 0 {
			abs, rel = math.Inf(1), math.Inf(1) // period only
			if a.cfg != nil && a.cfg.archive && cfg.ArchivePeriod == 0 {
				abs, rel = -1, -1
			}
		}
		if ev.arch == nil {
			ev.arch = &archState{}
		}
		ar := ev.arch
		due := cfg.ArchivePeriod > 0 && now-ar.lastArchT >= int64(cfg.ArchivePeriod)
		if due || d.crossed(ar.hasArchive, ar.archive, ar.archiveQ, ar.archiveErr, a, abs, rel) {
			ar.archive, ar.archiveQ, ar.archiveErr, ar.hasArchive, ar.lastArchT = a.val, a.q, a.err != nil, true, now
			d.w.emit(d, int32(i), ArchiveEvent, d.reading(i, now), now)
		}
	}
}

// crossed reports whether a's current reading differs from the last
// published one enough for an event. abs/rel < 0 mean "any change";
// +Inf means "never by value".
func (d *device) crossed(has bool, last pyval.Value, lastQ Quality, lastErr bool, a *attr, abs, rel float64) bool {
	if !has || lastErr != (a.err != nil) || lastQ != a.q {
		return true
	}
	if a.err != nil {
		return false
	}
	f, okf := toFloat(a.val)
	l, okl := toFloat(last)
	if !okf || !okl || (abs < 0 && rel < 0) {
		if math.IsInf(abs, 1) && math.IsInf(rel, 1) {
			return false
		}
		return !sameValue(&d.ctx, a.val, last)
	}
	delta := math.Abs(f - l)
	if abs > 0 && delta >= abs {
		return true
	}
	if rel > 0 && !math.IsInf(rel, 1) && delta >= math.Abs(l)*rel/100 && delta > 0 {
		return true
	}
	return false
}

// emit publishes an event through the attribute's override (which may
// drop it). Events are queued and returned by the next Advance.
func (w *World) emit(d *device, attr int32, kind EventKind, r Reading, now int64) {
	r, ok := w.override(d, attr, now, r)
	if !ok {
		return
	}
	w.pending = append(w.pending, Event{Kind: kind, Device: d.name, Reading: r})
}

func (w *World) emitPlug(d *device, ev Event) {
	ev.Device = d.name
	w.pending = append(w.pending, ev)
}

// override applies the Override of one attribute, if any; false drops.
// Readings pass by value: a pointer handed to an Override would make
// every reading escape to the heap, also when no override is installed
// (the common case, one allocation per attribute read).
func (w *World) override(d *device, attr int32, now int64, r Reading) (Reading, bool) {
	if len(w.over) == 0 {
		return r, true
	}
	return w.applyOverride(d, attr, now, r)
}

// overrideInto is override for a reading in place (client reads, which
// cannot be dropped).
func (w *World) overrideInto(d *device, attr int32, now int64, r *Reading) {
	if len(w.over) == 0 {
		return
	}
	*r, _ = w.applyOverride(d, attr, now, *r)
}

func (w *World) applyOverride(d *device, attr int32, now int64, r Reading) (Reading, bool) {
	key := attrRef{dev: d.idx, attr: attr}
	switch attr {
	case -1:
		key.name = "state"
	case -2:
		key.name = "status"
	default:
		key.name = lowerASCII(d.attrs[attr].name)
	}
	if o := w.over[key]; o != nil {
		ok := o.Apply(time.Unix(0, now), d.name, &r)
		return r, ok
	}
	return r, true
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// lazyRand is a device's random stream, created on first use: a Mersenne
// Twister is 2.5 KiB and most devices never draw a number.
type lazyRand struct {
	mt   *pylib.MT
	seed int64
}

func (r *lazyRand) get() *pylib.MT {
	if r.mt == nil {
		r.mt = pylib.NewRandom(r.seed)
	}
	return r.mt
}

// Random implements pyval.Rand.
func (r *lazyRand) Random() float64 { return r.get().Random() }

// Getrandbits implements pyval.Rand.
func (r *lazyRand) Getrandbits(k int) uint64 { return r.get().Getrandbits(k) }

// GaussNext and SetGaussNext carry random.gauss's cached value.
func (r *lazyRand) GaussNext() (float64, bool)      { return r.get().GaussNext() }
func (r *lazyRand) SetGaussNext(v float64, ok bool) { r.get().SetGaussNext(v, ok) }

// deviceSeed derives a device's seed from the World seed and its name, so
// that adding a device does not shift the others' numbers.
func deviceSeed(seed uint64, name string) int64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(seed >> (8 * i))
	}
	h.Write(b[:])
	h.Write([]byte(lowerASCII(name)))
	return int64(h.Sum64() >> 1)
}

// Now implements pylib.Clock: ripple() without t uses the evaluation time.
func (d *device) Now() float64 { return float64(d.fr.now) / 1e9 }

func (c *attrCfg) archiveOn() bool { return c != nil && c.archive }

// periodicDue reports whether a periodic event is due at now and moves
// *next along the period's grid. The grid is kept from the scheduled times,
// not from the (late) times polls actually ran at: measuring from the last
// actual time would skip the next on-time poll after one late poll and
// deliver fewer events than 1/period. A poll within 2 % of the period before
// the due time counts, as Tango's periodic-event check allows; a poller that
// fell a whole period behind restarts the grid instead of bursting.
func periodicDue(next *int64, now, period int64) bool {
	if *next != 0 && now < *next-period/50 {
		return false
	}
	n := *next + period
	if *next == 0 || n <= now {
		n = now + period
	}
	*next = n
	return true
}
