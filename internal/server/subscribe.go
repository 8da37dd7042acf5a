package server

import (
	"context"
	"fmt"

	"chaoslab/internal/api"

	pb "chaoslab/internal/api/chaoslabv1"
)

// newSubscription resolves the names of req and registers a subscriber.
// Its first batch (firstBatch) carries the names and, as Tango's
// subscribe_event delivers, the current value of each attribute.
func (s *Server) newSubscription(req *pb.SubscribeRequest) (*subscriber, error) {
	if req.Queue > MaxQueue {
		return nil, api.NewError(api.ReasonBadArgument, fmt.Sprintf("queue of %d events: the server allows at most %d", req.Queue, MaxQueue), "server")
	}
	s.mu.Lock()
	refs, err := s.model.Resolve(req.Names)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	size := int(req.Queue)
	if size <= 0 {
		size = s.opts.Queue
	}
	sub := newSubscriber(req.Type, refs, size)
	// Registered and read under the world lock: no poll runs between the
	// two, so the first events queued are newer than these values, and
	// the events of a poll that ran before, published after, are not
	// queued (since).
	s.mu.Lock()
	sub.since = s.polls
	s.fan.add(sub)
	sub.initial = s.model.Read(s.now(), sub.names, make([]*pb.Reading, 0, len(sub.names)))
	s.mu.Unlock()
	s.met.subscribers.Inc()
	s.wakePoll()
	return sub, nil
}

func (s *Server) endSubscription(sub *subscriber) {
	s.fan.remove(sub)
	s.met.subscribers.Dec()
}

// batchSender sends one batch: q are the events (valid only during the
// call), dropped the drop count since the previous batch.
type batchSender func(q []queued, dropped uint64) error

// sendLoop delivers sub's events through send until ctx ends or send
// fails. Each wake-up drains the ring in batches of up to maxBatch events,
// so batching grows with load: under a light load every event goes out at
// once, under a heavy one many ride in a frame. It returns nil when ctx
// ends.
func (s *Server) sendLoop(ctx context.Context, sub *subscriber, send batchSender) error {
	var q []queued
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.wake:
		}
		for {
			var dropped uint64
			var more bool
			q, dropped, more = sub.drain(q[:0], maxBatch)
			if len(q) == 0 && dropped == 0 {
				break
			}
			if err := send(q, dropped); err != nil {
				return err
			}
			s.eventsSent.Add(uint64(len(q)))
			s.met.eventsSent.Add(float64(len(q)))
			clear(q)
			if !more || ctx.Err() != nil {
				break
			}
		}
	}
}

// protoSender adapts a sender of EventBatch messages (the connect stream),
// reusing the event structs between batches. The first batch it sends is
// the names table.
func protoSender(sub *subscriber, send func(*pb.EventBatch) error) (batchSender, error) {
	if err := send(sub.firstBatch()); err != nil {
		return nil, err
	}
	store := make([]pb.Event, maxBatch)
	ptrs := make([]*pb.Event, 0, maxBatch)
	return func(q []queued, dropped uint64) error {
		ptrs = ptrs[:0]
		for i, e := range q {
			store[i].Index, store[i].Reading = e.index, e.r
			ptrs = append(ptrs, &store[i])
		}
		return send(&pb.EventBatch{Type: sub.typ, Events: ptrs, Dropped: dropped})
	}, nil
}

// firstBatch is a subscription's first batch: the names table and the
// initial event of every attribute (its value at subscription; the
// reading's name is left out, as in every event).
func (s *subscriber) firstBatch() *pb.EventBatch {
	b := &pb.EventBatch{Names: s.names, Type: s.typ, Events: make([]*pb.Event, 0, len(s.initial))}
	for i, r := range s.initial {
		if i >= len(s.names) {
			break
		}
		r.Name = ""
		b.Events = append(b.Events, &pb.Event{Index: uint32(i), Reading: r})
	}
	s.initial = nil // sent once; not kept for the subscription's life
	return b
}
