package sim

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
)

// Options selects what a World hosts and how it evaluates. The zero value
// hosts every server of the catalog, seed 0, start time zero, Python 2
// formula semantics, no remote access and no extra helpers.
type Options struct {
	// Servers lists the catalog servers ("SimulatorDS/testrw") to host.
	// Host, when set, hosts every server of that host instead (a server
	// process hosts one catalog server or all servers of one host). Both
	// empty: host everything. Names match case-insensitively.
	Servers []string
	Host    string

	// Seed derives every device's random stream: each device draws from
	// its own generator seeded by (Seed, device name), so adding a device
	// does not shift the numbers of the others.
	Seed uint64

	// Start is the time of the first Init: t is 0 there, StartupDelay
	// counts from it.
	Start time.Time

	// Py3 evaluates formulas with Python 3 semantics. The default is
	// Python 2, the language imported configurations were written for. A
	// device property PythonVersion ("2" or "3") overrides it per device.
	Py3 bool

	// Strict makes formula syntax errors and unknown names load errors
	// (New fails). By default they are warnings and the attribute reads as
	// INVALID with the error, which is how DynamicDS treats them.
	Strict bool

	// Remote reaches devices that this World does not host (ATTR/XATTR/
	// WATTR/COMM on another server). Nil: such calls fail with a clear
	// error naming the device.
	Remote Remote

	// Helpers are extra names for the formula namespace: the plug-in point
	// for host-specific functions real configurations call (PLC helpers
	// Bit, WriteFlag, IeeeFloat ...). They shadow the built-in names.
	Helpers map[string]pyval.Value

	// Kinds plugs device classes that are not DynamicDS-like (e.g. PyAlarm)
	// by class name (case-insensitive). Devices of other classes use the
	// built-in DynamicDS model.
	Kinds map[string]Kind

	// Budget is the step budget of one formula evaluation (0: pyval's
	// default). A formula that exceeds it fails with a MemoryError.
	Budget int64
}

// Remote performs operations on devices that are not hosted in this World.
// The server layer implements it over the network; the core calls it
// synchronously from inside an evaluation, so implementations should answer
// from a cache or with bounded latency. Errors should be *DevError.
type Remote interface {
	ReadAttribute(now time.Time, device, attr string) Reading
	WriteAttribute(now time.Time, device, attr string, v pyval.Value) error
	Command(now time.Time, device, cmd string, arg pyval.Value) (pyval.Value, error)
}

// World is the simulated control system: every hosted device with its
// attributes, states, commands and polling. It is a pure, single-threaded
// state machine: nothing happens between calls, every call takes the
// current time, randomness comes from seeded per-device streams. It is not
// safe for concurrent use; the server runs it in one goroutine.
//
// Times passed to successive calls must not go backwards (a call with an
// earlier time is treated as happening at the latest time seen).
type World struct {
	opts    Options
	devs    []*device
	byName  map[string]int32 // lower-case device name -> index
	start   int64            // Options.Start in unix ns
	last    int64            // latest time seen (unix ns)
	warns   Problems
	poll    pollHeap
	pending []Event // events produced outside Advance, delivered by the next Advance
	out     []Event // reused buffer of Advance
	remote  remoteCache
	over    map[attrRef]Override
	stamp   uint64 // evaluation counter (dependency freshness)
	// noVarFast sends VAR-only formulas through the interpreter (tests
	// compare both paths).
	noVarFast bool
	globals   [2]map[string]pyval.Value
	progs     map[progKey]textEntry
	shapes    map[string]*progInfo // by mode, extra names and formula.Shape key (see World.compile)
	cat       *catalog.Catalog     // build time only
	catDir    string               // directory of the catalog file: LoadFromFile and FILE paths resolve here
	cfgs      map[attrCfg]*attrCfg // interned attribute configurations (build time)
	cfgMu     sync.Mutex
	progMu    sync.Mutex

	classProps map[string][]propKV  // class properties for PROPERTY(), by class name
	files      map[string]*fileData // FILE() contents read at build time, by path under catDir
	fileMu     sync.Mutex

	polling   bool      // inside Advance's polling loop
	dirtyDevs []*device // devices whose state must be re-checked
	plugged   []*device // devices of plugged Kinds
}

// Update is what one Advance produced. Its slices are valid until the next
// call to Advance.
type Update struct {
	// Events in the order they were generated (change, periodic, archive,
	// state), including events produced by Read/Write/Command since the
	// previous Advance (UseEvents attributes push on every evaluation).
	Events []Event
	// Next is the earliest time at which Advance has polling work to do
	// (zero when nothing is polled). A server sleeps until then.
	Next time.Time
}

// EventKind is a Tango event type.
type EventKind uint8

const (
	ChangeEvent   EventKind = iota // value or quality changed beyond abs_change/rel_change
	PeriodicEvent                  // every event_period while polled
	ArchiveEvent                   // archive_abs_change/archive_rel_change/archive_period
)

func (k EventKind) String() string {
	switch k {
	case ChangeEvent:
		return "change"
	case PeriodicEvent:
		return "periodic"
	case ArchiveEvent:
		return "archive"
	}
	return fmt.Sprintf("EventKind(%d)", k)
}

// Event is one pushed event. State changes are change events of the
// attribute "State" (value: the DevState as an int).
type Event struct {
	Kind   EventKind
	Device string
	Reading
}

// Reading is an attribute value as a client sees it. When Err is set the
// read failed: Quality is INVALID and Value is None.
type Reading struct {
	Attr    string      // attribute name as declared
	Value   pyval.Value // cast by the attribute's Tango type
	Quality Quality
	Time    time.Time
	Err     *DevError
}

// DevError is a Tango DevError: what a client receives in a DevFailed.
type DevError struct {
	Reason string // e.g. "API_WAttrOutsideLimit"
	Desc   string // human-readable description
	Origin string // where it was raised
}

func (e *DevError) Error() string {
	if e.Origin != "" {
		return e.Reason + ": " + e.Desc + " (" + e.Origin + ")"
	}
	return e.Reason + ": " + e.Desc
}

// Quality is a Tango AttrQuality; the numbers are Tango's.
type Quality uint8

const (
	Valid    Quality = 0 // ATTR_VALID
	Invalid  Quality = 1 // ATTR_INVALID
	Alarm    Quality = 2 // ATTR_ALARM
	Changing Quality = 3 // ATTR_CHANGING
	Warning  Quality = 4 // ATTR_WARNING
)

var qualityNames = [...]string{"ATTR_VALID", "ATTR_INVALID", "ATTR_ALARM", "ATTR_CHANGING", "ATTR_WARNING"}

func (q Quality) String() string {
	if int(q) < len(qualityNames) {
		return qualityNames[q]
	}
	return fmt.Sprintf("Quality(%d)", q)
}

// State is a Tango DevState; the numbers are Tango's.
type State uint8

// DevState values.
const (
	On State = iota
	Off
	Close
	Open
	Insert
	Extract
	Moving
	Standby
	Fault
	Init
	Running
	AlarmState
	Disable
	Unknown
)

var stateNames = [...]string{"ON", "OFF", "CLOSE", "OPEN", "INSERT", "EXTRACT", "MOVING", "STANDBY", "FAULT", "INIT", "RUNNING", "ALARM", "DISABLE", "UNKNOWN"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", s)
}

// ParseState returns the DevState named s (case-insensitive).
func ParseState(s string) (State, bool) {
	for i, n := range stateNames {
		if strings.EqualFold(n, s) {
			return State(i), true
		}
	}
	return 0, false
}

// EventConfig holds the event thresholds of one attribute, as Tango's
// attribute configuration does. A zero field means "Not specified".
type EventConfig struct {
	AbsChange     float64       // change event when |v - last| >= AbsChange
	RelChange     float64       // change event when |v - last| >= RelChange% of |last|
	Period        time.Duration // periodic event period (0: no periodic events)
	ArchiveAbs    float64       // archive event thresholds, relative to the last archive event
	ArchiveRel    float64
	ArchivePeriod time.Duration // archive event at least every ArchivePeriod (0: none)
}

// Limit is an optional numeric attribute property (min_value, max_alarm ...).
type Limit struct {
	V   float64
	Set bool
}

func (l Limit) String() string {
	if !l.Set {
		return "Not specified"
	}
	return fmt.Sprint(l.V)
}

// DeviceInfo describes one hosted device.
type DeviceInfo struct {
	Name   string
	Class  string
	Server string
	Host   string
}

// AttrInfo describes one attribute for the server's list/config API.
type AttrInfo struct {
	Name     string
	Type     TangoType // scalar data type (DevDouble, DevLong, DevString ...)
	Format   Format    // Scalar, Spectrum or Image
	MaxX     int       // max dimension x (spectrum/image), 1 for scalars
	MaxY     int       // max dimension y (image), 0 otherwise
	Writable bool

	Label, Unit, DisplayFormat, Description string

	MinValue, MaxValue     Limit
	MinAlarm, MaxAlarm     Limit
	MinWarning, MaxWarning Limit

	Polling time.Duration // 0: not polled
	Events  EventConfig

	Formula string // DynamicDS formula ("" for State/Status and plug-in attributes)
	Problem string // why the attribute cannot evaluate ("" when fine)
}

// CmdInfo describes one command.
type CmdInfo struct {
	Name    string
	In, Out TangoType
	Formula string
}

// Override alters what clients see of one attribute: the seam for the
// in-server faults of a later issue (stuck value, drift, noise, forced
// quality, exceptions, stale timestamps, dropped events). Apply may modify
// r; returning false drops the reading from events (a read still returns
// it). It is applied to client reads and to events, after evaluation, so
// the model itself keeps evolving underneath.
type Override interface {
	Apply(now time.Time, device string, r *Reading) (keep bool)
}

// New builds a World from a catalog. It reports every problem at once:
// fatal problems (dependency cycles, and with Options.Strict every formula
// problem) make New fail with a Problems error; the others are warnings
// available from World.Problems, and the device runs without the affected
// parts (see docs/twin.md).
func New(cat *catalog.Catalog, opts Options) (*World, error) {
	return build(cat, opts)
}

// Problems returns the warnings found at load time, sorted by position.
func (w *World) Problems() Problems { return w.warns }

// Devices lists the hosted devices in catalog order.
func (w *World) Devices() []DeviceInfo {
	out := make([]DeviceInfo, len(w.devs))
	for i, d := range w.devs {
		out[i] = DeviceInfo{Name: d.name, Class: d.class, Server: d.server, Host: d.host}
	}
	return out
}

// Hosts reports whether device dev is hosted in this World.
func (w *World) Hosts(dev string) bool { _, ok := w.lookup(dev); return ok }

// Attributes describes the attributes of dev, State and Status last.
func (w *World) Attributes(dev string) ([]AttrInfo, error) {
	d, err := w.device(dev)
	if err != nil {
		return nil, err
	}
	return d.attrInfos(), nil
}

// NumAttributes returns the number of attributes of all hosted devices,
// State and Status included: the sum of len(Attributes(dev)) without
// building the descriptions (a server counts them at startup and describes
// a device only when a client asks).
func (w *World) NumAttributes() int {
	n := 0
	for _, d := range w.devs {
		n += d.numAttrs()
	}
	return n
}

// Commands describes the commands of dev, including State, Status and Init.
func (w *World) Commands(dev string) ([]CmdInfo, error) {
	d, err := w.device(dev)
	if err != nil {
		return nil, err
	}
	return d.cmdInfos(), nil
}

// Advance runs every polling whose time has come (each polled attribute is
// evaluated and its change/periodic/archive events are generated), and
// returns the events since the previous Advance.
func (w *World) Advance(now time.Time) Update {
	return w.advance(w.clock(now))
}

// Read evaluates attributes of dev as a client read does: device state is
// re-evaluated first (DynamicDS's always_executed_hook), then each
// attribute comes from the KeepTime cache or is evaluated. "State" and
// "Status" are readable as attributes. An unknown attribute gives a
// Reading with Err (API_AttrNotFound); an unknown device gives an error.
func (w *World) Read(now time.Time, dev string, attrs ...string) ([]Reading, error) {
	d, err := w.device(dev)
	if err != nil {
		return nil, err
	}
	return d.read(w.clock(now), attrs, make([]Reading, 0, len(attrs))), nil
}

// AppendRead is Read appending to dst: a server reading on every request
// reuses one buffer.
func (w *World) AppendRead(dst []Reading, now time.Time, dev string, attrs ...string) ([]Reading, error) {
	d, err := w.device(dev)
	if err != nil {
		return dst, err
	}
	return d.read(w.clock(now), attrs, dst), nil
}

// AttrID is one attribute of a hosted device, resolved from its name once
// (ResolveAttr) so that a client repeating a read skips the name lookups.
// Devices and their attributes are fixed when the World is built, so an
// AttrID stays valid for the World's life.
type AttrID struct{ dev, attr int32 }

// The attribute indexes of State and Status, which are readable as
// attributes but are not in device.attrs.
const (
	stateAttr  = -1
	statusAttr = -2
)

// ResolveAttr returns the AttrID of attribute attr of device dev, both
// case-insensitive as Read takes them. ok is false for an unknown device
// or attribute and for a plug-in device (read by name only); such names
// are read with AppendRead, which reports them.
func (w *World) ResolveAttr(dev, attr string) (id AttrID, ok bool) {
	d, ok := w.lookup(dev)
	if !ok || d.plug != nil {
		return AttrID{}, false
	}
	switch {
	case strings.EqualFold(attr, "State"):
		return AttrID{d.idx, stateAttr}, true
	case strings.EqualFold(attr, "Status"):
		return AttrID{d.idx, statusAttr}, true
	}
	// Not findAttr: this may run outside the world's lock, so it must
	// not move findAttr's guess.
	i := d.findAttrExact(attr)
	for j := 0; i < 0 && j < len(d.attrs); j++ {
		if strings.EqualFold(d.attrs[j].name, attr) {
			i = j
		}
	}
	if i < 0 {
		return AttrID{}, false
	}
	return AttrID{d.idx, int32(i)}, true
}

// AppendReadIDs is AppendRead of resolved attributes, which may belong to
// several devices: each run of consecutive IDs of one device is one read
// of that device, with its state hook, as AppendRead of those names.
func (w *World) AppendReadIDs(dst []Reading, now time.Time, ids []AttrID) []Reading {
	n := w.clock(now)
	dst = slices.Grow(dst, len(ids))
	for k, id := range ids {
		d := w.devs[id.dev]
		if k == 0 || ids[k-1].dev != id.dev {
			d.hook(n)
		}
		dst = dst[:len(dst)+1]
		d.readAt(n, int(id.attr), &dst[len(dst)-1])
	}
	return dst
}

// Write writes one attribute as a client write does: the value is cast by
// the attribute's type, checked against min_value/max_value
// (API_WAttrOutsideLimit, value unchanged), then the attribute's formula is
// evaluated with WRITE=True and VALUE set. Errors are *DevError.
func (w *World) Write(now time.Time, dev, attr string, v pyval.Value) error {
	d, err := w.device(dev)
	if err != nil {
		return err
	}
	return d.write(w.clock(now), attr, v)
}

// Command runs a command of dev: a DynamicCommand with ARGS = arg, or one
// of the standard State, Status and Init. Errors are *DevError.
func (w *World) Command(now time.Time, dev, cmd string, arg pyval.Value) (pyval.Value, error) {
	d, err := w.device(dev)
	if err != nil {
		return pyval.None, err
	}
	return d.command(w.clock(now), cmd, arg)
}

// State evaluates and returns the device state.
func (w *World) State(now time.Time, dev string) (State, error) {
	d, err := w.device(dev)
	if err != nil {
		return Unknown, err
	}
	n := w.clock(now)
	d.hook(n)
	return d.state, nil
}

// Status evaluates and returns the device status text.
func (w *World) Status(now time.Time, dev string) (string, error) {
	d, err := w.device(dev)
	if err != nil {
		return "", err
	}
	n := w.clock(now)
	d.hook(n)
	return d.statusText(n), nil
}

// SetPolling sets the polling period of an attribute ("State" included);
// 0 stops polling. It takes effect from the next Advance.
func (w *World) SetPolling(dev, attr string, period time.Duration) error {
	d, err := w.device(dev)
	if err != nil {
		return err
	}
	return d.setPolling(attr, period)
}

// SetEventConfig replaces the event thresholds of an attribute.
func (w *World) SetEventConfig(dev, attr string, cfg EventConfig) error {
	d, err := w.device(dev)
	if err != nil {
		return err
	}
	return d.setEventConfig(attr, cfg)
}

// SetOverride installs (or, with nil, removes) the override of one
// attribute ("State" and "Status" included).
func (w *World) SetOverride(dev, attr string, o Override) error {
	d, err := w.device(dev)
	if err != nil {
		return err
	}
	return d.setOverride(attr, o)
}

// Init re-initialises a device as the Tango Init command does: t restarts
// at 0, caches are dropped, StartupDelay applies again, state is ON.
// Variables (VAR) survive, as they do in DynamicDS.
func (w *World) Init(now time.Time, dev string) error {
	d, err := w.device(dev)
	if err != nil {
		return err
	}
	d.init(w.clock(now))
	return nil
}

// clock converts and clamps a time: calls never go back in time.
func (w *World) clock(now time.Time) int64 {
	n := now.UnixNano()
	if n < w.last {
		return w.last
	}
	w.last = n
	return n
}

func (w *World) lookup(name string) (*device, bool) {
	i, ok := w.byName[strings.ToLower(name)]
	if !ok {
		return nil, false
	}
	return w.devs[i], true
}

func (w *World) device(name string) (*device, error) {
	if d, ok := w.lookup(name); ok {
		return d, nil
	}
	return nil, &DevError{Reason: "API_DeviceNotExported", Desc: fmt.Sprintf("device %s is not hosted here", name), Origin: "sim.World"}
}
