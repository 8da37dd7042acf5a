package difftest

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var (
	update   = flag.Bool("update", false, "regenerate testdata/*.json with python3 (and python2.7 for py2.json)")
	showN    = flag.Int("diffs", 3, "number of example diffs shown per feature area")
	areaOnly = flag.String("area", "", "only run cases whose area starts with this prefix")
	idOnly   = flag.String("id", "", "only run the case with this id (prints its outcome)")
	skipIDs  = flag.String("skip", "", "comma-separated case ids not to run (e.g. one that crashes the process)")
	skipSrc  = flag.String("skipsrc", "", "regexp: cases whose source matches are not run")
)

func TestMain(m *testing.M) {
	flag.Parse()
	if *update {
		if err := regenerate(); err != nil {
			fmt.Fprintln(os.Stderr, "difftest -update:", err)
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}

// regenerate runs the committed generator script; it writes every
// testdata/*.json file (py2.json only when python2.7 is found).
func regenerate() error {
	py, err := exec.LookPath("python3")
	if err != nil {
		return fmt.Errorf("python3 not on PATH: %w", err)
	}
	cmd := exec.Command(py, "gen_cases.py")
	cmd.Dir = "testdata"
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func TestCorpus(t *testing.T)      { runFile(t, "corpus.json") }
func TestHandwritten(t *testing.T) { runFile(t, "handwritten.json") }
func TestRandom(t *testing.T)      { runFile(t, "random.json") }
func TestPy2(t *testing.T)         { runFile(t, "py2.json") }

// TestCaseFiles checks the committed files themselves, so a broken
// regeneration is caught even while the language is incomplete.
func TestCaseFiles(t *testing.T) {
	ids := map[string]string{}
	for _, name := range []string{"corpus.json", "handwritten.json", "random.json", "py2.json"} {
		f, err := loadCases(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Cases) == 0 {
			t.Errorf("%s: no cases", name)
		}
		for _, c := range f.Cases {
			if prev, dup := ids[c.ID]; dup {
				t.Errorf("%s: duplicate case id %s (also in %s)", name, c.ID, prev)
			}
			ids[c.ID] = name
			if c.Only != "" && c.Cmp != "type" && c.Error != nil {
				t.Errorf("%s: %s: chaoslab-only error cases compare the type only", name, c.ID)
			}
		}
	}
}

// runFile evaluates every case of a file, then reports one summary line and
// the failures grouped by feature area, worst area first.
func runFile(t *testing.T, name string) {
	f, err := loadCases(name)
	if err != nil {
		t.Fatal(err)
	}
	cases := filterCases(f.Cases)
	if len(cases) == 0 {
		t.Skip("no case selected")
	}
	outs, hung := runAll(cases)
	r := judgeAll(cases, outs)
	label := strings.TrimSuffix(name, ".json")
	t.Logf("%s", r.summary(label, f.Stats))
	if hung >= 0 {
		t.Errorf("case %s (%q) hung; %d later cases not run", cases[hung].ID, cases[hung].Src, len(cases)-hung-1)
	}
	if *idOnly != "" {
		for i := range cases {
			t.Logf("%s: %q vars=%v\n  want %s\n  got  %s (stage %q)", cases[i].ID, cases[i].Src, cases[i].Vars, cases[i].want(), outs[i], outs[i].stage)
		}
	}
	if r.failed > 0 {
		t.Errorf("%s", r.details(*showN))
	}
}

func filterCases(all []Case) []Case {
	if *areaOnly == "" && *idOnly == "" && *skipIDs == "" && *skipSrc == "" {
		return all
	}
	var skipRe *regexp.Regexp
	if *skipSrc != "" {
		skipRe = regexp.MustCompile(*skipSrc)
	}
	skip := map[string]bool{}
	for _, id := range strings.Split(*skipIDs, ",") {
		skip[strings.TrimSpace(id)] = true
	}
	var out []Case
	for _, c := range all {
		if skip[c.ID] || (skipRe != nil && skipRe.MatchString(c.Src)) {
			continue
		}
		if *idOnly != "" && c.ID != *idOnly {
			continue
		}
		if *areaOnly != "" && !strings.HasPrefix(c.Area, *areaOnly) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// verdict classifies a comparison; "" means the case matches.
func verdict(c *Case, o outcome) string {
	switch {
	case o.stage == "panic":
		return "Go panic"
	case o.stage == "hang":
		return "hang"
	case o.stage == "vars":
		return "binding a variable failed"
	case c.Repr != nil && o.err != nil:
		if o.stage == "compile" {
			return "compile error, want value"
		}
		return "error, want value"
	case c.Repr != nil:
		got := o.repr
		if c.Addr {
			got, _, _ = strings.Cut(got, " at 0x")
		}
		if got != *c.Repr {
			return "wrong value"
		}
		return ""
	case o.err == nil:
		return "value, want error"
	case o.err.Type != c.Error.Type:
		return "wrong exception type"
	case c.Cmp != "type" && o.err.Message != c.Error.Message:
		return "wrong exception message"
	}
	return ""
}

type failure struct {
	c    *Case
	o    outcome
	kind string
}

type report struct {
	total, failed int
	byArea        map[string][]failure
	byKind        map[string]int
	passByArea    map[string]int
}

func judgeAll(cases []Case, outs []outcome) *report {
	r := &report{total: len(cases), byArea: map[string][]failure{}, byKind: map[string]int{}, passByArea: map[string]int{}}
	for i := range cases {
		c := &cases[i]
		if k := verdict(c, outs[i]); k != "" {
			r.failed++
			r.byArea[c.Area] = append(r.byArea[c.Area], failure{c, outs[i], k})
			r.byKind[k]++
		} else {
			r.passByArea[c.Area]++
		}
	}
	return r
}

// summary is the one progress line per file, e.g.
// "corpus: 187/203 match (16 differ), skipped 75".
func (r *report) summary(label string, stats map[string]int) string {
	s := fmt.Sprintf("%s: %d/%d match (%d differ)", label, r.total-r.failed, r.total, r.failed)
	if n, ok := stats["skipped"]; ok {
		s += fmt.Sprintf(", skipped %d", n)
	}
	if len(r.byKind) > 0 {
		s += " [" + countList(r.byKind) + "]"
	}
	return s
}

// details lists the areas by number of failures with n examples each.
func (r *report) details(n int) string {
	areas := make([]string, 0, len(r.byArea))
	for a := range r.byArea {
		areas = append(areas, a)
	}
	sort.Slice(areas, func(i, j int) bool {
		fi, fj := len(r.byArea[areas[i]]), len(r.byArea[areas[j]])
		if fi != fj {
			return fi > fj
		}
		return areas[i] < areas[j]
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d cases differ from CPython, by area (failed/total):\n", r.failed, r.total)
	for _, a := range areas {
		fs := r.byArea[a]
		kinds := map[string]int{}
		for _, f := range fs {
			kinds[f.kind]++
		}
		fmt.Fprintf(&b, "\n== %s: %d/%d differ [%s]\n", a, len(fs), len(fs)+r.passByArea[a], countList(kinds))
		for i, f := range fs {
			if i == n {
				fmt.Fprintf(&b, "   ... %d more (-area=%s -diffs=N)\n", len(fs)-n, a)
				break
			}
			mode := ""
			if f.c.Py2 {
				mode = " [py2]"
			}
			fmt.Fprintf(&b, "-- %s%s %s\n   src:  %s\n", f.c.ID, mode, f.kind, f.c.Src)
			if len(f.c.Vars) > 0 {
				fmt.Fprintf(&b, "   vars: %s\n", varList(f.c.Vars))
			}
			if f.c.Seed != 0 && usesRandom.MatchString(f.c.Src) {
				fmt.Fprintf(&b, "   seed: %d\n", f.c.Seed)
			}
			fmt.Fprintf(&b, "   want: %s\n   got:  %s\n", clip(f.c.want()), clip(f.o.String()))
		}
	}
	return b.String()
}

// usesRandom spots sources whose result depends on the seed.
var usesRandom = regexp.MustCompile(`rand|choice|gauss|uniform|sample|shuffle|triangular|variate|getrandbits`)

func countList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func varList(vars map[string]string) string {
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + "=" + vars[k]
	}
	return strings.Join(parts, "; ")
}

func clip(s string) string {
	const max = 300
	if len(s) > max {
		return s[:max] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// testdataPath is used by the live test to find the generator scripts.
func testdataPath(name string) string { return filepath.Join("testdata", name) }
