package alarm

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestCorpusNames checks Tango-name recognition against the tango_names
// recorded for the PANIC formulas of the reference corpus.
func TestCorpusNames(t *testing.T) {
	b, err := os.ReadFile("/work/shared/reference/corpus/formulas.json")
	if err != nil {
		t.Skip("corpus not available:", err)
	}
	var entries []struct {
		ID, System, Formula string
		TangoNames          []string `json:"tango_names"`
	}
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		// macros (FIND, GROUP) are expanded before names are recognised,
		// and ACTION(...) entries are receivers, not formulas.
		if e.System != "PANIC" || strings.Contains(e.Formula, "FIND(") || strings.Contains(e.Formula, "GROUP(") || strings.Contains(e.Formula, "ACTION(") {
			continue
		}
		n++
		_, refs := FindNames(e.Formula)
		var got []string
		for _, r := range refs {
			s := r.Name
			if r.What != "" {
				s += "." + r.What
			}
			got = append(got, s)
		}
		var want []string // distinct names: one identifier each
		seen := map[string]bool{}
		for _, w := range e.TangoNames {
			if !seen[w] {
				seen[w] = true
				want = append(want, w)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s %q: names %q, corpus %q", e.ID, e.Formula, got, want)
		}
	}
	if n < 60 {
		t.Errorf("only %d PANIC formulas", n)
	}
}

// TestCorpusCompiles rewrites and compiles every PANIC formula of the
// corpus (ACTION receivers excluded); only the five that are not Python
// (the documented-but-unimplemented "?device" prefix, two broken examples,
// two LogFile paths) may fail.
func TestCorpusCompiles(t *testing.T) {
	b, err := os.ReadFile("/work/shared/reference/corpus/formulas.json")
	if err != nil {
		t.Skip("corpus not available:", err)
	}
	var entries []struct{ ID, System, Formula string }
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range entries {
		if e.System == "PANIC" && !strings.Contains(e.Formula, "ACTION(") {
			lines = append(lines, e.ID+":"+e.Formula)
		}
	}
	d := newTestDevice(t, fakeHost{}, nil, lines...)
	var bad []string
	for _, a := range d.alarms {
		if a.c.err != nil {
			bad = append(bad, a.Tag)
		}
	}
	want := []string{"PAN-002", "PAN-015", "PAN-040", "PAN-051", "PAN-052"}
	if !reflect.DeepEqual(bad, want) {
		t.Errorf("formulas that do not compile: %v, want %v", bad, want)
	}
}
