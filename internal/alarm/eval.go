package alarm

import (
	"time"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// ring is the per-attribute value cache behind .delta: the last Threshold+1
// values, stored only when their timestamp is new (teval:L398-402).
type ring struct {
	t    []int64
	v    []pyval.Value
	next int
	n    int
}

func (r *ring) add(depth int, t int64, v pyval.Value) {
	if len(r.t) != depth {
		r.t, r.v, r.next, r.n = make([]int64, depth), make([]pyval.Value, depth), 0, 0
	}
	if r.n > 0 && r.t[(r.next+depth-1)%depth] == t {
		return
	}
	r.t[r.next], r.v[r.next] = t, v
	r.next = (r.next + 1) % depth
	r.n = min(r.n+1, depth)
}

// delta is newest minus oldest (0 with fewer than two values).
func (r *ring) delta(ctx *pyval.Context) pyval.Value {
	if r.n < 2 {
		return pyval.Int(0)
	}
	d := len(r.t)
	newest := r.v[(r.next+d-1)%d]
	oldest := r.v[(r.next+d-r.n)%d]
	v, err := pyval.Binary(ctx, pyval.OpSub, newest, oldest)
	if err != nil {
		return pyval.Int(0)
	}
	return v
}

func (r *ring) hist() pyval.Value {
	d := len(r.t)
	out := make([]pyval.Value, 0, r.n)
	for i := 1; i <= r.n; i++ {
		out = append(out, r.v[(r.next+d-i)%d])
	}
	return pyval.NewList(out)
}

// plain is the value a reference evaluates to: bool, None and DevState
// become int, None becomes 0 (teval:L78-123).
func plain(v pyval.Value) pyval.Value {
	switch v.K {
	case pyval.BoolKind:
		if pyval.Truth(v) {
			return pyval.Int(1)
		}
		return pyval.Int(0)
	case pyval.NoneKind, pyval.Undefined:
		return pyval.Int(0)
	}
	return v
}

// outcome of one evaluation.
type outcome uint8

const (
	outFalse outcome = iota
	outTrue
	outFailed // skipped, listed in FailedAlarms
)

// evaluate runs one formula at now with the error semantics of §3.3 and
// returns the outcome, the result value and the error if any.
func (d *Device) evaluate(c *compiled, caches []ring, now time.Time) (outcome, pyval.Value, error) {
	d.inEval++
	defer func() { d.inEval-- }()
	d.evalNow = float64(now.UnixNano()) / 1e9
	d.evalAt = now
	raise := (c.state && d.cfg.RethrowState) || d.cfg.RethrowAttribute || d.cfg.Ignore == ignoreFalse
	repl := pyval.None
	if !raise && d.cfg.Ignore == ignoreNaN {
		repl = nan
	}
	failed := func(err error) (outcome, pyval.Value, error) {
		if raise {
			return outTrue, pyval.Str(err.Error()), err
		}
		if d.cfg.Ignore == ignoreNaN {
			return outTrue, nan, err
		}
		return outFailed, pyval.None, err
	}
	if c.err != nil {
		return failed(c.err)
	}
	if cap(d.reads) < len(c.keys) {
		d.reads = make([]sim.Reading, len(c.keys))
	}
	reads := d.reads[:len(c.keys)]
	depth := d.cfg.Threshold + 1
	for i, k := range c.keys {
		if k.self {
			reads[i] = d.Read(now, k.attr)
		} else {
			reads[i] = d.host.Read(now, k.dev, k.attr)
		}
		if reads[i].Err == nil && caches != nil {
			caches[i].add(depth, reads[i].Time.UnixNano(), plain(reads[i].Value))
		}
	}
	env := c.env
	for i, r := range c.refs {
		slot := c.slots[i]
		if slot < 0 {
			continue
		}
		rd := &reads[c.keyOf[i]]
		if r.What == "exception" {
			env.Vars[slot] = pyval.Bool(rd.Err != nil)
			continue
		}
		if rd.Err != nil {
			if raise {
				return failed(rd.Err)
			}
			env.Vars[slot] = repl
			continue
		}
		var cache *ring
		if caches != nil {
			cache = &caches[c.keyOf[i]]
		}
		env.Vars[slot] = d.whatValue(rd, r.What, cache)
	}
	t := pyval.Float(d.evalNow)
	if c.tSlot >= 0 {
		env.Vars[c.tSlot] = t
	}
	if c.nowSlot >= 0 {
		env.Vars[c.nowSlot] = t
	}
	v, err := c.prog.Eval(env)
	if err != nil {
		return failed(err)
	}
	if pyval.Truth(v) {
		return outTrue, v, nil
	}
	return outFalse, v, nil
}

// whatValue is the value of a successful reading under a reference suffix
// (teval:L377-452); cache backs .delta and .hist (nil: none kept).
func (d *Device) whatValue(rd *sim.Reading, what string, cache *ring) pyval.Value {
	switch what {
	case "time":
		return pyval.Float(float64(rd.Time.UnixNano()) / 1e9)
	case "quality":
		return pyval.Int(int64(rd.Quality))
	case "delta":
		if cache == nil {
			return pyval.Int(0)
		}
		return cache.delta(d.ctx)
	case "hist":
		if cache == nil {
			return pyval.NewList(nil)
		}
		return cache.hist()
	case "ALARM":
		return pyval.Bool(rd.Quality == sim.Alarm)
	case "WARNING":
		return pyval.Bool(rd.Quality == sim.Warning)
	case "VALID", "OK":
		return pyval.Bool(rd.Quality == sim.Valid)
	case "INVALID":
		return pyval.Bool(rd.Quality == sim.Invalid)
	}
	return plain(rd.Value)
}
