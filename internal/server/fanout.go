package server

import (
	"sync"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	pb "chaoslab/internal/api/chaoslabv1"
)

// DefaultQueue is a subscriber's default ring size in events: about 40 ms
// of a 100k events/s stream, which absorbs scheduling hiccups while keeping
// memory per subscriber around a few hundred KiB.
const DefaultQueue = 4096

// MaxQueue bounds the queue a subscription may ask for (or serve --queue
// set): the ring is allocated whole, 40 bytes an event, so this is about
// 10 MiB, 2.6 s of a 100k events/s stream. A larger request is refused:
// one request must not be able to exhaust the server's memory.
const MaxQueue = 1 << 18

// maxBatch bounds the events in one EventBatch so a catching-up subscriber
// still gets frames of reasonable size.
const maxBatch = 1024

// queued is one event waiting in a subscriber's ring. The reading is
// shared by all subscribers and never modified after publication.
type queued struct {
	index uint32
	r     *pb.Reading
	enc   []byte // r's protobuf encoding, made once for all subscribers
}

// subscriber is one subscription's bounded queue. Publishers (the polling
// loop) never block on it: push drops the oldest event when full.
type subscriber struct {
	typ   pb.EventType
	refs  []AttrRef
	names []string // index → attribute name, sent in the first batch
	wake  chan struct{}
	// initial are the values at subscription, sent in the first batch.
	initial []*pb.Reading
	// since is the server's poll count when initial was read: events of
	// that poll or earlier are older than initial and are not queued.
	since uint64

	mu      sync.Mutex
	ring    []queued
	head, n int
	dropped uint64 // dropped since the last drain
	closed  bool
}

func newSubscriber(typ pb.EventType, refs []AttrRef, size int) *subscriber {
	if size <= 0 {
		size = DefaultQueue
	}
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.String()
	}
	return &subscriber{typ: typ, refs: refs, names: names, ring: make([]queued, size), wake: make(chan struct{}, 1)}
}

// push queues one event and reports whether an older event was dropped.
func (s *subscriber) push(q queued) (dropped bool) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	if s.n == len(s.ring) {
		s.ring[s.head] = queued{}
		s.head = (s.head + 1) % len(s.ring)
		s.n--
		s.dropped++
		dropped = true
	}
	s.ring[(s.head+s.n)%len(s.ring)] = q
	s.n++
	s.mu.Unlock()
	return dropped
}

// signal wakes the sender without blocking (repeated signals merge).
func (s *subscriber) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// drain moves up to max queued events into out and returns them with the
// drop count since the last drain. more reports events left behind.
func (s *subscriber) drain(out []queued, max int) (_ []queued, dropped uint64, more bool) {
	s.mu.Lock()
	k := min(s.n, max)
	for i := 0; i < k; i++ {
		j := (s.head + i) % len(s.ring)
		out = append(out, s.ring[j])
		s.ring[j] = queued{}
	}
	s.head = (s.head + k) % len(s.ring)
	s.n -= k
	dropped, s.dropped = s.dropped, 0
	more = s.n > 0
	s.mu.Unlock()
	return out, dropped, more
}

func (s *subscriber) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.signal()
}

// topicKey identifies the events one subscription can ask for.
type topicKey struct {
	dev, attr string // canonical names, as the model spells them
	typ       pb.EventType
}

// target is one subscriber interested in a topic, with the index the
// attribute has in that subscriber's names table.
type target struct {
	sub   *subscriber
	index uint32
}

// fanout routes model events to subscribers. It is guarded by its own
// mutex so subscribing does not need the world lock.
type fanout struct {
	mu     sync.RWMutex
	topics map[topicKey][]target
	subs   int
}

func newFanout() *fanout { return &fanout{topics: map[topicKey][]target{}} }

func (f *fanout) add(s *subscriber) {
	f.mu.Lock()
	for i, r := range s.refs {
		k := topicKey{r.Device, r.Attr, s.typ}
		f.topics[k] = append(f.topics[k], target{s, uint32(i)})
	}
	f.subs++
	f.mu.Unlock()
}

func (f *fanout) remove(s *subscriber) {
	f.mu.Lock()
	for _, r := range s.refs {
		k := topicKey{r.Device, r.Attr, s.typ}
		ts := f.topics[k]
		out := ts[:0]
		for _, t := range ts {
			if t.sub != s {
				out = append(out, t)
			}
		}
		if len(out) == 0 {
			delete(f.topics, k)
		} else {
			f.topics[k] = out
		}
	}
	f.subs--
	f.mu.Unlock()
	s.close()
}

// wanted reports whether anyone subscribes to the events of type typ of
// dev/attr; the model uses it to skip converting unwanted events.
func (f *fanout) wanted(dev, attr string, typ pb.EventType) bool {
	f.mu.RLock()
	_, ok := f.topics[topicKey{dev, attr, typ}]
	f.mu.RUnlock()
	return ok
}

// count returns the number of subscribers.
func (f *fanout) count() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.subs
}

// publish queues events for their subscribers and wakes each touched
// subscriber once. It never blocks on a subscriber. poll is the count of
// the poll that made evs: a subscriber that came after it has newer
// values. It returns the number of events queued and dropped.
func (f *fanout) publish(evs []Event, poll uint64, touched map[*subscriber]struct{}) (queuedN, dropped int) {
	f.mu.RLock()
	for _, e := range evs {
		ts := f.topics[topicKey{e.Device, e.Attr, e.Type}]
		if len(ts) == 0 {
			continue
		}
		// Encode the reading once; every framed subscriber reuses the bytes.
		enc, err := proto.Marshal(e.Reading)
		if err != nil {
			continue // cannot happen for our messages; drop rather than stall
		}
		for _, t := range ts {
			if t.sub.since >= poll {
				continue
			}
			if t.sub.push(queued{t.index, e.Reading, enc}) {
				dropped++
			}
			queuedN++
			touched[t.sub] = struct{}{}
		}
	}
	f.mu.RUnlock()
	for s := range touched {
		s.signal()
		delete(touched, s)
	}
	return queuedN, dropped
}

// appendEventBatch appends the protobuf encoding of an EventBatch of q
// (readings pre-encoded by publish) to buf: the framed protocol's batches
// are built from bytes, without marshalling each reading per subscriber.
func appendEventBatch(buf []byte, typ pb.EventType, q []queued, dropped uint64) []byte {
	if typ != 0 {
		buf = protowire.AppendTag(buf, 2, protowire.VarintType)
		buf = protowire.AppendVarint(buf, uint64(typ))
	}
	for _, e := range q {
		n := 1 + protowire.SizeBytes(len(e.enc))
		if e.index != 0 {
			n += 1 + protowire.SizeVarint(uint64(e.index))
		}
		buf = protowire.AppendTag(buf, 3, protowire.BytesType)
		buf = protowire.AppendVarint(buf, uint64(n))
		if e.index != 0 {
			buf = protowire.AppendTag(buf, 1, protowire.VarintType)
			buf = protowire.AppendVarint(buf, uint64(e.index))
		}
		buf = protowire.AppendTag(buf, 2, protowire.BytesType)
		buf = protowire.AppendBytes(buf, e.enc)
	}
	if dropped != 0 {
		buf = protowire.AppendTag(buf, 4, protowire.VarintType)
		buf = protowire.AppendVarint(buf, dropped)
	}
	return buf
}
