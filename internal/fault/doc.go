// Package fault injects faults that always undo themselves.
//
// One small interface: a Fault's Inject applies it and returns its own
// Revert; optional abilities (Verify that it took effect, Describe it) are
// separate interfaces. One file per kind family, and one explicit registry
// (Kinds) keyed by namespaced IDs: proc.kill, proc.stop, proc.pause,
// proc.restart, proc.crashloop (through the twin's supervisor), server.*
// (the fault endpoint of the device servers, see internal/server).
//
// Crash safety. New wraps every fault so that, before anything is
// applied, a record (DIR/faults/<id>.json, written and fsynced) holds the
// idempotent steps that undo it; the record is removed only after the undo
// succeeded. Clear runs the steps of every record left behind, also after
// the injecting process was killed with -9. In-server faults also carry a
// deadline after which the server lifts them by itself (a dead-man's
// switch); a process held down by proc.stop stays down until its fault is
// released (by the injector, by `chaoslab fault clear`, or by an operator
// `chaoslab servers start`).
//
//	spec ──Resolve(seeded)──► targets ──New──► Fault ──Inject──► record written+fsynced
//	                                                               │ apply
//	                                                               ▼
//	                          Revert: undo steps (reverse order) ─► record removed
//
// Stacking: faults on one target compose in the order applied and undo in
// reverse (each Revert removes only its own effect); see docs/faults.md.
package fault
