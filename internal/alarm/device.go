package alarm

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// Alarm is one alarm of a device: its declaration, its compiled formula
// and its lifecycle.
type Alarm struct {
	Def
	Severity    string // upper-case, default WARNING
	Description string // $TAG/$NAME substituted
	Receivers   string
	Runbook     string // AlarmRunbooks entry or AlarmWikiLink

	Lifecycle
	Value pyval.Value // last evaluation result (Undefined: never evaluated)
	Err   error       // last evaluation error
	sent  int         // messages sent since the last clear (MaxMessagesPerAlarm)

	c      *compiled
	caches []ring
	attr   string // DevBoolean attribute name
}

// Device is a PyAlarm device in the twin: a sim.Behavior. All methods are
// called from the World's goroutine.
type Device struct {
	name    string
	cfg     Config
	host    sim.Host
	reg     *Registry
	cat     *catalog.Device // build time only
	globals map[string]pyval.Value
	ctx     *pyval.Context
	notify  func(Notification)

	alarms []*Alarm // sorted by tag: the evaluation order
	byTag  map[string]*Alarm
	attrs  []alarmAttr

	enabled    enabledMode
	enabledC   *compiled
	enabledVal bool
	enabledAt  time.Time

	start, firstCycle time.Time
	started           bool
	cycle             []*Alarm
	pos               int
	due               time.Time
	lastEval          time.Time
	// lastTick is the scheduled time of the loop's last step (an
	// evaluation or an empty cycle): the reference of the "evaluation
	// is late" FAULT. Scheduled, not the time Advance ran at, so that a
	// read arriving just before a lagging Advance is not a false FAULT.
	lastTick time.Time

	evalNow float64
	evalAt  time.Time
	// readCaches back .delta/.hist of READ/ATTR/XATTR calls, per
	// dev/attr (one TangoEval cache per device, as PyAlarm has).
	readCaches map[string]*ring
	// deferred are SELF commands called by formulas, run after the
	// evaluation that called them (see namespace.go).
	deferred []selfCall
	inEval   int // evaluation depth (evaluate re-entered through a self read)
	reads    []sim.Reading
	last     map[string]sim.Reading // last value pushed per attribute (change events)
	past     []string               // PastAlarms
	lastMsg  string                 // LastAlarm
	pushed   bool                   // first events sent
}

// alarmAttr is one DevBoolean attribute: true when any alarm whose tag
// matches its name (a regexp in which '_' is a wildcard) is active.
type alarmAttr struct {
	name    string
	members []*Alarm
}

var devAttrs = []sim.AttrInfo{
	{Name: "ActiveAlarms", Type: sim.DevString, Format: sim.Spectrum, MaxX: 10000},
	{Name: "AlarmSummary", Type: sim.DevString, Format: sim.Spectrum, MaxX: 10000},
	{Name: "AlarmList", Type: sim.DevString, Format: sim.Spectrum, MaxX: 10000},
	{Name: "AcknowledgedAlarms", Type: sim.DevString, Format: sim.Spectrum, MaxX: 10000},
	{Name: "DisabledAlarms", Type: sim.DevString, Format: sim.Spectrum, MaxX: 10000},
	{Name: "FailedAlarms", Type: sim.DevString, Format: sim.Spectrum, MaxX: 10000},
	{Name: "PastAlarms", Type: sim.DevString, Format: sim.Spectrum, MaxX: 10000},
	{Name: "LastAlarm", Type: sim.DevString, Format: sim.Scalar, MaxX: 1},
	{Name: "LastUpdate", Type: sim.DevDouble, Format: sim.Scalar, MaxX: 1},
	{Name: "VersionNumber", Type: sim.DevString, Format: sim.Scalar, MaxX: 1},
}

// Version is what VersionNumber reads.
const Version = "chaoslab-pyalarm-6.0"

func newDevice(k *kind, dev *catalog.Device, host sim.Host) (*Device, sim.Problems) {
	d := &Device{name: dev.Name, host: host, reg: k.reg, cat: dev, notify: k.opts.Notify,
		byTag: map[string]*Alarm{}, last: map[string]sim.Reading{}, start: k.opts.Start}
	var probs sim.Problems
	add := func(errs []error) {
		for _, e := range errs {
			p := sim.Problem{Device: dev.Name, Msg: e.Error()}
			if pe, ok := e.(*ParseError); ok {
				p.Pos, p.Msg = pe.Pos, pe.Msg
			}
			probs = append(probs, p)
		}
	}
	cfg, errs := readConfig(dev, k.class)
	add(errs)
	d.cfg = cfg
	d.ctx = &pyval.Context{Py2: true, Rand: host.Rand(), Host: d}
	d.globals = d.newGlobals()
	var lines []string
	var at []catalog.Pos
	if p := dev.Property("AlarmList"); p != nil {
		lines, at = p.Values, p.At
	} else if p := dev.Property("AlarmsList"); p != nil {
		lines, at = p.Values, p.At
	}
	defs, errs := ParseAlarmList(lines, at)
	add(errs)
	pr := props{dev: dev, class: k.class}
	sev, _ := pr.get("AlarmSeverities")
	desc, _ := pr.get("AlarmDescriptions")
	recv, _ := pr.get("AlarmReceivers")
	runb, _ := pr.get("AlarmRunbooks")
	glob, _ := pr.get("GlobalReceivers")
	book, _ := pr.get("PhoneBook")
	for _, df := range defs {
		a := &Alarm{Def: df, attr: AttrName(df.Tag), Severity: "WARNING"}
		if s, ok := tagValue(sev, df.Tag); ok && s != "" {
			a.Severity = strings.ToUpper(s)
		}
		if s, ok := tagValue(desc, df.Tag); ok {
			a.Description = strings.NewReplacer("$TAG", df.Tag, "$NAME", df.Tag).Replace(s)
		}
		if s, ok := tagValue(recv, df.Tag); ok {
			if i := strings.IndexByte(s, '#'); i >= 0 {
				s = s[:i]
			}
			a.Receivers = strings.TrimSpace(s)
		}
		if g := globalReceivers(glob, df.Tag); len(g) > 0 {
			a.Receivers = strings.Trim(strings.Join(append([]string{a.Receivers}, g...), ","), ",")
		}
		a.Receivers = expandPhoneBook(a.Receivers, book)
		if s, ok := tagValue(runb, df.Tag); ok {
			a.Runbook = s
		} else if cfg.WikiLink != "" {
			a.Runbook = strings.NewReplacer("$TAG", df.Tag, "$ALARM", df.Tag, "{ALARM}", df.Tag).Replace(cfg.WikiLink)
		}
		a.Lifecycle = Lifecycle{Threshold: cfg.Threshold, AutoReset: cfg.AutoReset, Reminder: cfg.Reminder, AlertOnRecovery: cfg.AlertOnRecovery}
		a.c = d.compile(df.Formula, df.Tag)
		if a.c.err != nil {
			probs = append(probs, sim.Problem{Pos: df.Pos, Device: dev.Name, Name: a.attr, Msg: "formula " + a.c.src + ": " + a.c.err.Error()})
		}
		a.caches = make([]ring, len(a.c.keys))
		d.alarms = append(d.alarms, a)
		d.byTag[df.Tag] = a
	}
	sort.SliceStable(d.alarms, func(i, j int) bool { return d.alarms[i].Tag < d.alarms[j].Tag })
	for _, a := range d.alarms {
		aa := alarmAttr{name: a.attr}
		re, err := regexp.Compile("^(?:" + strings.ReplaceAll(regexp.QuoteMeta(a.attr), "_", ".") + ")$")
		for _, b := range d.alarms {
			if b == a || err == nil && re.MatchString(b.Tag) {
				aa.members = append(aa.members, b)
			}
		}
		d.attrs = append(d.attrs, aa)
	}
	d.enabled = parseEnabled(cfg.Enabled)
	if d.enabled.kind == 3 {
		d.enabledC = d.compile(d.enabled.formula, "")
	}
	d.cat = nil
	return d, probs
}

// Alarms returns the device's alarms in evaluation order.
func (d *Device) Alarms() []*Alarm { return d.alarms }

// Alarm returns the alarm tagged tag, or nil.
func (d *Device) Alarm(tag string) *Alarm { return d.byTag[tag] }

// Config returns the device's configuration.
func (d *Device) Config() Config { return d.cfg }

// Attributes implements sim.Behavior.
func (d *Device) Attributes() []sim.AttrInfo {
	out := make([]sim.AttrInfo, 0, len(d.attrs)+len(devAttrs))
	for _, a := range d.attrs {
		out = append(out, sim.AttrInfo{Name: a.name, Type: sim.DevBoolean, Format: sim.Scalar, MaxX: 1, Formula: d.byTag[a.members[0].Tag].Formula})
	}
	return append(out, devAttrs...)
}

// Commands implements sim.Behavior.
func (d *Device) Commands() []sim.CmdInfo {
	return []sim.CmdInfo{
		{Name: "Acknowledge", In: sim.DevVarStringArray, Out: sim.DevVarStringArray},
		{Name: "ResetAlarm", In: sim.DevVarStringArray, Out: sim.DevVarStringArray},
		{Name: "Renounce", In: sim.DevString, Out: sim.DevString},
		{Name: "Disable", In: sim.DevVarStringArray, Out: sim.DevBoolean},
		{Name: "Enable", In: sim.DevString, Out: sim.DevBoolean},
		{Name: "CheckAlarm", In: sim.DevString, Out: sim.DevBoolean},
		{Name: "CheckDisabled", In: sim.DevString, Out: sim.DevBoolean},
		{Name: "CheckAcknowledged", In: sim.DevString, Out: sim.DevBoolean},
		{Name: "ResetAll", In: sim.DevVarStringArray, Out: sim.DevString},
		{Name: "EvaluateFormula", In: sim.DevString, Out: sim.DevString},
		{Name: "GetAlarmInfo", In: sim.DevString, Out: sim.DevVarStringArray},
	}
}

// isEnabled evaluates the Enabled property at now (pya:L576-601).
func (d *Device) isEnabled(now time.Time) bool {
	switch d.enabled.kind {
	case 0:
		return true
	case 1:
		return false
	case 2:
		return d.started && now.Sub(d.firstCycle) > d.enabled.after
	}
	if d.inEval > 0 || !d.enabledAt.IsZero() && now.Sub(d.enabledAt) < d.cfg.PollingPeriod {
		// cached; and never re-entered from inside an evaluation (a
		// formula reading this device's State)
		return d.enabledVal
	}
	pending := len(d.deferred) // queued by an alarm being processed: process runs them
	o, _, _ := d.evaluate(d.enabledC, nil, now)
	d.enabledVal, d.enabledAt = o == outTrue, now
	if pending == 0 {
		d.runDeferred(now)
	}
	return d.enabledVal
}

// State implements sim.Behavior (pya:L181-243).
func (d *Device) State(now time.Time) (sim.State, string) {
	if !d.isEnabled(now) {
		return sim.Disable, "Alarm device is disabled: no notifications are sent\n" + d.activeText()
	}
	if late, since := d.late(now); late {
		return sim.Fault, fmt.Sprintf("Alarm evaluation is late: the last evaluation was scheduled %s ago, more than 2 × PollingPeriod (%s)",
			since.Round(time.Millisecond), 2*d.cfg.PollingPeriod)
	}
	failed := 0
	for _, a := range d.alarms {
		if a.Failed {
			failed++
		}
	}
	if d.cfg.Ignore == ignoreFalse && len(d.alarms) > 0 && failed*10 > len(d.alarms) {
		return sim.Fault, fmt.Sprintf("%d of %d alarms failed", failed, len(d.alarms))
	}
	for _, a := range d.alarms {
		if !a.Active.IsZero() {
			return sim.AlarmState, d.activeText()
		}
	}
	return sim.On, "No active alarms"
}

// late reports whether enabled (not shelved) alarms exist and the
// evaluation loop's last step is older than 2 × PollingPeriod at now
// (pya:L181-243: PyAlarm's worker is stuck). In the twin this happens when
// the World is not advanced (a stalled server loop); the reference is the
// scheduled time of the last step, or the first cycle's time before any
// step, so only a loop that missed its schedule by two periods is FAULT.
// Before the first Advance nothing is known: never late.
func (d *Device) late(now time.Time) (bool, time.Duration) {
	if !d.started {
		return false, 0
	}
	ref := d.lastTick
	if ref.IsZero() {
		ref = d.firstCycle
	}
	since := now.Sub(ref)
	if since <= 2*d.cfg.PollingPeriod {
		return false, 0
	}
	for _, a := range d.alarms {
		if !a.Shelved(now) {
			return true, since
		}
	}
	return false, 0
}

// anyActive reports whether any alarm of the device is active.
func (d *Device) anyActive() bool {
	for _, a := range d.alarms {
		if !a.Active.IsZero() {
			return true
		}
	}
	return false
}

func (d *Device) activeText() string {
	var tags []string
	for _, a := range d.alarms {
		if !a.Active.IsZero() {
			tags = append(tags, a.Tag)
		}
	}
	if len(tags) == 0 {
		return "No active alarms"
	}
	return fmt.Sprintf("%d active alarms: %s", len(tags), strings.Join(tags, ", "))
}

// Write implements sim.Behavior: every attribute is read-only.
func (d *Device) Write(now time.Time, attr string, v pyval.Value) error {
	return &sim.DevError{Reason: "API_AttrNotWritable", Desc: "attribute " + attr + " of " + d.name + " is not writable", Origin: "PyAlarm.write"}
}

// Advance implements sim.Behavior: each non-disabled alarm is evaluated
// once per PollingPeriod, staggered by PollingPeriod/N (pya:L624-733),
// after StartupDelay. Every alarm is evaluated at its scheduled time.
func (d *Device) Advance(now time.Time, emit func(sim.Event)) time.Time {
	if d.start.IsZero() {
		d.start = now
	}
	if !d.started {
		d.firstCycle = d.start.Add(d.cfg.StartupDelay)
		d.started = true
		d.due = d.firstCycle
		d.pos = -1
	}
	for steps := 0; !d.due.After(now) && steps < 100000; steps++ {
		at := d.due
		if d.pos < 0 || d.pos >= len(d.cycle) {
			d.newCycle(at)
			if len(d.cycle) == 0 {
				d.lastTick = at
				d.due = at.Add(d.cfg.PollingPeriod)
				if now.Sub(at) > 2*d.cfg.PollingPeriod {
					d.due = now.Add(d.cfg.PollingPeriod)
					d.lastTick = now // realigned: this step ran now
				}
				d.pos = -1
				continue
			}
			if now.Sub(at) > 2*d.cfg.PollingPeriod {
				// far behind (the server was not advanced): realign
				// instead of replaying every missed cycle; the first
				// alarm of the new cycle is evaluated now.
				at = now.Add(-d.step())
			}
			d.pos = 0
			d.due = at.Add(d.step())
			continue
		}
		d.process(d.cycle[d.pos], at, emit)
		d.lastTick = at
		d.pos++
		d.due = at.Add(d.step())
		if d.pos >= len(d.cycle) {
			d.pos = -1
			d.due = at // the next cycle starts now and sleeps P/N first
		}
	}
	return d.due
}

func (d *Device) step() time.Duration {
	n := max(len(d.cycle), 1)
	return d.cfg.PollingPeriod / time.Duration(n)
}

// newCycle takes the alarms that are not disabled, sorted by tag.
func (d *Device) newCycle(now time.Time) {
	d.cycle = d.cycle[:0]
	for _, a := range d.alarms {
		if !a.Shelved(now) {
			d.cycle = append(d.cycle, a)
		}
	}
}

// process evaluates one alarm and applies the lifecycle (pya:L735-864).
func (d *Device) process(a *Alarm, now time.Time, emit func(sim.Event)) {
	if a.Shelved(now) {
		return
	}
	before := a.Lifecycle
	o, v, err := d.evaluate(a.c, a.caches, now)
	a.Value, a.Err = v, err
	d.lastEval = now
	var msgs []MsgType
	switch o {
	case outFailed:
		a.Fail()
	default:
		wasActive := !a.Active.IsZero()
		msgs = a.Observe(now, o == outTrue)
		if !wasActive && !a.Active.IsZero() {
			d.past = append(d.past, fmt.Sprintf("%s:%s", a.Tag, fmtTime(now)))
			if len(d.past) > 100 {
				d.past = d.past[1:]
			}
		}
	}
	d.send(a, now, msgs, "")
	ran := d.runDeferred(now)
	if ran || before.Active != a.Active || before.Failed != a.Failed || before.Recovered != a.Recovered || !d.pushed {
		// attribute values and summaries only change with the lifecycle
		d.push(now, emit)
		d.pushed = true
	}
}

// send turns lifecycle messages into notification records.
func (d *Device) send(a *Alarm, now time.Time, msgs []MsgType, comment string) {
	for _, m := range msgs {
		if m == MsgReset || m == MsgAutoReset {
			defer func() { a.sent = 0 }()
		}
		if d.cfg.MaxMessages > 0 && a.sent >= d.cfg.MaxMessages {
			continue
		}
		a.sent++
		d.lastMsg = fmt.Sprintf("%s:%s:%s", a.Tag, m, fmtTime(now))
		if d.notify == nil {
			continue
		}
		n := Notification{
			Time: now, Type: m, Device: d.name, Tag: a.Tag, Severity: a.Severity,
			Description: a.Description, Formula: a.Formula, Receivers: a.Receivers, Runbook: a.Runbook,
			Comment: comment, State: a.State(now, false), Active: a.Active, Recovered: a.Recovered,
			Suppressed: !d.isEnabled(now), AlertOnRecovery: d.cfg.AlertOnRecovery, LogFile: d.cfg.LogFile,
			Values: d.valueText(a), FlagFile: d.cfg.FlagFile, DeviceActive: d.anyActive(),
			AllowedActions: d.cfg.AllowedActions,
		}
		if m == MsgRecovered || m == MsgAutoReset || m == MsgReset || m == MsgDisabled {
			n.Recovered = now
		}
		d.notify(n)
	}
}

func (d *Device) valueText(a *Alarm) string {
	if a.Err != nil {
		return a.Err.Error()
	}
	if a.Value.IsUndefined() {
		return ""
	}
	s, err := pyval.Repr(d.ctx, a.Value)
	if err != nil {
		return ""
	}
	return s
}

func fmtTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// push emits change events for the attributes whose value changed.
func (d *Device) push(now time.Time, emit func(sim.Event)) {
	if emit == nil {
		return
	}
	for _, a := range d.attrs {
		d.pushOne(now, a.name, emit)
	}
	d.pushOne(now, "ActiveAlarms", emit)
	d.pushOne(now, "AlarmSummary", emit)
	// State is not pushed here: the World checks a plugged device's State
	// after each Advance and sends its change event once (sim/poll.go).
}

func (d *Device) pushOne(now time.Time, attr string, emit func(sim.Event)) {
	r := d.Read(now, attr)
	old, ok := d.last[attr]
	if ok && old.Quality == r.Quality && sameValue(d.ctx, old.Value, r.Value) {
		return
	}
	d.last[attr] = r
	emit(sim.Event{Kind: sim.ChangeEvent, Device: d.name, Reading: r})
}

func sameValue(ctx *pyval.Context, a, b pyval.Value) bool {
	eq, err := pyval.Equal(ctx, a, b)
	return err == nil && eq
}
