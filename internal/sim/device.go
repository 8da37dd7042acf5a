package sim

import (
	"fmt"
	"strings"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula"
	"chaoslab/internal/formula/pyval"
)

// device is one hosted device of the DynamicDS model (or a plugged Kind).
// Per-attribute state lives in the attrs slice, indexed by attribute id;
// nothing per attribute is a map.
type device struct {
	w                         *World
	idx                       int32
	nextAttr                  int32 // findAttr's first guess: the attribute after the last found
	name, class, server, host string
	cat                       *catalog.Device // build time only
	propv                     []propKV        // properties for PROPERTY() (formula properties excluded)
	plug                      Behavior

	attrs  []attr
	states []stateRule
	status []use
	cmds   []command

	ctx   pyval.Context
	ns    *pyval.Dict // DynamicDS's shared locals dict
	vars  *pyval.Dict // VAR/GET/SET store, exposed as VARS
	props map[string]pyval.Value
	// problems says why an attribute cannot evaluate (syntax error,
	// unknown name), by attribute index; nil for most devices.
	problems map[int32]string
	forced   map[string]pyval.Value // ForceAttr values, by lower-case name
	pathProp string                 // PATH property: FILE and LoadFromFile resolve under it
	rnd      lazyRand

	t0        int64 // last Init (unix ns): t is measured from here
	keepTime  int64 // ns
	startup   int64 // ns
	checkDeps bool
	py2       bool

	state      State
	statusSet  string // SetStatus/Add2Status text
	hasStatus  bool
	statePoll  int64 // State polling period (ns), 0: none
	stateHeap  int32 // index in the poll heap, -1
	stateEvent bool  // a State change event is pending publication
	lastErr    string

	fr frame // the evaluation in progress

	dirty  bool // an attribute value changed during polling
	queued bool // in World.dirtyDevs
	inHook bool // evaluating states

	qualDefault bool // binding DEFAULT (DynamicQualities formulas)
}

// frame is the evaluation in progress: host functions (VAR, ATTR ...)
// read it through Context.Host.
type frame struct {
	now   int64
	attr  int32 // attribute being evaluated, -1 for states/commands
	write bool
	value pyval.Value
	cause *DevError // first swallowed or rethrown error (XATTR/ATTR), reported if the formula fails
}

// use is one compiled formula bound into a device: the shared program,
// the device's Env (created on first evaluation) and the slots that take
// the device's attribute values.
type use struct {
	info  *progInfo
	lits  *formula.Literals // the literals of this text, nil when it is info.src
	binds []bind
}

// src is the formula text of this use (the device's own).
func (u *use) src() string {
	if u.lits != nil {
		return u.lits.Src
	}
	return u.info.src
}

// bind copies the kept value of attribute attr into Env.Vars[slot].
type bind struct {
	slot int32
	attr int32
}

// attr is one dynamic attribute: its definition and its runtime state.
type attr struct {
	name     string
	src      string
	u        use
	qual     *use // matched DynamicQualities formula
	typ      uint8
	writable bool
	keep     bool
	busy     bool  // being evaluated: guards cycles through ATTR()
	fresh    bool  // val/err hold an evaluation (else never evaluated or invalidated)
	ue       uint8 // UseEvents mode (ueNone ...)
	deps     []int32
	cfg      *attrCfg

	val  pyval.Value
	q    Quality
	err  *DevError
	ts   int64  // when evaluated: value timestamp and KeepTime age (unix ns)
	chg  uint64 // World.stamp when the value last changed
	seen uint64 // World.stamp at evaluation

	period int64 // polling period (ns), 0: not polled
	heap   int32 // index in the poll heap, -1
	ev     *evState
}

// UseEvents modes (dyn.py:L845-993).
const (
	ueNone   uint8 = iota
	ueTrue         // thresholds abs/rel when set, else any change
	uePush         // any change
	ueAlways       // every evaluation
)

// attrCfg is the Tango attribute configuration of one attribute.
type attrCfg struct {
	minValue, maxValue     Limit
	minAlarm, maxAlarm     Limit
	minWarning, maxWarning Limit
	unit, label, format    string
	desc                   string
	events                 EventConfig
	archive                bool // UseEvents "archive"
}

// stateRule is one DynamicStates line.
type stateRule struct {
	state State
	src   string
	u     use
}

// command is one DynamicCommand.
type command struct {
	name    string
	src     string
	u       use
	in, out TangoType
	outType uint8
}

// rdr returns a Reading of attribute i.
func (d *device) reading(i int, now int64) Reading {
	var r Reading
	d.readingInto(i, &r)
	return r
}

// readingInto is reading written field by field into r (a client read's
// slice element): no temporary Reading copied over it.
func (d *device) readingInto(i int, r *Reading) {
	a := &d.attrs[i]
	r.Attr, r.Value, r.Quality, r.Time, r.Err = a.name, a.val, a.q, time.Unix(0, a.ts), nil
	if a.err != nil {
		r.Err, r.Value, r.Quality = a.err, pyval.None, Invalid
	}
}

// findAttr returns the index of the attribute named name
// (case-insensitive), or -1. Devices have few attributes: a linear scan is
// faster than a map and costs no memory.
func (d *device) findAttr(name string) int {
	// Clients mostly spell names as declared and list them in declaration
	// order (a panel reading all of a device's attributes): the one after
	// the last found first, then an exact pass.
	if j := int(d.nextAttr); j < len(d.attrs) && d.attrs[j].name == name {
		d.nextAttr++
		return j
	}
	for i := range d.attrs {
		if d.attrs[i].name == name {
			d.nextAttr = int32(i + 1)
			return i
		}
	}
	for i := range d.attrs {
		if strings.EqualFold(d.attrs[i].name, name) {
			return i
		}
	}
	return -1
}

func (d *device) findCmd(name string) int {
	for i := range d.cmds {
		if strings.EqualFold(d.cmds[i].name, name) {
			return i
		}
	}
	return -1
}

// numAttrs is len(d.attrInfos()) without building the descriptions.
func (d *device) numAttrs() int {
	if d.plug != nil {
		return len(d.plug.Attributes())
	}
	return len(d.attrs) + 2 // State and Status
}

func (d *device) attrInfos() []AttrInfo {
	if d.plug != nil {
		return d.plug.Attributes()
	}
	out := make([]AttrInfo, 0, len(d.attrs)+2)
	for i := range d.attrs {
		a := &d.attrs[i]
		t := &dynTypes[a.typ]
		ai := AttrInfo{Name: a.name, Type: t.base, Format: t.format, MaxX: 1, Writable: a.writable,
			Polling: time.Duration(a.period), Formula: a.src, Problem: d.problems[int32(i)]}
		switch t.format {
		case Spectrum:
			ai.MaxX = spectrumSize
		case Image:
			ai.MaxX, ai.MaxY = imageSize, imageSize
		}
		if c := a.cfg; c != nil {
			ai.Label, ai.Unit, ai.DisplayFormat, ai.Description = c.label, c.unit, c.format, c.desc
			ai.MinValue, ai.MaxValue = c.minValue, c.maxValue
			ai.MinAlarm, ai.MaxAlarm = c.minAlarm, c.maxAlarm
			ai.MinWarning, ai.MaxWarning = c.minWarning, c.maxWarning
			ai.Events = c.events
		}
		if ai.Label == "" {
			ai.Label = a.name
		}
		out = append(out, ai)
	}
	out = append(out,
		AttrInfo{Name: "State", Type: DevStateType, MaxX: 1, Label: "State", Polling: time.Duration(d.statePoll)},
		AttrInfo{Name: "Status", Type: DevString, MaxX: 1, Label: "Status"})
	return out
}

func (d *device) cmdInfos() []CmdInfo {
	if d.plug != nil {
		return d.plug.Commands()
	}
	out := make([]CmdInfo, 0, len(d.cmds)+3)
	for i := range d.cmds {
		c := &d.cmds[i]
		out = append(out, CmdInfo{Name: c.name, In: c.in, Out: c.out, Formula: c.src})
	}
	return append(out,
		CmdInfo{Name: "Init", In: DevVoid, Out: DevVoid},
		CmdInfo{Name: "State", In: DevVoid, Out: DevStateType},
		CmdInfo{Name: "Status", In: DevVoid, Out: DevString})
}

func (d *device) attrNotFound(name string) *DevError {
	return &DevError{Reason: "API_AttrNotFound", Desc: fmt.Sprintf("%s attribute not found in device %s", name, d.name), Origin: "DeviceImpl::get_attribute"}
}

func (d *device) setPolling(name string, period time.Duration) error {
	if period < 0 {
		return &DevError{Reason: "API_NotSupported", Desc: "negative polling period", Origin: "sim.SetPolling"}
	}
	if strings.EqualFold(name, "State") {
		d.statePoll = int64(period)
		d.w.schedule(d, -1, d.w.last)
		return nil
	}
	i := d.findAttr(name)
	if i < 0 {
		return d.attrNotFound(name)
	}
	d.attrs[i].period = int64(period)
	d.w.schedule(d, int32(i), d.w.last)
	return nil
}

func (d *device) setEventConfig(name string, cfg EventConfig) error {
	i := d.findAttr(name)
	if i < 0 {
		return d.attrNotFound(name)
	}
	c := d.attrs[i].mutCfg()
	c.events = cfg
	return nil
}

func (d *device) setOverride(name string, o Override) error {
	id := int32(-1)
	switch {
	case strings.EqualFold(name, "State"):
		id = -1
	case strings.EqualFold(name, "Status"):
		id = -2
	default:
		i := d.findAttr(name)
		if i < 0 && d.plug == nil {
			return d.attrNotFound(name)
		}
		id = int32(i)
	}
	key := attrRef{dev: d.idx, attr: id, name: strings.ToLower(name)}
	if o == nil {
		delete(d.w.over, key)
		return nil
	}
	if d.w.over == nil {
		d.w.over = map[attrRef]Override{}
	}
	d.w.over[key] = o
	return nil
}

// init restarts the device: t from 0, caches dropped, state ON.
func (d *device) init(now int64) {
	d.t0 = now
	d.state = On
	d.hasStatus = false
	for i := range d.attrs {
		a := &d.attrs[i]
		a.fresh = false
		a.err = nil
		if a.ev != nil {
			*a.ev = evState{}
		}
	}
}

// attrRef names one attribute of one device (State: -1, Status: -2).
type attrRef struct {
	dev  int32
	attr int32
	name string
}

// spectrumSize is DynamicSpectrumSize's default; images are 4096x4096.
const (
	spectrumSize = 8192
	imageSize    = 4096
)

// mutCfg returns the attribute's configuration for modification: configs
// are shared between attributes with equal settings, so it copies first.
func (a *attr) mutCfg() *attrCfg {
	c := &attrCfg{}
	if a.cfg != nil {
		*c = *a.cfg
	}
	a.cfg = c
	return c
}
