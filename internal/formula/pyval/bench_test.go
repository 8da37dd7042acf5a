package pyval

import "testing"

func BenchmarkBinaryFloatAdd(b *testing.B) {
	ctx := newCtx()
	x, y := Float(1.5), Float(2.25)
	b.ReportAllocs()
	for b.Loop() {
		x, _ = Binary(ctx, OpAdd, x, y)
	}
}

func BenchmarkBinaryFloatMul(b *testing.B) {
	ctx := newCtx()
	x, y := Float(1.5), Float(1.0000001)
	b.ReportAllocs()
	for b.Loop() {
		x, _ = Binary(ctx, OpMul, x, y)
	}
}

func BenchmarkBinaryIntFloorDiv(b *testing.B) {
	ctx := newCtx()
	x, y := Int(-7_000_001), Int(3)
	b.ReportAllocs()
	for b.Loop() {
		Binary(ctx, OpFloorDiv, x, y)
	}
}

func BenchmarkCompareInts(b *testing.B) {
	ctx := newCtx()
	x, y := Int(7), Int(20)
	b.ReportAllocs()
	for b.Loop() {
		Compare(ctx, CmpLt, x, y)
	}
}

func BenchmarkCompareIntFloat(b *testing.B) {
	ctx := newCtx()
	x, y := Int(7), Float(20.5)
	b.ReportAllocs()
	for b.Loop() {
		Compare(ctx, CmpLt, x, y)
	}
}

func BenchmarkReprFloat(b *testing.B) {
	ctx := newCtx()
	x := Float(0.1 + 0.2)
	b.ReportAllocs()
	for b.Loop() {
		Repr(ctx, x)
	}
}

func BenchmarkPercentFormat(b *testing.B) {
	ctx := newCtx()
	args := NewTuple([]Value{Str("Current"), Float(12.34567)})
	b.ReportAllocs()
	for b.Loop() {
		PercentFormat(ctx, "%s=%.3f", args, false)
	}
}

func BenchmarkPowFractional(b *testing.B) {
	ctx := newCtx()
	x, y := Float(2.0), Float(2.5)
	b.ReportAllocs()
	for b.Loop() {
		Binary(ctx, OpPow, x, y)
	}
}

func BenchmarkDictGetStr(b *testing.B) {
	d, _ := NewDict()
	for _, k := range []string{"Current", "Voltage", "t", "PI", "State"} {
		d.SetStr(k, Float(1))
	}
	b.ReportAllocs()
	for b.Loop() {
		d.GetStr("Voltage")
	}
}
