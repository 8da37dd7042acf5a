package client

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"google.golang.org/protobuf/proto"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
)

// Event is one received event.
type Event struct {
	Name    string // "device/attr"
	Reading *pb.Reading
}

// Batch is a batch of events. Dropped > 0 is a drop marker: the server
// lost that many events of this subscription before this batch because the
// subscriber did not keep up. The first batch of a subscription is Initial:
// the value of every attribute at subscription, as Tango's subscribe_event
// delivers it, not events of a change or a period (a lag measured on it
// would be the value's age).
type Batch struct {
	Type    pb.EventType
	Events  []Event
	Dropped uint64
	Initial bool
}

// Subscription is a stream of event batches on a connection of its own.
type Subscription struct {
	// C delivers batches; it is closed when the stream ends (Close, server
	// shutdown, broken connection). Err tells why.
	C <-chan Batch
	// Names are the subscribed attributes, wildcards expanded by the server.
	Names []string

	cn      *conn
	id      uint32
	mu      sync.Mutex
	err     error
	stop    chan struct{}
	stopped sync.Once
}

// SubscribeOptions tune a subscription.
type SubscribeOptions struct {
	// Queue is the server-side queue length in events (0: server default).
	Queue int
	// Buffer is the number of batches buffered in C (default 64).
	Buffer int
}

// Subscribe subscribes to events of type typ of names (wildcards allowed).
// It returns once the server has accepted the subscription, or with the
// server's error (unknown device or attribute ...).
func (c *Client) Subscribe(ctx context.Context, names []string, typ pb.EventType, opt SubscribeOptions) (*Subscription, error) {
	if opt.Queue < 0 || opt.Queue > math.MaxUint32 {
		return nil, api.NewError(api.ReasonBadArgument, fmt.Sprintf("queue of %d events: want 0 (the server's default) or more", opt.Queue), "client")
	}
	if opt.Buffer <= 0 {
		opt.Buffer = 64
	}
	ch := make(chan Batch, opt.Buffer)
	first := make(chan struct{}, 1)
	s := &Subscription{C: ch, stop: make(chan struct{})}
	started := false
	onStream := func(kind api.Kind, payload []byte) bool {
		if kind == api.KindEnd {
			return false
		}
		b, err := decodeBatch(payload)
		if err != nil { // something the fast decoder does not handle
			b = &pb.EventBatch{}
			if err := proto.Unmarshal(payload, b); err != nil {
				s.setErr(api.NewError(api.ReasonInternal, "bad event batch: "+err.Error(), "client"))
				return false
			}
		}
		initial := !started
		if initial {
			started = true
			s.Names = b.Names
			select {
			case first <- struct{}{}:
			default: // Subscribe gave up (its context ended) and closed the connection
			}
			if len(b.Events) == 0 {
				return true // a server that sends no initial values
			}
		}
		out := Batch{Type: b.Type, Dropped: b.Dropped, Events: make([]Event, len(b.Events)), Initial: initial}
		for i, e := range b.Events {
			name := ""
			if int(e.Index) < len(s.Names) {
				name = s.Names[e.Index]
			}
			out.Events[i] = Event{Name: name, Reading: e.Reading}
		}
		select {
		case ch <- out:
			return true
		case <-s.stop:
			return false
		}
	}
	cn, err := dialConn(ctx, c.addr, onStream)
	if err != nil {
		return nil, err
	}
	s.cn = cn
	// The subscribe request's id receives an error reply on failure (or
	// the connection's end); success is the first events batch.
	p := newPending()
	p.resp = &pb.EventBatch{}
	id, err := cn.send(api.KindSubscribe, &pb.SubscribeRequest{Names: names, Type: typ, Queue: uint32(opt.Queue)}, nil, p)
	if err != nil {
		cn.close(err)
		return nil, err
	}
	s.id = id
	select {
	case <-first:
		cn.mu.Lock()
		delete(cn.pending, id)
		cn.mu.Unlock()
	case <-p.sig: // only a completion: nobody hands a stream conn's reading off
		cn.close(errors.New("subscribe failed"))
		if p.err == nil {
			p.err = api.NewError(api.ReasonInternal, "unexpected reply to subscribe", "client")
		}
		return nil, p.err
	case <-ctx.Done():
		cn.close(ctx.Err())
		return nil, api.NewError(api.ReasonTimeout, "subscribe: "+ctx.Err().Error(), "client")
	}
	go func() {
		<-cn.done
		close(ch)
	}()
	return s, nil
}

func (s *Subscription) setErr(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

// Err returns why the stream ended (nil after Close).
func (s *Subscription) Err() error {
	s.mu.Lock()
	err := s.err
	s.mu.Unlock()
	if err != nil {
		return err
	}
	select {
	case <-s.stop:
		return nil
	default:
	}
	s.cn.mu.Lock()
	defer s.cn.mu.Unlock()
	if s.cn.err != nil {
		return unavailable(s.cn.addr, s.cn.err)
	}
	return nil
}

// Close ends the subscription and its connection. C is closed soon after.
func (s *Subscription) Close() error {
	s.stopped.Do(func() {
		close(s.stop)
		s.cn.close(errors.New("subscription closed"))
	})
	<-s.cn.done
	return nil
}
