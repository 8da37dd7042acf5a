package server

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

const encodeCatalog = "host\tserver\tclass\tdevice\tproperty\tvalue\n" +
	"h\tSimulatorDS/enc\tSimulatorDS\ttest/enc/1\tDynamicAttributes\tB=DevBoolean(True)\n" +
	"\t\t\t\t\tF=DevBoolean(False)\n" +
	"\t\t\t\t\tI=DevLong(-5)\n" +
	"\t\t\t\t\tZ=DevLong(0)\n" +
	"\t\t\t\t\tD=DevDouble(0)\n" +
	"\t\t\t\t\tX=DevDouble(t*1.5+0.25)\n" +
	"\t\t\t\t\tS=DevString('h\u00e9llo')\n" +
	"\t\t\t\t\tE=DevString('')\n" +
	"\t\t\t\t\tV=DevVarDoubleArray([1.5,2,3])\n" +
	"\t\t\t\t\tBad=DevDouble(1/0)\n" +
	"\t\t\t\tStartupDelay\t0\n" +
	"h\tSimulatorDS/enc\tSimulatorDS\ttest/enc/2\tDynamicAttributes\tA=DevLong(7)\n" +
	"\t\t\t\tStartupDelay\t0\n"

// TestAppendReadMatchesProto: the hand-rolled read encoding is byte for
// byte the generated code's encoding of Read's messages.
func TestAppendReadMatchesProto(t *testing.T) {
	path := filepath.Join(t.TempDir(), "enc.csv")
	if err := os.WriteFile(path, []byte(encodeCatalog), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Unix(1_700_000_000, 0)
	m, _, err := OpenModel(cat, OpenOptions{Servers: []string{"SimulatorDS/enc"}, Start: start})
	if err != nil {
		t.Fatal(err)
	}
	now := start.Add(10 * time.Second)
	for _, tc := range []struct {
		name     string
		names    []string
		resolves bool // ResolveRead plans it (AppendResolved must agree too)
	}{
		{"scalars", []string{"test/enc/1/B", "test/enc/1/F", "test/enc/1/I", "test/enc/1/Z", "test/enc/1/D", "test/enc/1/X", "test/enc/1/S", "test/enc/1/E"}, true},
		{"state and status", []string{"test/enc/1/State", "test/enc/1/Status"}, true},
		{"array", []string{"test/enc/1/V"}, true},
		{"eval error", []string{"test/enc/1/Bad"}, true},
		{"case as spelled", []string{"TEST/Enc/1/x", "test/enc/1/STATE"}, true},
		{"unknown attribute", []string{"test/enc/1/Nope"}, false},
		{"unknown device", []string{"test/enc/9/A"}, false},
		{"bad name", []string{"nope"}, false},
		{"wildcards", []string{"test/enc/*/A", "test/enc/1/*"}, false},
		{"no match", []string{"test/none/*/A", "test/enc/2/A"}, false},
		{"two devices", []string{"test/enc/1/I", "test/enc/2/A", "test/enc/1/D", "test/enc/1/X"}, true},
		{"one unknown among known", []string{"test/enc/1/I", "test/enc/1/Nope"}, false},
		{"none", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := proto.Marshal(&pb.ReadResponse{Readings: m.Read(now, tc.names, nil)})
			if err != nil {
				t.Fatal(err)
			}
			got := m.AppendRead(now, tc.names, []byte("prefix"))
			if string(got[:6]) != "prefix" {
				t.Fatalf("prefix overwritten")
			}
			if string(got[6:]) != string(want) {
				var g pb.ReadResponse
				uerr := proto.Unmarshal(got[6:], &g)
				t.Errorf("AppendRead differs from proto.Marshal\n got %x (%v, %v)\nwant %x", got[6:], &g, uerr, want)
			}
			ids := m.ResolveRead(tc.names)
			if (ids != nil) != tc.resolves {
				t.Fatalf("ResolveRead = %v, want resolved %v", ids, tc.resolves)
			}
			if ids == nil {
				return
			}
			got = m.AppendResolved(now, tc.names, ids, []byte("prefix"))
			if string(got[6:]) != string(want) {
				var g pb.ReadResponse
				uerr := proto.Unmarshal(got[6:], &g)
				t.Errorf("AppendResolved differs from proto.Marshal\n got %x (%v, %v)\nwant %x", got[6:], &g, uerr, want)
			}
		})
	}
}

// TestDecodeReadNames: the hand decoder agrees with proto.Unmarshal and
// rejects what it rejects.
func TestDecodeReadNames(t *testing.T) {
	good, _ := proto.Marshal(&pb.ReadRequest{Names: []string{"a/b/c/d", "", "x/y/z/*"}})
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"names", good},
		{"empty", nil},
		{"unknown field", append([]byte{0x10, 0x05}, good...)},
		{"truncated", good[:len(good)-2]},
		{"bad utf8", []byte{0x0a, 0x02, 0xff, 0xfe}},
		{"bad tag", []byte{0x0f}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want pb.ReadRequest
			werr := proto.Unmarshal(tc.in, &want)
			nc := nameCache{}
			got, gerr := decodeReadNames(tc.in, &nc, nil)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("error %v, proto.Unmarshal %v", gerr, werr)
			}
			if werr == nil && !equalStrings(got, want.Names) {
				t.Errorf("names %q, want %q", got, want.Names)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func BenchmarkAppendRead(b *testing.B) {
	cat, err := catalog.Load(labCatalog)
	if err != nil {
		b.Fatal(err)
	}
	m, _, err := OpenModel(cat, OpenOptions{Servers: []string{"SimulatorDS/testrw"}, Start: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"test/tango/rw/A"}
	now := time.Now()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = m.AppendRead(now, names, buf[:0])
	}
}

// BenchmarkAppendRead10 is the model's work for a 10-attribute read of
// one device (VAR formulas, KeepTime 0: every read evaluates them).
func BenchmarkAppendRead10(b *testing.B) {
	benchAppendRead10(b, writeCatalog(b, 1, 10, "VAR('A%d', WRITE=True, default=%d)"), false)
}

// BenchmarkAppendRead10Cached is BenchmarkAppendRead10 with KeepTime
// 200 ms: values come from the cache, no formula runs.
func BenchmarkAppendRead10Cached(b *testing.B) {
	benchAppendRead10(b, cachedCatalog(b), false)
}

// BenchmarkAppendResolved10 is BenchmarkAppendRead10 of a planned read
// (a connection's repeated request): the names are resolved once.
func BenchmarkAppendResolved10(b *testing.B) {
	benchAppendRead10(b, writeCatalog(b, 1, 10, "VAR('A%d', WRITE=True, default=%d)"), true)
}

// BenchmarkAppendResolved10Cached is BenchmarkAppendRead10Cached planned.
func BenchmarkAppendResolved10Cached(b *testing.B) {
	benchAppendRead10(b, cachedCatalog(b), true)
}

// cachedCatalog is the 10-attribute catalog with KeepTime 200 ms.
func cachedCatalog(b *testing.B) string {
	path := writeCatalog(b, 1, 10, "VAR('A%d', WRITE=True, default=%d)")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(data), "KeepTime\t0", "KeepTime\t200")), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

func benchAppendRead10(b *testing.B, path string, resolved bool) {
	cat, err := catalog.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	m, _, err := OpenModel(cat, OpenOptions{Servers: []string{"SimulatorDS/gen"}, Start: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprintf("gen/dev/0/A%d", i)
	}
	now := time.Now()
	var buf []byte
	b.ReportAllocs()
	if !resolved {
		for b.Loop() {
			buf = m.AppendRead(now, names, buf[:0])
		}
		return
	}
	ids := m.ResolveRead(names)
	if ids == nil {
		b.Fatal("names not resolved")
	}
	for b.Loop() {
		buf = m.AppendResolved(now, names, ids, buf[:0])
	}
}

// TestAppendReadingFieldEdges: the hand encoder against proto.Marshal on
// the values a catalog seldom gives: multi-byte lengths, negative and
// extreme integers, NaN, qualities, no timestamp, a name built from the
// device and attribute.
func TestAppendReadingFieldEdges(t *testing.T) {
	long := strings.Repeat("x", 300)
	ts := time.Unix(1_700_000_000, 123)
	for i, tc := range []struct {
		ref AttrRef
		r   sim.Reading
	}{
		{AttrRef{Name: "a/b/c/d"}, sim.Reading{Attr: "d", Value: pyval.Int(-1), Time: ts}},
		{AttrRef{Name: "a/b/c/d"}, sim.Reading{Attr: "d", Value: pyval.Int(math.MinInt64), Quality: sim.Alarm, Time: ts}},
		{AttrRef{Name: "a/b/c/d"}, sim.Reading{Attr: "d", Value: pyval.Int(math.MaxInt64), Quality: sim.Warning, Time: ts}},
		{AttrRef{Name: "a/b/c/d"}, sim.Reading{Attr: "d", Value: pyval.Float(math.NaN()), Time: ts}},
		{AttrRef{Name: "a/b/c/d"}, sim.Reading{Attr: "d", Value: pyval.Float(math.Inf(-1))}},
		{AttrRef{Name: "a/b/c/d"}, sim.Reading{Attr: "d", Value: pyval.Str(long), Time: ts}},
		{AttrRef{Name: "a/b/c/" + long}, sim.Reading{Attr: long, Value: pyval.Bool(true), Time: ts}},
		{AttrRef{Device: "a/b/c", Attr: "d"}, sim.Reading{Attr: "d", Value: pyval.Bool(false), Time: ts}},
		{AttrRef{Device: "a/b/c", Attr: "State"}, sim.Reading{Attr: "State", Value: pyval.Int(int64(sim.Fault)), Time: ts}},
		{AttrRef{Name: "a/b/c/d"}, sim.Reading{Attr: "d", Value: pyval.None, Quality: sim.Invalid, Time: ts}},
		{AttrRef{}, sim.Reading{Value: pyval.Str("")}},
		{AttrRef{Name: "a/b/c/d"}, sim.Reading{Attr: "d", Value: pyval.Int(5), Time: time.Unix(0, -1)}},
	} {
		want, err := proto.Marshal(&pb.ReadResponse{Readings: []*pb.Reading{wireReading(tc.ref.String(), &tc.r)}})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendReadingField(nil, 1, tc.ref, &tc.r); string(got) != string(want) {
			t.Errorf("case %d: got %x\nwant %x", i, got, want)
		}
	}
}

// BenchmarkAppendReadingField is the encoding of one read's ten scalar
// readings (the part of a read that is the same for every model).
func BenchmarkAppendReadingField(b *testing.B) {
	r := sim.Reading{Attr: "A3", Value: pyval.Int(3), Time: time.Unix(1_700_000_000, 5)}
	ref := AttrRef{Name: "gen/dev/0/A3", Device: "gen/dev/0", Attr: "A3"}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for range 10 {
			buf = appendReadingField(buf, 1, ref, &r)
		}
	}
}
