package sweep

import (
	"strings"
	"testing"
)

func TestBadMatrixPositioned(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown type", "matrix:\n  x: {type: discret, values: [1]}\ncommand: {run: [a]}\n", "m.yaml:2:13: parameter x: unknown type \"discret\""},
		{"unknown key", "matrix:\n  x: {values: [1], sample: 3}\ncommand: {run: [a]}\n", "m.yaml:2:20: unknown key \"sample\" in parameter x"},
		{"top key", "matrix:\n  x: {values: [1]}\nruns: 2\nrepeat: 3\ncommand: {run: [a]}\n", "m.yaml:3:1: give repeat or its alias runs, not both"},
		{"step zero", "matrix:\n  x:\n    type: range\n    min: 0\n    max: 1\n    step: 0\ncommand: {run: [a]}\n", "m.yaml:6:11: parameter x: step must be > 0"},
		{"max below min", "matrix:\n  x: {type: range, min: 5, max: 1}\ncommand: {run: [a]}\n", "max 1 is below min 5"},
		{"string bound", "matrix:\n  x: {type: range, min: a, max: 1}\ncommand: {run: [a]}\n", "m.yaml:2:25: x.min: expected a finite number, got \"a\""},
		{"duplicate value", "matrix:\n  x: {values: [1, 2, 1]}\ncommand: {run: [a]}\n", "m.yaml:2:22: parameter x: duplicate value 1"},
		{"bad expression", "matrix:\n  x: {values: [1]}\nsignal_count: \"x +\"\ncommand: {run: [a]}\n", "m.yaml:3:15: expression \"x +\""},
		{"unknown name", "matrix:\n  x: {values: [1]}\nsignal_count: \"y + 1\"\ncommand: {run: [a]}\n", "signal_count: unknown name \"y\""},
		{"bad status", "matrix:\n  x: {values: [1]}\nsignals: {DONE: \"x\"}\ncommand: {run: [a]}\n", "m.yaml:3:11: signal status \"DONE\""},
		{"no template", "matrix:\n  x: {values: [1]}\n", "missing case template"},
		{"load without twin", "matrix:\n  x: {values: [1]}\nload: {rate: 1/s}\n", "m.yaml:3:1: a load case needs twin"},
		{"syntax", "matrix:\n  x: {values: [1]\n", "m.yaml:2"},
		{"bad param name", "matrix:\n  _i: {values: [1]}\ncommand: {run: [a]}\n", "m.yaml:2:3: parameter name \"_i\""},
		{"interp", "matrix:\n  x: {values: [1]}\ncommand: {run: [\"${x\"]}\n", "m.yaml:3:17: unclosed ${"},
		{"experiment file missing", "matrix:\n  x: {values: [1]}\nexperiment: {file: e.yaml}\n", "m.yaml:3:20: experiment: open e.yaml"},
		{"search step", "matrix:\n  x: {values: [1]}\ncommand: {run: [a]}\nsearch: {parameter: x, min: 0, max: 1, step: 0, hypothesis: \"True\"}\n", "m.yaml:4:40: search.step (the resolution) must be positive"},
		{"alias", "a: &a 1\nmatrix:\n  x: {values: [*a]}\ncommand: {run: [a]}\n", "aliases"},
		{"search param", "matrix:\n  x: {values: [1]}\ncommand: {run: [a]}\nsearch: {parameter: y, min: 1, max: 2, hypothesis: \"True\"}\n", "search parameter \"y\" is not in the matrix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("m.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestTemplateBind(t *testing.T) {
	f, err := Parse("m.yaml", []byte(`
matrix:
  period: {values: [100, 1000]}
  mode: {values: [poll, events]}
command:
  run: [echo, "${period * 2}", "p=${period}ms", "$${literal}", "${'--events' if mode == 'events' else '--poll'}"]
  env: {N: "${_i}"}
`))
	if err != nil {
		t.Fatal(err)
	}
	cases, _ := f.Expand(1)
	v, err := f.Command.Bind(cases[3].Vars())
	if err != nil {
		t.Fatal(err)
	}
	m := v.(map[string]any)
	run := m["run"].([]any)
	if run[1] != int64(2000) || run[2] != "p=1000ms" || run[3] != "${literal}" || run[4] != "--events" || m["env"].(map[string]any)["N"] != int64(4) {
		t.Fatalf("%#v", m)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("matrix:\n  x: {type: range, min: 0, max: 1, step: 0.1}\ncommand: {run: [a, \"${x}\"]}\n"))
	f.Add([]byte("policies:\n - class: policy.MultivariableExplorerPolicy\n   matrix: {a: {type: discreet, values: [1]}}\n"))
	f.Add([]byte("matrix: {x: {type: sample, min: 0, max: 10, samples: 3}}\nsubset: {method: lhs, k: 2}\nsignals: {OK: \"x > 1\"}\ncommand: {run: [a]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		cases, err := file.Expand(1)
		if err != nil || len(cases) > 10000 {
			return
		}
		for _, c := range cases {
			file.signalCount(c)
		}
	})
}
