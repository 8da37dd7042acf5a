package pyval

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"testing"
)

// TestTimSortMatchesCPython replays the comparisons CPython's list.sort made
// (testdata/timsort.json, from gen_timsort.py) and requires the same
// sequence and result.
func TestTimSortMatchesCPython(t *testing.T) {
	b, err := os.ReadFile("testdata/timsort.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Keys  []int    `json:"keys"`
		Cmps  [][2]int `json:"cmps"`
		Order []int    `json:"order"`
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for ci, c := range cases {
		idx := make([]int, len(c.Keys))
		for i := range idx {
			idx[i] = i
		}
		var log [][2]int
		err := TimSort(idx, func(a, b int) (bool, error) {
			log = append(log, [2]int{a, b})
			return c.Keys[a] < c.Keys[b], nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(idx, c.Order) {
			t.Errorf("case %d (n=%d): order differs from CPython", ci, len(c.Keys))
		}
		if len(log) != len(c.Cmps) {
			t.Errorf("case %d (n=%d): %d comparisons, CPython made %d", ci, len(c.Keys), len(log), len(c.Cmps))
			continue
		}
		for i := range log {
			if log[i] != c.Cmps[i] {
				t.Errorf("case %d (n=%d): comparison %d is %v, CPython's is %v", ci, len(c.Keys), i, log[i], c.Cmps[i])
				break
			}
		}
	}
}

// TestTimSortError stops at the first failing comparison and keeps every
// element.
func TestTimSortError(t *testing.T) {
	xs := []int{5, 3, 9, 1, 7, 2, 8, 6, 4, 0}
	boom := errors.New("boom")
	n := 0
	err := TimSort(xs, func(a, b int) (bool, error) {
		if n++; n == 12 {
			return false, boom
		}
		return a < b, nil
	})
	if err != boom {
		t.Fatalf("err = %v", err)
	}
	got := slices.Clone(xs)
	slices.Sort(got)
	if !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("elements lost: %v", xs)
	}
}

func BenchmarkTimSort(b *testing.B) {
	src := make([]Value, 1000)
	for i := range src {
		src[i] = Int(int64((i * 7919) % 1000))
	}
	xs := make([]Value, len(src))
	ctx := &Context{}
	b.ReportAllocs()
	for b.Loop() {
		copy(xs, src)
		_ = TimSort(xs, func(a, b Value) (bool, error) { return Compare(ctx, CmpLt, a, b) })
	}
}
