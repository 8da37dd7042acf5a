package syntax

import "testing"

const benchFormula = `DevDouble(VAR('GridV', default=-72.0 * (1+2*sin((int(PROPERTY("OFFSET")))+t))))`

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(benchFormula, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseComprehension(b *testing.B) {
	const src = `DevVarDoubleArray([25+v*sin((1./k)*t) for v,k in [(5,60),(10,30),(15,45),(5,5)]])`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFreeNames(b *testing.B) {
	e, err := Parse(benchFormula, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		FreeNames(e)
	}
}
