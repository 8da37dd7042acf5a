package load

import (
	"context"
	"sync"
	"time"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
)

// fakeBackend answers after delay (time.Sleep: fake time inside a synctest
// bubble); fail makes every n-th call fail.
type fakeBackend struct {
	delay time.Duration
	mu    sync.Mutex
	calls int
	fail  int
}

func (f *fakeBackend) Do(ctx context.Context, op *Op) error {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	if f.delay > 0 {
		t := time.NewTimer(f.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return api.NewError(api.ReasonTimeout, "fake: "+ctx.Err().Error(), "test")
		}
	}
	if f.fail > 0 && n%f.fail == 0 {
		return api.NewError(api.ReasonOutOfLimits, "fake failure", "test")
	}
	return nil
}

// fakeSub streams one event per tick stamped lag before "now".
type fakeSub struct {
	tick, lag time.Duration
	dropEvery int // every n-th batch carries a drop marker of 3
}

type fakeStream struct {
	c    chan Batch
	stop chan struct{}
	once sync.Once
	done chan struct{}
}

func (s *fakeStream) C() <-chan Batch { return s.c }
func (s *fakeStream) Close() error {
	s.once.Do(func() { close(s.stop) })
	<-s.done
	return nil
}
func (s *fakeStream) Err() error { return nil }

func (f *fakeSub) Subscribe(ctx context.Context, server int, names []string, typ pb.EventType) (Stream, error) {
	s := &fakeStream{c: make(chan Batch), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer close(s.c)
		t := time.NewTicker(f.tick)
		defer t.Stop()
		for i := 1; ; i++ {
			select {
			case <-t.C:
			case <-s.stop:
				return
			}
			b := Batch{Events: []Event{{Name: names[0], UnixNano: time.Now().Add(-f.lag).UnixNano()}}}
			if f.dropEvery > 0 && i%f.dropEvery == 0 {
				b.Dropped = 3
			}
			select {
			case s.c <- b:
			case <-s.stop:
				return
			}
		}
	}()
	return s, nil
}

func testTargets() *Targets {
	return &Targets{Servers: []string{"127.0.0.1:1"}, Attrs: []Attr{
		{Name: "a/b/c/x", Server: 0},
		{Name: "a/b/c/w", Server: 0, Value: &pb.Value{Kind: &pb.Value_D{D: 1}}},
	}}
}
