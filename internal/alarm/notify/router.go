package notify

import (
	"path"
	"slices"
	"strings"
	"time"

	"chaoslab/internal/alarm"
)

// Silence mutes notifications of matching alarms between Start and End
// (Alertmanager's silences). Device and Tag are case-insensitive
// wildcards ("*" any sequence, "?" one character); empty matches all.
type Silence struct {
	Device, Tag string
	Severity    string // "" any
	Start, End  time.Time
	CreatedBy   string
	Comment     string
}

// Matches reports whether s mutes n at its time.
func (s Silence) Matches(n alarm.Notification) bool {
	if n.Time.Before(s.Start) || (!s.End.IsZero() && !n.Time.Before(s.End)) {
		return false
	}
	return wild(s.Device, n.Device) && wild(s.Tag, n.Tag) && (s.Severity == "" || strings.EqualFold(s.Severity, n.Severity))
}

func wild(pattern, s string) bool {
	if pattern == "" {
		return true
	}
	ok, err := path.Match(strings.ToLower(strings.ReplaceAll(pattern, "/", "\x00")), strings.ToLower(strings.ReplaceAll(s, "/", "\x00")))
	return err == nil && ok
}

// Config selects where notifications go.
type Config struct {
	// Webhooks receive every notification that is not silenced, limited
	// or suppressed (in addition to http(s):// URLs in AlarmReceivers).
	Webhooks []*Webhook
	// LogFile receives every notification, always (PyAlarm writes its
	// LogFile even when the device is disabled); "" none. Each device's
	// LogFile property is honoured too. $NAME/$DATE placeholders expand.
	LogFile string
	// AllowSystem enables ACTION(...:system,...) at all (off by default);
	// even then a command runs only when its first word is in the
	// AllowedActions of the notifying device (Notification.AllowedActions:
	// the device's property, else its class's, as PyAlarm checks them) or
	// in AllowedActions here.
	AllowSystem bool
	// AllowedActions are first words allowed for every device (an
	// operator's list; the catalog's per-device lists travel with each
	// notification). Empty by default.
	AllowedActions []string
	// RateLimit: at most RateCount firing messages (ALARM, REMINDER) per
	// alarm per RateLimit window; resolved messages always pass. Zero: no
	// limit.
	RateLimit time.Duration
	RateCount int
	Silences  []Silence
	// ExternalURL is the link base of webhook payloads.
	ExternalURL string
}

// DeliveryKind is what a Delivery does.
type DeliveryKind string

// Delivery kinds.
const (
	DeliverLog     DeliveryKind = "log"
	DeliverWebhook DeliveryKind = "webhook"
	DeliverAction  DeliveryKind = "action"
	DeliverFlag    DeliveryKind = "flag" // write "1"/"0" to the device's FlagFile
)

// Delivery is one thing to do for a notification.
type Delivery struct {
	Kind    DeliveryKind
	N       alarm.Notification
	Path    string   // log file or flag file
	Webhook *Webhook // webhook
	Action  Action   // action (placeholders expanded)
}

// Stats counts the router's decisions.
type Stats struct {
	// Refused counts system actions not allowed and receiver URLs that
	// are not loopback.
	Routed, Silenced, RateLimited, Suppressed, Refused, BadReceivers int
}

// Router decides the deliveries of each notification. It is pure and
// deterministic (time comes from the notification) and not safe for
// concurrent use.
type Router struct {
	cfg   Config
	sent  map[string][]time.Time // firing messages per device/tag within the window
	Stats Stats
}

// NewRouter returns a router for cfg.
func NewRouter(cfg Config) *Router { return &Router{cfg: cfg, sent: map[string][]time.Time{}} }

// AddSilence adds a silence.
func (r *Router) AddSilence(s Silence) { r.cfg.Silences = append(r.cfg.Silences, s) }

// Route returns the deliveries of n, in order: log files, actions
// (PyAlarm runs actions first), webhooks.
func (r *Router) Route(n alarm.Notification) []Delivery {
	var out []Delivery
	for _, p := range []string{n.LogFile, r.cfg.LogFile} {
		if p != "" && !strings.HasPrefix(p, "tango://") {
			out = append(out, Delivery{Kind: DeliverLog, N: n, Path: Expand(p, n)})
		}
	}
	if n.FlagFile != "" {
		// the flag follows the device's alarms whatever happens to the
		// messages (PyAlarm writes it every cycle)
		out = append(out, Delivery{Kind: DeliverFlag, N: n, Path: n.FlagFile})
	}
	if n.Suppressed {
		r.Stats.Suppressed++
		return out
	}
	for _, s := range r.cfg.Silences {
		if s.Matches(n) {
			r.Stats.Silenced++
			return out
		}
	}
	if r.cfg.RateLimit > 0 && r.cfg.RateCount > 0 && !Resolved(n.Type) && n.Type != alarm.MsgAcknowledged {
		key := n.Device + "/" + n.Tag
		win := r.sent[key][:0]
		for _, t := range r.sent[key] {
			if n.Time.Sub(t) < r.cfg.RateLimit {
				win = append(win, t)
			}
		}
		if len(win) >= r.cfg.RateCount {
			r.sent[key] = win
			r.Stats.RateLimited++
			return out
		}
		r.sent[key] = append(win, n.Time)
	}
	r.Stats.Routed++
	actions, others, errs := Receivers(n.Receivers)
	r.Stats.BadReceivers += len(errs)
	for _, a := range actions {
		if !a.Matches(n.Type) {
			continue
		}
		a.Target = Expand(a.Target, n)
		for i := range a.Args {
			a.Args[i] = Expand(a.Args[i], n)
		}
		if a.Kind == ActSystem && !r.allowed(n, a.Target) {
			r.Stats.Refused++
			continue
		}
		out = append(out, Delivery{Kind: DeliverAction, N: n, Action: a})
	}
	for _, o := range others {
		if strings.HasPrefix(o, "http://") || strings.HasPrefix(o, "https://") {
			if CheckLoopback(o) != nil {
				r.Stats.Refused++
				continue
			}
			out = append(out, Delivery{Kind: DeliverWebhook, N: n, Webhook: &Webhook{Name: o, URL: o, ExternalURL: r.cfg.ExternalURL}})
		}
	}
	for _, w := range r.cfg.Webhooks {
		out = append(out, Delivery{Kind: DeliverWebhook, N: n, Webhook: w})
	}
	return out
}

// allowed reports whether n's device may run the system command cmdline.
func (r *Router) allowed(n alarm.Notification, cmdline string) bool {
	if !r.cfg.AllowSystem {
		return false
	}
	f := strings.Fields(cmdline)
	if len(f) == 0 {
		return false
	}
	return slices.Contains(n.AllowedActions, f[0]) || slices.Contains(r.cfg.AllowedActions, f[0])
}
