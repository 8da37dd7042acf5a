package client

import (
	"fmt"
	"testing"

	"google.golang.org/protobuf/proto"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
)

func sampleBatches() []*pb.EventBatch {
	return []*pb.EventBatch{
		{Names: []string{"a/b/c/d", "a/b/c/e"}, Type: pb.EventType_EVENT_TYPE_PERIODIC},
		{Type: pb.EventType_EVENT_TYPE_ARCHIVE, Dropped: 12, Events: []*pb.Event{
			{Index: 1, Reading: &pb.Reading{Value: api.Float(1.5), Quality: pb.Quality_QUALITY_ALARM, TimeUnixNano: 1795239247622383306}},
			{Index: 0, Reading: &pb.Reading{Name: "x/y/z/w", Value: api.Int(-7)}},
			{Reading: &pb.Reading{Value: api.Bool(true)}},
			{Reading: &pb.Reading{Value: api.Str("héllo")}},
			{Reading: &pb.Reading{Quality: pb.Quality_QUALITY_INVALID, Errors: []*pb.DevError{{Reason: "R", Desc: "D", Origin: "O"}}}},
			{Reading: &pb.Reading{Value: &pb.Value{}}},
			{},
		}},
		{Events: []*pb.Event{{Reading: &pb.Reading{Value: api.ParseValue("[1.5, 2]")}}}}, // falls back
	}
}

func TestDecodeBatch(t *testing.T) {
	for i, want := range sampleBatches() {
		data, err := proto.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeBatch(data)
		if err != nil {
			if i == 2 {
				continue // arrays use the generic decoder
			}
			t.Fatalf("batch %d: %v", i, err)
		}
		if !proto.Equal(got, want) {
			t.Errorf("batch %d:\n got %v\nwant %v", i, got, want)
		}
	}
}

// FuzzDecodeBatch: whenever the fast decoder accepts input, it agrees with
// proto.Unmarshal.
func FuzzDecodeBatch(f *testing.F) {
	for _, b := range sampleBatches() {
		data, _ := proto.Marshal(b)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeBatch(data)
		if err != nil {
			return
		}
		var want pb.EventBatch
		if err := proto.Unmarshal(data, &want); err != nil {
			t.Fatalf("fast decoder accepted what proto rejects (%v): %v", err, got)
		}
		if !proto.Equal(got, &want) {
			t.Fatalf("decoders differ:\n fast %v\nproto %v", got, &want)
		}
	})
}

func BenchmarkDecodeBatch(b *testing.B) {
	batch := &pb.EventBatch{}
	for i := 0; i < 100; i++ {
		batch.Events = append(batch.Events, &pb.Event{Index: uint32(i), Reading: &pb.Reading{Value: api.Float(float64(i)), TimeUnixNano: 1795239247622383306}})
	}
	data, _ := proto.Marshal(batch)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := decodeBatch(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("proto", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var out pb.EventBatch
			if err := proto.Unmarshal(data, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func sampleReads() []*pb.ReadResponse {
	var out []*pb.ReadResponse
	for _, b := range sampleBatches() {
		r := &pb.ReadResponse{}
		for _, e := range b.Events {
			if e.Reading != nil {
				r.Readings = append(r.Readings, e.Reading)
			}
		}
		out = append(out, r)
	}
	return out
}

// FuzzDecodeReadResponse: the read decoder (fast path or its fallback)
// agrees with proto.Unmarshal, and fails exactly when it fails.
func FuzzDecodeReadResponse(f *testing.F) {
	for _, r := range sampleReads() {
		data, _ := proto.Marshal(r)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeReadResponse(data)
		var want pb.ReadResponse
		werr := proto.Unmarshal(data, &want)
		if (err == nil) != (werr == nil) {
			t.Fatalf("error %v, proto.Unmarshal %v", err, werr)
		}
		if err != nil {
			return
		}
		if len(got) != len(want.Readings) {
			t.Fatalf("%d readings, proto %d", len(got), len(want.Readings))
		}
		for i := range got {
			if !proto.Equal(got[i], want.Readings[i]) {
				t.Fatalf("reading %d differs:\n fast %v\nproto %v", i, got[i], want.Readings[i])
			}
		}
		checkAgrees(t, data, want.Readings)
	})
}

// checkAgrees: checkReadResponse reports the errors of the first failed
// reading, or nil, as the full decode does.
func checkAgrees(t *testing.T, data []byte, readings []*pb.Reading) {
	t.Helper()
	var want []*pb.DevError
	for _, r := range readings {
		if len(r.Errors) > 0 {
			want = r.Errors
			break
		}
	}
	err := checkReadResponse(data)
	if want == nil {
		if err != nil {
			t.Fatalf("check: %v, want nil", err)
		}
		return
	}
	e, ok := err.(*api.Error)
	if !ok || len(e.Errors) != len(want) {
		t.Fatalf("check: %v, want %v", err, want)
	}
	for i := range want {
		if !proto.Equal(e.Errors[i], want[i]) {
			t.Fatalf("check error %d: %v, want %v", i, e.Errors[i], want[i])
		}
	}
}

func TestCheckReadResponse(t *testing.T) {
	for i, r := range sampleReads() {
		data, err := proto.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkAgrees(t, data, r.Readings) })
	}
}

func BenchmarkDecodeReadResponse(b *testing.B) {
	data, _ := proto.Marshal(&pb.ReadResponse{Readings: []*pb.Reading{{Name: "test/tango/rw/A", Value: api.Float(1.5), TimeUnixNano: 1795239247622383306}}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeReadResponse(data); err != nil {
			b.Fatal(err)
		}
	}
}
