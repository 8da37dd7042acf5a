package hammer

import (
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// Executor performs hammer actions: the supervisor (restart/start/stop/
// kill a server) or a Tango client (command on a device). The CLI wires
// it.
type Executor interface {
	Do(ctx context.Context, action, target, command string, args []string) error
}

// Journal records decisions, one JSON object per line.
type Journal struct {
	mu sync.Mutex
	w  io.Writer
}

// NewJournal journals to w (e.g. an append-only file).
func NewJournal(w io.Writer) *Journal { return &Journal{w: w} }

// Record writes one decision.
func (j *Journal) Record(d Decision) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	_, err = j.w.Write(append(b, '\n'))
	return err
}

// Runner applies an Engine's decisions: it executes Acted ones and
// journals every decision with its result.
type Runner struct {
	Engine  *Engine
	Exec    Executor
	Journal *Journal
}

// Step observes the alarms at now, executes and journals; it returns the
// decisions with their results.
func (r *Runner) Step(ctx context.Context, now time.Time, alarms []AlarmStatus) []Decision {
	ds := r.Engine.Observe(now, alarms)
	for i := range ds {
		d := &ds[i]
		switch d.Verdict {
		case Acted:
			if r.Exec == nil {
				d.Result = "no executor configured"
			} else if err := r.Exec.Do(ctx, d.Action, d.Target, d.Command, d.Args); err != nil {
				d.Result = err.Error()
			} else {
				d.Result = "ok"
			}
		case Reported:
			d.Result = "report only: not executed"
		case Exhausted:
			d.Result = "refused: attempt budget exhausted"
		}
		if r.Journal != nil {
			if err := r.Journal.Record(*d); err != nil && d.Result == "ok" {
				d.Result = "ok (journal: " + err.Error() + ")"
			}
		}
	}
	return ds
}
