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

// TestLoadAllErrors: schema and semantic errors in one pass, each at
// file:line:col, sorted by position.
func TestLoadAllErrors(t *testing.T) {
	_, err := Load("bad.yaml", []byte(badExp))
	if err == nil {
		t.Fatal("no error")
	}
	want := strings.Join([]string{
		`bad.yaml:4:13: steady_state.interval: invalid duration "5 seconds"; want e.g. 500ms, 2s, 1m30s`,
		`bad.yaml:7:15: steady_state.probes[0].metric: unknown metric "latncy_p99_ms" (did you mean "latency_p99_ms"?)`,
		`bad.yaml:9:7: steady_state.probes[1].tolerance: missing tolerance: equals, one_of, min, max, range, regex, jsonpath or compare`,
		`bad.yaml:12:13: method[0].action: unknown action "server.kil" (did you mean "server.kill"?)`,
		`bad.yaml:15:36: method[1].target.pick: want a count (3) or a percentage ("25%")`,
		`bad.yaml:16:17: method[1].attributes: toxic spec: attributes.latency: invalid duration "fast"`,
		`bad.yaml:19:18: unknown configuration key "poling_period" (did you mean "polling_period"?)`,
		`bad.yaml:21:3: unknown key "serverz" (did you mean "servers"?)`,
	}, "\n")
	if got := err.Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestLoadMixedErrors: a schema error cuts its node out before the
// semantic checks, which still run on the rest; errors that only follow
// from the cut are not reported.
func TestLoadMixedErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		want      []string
	}{
		{"unknown action after bad field", `title: t
method:
  - name: kill
    action: server.kil
    target: {servers: ["*"]}
  - pause: soon
steady_state:
  probes:
    - name: p
      attribute: {devices: [a/b/c], field: stat}
      tolerance: {one_of: [ON]}
`, []string{
			`x.yaml:4:13: method[0].action: unknown action "server.kil" (did you mean "server.kill"?)`,
			`x.yaml:6:12: method[1].pause: invalid duration "soon"; want e.g. 500ms, 2s, 1m30s`,
			`x.yaml:10:44: steady_state.probes[0].attribute.field: value must be one of 'value', 'quality', 'state'`,
		}},
		{"bad tolerance is not also missing", `title: t
method: [{pause: 1s}]
steady_state:
  probes:
    - {name: p, metric: rat, tolerance: {min: low}}
`, []string{
			`x.yaml:5:25: steady_state.probes[0].metric: unknown metric "rat" (did you mean "rate"?)`,
			`x.yaml:5:47: steady_state.probes[0].tolerance.min: got string, want number`,
		}},
		{"typo of a step key is not also an empty step", `title: t
method:
  - actoin: server.kill
    target: {servers: ["*"]}
  - action: net.latency
    target: {servers: ["*"]}
    attributes: {latency: fast}
blast_radius: {servers: many, hosts: 1}
`, []string{
			`x.yaml:3:5: unknown key "actoin" (did you mean "action"?)`,
			`x.yaml:7:17: method[1].attributes: toxic spec: attributes.latency: invalid duration "fast"`,
			`x.yaml:8:25: blast_radius.servers: want a count (3) or a percentage ("25%")`,
		}},
		{"missing required and unknown metric", `method:
  - probe: {name: q, metric: server_rs, tolerance: {max: 1}}
`, []string{
			`x.yaml:1:1: document: missing title`,
			`x.yaml:2:30: method[0].probe.metric: unknown metric "server_rs" (did you mean "server_rss_mb"?)`,
		}},
		{"root of the wrong type", "- a\n- b\n", []string{
			`x.yaml:1:1: document: got array, want object`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("x.yaml", []byte(tc.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if got, want := err.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
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
