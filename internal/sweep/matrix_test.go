package sweep

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestSeedExampleExpands(t *testing.T) {
	f, err := Load("testdata/seed003.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.ParamNames(), ","); got != "apps,size,instances" {
		t.Fatalf("params %s", got)
	}
	warned := strings.Join(f.Warnings, "\n")
	for _, w := range []string{"discreet", "every grid value", "events.start"} {
		if !strings.Contains(warned, w) {
			t.Errorf("no warning about %s in %q", w, warned)
		}
	}
	cases, err := f.Expand(1)
	if err != nil {
		t.Fatal(err)
	}
	// 13 apps × size {0,1} × instances {0,1}
	if len(cases) != 52 {
		t.Fatalf("%d cases, want 52", len(cases))
	}
	if cases[0].Key != "apps=1,size=0,instances=0" || cases[51].Key != "apps=4096,size=1,instances=1" {
		t.Fatalf("order: %s .. %s", cases[0].Key, cases[51].Key)
	}
	if cases[1].Key != "apps=1,size=0,instances=1" {
		t.Fatalf("last axis must vary fastest: %s", cases[1].Key)
	}
	var sb strings.Builder
	if err := f.WriteDryRun(&sb, cases, 1); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sb.String(), "52 cases (full product, seed 1)") {
		t.Fatalf("dry run:\n%s", sb.String())
	}
}

func TestParamOptions(t *testing.T) {
	tests := []struct {
		name string
		p    Param
		want []Value
	}{
		{"int range inclusive", Param{Kind: Range, Min: 0, Max: 10, Step: 5, Ints: true}, []Value{int64(0), int64(5), int64(10)}},
		{"float range no drift", Param{Kind: Range, Min: 0, Max: 0.3, Step: 0.1}, []Value{0.0, 0.1, 0.2, 0.3}},
		{"float range 0.7", Param{Kind: Range, Min: 0.1, Max: 0.7, Step: 0.2}, []Value{0.1, 0.3, 0.5, 0.7}},
		{"range max off grid", Param{Kind: Range, Min: 1, Max: 10, Step: 4, Ints: true}, []Value{int64(1), int64(5), int64(9)}},
		{"discrete", Param{Kind: Discrete, Values: []Value{"poll", "events"}}, []Value{"poll", "events"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.p.Options(nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v want %v", got, tt.want)
			}
		})
	}
}

func TestSampleSeeded(t *testing.T) {
	p := Param{Name: "x", Kind: Sample, Min: 0, Max: 100, Step: 5, Samples: 6, Ints: true}
	a, err := p.Options(paramRNG(7, "x"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.Options(paramRNG(7, "x"))
	c, _ := p.Options(paramRNG(8, "x"))
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different samples")
	}
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds, same samples")
	}
	seen := map[int64]bool{}
	for i, v := range a {
		x := v.(int64)
		if x%5 != 0 || x < 0 || x > 100 || seen[x] {
			t.Fatalf("bad sample %d in %v", x, a)
		}
		if i > 0 && x < a[i-1].(int64) {
			t.Fatalf("not sorted: %v", a)
		}
		seen[x] = true
	}
	if len(a) != 6 {
		t.Fatalf("%d samples", len(a))
	}
}

func TestSubsets(t *testing.T) {
	axes := [][]Value{{int64(1), int64(2), int64(3), int64(4)}, {"a", "b", "c", "d"}, {0.5, 1.5}}
	names := []string{"x", "y", "z"}
	t.Run("random", func(t *testing.T) {
		a, err := Subset(SubsetRandom, names, axes, 5, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Subset(SubsetRandom, names, axes, 5, rand.New(rand.NewPCG(1, 2)))
		if len(a) != 5 || !reflect.DeepEqual(a, b) {
			t.Fatalf("random subset not 5 deterministic cases: %v", a)
		}
		keys := map[string]bool{}
		for _, c := range a {
			keys[c.Key()] = true
		}
		if len(keys) != 5 {
			t.Fatal("duplicates")
		}
	})
	t.Run("lhs", func(t *testing.T) {
		pts, err := Subset(SubsetLHS, names[:2], axes[:2], 4, rand.New(rand.NewPCG(3, 4)))
		if err != nil {
			t.Fatal(err)
		}
		// k = number of values: every value of every axis exactly once.
		if len(pts) != 4 {
			t.Fatalf("%d points", len(pts))
		}
		for d := range 2 {
			seen := map[string]bool{}
			for _, p := range pts {
				seen[FormatValue(p.Values[d])] = true
			}
			if len(seen) != 4 {
				t.Fatalf("axis %d not stratified: %v", d, pts)
			}
		}
	})
	t.Run("k larger than product", func(t *testing.T) {
		pts, _ := Subset(SubsetRandom, names, axes, 1000, rand.New(rand.NewPCG(1, 1)))
		if len(pts) != 32 {
			t.Fatalf("%d", len(pts))
		}
	})
}
