package journal

import (
	"path/filepath"
	"testing"
	"time"
)

func TestHistory(t *testing.T) {
	p := filepath.Join(t.TempDir(), "history.db")
	h, err := OpenHistory(p)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	runs := []Run{
		{ID: "r1", Title: "a", Seed: 1<<63 + 5, Status: "held", Journal: "r1.jsonl", Time: t0},
		{ID: "r2", Title: "b", Seed: 2, Status: "deviated", Reason: "p: out", Journal: "r2.jsonl", Time: t0.Add(time.Hour)},
		{ID: "r3", Title: "c", Seed: 3, Status: "aborted", Journal: "r3.jsonl", Time: t0.Add(2 * time.Hour)},
	}
	for _, r := range runs {
		if err := h.Add(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	h.Close()
	h, err = OpenHistory(p) // persisted
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	got, err := h.List(t.Context(), 0)
	if err != nil || len(got) != 3 {
		t.Fatalf("%v %v", got, err)
	}
	for i := range runs {
		if got[i] != runs[i] {
			t.Errorf("row %d: %+v, want %+v", i, got[i], runs[i])
		}
	}
	last, _ := h.List(t.Context(), 2)
	if len(last) != 2 || last[0].ID != "r2" || last[1].ID != "r3" {
		t.Errorf("limit: %+v", last)
	}
}
