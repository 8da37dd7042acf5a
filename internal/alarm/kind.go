package alarm

import (
	"strings"
	"sync"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/sim"
)

// Options configures the PyAlarm kind.
type Options struct {
	// Catalog is the whole control system: GROUP, FIND and alarm-tag
	// replacement search every PyAlarm device of it, and class properties
	// (StartupDelay, AlarmWikiLink ...) come from it. Nil: only each
	// device's own properties are known.
	Catalog *catalog.Catalog
	// Start is the device start time (StartupDelay counts from it); zero
	// means the time of the first Advance.
	Start time.Time
	// Notify receives every notification record, from the World's
	// goroutine; it must not block (notify.Dispatcher.Send does not).
	// Nil drops them.
	Notify func(Notification)
	// Class is the class name to register (default "PyAlarm").
	Class string
}

// Kinds returns the plug-in device kinds for sim.Options.Kinds: "PyAlarm".
func Kinds(opts Options) map[string]sim.Kind {
	if opts.Class == "" {
		opts.Class = "PyAlarm"
	}
	k := &kind{opts: opts, reg: NewRegistry(opts.Catalog, opts.Class)}
	if opts.Catalog != nil {
		for name, c := range opts.Catalog.Classes {
			if strings.EqualFold(name, opts.Class) {
				k.class = c
			}
		}
	}
	return map[string]sim.Kind{opts.Class: k}
}

type kind struct {
	opts  Options
	reg   *Registry
	class *catalog.Class
	mu    sync.Mutex
	devs  []*Device
}

// NewDevice implements sim.Kind.
func (k *kind) NewDevice(dev *catalog.Device, host sim.Host) (sim.Behavior, sim.Problems) {
	d, probs := newDevice(k, dev, host)
	k.mu.Lock()
	k.devs = append(k.devs, d)
	k.mu.Unlock()
	return d, probs
}

// Devices returns the PyAlarm devices built so far by kinds (as returned
// by Kinds), in build order: the in-process view for hammers and probes.
// Their methods must be called from the World's goroutine.
func Devices(kinds map[string]sim.Kind) []*Device {
	var out []*Device
	for _, k := range kinds {
		if k, ok := k.(*kind); ok {
			k.mu.Lock()
			out = append(out, k.devs...)
			k.mu.Unlock()
		}
	}
	return out
}

// Name returns the device name.
func (d *Device) Name() string { return d.name }
