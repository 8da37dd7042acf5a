package load

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestParseRateStages(t *testing.T) {
	rates := map[string]float64{"1000": 1000, "1000/s": 1000, "60/m": 1, "5/100ms": 50, " 2.5/s ": 2.5}
	for in, want := range rates {
		got, err := ParseRate(in)
		if err != nil || float64(got) != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "-1/s", "5/parsec", "NaN"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
	st, err := ParseStages("10s:0->5000, 20s:5000,5s:5000->0")
	if err != nil || len(st) != 3 || st[0].To != 5000 || st[1].From != 5000 || st[1].To != 5000 || st[2].To != 0 {
		t.Fatalf("stages %+v, %v", st, err)
	}
	for _, bad := range []string{"", "10s", "x:5", "0s:5", "1s:5->", "1s:a->5"} {
		if _, err := ParseStages(bad); err == nil {
			t.Errorf("ParseStages(%q) accepted", bad)
		}
	}
}

func TestArrivals(t *testing.T) {
	count := func(a *Arrivals) (n int, last time.Duration) {
		for {
			d, ok := a.Next()
			if !ok {
				return n, last
			}
			if d < last {
				panic("arrivals out of order")
			}
			n, last = n+1, d
		}
	}
	tests := []struct {
		name   string
		stages string
		limit  int64
		want   int
	}{
		{"constant", "1s:1000", 0, 1000},
		{"ramp up", "2s:0->1000", 0, 1000},
		{"ramp down", "2s:1000->0", 0, 1000},
		{"spike", "1s:10,1s:1000,1s:10", 0, 1020},
		{"zero stage", "1s:0,1s:100", 0, 100},
		{"limit", "1s:1000", 10, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := ParseStages(tt.stages)
			if err != nil {
				t.Fatal(err)
			}
			n, last := count(NewArrivals(st, nil, tt.limit))
			if n != tt.want {
				t.Errorf("%d arrivals, want %d (last at %v)", n, tt.want, last)
			}
		})
	}
	// Ramp shape: half of a 0→R ramp's arrivals come in its last 29.3 %.
	st, _ := ParseStages("10s:0->1000")
	a := NewArrivals(st, nil, 0)
	for i := 0; i < 2500; i++ {
		a.Next()
	}
	if d, _ := a.Next(); d < 7*time.Second || d > 7100*time.Millisecond {
		t.Errorf("the 2501st arrival of a 0→1000/10s ramp at %v, want ≈ 7.07s", d)
	}
	// Poisson: same seed, same schedule; about the planned count.
	p1, _ := count(NewArrivals(st, rand.New(rand.NewPCG(1, 2)), 0))
	p2, _ := count(NewArrivals(st, rand.New(rand.NewPCG(1, 2)), 0))
	if p1 != p2 || p1 < 4700 || p1 > 5300 {
		t.Errorf("poisson %d / %d arrivals, want equal and ≈ 5000", p1, p2)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string // substring of the joined errors; "" = valid
	}{
		{"ok open", Spec{Targets: []string{"a/b/c/d"}, Rate: 10, Duration: Duration(time.Second)}, ""},
		{"ok count", Spec{Targets: []string{"a/b/c/d"}, Rate: 10, Requests: 100}, ""},
		{"no rate", Spec{Targets: []string{"x"}, Duration: Duration(time.Second)}, "rate: the open model needs a rate"},
		{"no targets", Spec{Rate: 1, Duration: Duration(time.Second)}, "targets:"},
		{"too long", Spec{Targets: []string{"x"}, Rate: 1, Duration: Duration(time.Hour)}, "exceeds the limit"},
		{"over limit", Spec{Targets: []string{"x"}, Rate: 1, Duration: Duration(time.Second), MaxDuration: Duration(48 * time.Hour)}, "max_duration"},
		{"both", Spec{Targets: []string{"x"}, Rate: 1, Duration: Duration(time.Second), Stages: []Stage{{Duration: Duration(time.Second), From: 1, To: 1}}}, "not both"},
		{"poll", Spec{Targets: []string{"x"}, Model: ModelPoll, Duration: Duration(time.Second)}, "poll:"},
		{"events", Spec{Targets: []string{"x"}, Model: ModelEvents, Events: "sometimes", Duration: Duration(time.Second)}, "events:"},
		{"commands", Spec{Targets: []string{"x"}, Rate: 1, Duration: Duration(time.Second), Mix: Mix{OpCommand: 1}}, "commands:"},
		{"model", Spec{Targets: []string{"x"}, Model: "half-open", Duration: Duration(time.Second)}, "unknown model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := tt.spec.Defaults().Validate()
			var b strings.Builder
			for _, e := range errs {
				b.WriteString(e.Error() + "\n")
			}
			if tt.want == "" && len(errs) > 0 || tt.want != "" && !strings.Contains(b.String(), tt.want) {
				t.Errorf("errors %q, want %q", b.String(), tt.want)
			}
		})
	}
	p := Spec{Targets: []string{"x"}, Stages: []Stage{{Duration: Duration(10 * time.Second), From: 0, To: 5000}, {Duration: Duration(20 * time.Second), From: 5000, To: 5000}}}.Defaults().Plan()
	if p.Requests != 125000 || p.Duration != 30*time.Second || p.PeakRate != 5000 {
		t.Errorf("plan %+v", p)
	}
}

func TestParseSpecYAML(t *testing.T) {
	good := `model: open
targets: ["sys/tg_test/1/*"]
mix: {read: 8, batch: 1, write: 1}
stages: ["10s:0->5000", "20s:5000"]
max_inflight: 64
seed: 3
`
	s, err := ParseSpec("w.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if s.Mix[OpRead] != 8 || len(s.Stages) != 2 || s.MaxInFlight != 64 || s.Seed != 3 {
		t.Errorf("spec %+v", s)
	}
	bad := []struct{ src, want string }{
		{"targets: [x]\nrate: 10/s\nduration: 1s\nbogus: 1\n", "w.yaml:4:1:"},
		{"targets: [x]\nrate: fast\nduration: 1s\n", "w.yaml:2:"},
		{"targets: [x]\nrate: 10\nduration: 1s\nmix: {jump: 1}\n", "w.yaml:4:"},
		{"targets: [x]\nrate: 10\nduration: 2h\n", "w.yaml:3:11: duration:"},
		{"targets: [x]\nmodel: poll\nduration: 1s\n", "w.yaml:"},
		{"targets: [x\n", "w.yaml:"},
	}
	for _, b := range bad {
		_, err := ParseSpec("w.yaml", []byte(b.src))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: error %v, want %q", b.src, err, b.want)
		}
	}
}

func FuzzParseSpec(f *testing.F) {
	f.Add([]byte("targets: [x]\nrate: 10/s\nduration: 1s\n"))
	f.Add([]byte("stages: ['1s:0->5']\nmix: {read: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSpec("f.yaml", data)
		if err == nil {
			s.Plan()
		}
	})
}

func FuzzParseStages(f *testing.F) {
	f.Add("10s:0->5000,20s:5000")
	f.Fuzz(func(t *testing.T, in string) {
		st, err := ParseStages(in)
		if err != nil {
			return
		}
		a := NewArrivals(st, nil, 1000)
		for i := 0; i < 1000; i++ {
			if _, ok := a.Next(); !ok {
				break
			}
		}
	})
}
