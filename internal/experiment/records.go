package experiment

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"chaoslab/internal/client"
)

// FaultDir is where fault records live inside a state directory.
const FaultDir = "experiments/faults"

// Record is one line of a fault record file.
type Record struct {
	Op   string    `json:"op"` // run, apply, undone
	Run  string    `json:"run,omitempty"`
	Pid  int       `json:"pid,omitempty"`
	ID   string    `json:"id,omitempty"`
	Name string    `json:"name,omitempty"`
	Kind string    `json:"kind,omitempty"`
	Undo *Undo     `json:"undo,omitempty"`
	Time time.Time `json:"t"`
}

// Records writes a run's fault records: one JSON line per fault, fsynced
// before the fault is applied, and a line when it is undone. The file is
// removed when the run ends cleanly (Close with everything undone).
type Records struct {
	mu   sync.Mutex
	f    *os.File
	path string
	open map[string]bool
	now  func() time.Time
}

// NewRecords creates the record file of run in state directory dir.
func NewRecords(dir, run string, now func() time.Time) (*Records, error) {
	d := filepath.Join(dir, FaultDir)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return nil, err
	}
	p := filepath.Join(d, run+".jsonl")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	r := &Records{f: f, path: p, open: map[string]bool{}, now: now}
	if err := r.write(Record{Op: "run", Run: run, Pid: os.Getpid()}); err != nil {
		f.Close()
		return nil, err
	}
	syncDir(d)
	return r, nil
}

func syncDir(d string) {
	if f, err := os.Open(d); err == nil {
		f.Sync()
		f.Close()
	}
}

func (r *Records) write(rec Record) error {
	rec.Time = r.now().UTC()
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if _, err := r.f.Write(append(b, '\n')); err != nil {
		return err
	}
	return r.f.Sync()
}

// Applying records a fault before it is applied.
func (r *Records) Applying(id string, st PlannedStep, u Undo) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.open[id] = true
	return r.write(Record{Op: "apply", ID: id, Name: st.Name, Kind: st.Kind, Undo: &u})
}

// Undone records that a fault was undone.
func (r *Records) Undone(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.open, id)
	return r.write(Record{Op: "undone", ID: id})
}

// Close closes the file and removes it when no fault is left open.
func (r *Records) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.f.Close()
	if len(r.open) == 0 {
		os.Remove(r.path)
	}
	return err
}

// RecoveredFault is what Recover did for one fault.
type RecoveredFault struct {
	Run, ID, Name, Kind string
	Err                 error
}

// Recover undoes every fault recorded in dir by runs that are no longer
// running, and removes their record files once all is undone. Runs whose
// process is alive are left alone.
func Recover(ctx context.Context, dir string) ([]RecoveredFault, []string, error) {
	files, err := filepath.Glob(filepath.Join(dir, FaultDir, "*.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	var out []RecoveredFault
	var skipped []string
	for _, f := range files {
		recs, err := readRecords(f)
		if err != nil {
			return out, skipped, err
		}
		var run string
		pid := 0
		open := map[string]Record{}
		var order []string
		for _, rc := range recs {
			switch rc.Op {
			case "run":
				run, pid = rc.Run, rc.Pid
			case "apply":
				open[rc.ID] = rc
				order = append(order, rc.ID)
			case "undone":
				delete(open, rc.ID)
			}
		}
		if pid != 0 && pid != os.Getpid() && syscall.Kill(pid, 0) == nil && isRunner(pid) {
			skipped = append(skipped, fmt.Sprintf("%s (pid %d is still running)", run, pid))
			continue
		}
		failed := false
		for i := len(order) - 1; i >= 0; i-- {
			rc, ok := open[order[i]]
			if !ok {
				continue
			}
			var err error
			if rc.Undo != nil {
				err = rc.Undo.apply(ctx)
			}
			failed = failed || err != nil
			out = append(out, RecoveredFault{Run: run, ID: rc.ID, Name: rc.Name, Kind: rc.Kind, Err: err})
		}
		if !failed {
			os.Remove(f)
		}
	}
	return out, skipped, nil
}

// isRunner guards against pid reuse: the process must be a chaoslab run.
func isRunner(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return true // cannot tell: assume it is
	}
	return strings.Contains(string(b), "run")
}

func readRecords(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r Record
		if json.Unmarshal(sc.Bytes(), &r) == nil {
			out = append(out, r) // a torn last line is skipped
		}
	}
	return out, sc.Err()
}

func dialOnce(ctx context.Context, addr string) (*client.Client, error) {
	if addr == "" {
		return nil, errors.New("no address recorded")
	}
	return client.Dial(ctx, addr)
}
