package server

import (
	"time"

	pb "chaoslab/internal/api/chaoslabv1"
)

// Event is one event produced by the model's polling.
type Event struct {
	Device  string // canonical device name, as Resolve spells it
	Attr    string // canonical attribute name, as Resolve spells it
	Type    pb.EventType
	Reading *pb.Reading // never modified after it is returned
}

// Model is the device model the server serves, in wire terms. It is not
// safe for concurrent use: the server calls it with the world lock held.
// Failures are *api.Error values.
type Model interface {
	// Devices lists devices whose name matches pattern.
	Devices(pattern string) []*pb.DeviceInfo
	// Read appends one reading per name (errors inside the readings).
	// Names may contain wildcards.
	Read(now time.Time, names []string, out []*pb.Reading) []*pb.Reading
	// Write writes one attribute.
	Write(now time.Time, name string, v *pb.Value) error
	// Command runs a command.
	Command(now time.Time, dev, cmd string, arg *pb.Value) (*pb.Value, error)
	// Config returns the configuration of the named attributes.
	Config(names []string) ([]*pb.AttributeInfo, error)
	// SetConfig applies the fields present in c.
	SetConfig(now time.Time, name string, c *pb.AttrConfig) (*pb.AttributeInfo, error)
	// State returns the state of the named devices (wildcards allowed).
	State(now time.Time, devs []string) []*pb.DeviceState
	// Resolve expands names (wildcards allowed) to canonical device and
	// attribute names for a subscription, or fails on an unknown device or
	// attribute.
	Resolve(names []string) ([]AttrRef, error)
	// Advance runs polling due at now, appends the events that want accepts
	// and returns the time polling is next due (zero: nothing is polled).
	Advance(now time.Time, want func(dev, attr string, t pb.EventType) bool, out []Event) ([]Event, time.Time)
	// Stats returns the number of devices and attributes and the count of
	// formula evaluation errors so far.
	Stats() (devices, attributes int, evalErrors uint64)
}

// AttrRef names one attribute canonically. Name, when set, is the full
// name as the client spelled it (saves building it again for the reply).
type AttrRef struct{ Device, Attr, Name string }

// String returns "device/attr".
func (r AttrRef) String() string {
	if r.Name != "" {
		return r.Name
	}
	return r.Device + "/" + r.Attr
}
