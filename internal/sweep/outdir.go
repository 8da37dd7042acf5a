package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Results directory layout.
const (
	MetaFile    = "meta.json"
	JournalFile = "journal.jsonl"
	CSVFile     = "results.csv"
	JSONFile    = "results.json"
	ReportFile  = "report.html"
	PlotDir     = "plots"
	CaseDir     = "cases"
)

// Meta identifies the run a results directory belongs to, so --resume
// refuses a directory of a different matrix or seed.
type Meta struct {
	Matrix string `json:"matrix"`
	SHA256 string `json:"sha256"`
	Seed   uint64 `json:"seed"`
}

// OutDir is a results directory.
type OutDir struct {
	Dir     string
	Journal *Journal
	Done    map[string]bool
	Records []*CaseRecord
	Warning string
}

// OpenOutDir prepares dir for a run of the matrix file data with seed.
// Without resume the directory must not hold a journal; with resume the
// journal's finished cases are loaded (Done) and must come from the same
// matrix text and seed.
func OpenOutDir(dir, matrixPath string, data []byte, seed uint64, resume bool) (*OutDir, error) {
	sum := sha256.Sum256(data)
	meta := Meta{Matrix: matrixPath, SHA256: hex.EncodeToString(sum[:]), Seed: seed}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	o := &OutDir{Dir: dir, Done: map[string]bool{}}
	jpath := filepath.Join(dir, JournalFile)
	_, statErr := os.Stat(jpath)
	exists := statErr == nil
	if exists && !resume {
		return nil, fmt.Errorf("%s already holds a run (%s): pass --resume to continue it, or another --out", dir, JournalFile)
	}
	if exists {
		b, err := os.ReadFile(filepath.Join(dir, MetaFile))
		if err != nil {
			return nil, fmt.Errorf("resume: %w", err)
		}
		var old Meta
		if err := json.Unmarshal(b, &old); err != nil {
			return nil, fmt.Errorf("resume: %s: %w", MetaFile, err)
		}
		if old.SHA256 != meta.SHA256 || old.Seed != meta.Seed {
			return nil, errors.New("resume: the matrix file or the seed changed since this run started: use another --out")
		}
		recs, warn, err := ReadJournal(jpath)
		if err != nil {
			return nil, err
		}
		o.Records, o.Warning = recs, warn
		for _, r := range recs {
			if r.Kind == "case" {
				o.Done[r.Key] = true
			}
		}
		if warn != "" {
			// Rewrite the journal without the torn line before appending.
			if err := rewriteJournal(jpath, recs); err != nil {
				return nil, err
			}
		}
	} else {
		b, _ := json.MarshalIndent(meta, "", "  ")
		if err := os.WriteFile(filepath.Join(dir, MetaFile), append(b, '\n'), 0o644); err != nil {
			return nil, err
		}
	}
	j, err := OpenJournal(jpath)
	if err != nil {
		return nil, err
	}
	o.Journal = j
	return o, nil
}

func rewriteJournal(path string, recs []*CaseRecord) error {
	tmp := path + ".tmp"
	j, err := OpenJournal(tmp)
	if err != nil {
		return err
	}
	if err := j.f.Truncate(0); err != nil {
		j.Close()
		return err
	}
	for _, r := range recs {
		if err := j.Append(r); err != nil {
			j.Close()
			return err
		}
	}
	if err := j.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// WriteRaw stores one repeat's raw data as cases/NNNN/rep-R.json.
func (o *OutDir) WriteRaw(c *Case, repeat int, raw any) error {
	d := filepath.Join(o.Dir, CaseDir, fmt.Sprintf("%04d", c.I))
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(map[string]any{"case": c.I, "key": c.Key, "repeat": repeat, "data": raw}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(d, fmt.Sprintf("rep-%d.json", repeat)), append(b, '\n'), 0o644)
}

// Finish writes results.csv, results.json, the SVG plots and report.html
// from res (atomically per file).
func (o *OutDir) Finish(res *Results) error {
	plots := res.Plots()
	if err := os.MkdirAll(filepath.Join(o.Dir, PlotDir), 0o755); err != nil {
		return err
	}
	for _, p := range plots {
		if err := writeAtomic(filepath.Join(o.Dir, PlotDir, safeName(p.Name)+".svg"), func(f *os.File) error {
			_, err := f.WriteString(p.SVG)
			return err
		}); err != nil {
			return err
		}
	}
	return errors.Join(
		writeAtomic(filepath.Join(o.Dir, CSVFile), func(f *os.File) error { return res.WriteCSV(f) }),
		writeAtomic(filepath.Join(o.Dir, JSONFile), func(f *os.File) error { return res.WriteJSON(f) }),
		writeAtomic(filepath.Join(o.Dir, ReportFile), func(f *os.File) error { return res.WriteHTML(f, plots) }),
	)
}

// Close closes the journal.
func (o *OutDir) Close() error { return o.Journal.Close() }

func writeAtomic(path string, fill func(*os.File) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := errors.Join(fill(f), f.Close()); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b[i] = '_'
		}
	}
	return string(b)
}
