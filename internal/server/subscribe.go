package server

import (
	"context"

	pb "chaoslab/internal/api/chaoslabv1"
)

// newSubscription resolves the names of req and registers a subscriber.
func (s *Server) newSubscription(req *pb.SubscribeRequest) (*subscriber, error) {
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
	s.fan.add(sub)
	s.met.subscribers.Inc()
	s.wakePoll()
	return sub, nil
}

func (s *Server) endSubscription(sub *subscriber) {
	s.fan.remove(sub)
	s.met.subscribers.Dec()
}

// sendLoop delivers sub's events through send until ctx ends or send
// fails. The first batch carries the names table. Each wake-up drains the
// ring in batches of up to maxBatch events, so batching grows with load:
// under a light load every event goes out at once, under a heavy one many
// ride in a frame. It returns nil when ctx ends.
func (s *Server) sendLoop(ctx context.Context, sub *subscriber, send func(*pb.EventBatch) error) error {
	if err := send(&pb.EventBatch{Names: sub.names, Type: sub.typ}); err != nil {
		return err
	}
	var (
		q     []queued
		store = make([]pb.Event, maxBatch)
		ptrs  = make([]*pb.Event, 0, maxBatch)
	)
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
			ptrs = ptrs[:0]
			for i, e := range q {
				store[i].Index, store[i].Reading = e.index, e.r
				ptrs = append(ptrs, &store[i])
			}
			b := &pb.EventBatch{Type: sub.typ, Events: ptrs, Dropped: dropped}
			if err := send(b); err != nil {
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
