package fault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"chaoslab/internal/supervisor"
)

// RecordDir is the directory of fault records inside a state directory.
const RecordDir = "faults"

// Record is the crash-safe trace of one injected fault: written and
// fsynced before the fault is applied, removed after it was undone.
type Record struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Spec     string          `json:"spec"` // Spec.String()
	Targets  []string        `json:"targets"`
	Created  time.Time       `json:"created"`
	Deadline time.Time       `json:"deadline"`           // when the fault ends by itself (in-server) or is due to be undone
	Injector supervisor.Proc `json:"injector"`           // the process that injected it
	Undo     []Step          `json:"undo,omitempty"`     // run in reverse order
	Detached bool            `json:"detached,omitempty"` // the injector did not wait to undo it
}

// path returns DIR/faults/<id>.json.
func recordPath(dir, id string) string { return filepath.Join(dir, RecordDir, id+".json") }

// writeRecord writes r durably: a temporary file, fsync, rename, fsync of
// the directory.
func writeRecord(dir string, r *Record) error {
	d := filepath.Join(dir, RecordDir)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(d, "."+r.ID+"-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(append(data, '\n'))
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("fault record %s: %w", r.ID, err)
	}
	if err := os.Rename(tmp.Name(), recordPath(dir, r.ID)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("fault record %s: %w", r.ID, err)
	}
	return syncDir(d)
}

func syncDir(d string) error {
	f, err := os.Open(d)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// removeRecord deletes a record; a missing one is not an error.
func removeRecord(dir, id string) error {
	err := os.Remove(recordPath(dir, id))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return syncDir(filepath.Join(dir, RecordDir))
}

// Records reads every record in DIR/faults, oldest first. A corrupt
// record is reported in the error and skipped.
func Records(dir string) ([]*Record, error) {
	ents, err := os.ReadDir(filepath.Join(dir, RecordDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Record
	var errs []error
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, RecordDir, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var r Record
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		out = append(out, &r)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, errors.Join(errs...)
}

// Live reports whether the record's injector still runs: a record whose
// injector is gone is an orphan that only Clear will undo (or, for
// in-server faults, the deadline).
func (r *Record) Live() bool { return supervisor.Alive(r.Injector, "") }
