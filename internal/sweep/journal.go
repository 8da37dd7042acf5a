package sweep

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// RepeatRecord is one run of a case.
type RepeatRecord struct {
	Repeat    int                `json:"repeat"`
	Status    Status             `json:"status"`
	Reason    string             `json:"reason,omitempty"`
	Started   time.Time          `json:"started"`
	DurationS float64            `json:"duration_s"`
	Metrics   map[string]float64 `json:"metrics"`
	Signals   map[Status]int     `json:"signals,omitempty"` // signal events counted during the run
}

// CaseRecord is one finished case: a line of the journal.
type CaseRecord struct {
	Kind        string             `json:"kind"` // "case", or "trial" for a breaking-point search trial
	I           int                `json:"i"`
	Key         string             `json:"key"`
	Params      map[string]Value   `json:"params"`
	Status      Status             `json:"status"`
	Reasons     []string           `json:"reasons,omitempty"`
	SignalCount int                `json:"signal_count"`
	Repeats     []RepeatRecord     `json:"repeats"`
	Summaries   map[string]Summary `json:"summaries"`
}

// Journal is the append-only results journal (JSON lines). Every record is
// fsynced before the driver moves on, so a crash loses at most the case
// that was running.
type Journal struct {
	f *os.File
}

// OpenJournal opens (creating) path for appending.
func OpenJournal(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &Journal{f: f}, nil
}

// Append writes one record and syncs it to disk.
func (j *Journal) Append(r *CaseRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if _, err := j.f.Write(b); err != nil {
		return err
	}
	return j.f.Sync()
}

// Close closes the journal.
func (j *Journal) Close() error { return j.f.Close() }

// ReadJournal reads the records of a journal. A torn last line (a crash
// while writing) is ignored and reported in warn; any other bad line is an
// error with its line number.
func ReadJournal(path string) (recs []*CaseRecord, warn string, err error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	var pending error
	for sc.Scan() {
		line++
		if pending != nil {
			return nil, "", pending
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var r CaseRecord
		if err := json.Unmarshal(b, &r); err != nil {
			pending = fmt.Errorf("%s:%d: bad journal line: %v", path, line, err)
			continue
		}
		recs = append(recs, &r)
	}
	if pending != nil {
		if !bytes.HasSuffix(data, []byte("\n")) {
			return recs, fmt.Sprintf("%s:%d: ignored a torn last line (the run was interrupted while writing it)", path, line), nil
		}
		return nil, "", pending
	}
	return recs, "", sc.Err()
}
