package notify

import (
	"log/slog"
	"sync/atomic"
	"time"
)

// failLog logs delivery failures as they happen, at most one line per
// delivery target per period: a dead webhook hit by every notification
// must not flood the server's log, and the operator must still see the
// first failure at once, not when the server stops. Used from Run's
// goroutine only (suppressedTotal is read by Stats).
type failLog struct {
	log             *slog.Logger
	every           time.Duration
	now             func() time.Time // injected: tests drive the clock
	last            map[string]*failKey
	suppressedTotal atomic.Int64
}

type failKey struct {
	at         time.Time // last logged line
	suppressed int       // failures since, not logged
}

// maxFailKeys bounds the memory of targets (placeholders make targets
// unbounded); past it the memory restarts.
const maxFailKeys = 1024

func (f *failLog) report(dl Delivery, err error) {
	if f.log == nil {
		return
	}
	target := dl.Path
	switch dl.Kind {
	case DeliverWebhook:
		if dl.Webhook != nil {
			target = dl.Webhook.URL
		}
	case DeliverAction:
		target = string(dl.Action.Kind) + " " + dl.Action.Target
	}
	key := string(dl.Kind) + "\x00" + target
	now := f.now()
	if f.last == nil || len(f.last) >= maxFailKeys {
		f.last = map[string]*failKey{}
	}
	k := f.last[key]
	if k != nil && now.Sub(k.at) < f.every {
		k.suppressed++
		f.suppressedTotal.Add(1)
		return
	}
	attrs := []any{"kind", string(dl.Kind), "target", target, "device", dl.N.Device, "tag", dl.N.Tag,
		"message", string(dl.N.Type), "err", err}
	if k != nil && k.suppressed > 0 {
		attrs = append(attrs, "suppressed", k.suppressed)
	}
	f.log.Warn("alarm notification delivery failed", attrs...)
	f.last[key] = &failKey{at: now}
}
