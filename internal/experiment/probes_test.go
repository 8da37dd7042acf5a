package experiment

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestHTTPCommandPrometheusProbes: each probe source with its tolerance.
func TestHTTPCommandPrometheusProbes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/query":
			if r.URL.Query().Get("query") == "empty" {
				w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[]}}`))
				return
			}
			w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000.5,"0.25"]}]}}`))
		case "/health":
			w.Write([]byte(`{"status":"ok","servers":[{"up":true}]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	max := func(f float64) *float64 { return &f }
	for _, tc := range []struct {
		name    string
		p       ProbeSpec
		want    string
		ok      bool
		wantErr bool
	}{
		{name: "http status", p: ProbeSpec{HTTP: &HTTPProbe{URL: srv.URL + "/health"}, Tolerance: Tolerance{Equals: 200.0}}, want: "200", ok: true},
		{name: "http 404", p: ProbeSpec{HTTP: &HTTPProbe{URL: srv.URL + "/nope"}, Tolerance: Tolerance{Equals: 200.0}}, want: "404", ok: false},
		{name: "http body jsonpath", p: ProbeSpec{HTTP: &HTTPProbe{URL: srv.URL + "/health", Field: "body"}, Tolerance: Tolerance{JSONPath: "$.servers[0].up", Equals: true}}, ok: true},
		{name: "http down", p: ProbeSpec{HTTP: &HTTPProbe{URL: "http://127.0.0.1:1/"}}, wantErr: true},
		{name: "prometheus", p: ProbeSpec{Prometheus: &PromProbe{URL: srv.URL, Query: `rate(x[1m])`}, Tolerance: Tolerance{Max: max(0.5)}}, want: "0.25", ok: true},
		{name: "prometheus over", p: ProbeSpec{Prometheus: &PromProbe{URL: srv.URL, Query: `rate(x[1m])`}, Tolerance: Tolerance{Max: max(0.1)}}, want: "0.25", ok: false},
		{name: "prometheus empty", p: ProbeSpec{Prometheus: &PromProbe{URL: srv.URL, Query: "empty"}}, wantErr: true},
		{name: "command exit", p: ProbeSpec{Command: &CmdProbe{Path: "sh", Args: []string{"-c", "exit 3"}}, Tolerance: Tolerance{Equals: 0.0}}, want: "3", ok: false},
		{name: "command stdout", p: ProbeSpec{Command: &CmdProbe{Path: "sh", Args: []string{"-c", "echo ready"}, Field: "stdout"}, Tolerance: Tolerance{Regex: "^read"}}, want: "ready", ok: true},
		{name: "command missing", p: ProbeSpec{Command: &CmdProbe{Path: "/nonexistent/chaoslab-probe"}}, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tw := &Twin{}
			v, err := tw.Probe(t.Context(), &tc.p)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("no error, value %v", v)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" && v.String() != tc.want {
				t.Errorf("value %q, want %q", v.String(), tc.want)
			}
			if got := tc.p.Tolerance.Check(v); got != tc.ok {
				t.Errorf("in band %v, want %v (value %v)", got, tc.ok, v)
			}
		})
	}
}
