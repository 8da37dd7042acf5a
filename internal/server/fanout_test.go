package server

import (
	"testing"

	"google.golang.org/protobuf/proto"

	pb "chaoslab/internal/api/chaoslabv1"
)

func TestSubscriberRingDropsOldest(t *testing.T) {
	s := newSubscriber(pb.EventType_EVENT_TYPE_CHANGE, []AttrRef{{Device: "a/b/c", Attr: "x"}}, 4)
	readings := make([]*pb.Reading, 10)
	for i := range readings {
		readings[i] = &pb.Reading{TimeUnixNano: int64(i)}
		s.push(queued{r: readings[i]})
	}
	got, dropped, more := s.drain(nil, 100)
	if dropped != 6 || more || len(got) != 4 {
		t.Fatalf("drain: %d events, dropped %d, more %v; want 4, 6, false", len(got), dropped, more)
	}
	for i, q := range got {
		if q.r != readings[6+i] {
			t.Errorf("event %d is reading %d, want the newest four", i, q.r.TimeUnixNano)
		}
	}
	if _, dropped, _ := s.drain(nil, 100); dropped != 0 {
		t.Errorf("drop count not reset: %d", dropped)
	}
}

func TestSubscriberDrainInBatches(t *testing.T) {
	s := newSubscriber(pb.EventType_EVENT_TYPE_CHANGE, []AttrRef{{Device: "a/b/c", Attr: "x"}}, 8)
	for i := 0; i < 5; i++ {
		s.push(queued{r: &pb.Reading{}})
	}
	got, _, more := s.drain(nil, 3)
	if len(got) != 3 || !more {
		t.Fatalf("first drain: %d, more %v", len(got), more)
	}
	got, _, more = s.drain(got[:0], 3)
	if len(got) != 2 || more {
		t.Fatalf("second drain: %d, more %v", len(got), more)
	}
}

func TestFanoutRoutesByTopic(t *testing.T) {
	f := newFanout()
	a := newSubscriber(pb.EventType_EVENT_TYPE_CHANGE, []AttrRef{{Device: "d/e/v", Attr: "x"}, {Device: "d/e/v", Attr: "y"}}, 8)
	b := newSubscriber(pb.EventType_EVENT_TYPE_PERIODIC, []AttrRef{{Device: "d/e/v", Attr: "x"}}, 8)
	f.add(a)
	f.add(b)
	if !f.wanted("d/e/v", "y", pb.EventType_EVENT_TYPE_CHANGE) || f.wanted("d/e/v", "y", pb.EventType_EVENT_TYPE_PERIODIC) {
		t.Fatal("wanted disagrees with the subscriptions")
	}
	evs := []Event{
		{Device: "d/e/v", Attr: "y", Type: pb.EventType_EVENT_TYPE_CHANGE, Reading: &pb.Reading{}},
		{Device: "d/e/v", Attr: "x", Type: pb.EventType_EVENT_TYPE_PERIODIC, Reading: &pb.Reading{}},
		{Device: "d/e/v", Attr: "z", Type: pb.EventType_EVENT_TYPE_CHANGE, Reading: &pb.Reading{}},
	}
	n, d := f.publish(evs, 1, map[*subscriber]struct{}{})
	if n != 2 || d != 0 {
		t.Fatalf("publish queued %d dropped %d, want 2, 0", n, d)
	}
	qa, _, _ := a.drain(nil, 10)
	if len(qa) != 1 || qa[0].index != 1 {
		t.Errorf("subscriber a got %v, want one event with index 1", qa)
	}
	f.remove(a)
	f.remove(b)
	if f.count() != 0 || len(f.topics) != 0 {
		t.Errorf("after remove: %d subscribers, %d topics", f.count(), len(f.topics))
	}
}

// TestAppendEventBatch: the hand-built batch decodes to what marshalling
// the same batch with protobuf gives.
func TestAppendEventBatch(t *testing.T) {
	rs := []*pb.Reading{
		{Value: &pb.Value{Kind: &pb.Value_D{D: 1.5}}, TimeUnixNano: 12345},
		{},
		{Quality: pb.Quality_QUALITY_INVALID, Errors: []*pb.DevError{{Reason: "R", Desc: "D"}}},
	}
	var q []queued
	want := &pb.EventBatch{Type: pb.EventType_EVENT_TYPE_ARCHIVE, Dropped: 7}
	for i, r := range rs {
		enc, err := proto.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		q = append(q, queued{index: uint32(i), r: r, enc: enc})
		want.Events = append(want.Events, &pb.Event{Index: uint32(i), Reading: r})
	}
	var got pb.EventBatch
	if err := proto.Unmarshal(appendEventBatch(nil, want.Type, q, want.Dropped), &got); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(&got, want) {
		t.Errorf("got %v\nwant %v", &got, want)
	}
}
