package server

import (
	"context"
	"time"

	"chaoslab/internal/api"
	"chaoslab/internal/client"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// Remote implements sim.Remote over the network: cross-server formula
// operations (ATTR/XATTR/WATTR/COMM on a device hosted elsewhere) go
// through a client pool, one pipelined connection per server, reused. The
// KeepTime cache of remote readings lives in the model (sim.World caches
// each remote reading, failures included, as DynamicDS's cached proxies
// do), so Remote does not cache again; timeout bounds each call because the
// model waits for it.
type Remote struct {
	pool    *client.Pool
	timeout time.Duration
}

var _ sim.Remote = (*Remote)(nil)

// NewRemote returns a Remote over pool; timeout bounds one call (default 1 s).
func NewRemote(pool *client.Pool, timeout time.Duration) *Remote {
	if timeout <= 0 {
		timeout = time.Second
	}
	return &Remote{pool: pool, timeout: timeout}
}

func (r *Remote) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), r.timeout)
}

// ReadAttribute implements sim.Remote.
func (r *Remote) ReadAttribute(now time.Time, device, attr string) sim.Reading {
	ctx, cancel := r.ctx()
	defer cancel()
	out := sim.Reading{Attr: attr, Value: pyval.None, Quality: sim.Invalid, Time: now}
	cl, err := r.pool.Device(ctx, device)
	if err == nil {
		rs, rerr := cl.ReadAttributes(ctx, []string{device + "/" + attr})
		switch {
		case rerr != nil:
			err = rerr
		case len(rs) != 1:
			err = api.NewError(api.ReasonInternal, "remote read returned no reading", "client")
		default:
			w := rs[0]
			out.Quality = sim.Quality(w.Quality)
			out.Time = time.Unix(0, w.TimeUnixNano)
			if len(w.Errors) > 0 {
				e := w.Errors[0]
				out.Err = &sim.DevError{Reason: e.Reason, Desc: e.Desc, Origin: e.Origin}
			} else {
				out.Value = PyValue(w.Value)
			}
		}
	}
	if err != nil {
		out.Err = simError(err)
	}
	return out
}

// WriteAttribute implements sim.Remote.
func (r *Remote) WriteAttribute(now time.Time, device, attr string, v pyval.Value) error {
	ctx, cancel := r.ctx()
	defer cancel()
	cl, err := r.pool.Device(ctx, device)
	if err == nil {
		err = cl.Write(ctx, device+"/"+attr, WireValue(v))
	}
	if err != nil {
		return simError(err)
	}
	return nil
}

// Command implements sim.Remote.
func (r *Remote) Command(now time.Time, device, cmd string, arg pyval.Value) (pyval.Value, error) {
	ctx, cancel := r.ctx()
	defer cancel()
	cl, err := r.pool.Device(ctx, device)
	if err != nil {
		return pyval.None, simError(err)
	}
	v, err := cl.Command(ctx, device, cmd, WireValue(arg))
	if err != nil {
		return pyval.None, simError(err)
	}
	return PyValue(v), nil
}

// simError converts a client error to the model's DevError.
func simError(err error) *sim.DevError {
	if e, ok := err.(*api.Error); ok && len(e.Errors) > 0 {
		d := e.Errors[0]
		return &sim.DevError{Reason: d.Reason, Desc: d.Desc, Origin: d.Origin}
	}
	return &sim.DevError{Reason: api.ReasonUnavailable, Desc: err.Error(), Origin: "client"}
}
