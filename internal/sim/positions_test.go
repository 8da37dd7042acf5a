package sim

import (
	"strings"
	"testing"

	"chaoslab/internal/catalog"
)

// TestProblemColumns: a formula problem points at the offending token in
// the file (a syntax error at its caret, an unknown name at the name),
// whether the cell is quoted or not, holds doubled quotes, spans lines, or
// the file is tab- or comma-delimited.
func TestProblemColumns(t *testing.T) {
	for _, tc := range []struct {
		name  string
		delim string
		cell  string // the value cell as written in the file
		want  string // line:col of the problem (the row is line 2)
	}{
		{"unquoted name", ",", `C=Unknown + 1`, "2:7"},
		{"unquoted name after blanks", ",", `C =  1 + Unknown`, "2:14"},
		{"unquoted syntax", ",", `B=2 +* 3`, "2:10"},
		{"quoted syntax", ",", `"B=2 +* 3"`, "2:11"},
		{"quoted name", ",", `"C=Unknown + 1"`, "2:8"},
		{"quoted blanks before the value", ",", `"  C=1+Unknown"`, "2:12"},
		{"doubled quotes before a name", ",", `"G=""x"" + Nope"`, "2:16"},
		{"doubled quotes before a syntax error", ",", `"A=VAR(""A"",WRITE=True,default=0"`, "2:11"},
		{"doubled quotes before a later syntax error", ",", `"A=str(""a"") +* 1"`, "2:20"},
		{"multi-line name", ",", "\"I = (1 +\nZed)\"", "3:1"},
		{"multi-line name indented", ",", "\"I = (1 +\n  Zed)\"", "3:3"},
		{"multi-line after doubled quotes", ",", "\"I = (len(\"\"ab\"\") +\n \"\"x\"\" + Zed)\"", "3:10"},
		{"crlf inside a quoted cell", ",", "\"I = (1 +\r\nZed)\"", "3:1"},
		{"tab unquoted name", "\t", `C=Unknown + 1`, "2:7"},
		{"tab quoted name", "\t", `"C=1 + Unknown"`, "2:12"},
		{"tab doubled quotes", "\t", `"G=""x"" + Nope"`, "2:16"},
		{"tab quoted syntax", "\t", `"B=2 +* 3"`, "2:11"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.delim
			// The value cell starts at column 5: four empty cells before
			// it keep the arithmetic simple.
			data := "server" + d + "class" + d + "device" + d + "property" + d + "value\n" +
				"S/x" + d + "SimulatorDS" + d + "a/b/c" + d + "DynamicAttributes" + d + "Z=1\n" +
				strings.Repeat(d, 4) + tc.cell + "\n"
			cat, err := catalog.Read("f.csv", []byte(data), catalog.FormatCSV)
			if err != nil {
				t.Fatal(err)
			}
			w, err := New(cat, Options{})
			var ps Problems
			if w != nil {
				ps = w.Problems()
			} else if mp, ok := err.(Problems); ok {
				ps = mp
			} else {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				if p.Line > 0 {
					got = append(got, p.Pos.String())
				}
			}
			want := "f.csv:" + incLine(tc.want)
			if len(got) != 1 || got[0] != want {
				t.Errorf("got %v, want %s\n%s", got, want, ps)
			}
		})
	}
}

// incLine moves a "line:col" of the table (the cell's row is line 2) one
// line down: the file has a header and a device row before the cell.
func incLine(lc string) string {
	l, c, _ := strings.Cut(lc, ":")
	return string(rune(l[0]+1)) + ":" + c
}
