package sweep

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// Results is the whole outcome of a run: written as results.json.
type Results struct {
	Title    string         `json:"title"`
	Matrix   string         `json:"matrix"`
	Seed     uint64         `json:"seed"`
	Repeat   int            `json:"repeat"`
	Method   string         `json:"statistics"`
	Outliers string         `json:"outliers"`
	Params   []string       `json:"parameters"`
	Metrics  []string       `json:"metrics"`
	Planned  int            `json:"planned_cases"`
	Cases    []*CaseRecord  `json:"cases"`
	Counts   map[Status]int `json:"status_counts"`
	Search   *SearchResult  `json:"search,omitempty"`
}

// NewResults assembles results from journal records, in case order; a
// case journaled twice (a resumed run that reran it) keeps its last record.
func NewResults(f *File, seed uint64, planned int, recs []*CaseRecord) *Results {
	r := &Results{Title: f.Title, Matrix: f.Path, Seed: seed, Repeat: f.Repeat, Method: Method,
		Outliers: f.Outliers.Describe(), Params: f.ParamNames(), Metrics: f.Metrics, Planned: planned, Counts: map[Status]int{}}
	byKey := map[string]*CaseRecord{}
	var order []string
	for _, c := range recs {
		if c.Kind != "case" {
			continue
		}
		if _, ok := byKey[c.Key]; !ok {
			order = append(order, c.Key)
		}
		byKey[c.Key] = c
	}
	for _, k := range order {
		r.Cases = append(r.Cases, byKey[k])
	}
	sort.SliceStable(r.Cases, func(a, b int) bool { return r.Cases[a].I < r.Cases[b].I })
	for _, c := range r.Cases {
		r.Counts[c.Status]++
	}
	return r
}

// WriteJSON writes results.json.
func (r *Results) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

var statCols = []string{"n", "mean", "std", "ci95_lo", "ci95_hi", "min", "p50", "p95", "p99", "max", "dropped"}

// WriteCSV writes results.csv: one row per case with its parameters,
// status, repeats, reasons and, per metric, the summary columns
// (metric.mean, metric.std, ...). Empty cells are missing values.
func (r *Results) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"case"}
	head = append(head, r.Params...)
	head = append(head, "status", "repeats", "reasons")
	for _, m := range r.Metrics {
		for _, s := range statCols {
			head = append(head, m+"."+s)
		}
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, c := range r.Cases {
		row := []string{strconv.Itoa(c.I)}
		for _, p := range r.Params {
			row = append(row, FormatValue(normNum(c.Params[p])))
		}
		reasons := ""
		for i, s := range c.Reasons {
			if i > 0 {
				reasons += "; "
			}
			reasons += s
		}
		row = append(row, string(c.Status), strconv.Itoa(len(c.Repeats)), reasons)
		for _, m := range r.Metrics {
			s, ok := c.Summaries[m]
			if !ok {
				s = Summarize(nil, OutliersNone)
			}
			row = append(row, strconv.Itoa(s.N), cell(s.Mean), cell(s.Std), cell(s.CILo), cell(s.CIHi), cell(s.Min),
				cell(s.P50), cell(s.P95), cell(s.P99), cell(s.Max), strconv.Itoa(s.Dropped))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func cell(f F) string {
	b, _ := f.MarshalJSON()
	if string(b) == "null" {
		return ""
	}
	return string(b)
}

// normNum turns a float64 holding an integer (JSON round trip) back into
// an int64 so it prints the same as before the journal.
func normNum(v Value) Value {
	if f, ok := v.(float64); ok && f == float64(int64(f)) && f < 1e15 && f > -1e15 {
		return int64(f)
	}
	return v
}

// WriteTable prints a compact summary table for the terminal.
func (r *Results) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "%-5s %-40s %-8s", "case", "parameters", "status")
	show := r.Metrics
	if len(show) > 4 {
		show = show[:4]
	}
	for _, m := range show {
		fmt.Fprintf(w, " %22s", m)
	}
	fmt.Fprintln(w)
	for _, c := range r.Cases {
		fmt.Fprintf(w, "%-5d %-40s %-8s", c.I, c.Key, c.Status)
		for _, m := range show {
			s := c.Summaries[m]
			txt := "-"
			if s.N > 0 {
				txt = fmt.Sprintf("%.4g", float64(s.Mean))
				if s.N > 1 {
					txt += fmt.Sprintf(" ±%.2g", float64(s.CIHi-s.Mean))
				}
			}
			fmt.Fprintf(w, " %22s", txt)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d of %d cases:", len(r.Cases), r.Planned)
	for _, st := range []Status{StatusOK, StatusFailed, StatusStalled, StatusError} {
		if r.Counts[st] > 0 {
			fmt.Fprintf(w, " %s %d", st, r.Counts[st])
		}
	}
	fmt.Fprintf(w, "\nstatistics over %d repeats per case; outliers: %s\n", r.Repeat, r.Outliers)
	if r.Search != nil {
		writeSearch(w, r.Search)
	}
	return nil
}

func writeSearch(w io.Writer, s *SearchResult) {
	switch {
	case !s.Found:
		fmt.Fprintf(w, "breaking point: the hypothesis fails already at %s\n", fmtF(s.FirstFail))
	case s.MaxHolds:
		fmt.Fprintf(w, "breaking point: beyond the searched range; the hypothesis holds up to the maximum %s\n", fmtF(s.Largest))
	default:
		fmt.Fprintf(w, "breaking point: largest value that holds %s; fails at %s (resolution %s)\n", fmtF(s.Largest), fmtF(s.FirstFail), fmtF(s.Resolution))
	}
	fmt.Fprintf(w, "search: %d trials (%v)\n", len(s.Trials), s.Phase)
	fmt.Fprintf(w, "search %s\n", s.Assumption)
	if len(s.NonMonotonic) == 0 {
		fmt.Fprintln(w, "non-monotonic evidence: none seen in the trials")
	}
	for _, e := range s.NonMonotonic {
		fmt.Fprintf(w, "NON-MONOTONIC evidence: %s\n", e)
	}
}
