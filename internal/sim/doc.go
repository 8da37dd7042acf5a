// Package sim is the twin's device model: SimulatorDS / DynamicDS devices
// whose attributes, states, status, qualities and commands are formulas
// (package formula), built from a catalog and advanced by the time it is
// given.
//
// The World is a pure, single-threaded state machine in the style of
// etcd's raft: no goroutines, no I/O (except reading LoadFromFile and
// FILE('literal') files while building), no wall clock, no global
// randomness. Building (New) uses every core: devices are built in
// parallel and share one compiled Program per formula shape (texts that
// differ only in number and string literals, formula.Shape), each device
// keeping its own literal table and text. The
// World does not keep the catalog alive. LoadFile is the one loader of
// both `chaoslab catalog check`-style checks and the twin.
//
//	cat ──New──▶ World ◀── Read/Write/Command/State/Status(now, ...)
//	                │
//	                └── Advance(now) ──▶ Update{Events, Next}
//
// A server owns one World in one goroutine: it calls Advance when
// Update.Next comes (or on every tick), serves client requests with Read,
// Write and Command, and publishes Update.Events. Devices it does not host
// are reached through Options.Remote. Every device draws random numbers
// from its own stream seeded by (Options.Seed, device name).
//
// Semantics follow fandango's DynamicDS (simulatords.md §1): the KeepTime
// cache, token-based dependencies with error propagation, VAR/GET/SET,
// WRITE/VALUE on writes, ordered DynamicStates, DynamicQualities, typed
// DynamicCommands, UseEvents. docs/twin.md lists what is honoured and every
// deliberate difference (dependency cycles are load errors, random()
// works, writes drop the read cache, ...).
package sim
