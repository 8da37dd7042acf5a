package syntax

import (
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/ast_cases.json with python3 (needs the corpus)")

// astCase is one CPython verdict from testdata/gen_ast.py.
type astCase struct {
	Src    string `json:"src"`
	Origin string `json:"origin"`
	Dump   string `json:"dump"`
	Pos    string `json:"pos"`
	NoLoc  bool   `json:"noloc"`
	Err    *struct {
		Msg  string `json:"msg"`
		Line int    `json:"line"`
		Col  int    `json:"col"`
	} `json:"err"`
}

// knownDeviations lists inputs where we knowingly differ from CPython 3.11.
// The value says how; "accept" means we parse what CPython rejects (or the
// reverse), "loc" that only the error location differs.
var knownDeviations = map[string]string{
	// Identifiers are not NFKC-normalized (no Unicode tables for it in the
	// standard library); such names are vanishingly rare in formulas.
	"x１": "nfkc",
	"ﬁ":  "nfkc",
	// yield is rejected everywhere, also in a lambda body where CPython
	// would build a generator function: formulas have no use for it.
	"lambda: (yield)": "accept",
	// await is rejected everywhere; CPython 3.11 lets a top-level generator
	// expression hold it and words the error differently for comprehensions.
	"(x for x in y if await z)": "accept",
	"[await x for x in y]":      "loc",
	"[x async for x in y]":      "loc",
}

// betterMsgs are our messages where CPython only says "invalid syntax".
var betterMsgs = map[string]bool{
	"empty formula": true,
	"invalid syntax. Maybe you meant '==' or ':=' instead of '='?": true, // CPython says this only inside brackets
	"'yield' outside function":                                     true,
	"at least one argument must precede /":                         true,
	"* argument may appear only once":                              true,
}

func loadCases(t testing.TB) []astCase {
	t.Helper()
	if *update {
		cmd := exec.Command("python3", "gen_ast.py")
		cmd.Dir = "testdata"
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("gen_ast.py: %v\n%s", err, out)
		}
		t.Logf("gen_ast.py: %s", out)
	}
	data, err := os.ReadFile("testdata/ast_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []astCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestDifferentialCPython parses every case and compares with CPython:
// the dump (and node positions where recorded) for valid input, and that
// an error is reported at the same line:col for invalid input.
func TestDifferentialCPython(t *testing.T) {
	cases := loadCases(t)
	failures := 0
	for _, c := range cases {
		e, err := Parse(c.Src, Options{})
		dev, isDev := knownDeviations[c.Src]
		fail := func(format string, args ...any) {
			if isDev {
				return
			}
			failures++
			if failures <= 60 {
				t.Errorf("%s %q: "+format, append([]any{c.Origin, c.Src}, args...)...)
			}
		}
		if c.Err == nil {
			if err != nil {
				fail("CPython accepts, we fail: %v", err)
				continue
			}
			if got := Dump(e); got != c.Dump {
				fail("dump differs\n got: %s\nwant: %s", got, c.Dump)
				continue
			}
			if c.Pos != "" {
				if got := dumpWithPositions(e, c.Src); got != c.Pos {
					fail("positions differ\n got: %s\nwant: %s", got, c.Pos)
				}
			}
			continue
		}
		if err == nil {
			fail("CPython rejects (%s at %d:%d), we accept: %s", c.Err.Msg, c.Err.Line, c.Err.Col, Dump(e))
			continue
		}
		se := err.(*Error)
		if c.NoLoc || dev == "loc" || c.Err.Col == 0 || c.Err.Line == 0 {
			continue // CPython has no usable location (end of input, null bytes)
		}
		if strings.HasPrefix(c.Err.Msg, "f-string: ") && strings.HasPrefix(se.Msg, "f-string: ") && !strings.Contains(c.Err.Msg, "f-string: expecting") {
			// Errors inside f-string fields: CPython 3.11 reports positions
			// in a re-parsed copy of the field; ours point into the source.
			continue
		}
		// CPython reports some errors (those found after parsing) with a
		// byte-based column; accept either.
		byteCol := se.Pos.Offset - lineStarts(c.Src)[se.Pos.Line] + 1
		if se.Pos.Line != c.Err.Line || (se.Pos.Col != c.Err.Col && byteCol != c.Err.Col) {
			fail("error at %d:%d (%s), CPython at %d:%d (%s)", se.Pos.Line, se.Pos.Col, se.Msg, c.Err.Line, c.Err.Col, c.Err.Msg)
		} else if se.Msg != c.Err.Msg && !(c.Err.Msg == "invalid syntax" && betterMsgs[se.Msg]) {
			fail("message %q, CPython %q", se.Msg, c.Err.Msg)
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d cases differ from CPython", failures, len(cases))
	}
}
