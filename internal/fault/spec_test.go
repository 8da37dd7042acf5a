package fault

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeSpec(t *testing.T) {
	good := []struct {
		in   string
		want Spec
	}{
		{"proc.kill", Spec{Kind: "proc.kill"}},
		{"server.noise target=device=sr/*/*,attr=I,count=2 for=30s seed=7 amplitude=0.5", Spec{Kind: "server.noise",
			Target: Selector{Device: "sr/*/*", Attr: "I", Count: 2}, For: 30 * time.Second, Seed: 7, Params: map[string]string{"amplitude": "0.5"}}},
		{"proc.pause target=SimulatorDS/h0a", Spec{Kind: "proc.pause", Target: Selector{Server: "SimulatorDS/h0a"}}},
		{"server.quality  target=host=h1,percent=50\tquality=ALARM", Spec{Kind: "server.quality", Target: Selector{Host: "h1", Percent: 50}, Params: map[string]string{"quality": "ALARM"}}},
	}
	for _, tc := range good {
		t.Run(tc.in, func(t *testing.T) {
			got, err := DecodeSpec(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	bad := []struct{ in, want string }{
		{"", "col 1: empty fault spec"},
		{"net.latncy", `col 1: unknown fault kind "net.latncy"`},
		{"server.stuk", `(did you mean "server.stuck"?)`},
		{"proc.kill x", `col 11: want key=value, got "x"`},
		{"proc.kill for=-1s", "col 15: for: want a positive duration"},
		{"proc.kill seed=a", "col 16: seed: want an unsigned integer"},
		{"proc.kill target=count=0", "col 18: target: selector item 1: count: want a positive integer"},
		{"proc.kill target=server=a,bogus=1", `unknown key "bogus"`},
		{"proc.kill target=count=1,percent=5", "count or percent, not both"},
		{"proc.kill latency=1s", `col 11: proc.kill: unknown parameter "latency" (it takes none)`},
		{"server.noise amplitude=1 amplitude=2", "col 26: parameter amplitude given twice"},
	}
	for _, tc := range bad {
		t.Run("bad/"+tc.in, func(t *testing.T) {
			_, err := DecodeSpec(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("DecodeSpec(%q) = %v, want an error with %q", tc.in, err, tc.want)
			}
		})
	}
}

// FuzzDecodeSpec: no input panics, and what decodes re-decodes the same
// from its String form.
func FuzzDecodeSpec(f *testing.F) {
	for _, s := range []string{"proc.kill", "server.noise target=device=a/b/c,count=2 for=1s seed=3 amplitude=1",
		"server.stuck target=x value=3", "proc.stop target=host=*,percent=12.5 signal=kill", "proc.kill target=a=b=c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := DecodeSpec(s)
		if err != nil {
			return
		}
		again, err := DecodeSpec(sp.String())
		if err != nil {
			t.Fatalf("String() of a decoded spec does not decode: %q: %v", sp.String(), err)
		}
		if !reflect.DeepEqual(sp, again) {
			t.Fatalf("round trip: %+v != %+v", sp, again)
		}
	})
}

func TestChooseSeeded(t *testing.T) {
	var all []Target
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		all = append(all, Target{Name: n})
	}
	pick := func(seed uint64, sel Selector) string {
		var names []string
		for _, t := range choose(append([]Target(nil), all...), sel, seed) {
			names = append(names, t.Name)
		}
		return strings.Join(names, ",")
	}
	if a, b := pick(1, Selector{Count: 3}), pick(1, Selector{Count: 3}); a != b {
		t.Errorf("same seed chose %s and %s", a, b)
	}
	differ := false
	for s := uint64(2); s < 10; s++ {
		differ = differ || pick(s, Selector{Count: 3}) != pick(1, Selector{Count: 3})
	}
	if !differ {
		t.Errorf("seeds 1..9 all chose %s", pick(1, Selector{Count: 3}))
	}
	if got := pick(1, Selector{Percent: 25}); strings.Count(got, ",") != 1 {
		t.Errorf("percent=25 of 8 chose %s, want 2", got)
	}
	if got := pick(1, Selector{}); got != "a,b,c,d,e,f,g,h" {
		t.Errorf("no limit chose %s", got)
	}
}
