package netem

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestDecodeToxic(t *testing.T) {
	good := []struct{ in, want string }{
		{`{"type":"latency","attributes":{"latency":"100ms","jitter":"10ms"}}`,
			"latency=100ms,jitter=10ms,stream=downstream,name=latency_downstream"},
		{`{"type":"bandwidth","stream":"up","toxicity":0.5,"attributes":{"rate":100}}`,
			"bandwidth=100,stream=upstream,toxicity=0.5,name=bandwidth_upstream"},
		{`{"type":"timeout","name":"bh"}`, "timeout=0s,stream=downstream,name=bh"},
		{`{"type":"loss","attributes":{"probability":0.1,"scope":"connection"}}`,
			"loss=0.1,scope=connection,stream=downstream,name=loss_downstream"},
		{`{"type":"slicer","attributes":{"average_size":10,"size_variation":2,"delay":"1ms"}}`,
			"slicer=10,delay=1ms,size_variation=2,stream=downstream,name=slicer_downstream"},
		{`{"type":"corrupt","deadline":"2030-01-02T03:04:05Z","attributes":{"probability":0.01}}`,
			"corrupt=0.01,stream=downstream,name=corrupt_downstream,deadline=2030-01-02T03:04:05Z"},
	}
	for _, tt := range good {
		t.Run(tt.want, func(t *testing.T) {
			s, err := DecodeToxic([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := FormatToxic(s); got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			// JSON round trip.
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			s2, err := DecodeToxic(b)
			if err != nil || FormatToxic(s2) != tt.want {
				t.Fatalf("round trip: %v %s", err, FormatToxic(s2))
			}
		})
	}
	bad := []struct{ in, want string }{
		{`{"type":"latency","attributes":{"latency":100}}`, `attributes.latency: want a duration string`},
		{`{"type":"latency","attributes":{"latency":"soon"}}`, `attributes.latency: invalid duration "soon"`},
		{`{"type":"latency","attributes":{"latncy":"1s"}}`, `attributes.latncy: unknown attribute for latency; want one of jitter, latency`},
		{`{"type":"latency","colour":"red"}`, `colour: unknown field`},
		{`{"type":"lag"}`, `type: unknown toxic type "lag"`},
		{`{"attributes":{}}`, `type: missing`},
		{`{"type":"latency","toxicity":2}`, `toxicity: 2: want a probability in [0, 1]`},
		{`{"type":"latency","stream":"sideways"}`, `stream: stream "sideways"`},
		{`{"type":"latency","attributes":{"latency":"-1s"}}`, `attributes.latency: -1s: must not be negative`},
		{`{"type":"slicer","attributes":{"average_size":4,"size_variation":4}}`, `attributes.size_variation`},
		{`{"type":"loss","attributes":{"probability":"high"}}`, `attributes.probability: want a number, got "high"`},
		{`{"type":"latency"} {}`, `unexpected data`},
		{`[1]`, `toxic spec: want`},
		{`{"type":"latency","name":"a/b"}`, `name: "a/b"`},
	}
	for _, tt := range bad {
		t.Run(tt.in, func(t *testing.T) {
			_, err := DecodeToxic([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseToxic(t *testing.T) {
	good := []struct{ in, want string }{
		{"latency=100ms,jitter=10ms,stream=down,toxicity=0.5",
			"latency=100ms,jitter=10ms,stream=downstream,toxicity=0.5,name=latency_downstream"},
		{"timeout", "timeout=0s,stream=downstream,name=timeout_downstream"},
		{"limit_data=10,stream=up,name=cap", "limit_data=10,stream=upstream,name=cap"},
		{"reset_peer=1s", "reset_peer=1s,stream=downstream,name=reset_peer_downstream"},
	}
	for _, tt := range good {
		s, err := ParseToxic(tt.in)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := FormatToxic(s); got != tt.want {
			t.Fatalf("%s:\ngot  %s\nwant %s", tt.in, got, tt.want)
		}
		if s2, err := ParseToxic(FormatToxic(s)); err != nil || FormatToxic(s2) != tt.want {
			t.Fatalf("%s: reparse: %v", tt.in, err)
		}
	}
	s, err := ParseToxic("latency=1s,ttl=30s")
	if err != nil || s.TTL != 30*time.Second {
		t.Fatalf("ttl: %v %v", s.TTL, err)
	}
	bad := []struct{ in, want string }{
		{"latency=100ms,jitter=abc", `col 15: jitter: invalid duration "abc"`},
		{"lag=1s", `col 1: lag: unknown toxic type`},
		{"", `col 1: empty spec`},
		{"latency=1s,colour=red", `col 12: colour: unknown key for latency`},
		{"latency=1s,stream=sideways", `col 12: stream:`},
		{"latency=1s,toxicity=x", `col 12: toxicity: invalid number "x"`},
		{"latency=1s,jitter", `col 12: jitter: missing '=value'`},
		{"latency=1s,jitter=1s,jitter=2s", `col 22: jitter: given twice`},
		{"latency=-1s", `col 1: attributes.latency: -1s: must not be negative`},
		{"loss=2", `col 1: attributes.probability`},
	}
	for _, tt := range bad {
		_, err := ParseToxic(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Fatalf("%q: error %v, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func FuzzDecodeToxic(f *testing.F) {
	f.Add(`{"type":"latency","attributes":{"latency":"100ms","jitter":"10ms"}}`)
	f.Add(`{"type":"slicer","stream":"up","toxicity":0.3,"ttl":"1s","attributes":{"average_size":10}}`)
	f.Add(`latency=100ms,jitter=10ms,stream=down,toxicity=0.5`)
	f.Add(`loss=0.1,scope=connection,deadline=2030-01-02T03:04:05Z`)
	f.Fuzz(func(t *testing.T, in string) {
		for _, decode := range []func(string) (ToxicSpec, error){
			func(s string) (ToxicSpec, error) { return DecodeToxic([]byte(s)) },
			ParseToxic,
		} {
			s, err := decode(in)
			if err != nil {
				continue
			}
			if err := s.Validate(); err != nil {
				t.Fatalf("decoded spec fails Validate: %v", err)
			}
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			s2, err := DecodeToxic(b)
			if err != nil {
				t.Fatalf("re-decode %s: %v", b, err)
			}
			if FormatToxic(s) != FormatToxic(s2) {
				t.Fatalf("round trip changed %s to %s", FormatToxic(s), FormatToxic(s2))
			}
		}
	})
}
