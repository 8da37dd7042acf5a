package sweep

import (
	"strings"
	"testing"
)

func TestExamplesParse(t *testing.T) {
	for _, tt := range []struct {
		file  string
		cases int
	}{{"../../examples/explore/polling-vs-events.yaml", 18}, {"../../examples/explore/tiny.yaml", 4}} {
		t.Run(tt.file, func(t *testing.T) {
			f, err := Load(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			cases, err := f.Expand(f.Seed)
			if err != nil {
				t.Fatal(err)
			}
			if len(cases) != tt.cases {
				t.Fatalf("%d cases", len(cases))
			}
			x := &TwinExec{File: f}
			for _, c := range cases {
				spec, err := x.Spec(c)
				if err != nil {
					t.Fatal(err)
				}
				mode, _ := c.Binding.Get("mode")
				if string(spec.Model) != mode {
					t.Fatalf("model %s for %s", spec.Model, c.Key)
				}
				if _, err := x.Group(c); err != nil {
					t.Fatal(err)
				}
			}
			var sb strings.Builder
			f.WriteDryRun(&sb, cases, f.Seed)
			if !strings.Contains(sb.String(), "cases (full product") {
				t.Fatal(sb.String())
			}
		})
	}
}
