// Package fault injects faults that always undo themselves.
//
// One small interface: a Fault's Inject applies it and returns its own
// Revert; optional abilities (Verify that it took effect, Describe it) are
// separate interfaces. One file per kind family, and one explicit registry
// (Kinds) keyed by namespaced IDs: proc.kill, proc.stop, proc.pause,
// proc.restart, proc.crashloop (through the twin's supervisor), server.*
// (the fault endpoint of the device servers, see internal/server), net.*
// (a netem toxic on the supervisor's proxy of each target server, through
// the proxies' control API; the twin must be up with `chaoslab up --proxy`).
//
// Crash safety. New wraps every fault so that, before anything is
// applied, a record (DIR/faults/<id>.json, written and fsynced) holds the
// idempotent steps that undo it; the record is removed only after the undo
// succeeded. Clear runs the steps of every record left behind, also after
// the injecting process was killed with -9. Faults also carry a deadline
// after which they lift by themselves (a dead-man's switch): the server
// drops an in-server fault, the proxy removes a toxic, the supervisor
// releases a proc.stop hold. Only a paused process (proc.pause) needs
// `chaoslab fault clear` after its injector died.
//
//	spec ──Resolve(seeded)──► targets ──New──► Fault ──Inject──► record written+fsynced
//	                                                               │ apply
//	                                                               ▼
//	                          Revert: undo steps (reverse order) ─► record removed
//
// Stacking: faults on one target compose in the order applied and undo in
// reverse (each Revert removes only its own effect); see docs/faults.md.
package fault
