package sim

import (
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
)

// Kind builds devices of a class the DynamicDS model does not describe
// (PyAlarm in a later issue). It is registered in Options.Kinds by class
// name.
type Kind interface {
	NewDevice(dev *catalog.Device, host Host) (Behavior, Problems)
}

// Host is what the World offers a plugged device.
type Host interface {
	// Read reads an attribute of any device (hosted here or through Remote).
	Read(now time.Time, device, attr string) Reading
	// Rand is the device's own seeded random stream.
	Rand() pyval.Rand
}

// Behavior is a plugged device. Its methods are called from the World's
// single goroutine, with times that never go backwards.
type Behavior interface {
	Attributes() []AttrInfo
	Commands() []CmdInfo
	Read(now time.Time, attr string) Reading
	Write(now time.Time, attr string, v pyval.Value) error
	Command(now time.Time, cmd string, arg pyval.Value) (pyval.Value, error)
	// State returns the device state and status at now. The World calls
	// it before client requests and right after each Advance, and sends
	// a State change event when it differs from the last one: a Behavior
	// must not emit State events itself.
	State(now time.Time) (State, string)
	// Advance does the device's timed work, emitting events, and returns
	// when it next has work (zero: nothing scheduled).
	Advance(now time.Time, emit func(Event)) time.Time
}
