package journal

import (
	"encoding/json"
	"time"
)

// Event types, in the order a run normally writes them.
const (
	TypeStart    = "start"    // experiment source, seed, run id
	TypePlan     = "plan"     // resolved targets and schedule
	TypePhase    = "phase"    // hypothesis phase begins: before, during, after
	TypeProbe    = "probe"    // one probe observation
	TypeAction   = "action"   // a method step began (with its resolved targets)
	TypeFault    = "fault"    // a fault was applied
	TypeUndo     = "undo"     // a fault was undone
	TypeTrip     = "trip"     // a stop condition tripped
	TypeRollback = "rollback" // one rollback step ran
	TypeVerdict  = "verdict"  // the final verdict
	TypeError    = "error"    // a step or probe failed to run
	TypeLoad     = "load"     // a snapshot of the background load
)

// Event is one line of a journal. Fields not used by a type are omitted.
type Event struct {
	Seq  int       `json:"seq"`
	Time time.Time `json:"t"`
	Type string    `json:"type"`

	Phase   string   `json:"phase,omitempty"`
	Step    *int     `json:"step,omitempty"` // method step index
	Name    string   `json:"name,omitempty"`
	Kind    string   `json:"kind,omitempty"` // action kind (server.kill, net.latency, …)
	Targets []string `json:"targets,omitempty"`
	ID      string   `json:"id,omitempty"` // fault id (pairs fault with undo)

	Value *float64 `json:"value,omitempty"` // numeric observation
	Text  string   `json:"text,omitempty"`  // non-numeric observation or message
	OK    *bool    `json:"ok,omitempty"`    // tolerance met
	Error string   `json:"error,omitempty"`

	Status string `json:"status,omitempty"` // verdict: held, deviated, aborted, interrupted, error

	// Data carries type-specific structured content (the experiment source
	// in start, the plan, statistics in the verdict).
	Data json.RawMessage `json:"data,omitempty"`
}

// Bool returns a pointer to b (for Event.OK).
func Bool(b bool) *bool { return &b }

// Float returns a pointer to f (for Event.Value).
func Float(f float64) *float64 { return &f }

// Int returns a pointer to i (for Event.Step).
func Int(i int) *int { return &i }
