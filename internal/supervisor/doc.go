// Package supervisor runs a whole twin: one `chaoslab serve` process per
// catalog server, kept alive by a supervisor process with a restart policy
// (like Tango's Starter), and a state directory recording what runs where.
//
//	chaoslab up ──spawn (setsid)──► chaoslab supervise --state DIR ──spawn──► chaoslab serve --server S1 ...
//	     │                                 │  ▲                       └────► chaoslab serve --server S2 ...
//	     │ poll state.json                 │  │ HTTP on 127.0.0.1 (token):
//	     ▼                                 ▼  │ servers start|stop|kill|restart, add, shutdown
//	DIR/state.json ◄──atomic rewrite after every change (the supervisor is its only writer while alive)
//	DIR/logs/<server>.log, DIR/logs/supervisor.log, DIR/run/<server>.ready
//
// The state file is the contract with the rest of chaoslab: LoadState reads
// it, State.Resolve maps a device to the address of the server hosting it
// (a client.Resolver; NewResolver re-reads the file when it changes, for
// long-lived users), and Inspect re-checks every recorded pid against
// /proc so that status shows the truth even after the supervisor died.
//
// Crash safety: every process is recorded with its pid and its start time
// in clock ticks (/proc/PID/stat), and a marker that must appear in its
// command line (its ready-file path, or the state directory for the
// supervisor), so a reused pid is never signalled. `down` kills every
// recorded process even without a supervisor; `up` on a state directory
// whose supervisor died starts a new one that adopts the servers still
// running and restarts the others.
//
// Ports: the supervisor binds each server's listening socket itself and
// hands it to the process as descriptor 3 (serve --listen-fd 3), then
// closes its copy. Choosing a free port and letting the child bind it
// later left a window in which another process (a client's ephemeral port,
// a peer's outgoing connection) could take it; the child then failed to
// start and was counted as a crash. A server keeps its address across
// restarts (peers and clients holding it reconnect), and moves to a new
// port only if another process took it while the server was down.
//
// The restart decision (Policy.Decide) and server selection (Select) are
// pure; the supervisor loop owns all mutable state in one goroutine and
// takes its clock from Options.
package supervisor
