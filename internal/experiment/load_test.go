package experiment

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const badExp = `title: bad
seed: 1
steady_state:
  interval: 5 seconds
  probes:
    - name: p
      metric: latncy_p99_ms
      tolerance: {max: 10}
    - name: q
      metric: rate
method:
  - action: server.kil
    target: {servers: ["*"]}
  - action: net.latency
    target: {servers: ["*"], pick: "x%"}
    attributes: {latency: fast}
  - action: config.set
    target: {devices: ["a/b/c"], attribute: Pressure}
    attributes: {poling_period: 100ms}
blast_radius:
  serverz: 1
`

// TestLoadAllErrors: every problem at once, each at file:line:col.
func TestLoadAllErrors(t *testing.T) {
	_, err := Load("bad.yaml", []byte(badExp))
	if err == nil {
		t.Fatal("no error")
	}
	got := err.Error()
	for _, want := range []string{
		`bad.yaml:4:13: steady_state.interval: invalid duration "5 seconds"`,
		`bad.yaml:15:36: method[1].target.pick: want a count (3) or a percentage ("25%")`,
		`bad.yaml:21:3: unknown key "serverz" (did you mean "servers"?)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	// Semantic errors come once the shape is valid.
	fixed := strings.NewReplacer("5 seconds", "5s", `"x%"`, "1", "serverz", "servers").Replace(badExp)
	_, err = Load("bad.yaml", []byte(fixed))
	if err == nil {
		t.Fatal("no semantic errors")
	}
	got = err.Error()
	for _, want := range []string{
		`bad.yaml:7:15: steady_state.probes[0].metric: unknown metric "latncy_p99_ms" (did you mean "latency_p99_ms"?)`,
		`bad.yaml:9:11: steady_state.probes[1].tolerance: missing tolerance`,
		`bad.yaml:12:13: method[0].action: unknown action "server.kil" (did you mean "server.kill"?)`,
		`bad.yaml:16:17: method[1].attributes: toxic spec: attributes.latency: invalid duration "fast"`,
		`bad.yaml:19:18: unknown configuration key "poling_period" (did you mean "polling_period"?)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestExamplesLoad(t *testing.T) {
	files, _ := filepath.Glob("../../examples/experiments/*.yaml")
	if len(files) == 0 {
		t.Skip("no examples")
	}
	for _, f := range files {
		if _, err := LoadFile(f); err != nil {
			t.Errorf("%v", err)
		}
	}
}

func TestSchemaCopyInSync(t *testing.T) {
	b, err := os.ReadFile("../../schema/experiment.schema.json")
	if err != nil {
		t.Skip(err)
	}
	if string(b) != string(Schema) {
		t.Error("schema/experiment.schema.json differs from internal/experiment/experiment.schema.json: copy it")
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(badExp))
	f.Add([]byte("title: x\nmethod:\n  - pause: 1s\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Load("f.yaml", b)
	})
}
