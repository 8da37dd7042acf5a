package sim

import (
	"fmt"
	"strings"
	"time"

	"chaoslab/internal/formula/pyval"
)

// remoteCache keeps remote readings for max(100 ms, KeepTime of the
// reading device), measured from the remote value's timestamp, as
// DynamicDS's CachedAttributeProxy does (fandango callbacks.py): a formula
// reading a remote attribute many times per second costs one remote read,
// and a reading that was already old when it arrived is not kept at all.
type remoteCache map[string]Reading

const remoteKeep = int64(100 * time.Millisecond)

// readModel reads dev/attr: directly when dev is hosted here (the
// same-server shortcut of DynamicDS), else through Remote.
func (w *World) readModel(now int64, dev, attr string, keepTime int64) Reading {
	if d2, ok := w.lookup(dev); ok {
		if d2.plug != nil {
			return d2.plug.Read(time.Unix(0, now), attr)
		}
		var r Reading
		d2.readOne(now, attr, &r)
		return r
	}
	if w.opts.Remote == nil {
		return Reading{Attr: attr, Value: pyval.None, Quality: Invalid, Time: time.Unix(0, now), Err: noRemote(dev)}
	}
	keep := max(remoteKeep, keepTime)
	key := strings.ToLower(dev + "/" + attr)
	if r, ok := w.remote[key]; ok && now-r.Time.UnixNano() < keep {
		return r
	}
	r := w.opts.Remote.ReadAttribute(time.Unix(0, now), dev, attr)
	if r.Time.IsZero() {
		r.Time = time.Unix(0, now)
	}
	if w.remote == nil {
		w.remote = remoteCache{}
	}
	w.remote[key] = r
	return r
}

func (w *World) writeModel(now int64, dev, attr string, v pyval.Value) *DevError {
	if d2, ok := w.lookup(dev); ok {
		return asDevError(d2.write(now, attr, v))
	}
	if w.opts.Remote == nil {
		return noRemote(dev)
	}
	delete(w.remote, strings.ToLower(dev+"/"+attr))
	return asDevError(w.opts.Remote.WriteAttribute(time.Unix(0, now), dev, attr, v))
}

func (w *World) commandModel(now int64, dev, cmd string, arg pyval.Value) (pyval.Value, *DevError) {
	if d2, ok := w.lookup(dev); ok {
		v, err := d2.command(now, cmd, arg)
		return v, asDevError(err)
	}
	if w.opts.Remote == nil {
		return pyval.None, noRemote(dev)
	}
	v, err := w.opts.Remote.Command(time.Unix(0, now), dev, cmd, arg)
	return v, asDevError(err)
}

func noRemote(dev string) *DevError {
	return &DevError{Reason: "API_DeviceNotExported",
		Desc:   fmt.Sprintf("device %s is not hosted in this server and no remote access is configured", dev),
		Origin: "sim.World"}
}

// hostView gives plugged devices access to the World.
type hostView struct {
	w *World
	d *device
}

func (h hostView) Read(now time.Time, device, attr string) Reading {
	return h.w.readModel(h.w.clock(now), device, attr, 0)
}

func (h hostView) Rand() pyval.Rand { return &h.d.rnd }
