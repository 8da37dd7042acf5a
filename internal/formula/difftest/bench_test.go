package difftest

import "testing"

// BenchmarkCorpus measures one pass over the corpus cases (compile, bind,
// evaluate, repr): the harness's own cost per real formula.
func BenchmarkCorpus(b *testing.B) {
	f, err := loadCases("corpus.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range f.Cases {
			evalCase(&f.Cases[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(f.Cases)), "ns/case")
}
