package fault

import (
	"fmt"
	"sort"
	"strings"

	"chaoslab/internal/config"
)

// Kind describes one fault kind.
type Kind struct {
	Level  Level
	Params []string // accepted parameters
	Doc    string   // one line
	// New builds the fault for resolved targets. It must have no side
	// effects: everything happens in Inject.
	New func(b Build) (Fault, error)
}

// Build is what a kind's constructor gets.
type Build struct {
	Env     Env
	ID      string
	Spec    Spec
	Targets []Target
	Level   Level // the kind's level
}

// undoer is implemented by every built-in fault: the steps that undo it,
// known before it is applied (they go into the record first).
type undoer interface{ undo() []Step }

func (k *Kind) checkParam(kind, p string) error {
	for _, a := range k.Params {
		if a == p {
			return nil
		}
	}
	if len(k.Params) == 0 {
		return fmt.Errorf("%s: unknown parameter %q (it takes none)", kind, p)
	}
	return fmt.Errorf("%s: unknown parameter %q (want one of %s)", kind, p, strings.Join(k.Params, ", "))
}

// Kinds is the registry of fault kinds by namespaced ID. It is one
// explicit map (no init-time registration).
var Kinds = map[string]*Kind{
	"proc.kill":      {Level: LevelServer, Doc: "SIGKILL the server process; the supervisor restarts it (a realistic crash)", New: newProc},
	"proc.stop":      {Level: LevelServer, Params: []string{"signal"}, Doc: "stop the server (SIGTERM, or signal=kill) and hold it down for the duration", New: newProc},
	"proc.pause":     {Level: LevelServer, Doc: "SIGSTOP the server for the duration, then SIGCONT (clients time out)", New: newProc},
	"proc.restart":   {Level: LevelServer, Doc: "restart the server (stop, then start; no undo needed)", New: newProc},
	"proc.crashloop": {Level: LevelServer, Params: []string{"every"}, Doc: "SIGKILL the server every N (every=5s) for the duration; the supervisor restarts it each time", New: newProc},

	"server.exception":    {Level: LevelAttribute, Params: []string{"reason", "desc"}, Doc: "reads raise a DevFailed (reason, desc)", New: newServer},
	"server.stuck":        {Level: LevelAttribute, Params: []string{"value"}, Doc: "the value is stuck (at value=, else at its current value)", New: newServer},
	"server.drift":        {Level: LevelAttribute, Params: []string{"rate"}, Doc: "the value drifts by rate units per second", New: newServer},
	"server.noise":        {Level: LevelAttribute, Params: []string{"amplitude"}, Doc: "uniform noise of ±amplitude (seeded)", New: newServer},
	"server.saturate":     {Level: LevelAttribute, Params: []string{"min", "max"}, Doc: "the value is clipped to [min, max]", New: newServer},
	"server.nan":          {Level: LevelAttribute, Doc: "the value reads NaN", New: newServer},
	"server.out_of_range": {Level: LevelAttribute, Params: []string{"value"}, Doc: "the value reads out of range (value=, default 1e300)", New: newServer},
	"server.wrong_type":   {Level: LevelAttribute, Params: []string{"value"}, Doc: "the value reads as a string of the wrong type", New: newServer},
	"server.stale":        {Level: LevelAttribute, Params: []string{"age"}, Doc: "the timestamp is frozen at the injection time minus age", New: newServer},
	"server.quality":      {Level: LevelAttribute, Params: []string{"quality"}, Doc: "the quality is forced (INVALID, ALARM, WARNING, CHANGING)", New: newServer},
	"server.event_drop":   {Level: LevelAttribute, Params: []string{"probability"}, Doc: "events are dropped with probability (seeded; default 1)", New: newServer},
	"server.state":        {Level: LevelDevice, Params: []string{"state", "status"}, Doc: "the device state is forced (FAULT, ALARM, ...)", New: newServer},
	"server.latency":      {Level: LevelDevice, Params: []string{"latency", "jitter", "ops"}, Doc: "requests wait latency + uniform jitter (ops=read,write,command,state,all)", New: newServer},
	"server.command_fail": {Level: LevelDevice, Params: []string{"command", "reason", "desc"}, Doc: "commands matching command= fail", New: newServer},
	"server.event_flood":  {Level: LevelDevice, Params: []string{"factor"}, Doc: "each event is sent factor times", New: newServer},
	"server.memory":       {Level: LevelServer, Params: []string{"rate", "cap"}, Doc: "the server's memory grows rate MiB/s up to cap MiB", New: newServer},
	"server.cpu":          {Level: LevelServer, Params: []string{"workers"}, Doc: "workers goroutines burn CPU in the server", New: newServer},

	"net.latency":    {Level: LevelServer, Params: netKindParams("latency"), Doc: "the proxy delays data by latency ± jitter (stream=down|up, toxicity=fraction of connections)", New: newNet},
	"net.bandwidth":  {Level: LevelServer, Params: netKindParams("bandwidth"), Doc: "the proxy paces data to rate kB/s", New: newNet},
	"net.loss":       {Level: LevelServer, Params: netKindParams("loss"), Doc: "the proxy drops chunks (scope=chunk) or resets connections (scope=connection) with probability", New: newNet},
	"net.reset_peer": {Level: LevelServer, Params: netKindParams("reset_peer"), Doc: "connections are reset (RST) timeout after their first data", New: newNet},
	"net.timeout":    {Level: LevelServer, Params: netKindParams("timeout"), Doc: "black hole: data dropped; the connection closed after timeout if > 0", New: newNet},
	"net.slow_close": {Level: LevelServer, Params: netKindParams("slow_close"), Doc: "the proxy holds a connection's close back for delay", New: newNet},
	"net.slicer":     {Level: LevelServer, Params: netKindParams("slicer"), Doc: "data cut into average_size ± size_variation byte pieces, delay apart", New: newNet},
	"net.limit_data": {Level: LevelServer, Params: netKindParams("limit_data"), Doc: "a connection closes after bytes bytes in the stream's direction", New: newNet},
	"net.corrupt":    {Level: LevelServer, Params: netKindParams("corrupt"), Doc: "each byte gets one bit flipped with probability", New: newNet},
}

// KindNames lists the registered kinds, sorted.
func KindNames() []string {
	out := make([]string, 0, len(Kinds))
	for k := range Kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func lookupKind(name string) (*Kind, error) {
	if k, ok := Kinds[name]; ok {
		return k, nil
	}
	msg := fmt.Sprintf("unknown fault kind %q", name)
	if near := config.Suggest(name, KindNames()); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return nil, fmt.Errorf("%s", msg)
}
