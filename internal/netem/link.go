package netem

import (
	"context"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// link is one direction of one connection: it reads src and writes dst,
// either on the fast path (copyFast, no toxics) or through a pipeline of
// toxic stubs, and switches between them when the proxy's toxics change.
type link struct {
	c        *proxyConn
	dir      Stream
	src, dst *net.TCPConn

	// states keeps each toxic's per-connection random source and state
	// across pipeline rebuilds. Only the run goroutine touches it.
	states map[*entry]*toxicState
	// flushClose is set by a toxic that wants the whole connection closed
	// once its data is written (Stub.CloseConn).
	flushClose atomic.Bool

	vmu     sync.Mutex
	version uint64
	vch     chan struct{} // closed and replaced when version grows
}

type toxicState struct {
	rand  *rand.Rand
	state any
}

func newLink(c *proxyConn, dir Stream, src, dst *net.TCPConn) *link {
	return &link{c: c, dir: dir, src: src, dst: dst, states: map[*entry]*toxicState{}, vch: make(chan struct{})}
}

func (l *link) closeAfterFlush() { l.flushClose.Store(true) }
func (l *link) reset()           { l.c.abort(true) }

// setVersion records that the link runs with toxic set v (or newer).
func (l *link) setVersion(v uint64) {
	l.vmu.Lock()
	defer l.vmu.Unlock()
	if v > l.version {
		l.version = v
		close(l.vch)
		l.vch = make(chan struct{})
	}
}

func (l *link) waitVersion(ctx context.Context, v uint64) error {
	for {
		l.vmu.Lock()
		cur, ch := l.version, l.vch
		l.vmu.Unlock()
		if cur >= v {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// active lists the toxics of set st that apply to this link, in order.
func (l *link) active(st *toxicSet) []*entry {
	var out []*entry
	for _, e := range st.toxics {
		if e.spec.Stream == l.dir && l.c.p.rolls(l.c.id, e) {
			out = append(out, e)
		}
	}
	return out
}

// watch blocks until the toxics applying to this link differ from cur
// (returning true) or stop is closed (false). Changes that leave this link's
// chain as it is are acknowledged without disturbing the data flow.
func (l *link) watch(st *toxicSet, cur []*entry, stop <-chan struct{}) bool {
	for {
		select {
		case <-st.changed:
			st = l.c.p.snapshot()
			if !slices.Equal(l.active(st), cur) {
				return true
			}
			l.setVersion(st.version)
		case <-stop:
			return false
		case <-l.c.closed:
			return false
		}
	}
}

// run moves data until this direction ends.
func (l *link) run() {
	defer l.setVersion(math.MaxUint64)
	var backlog []*Chunk
	eof := false
	for {
		st := l.c.p.snapshot()
		act := l.active(st)
		l.setVersion(st.version)
		var done bool
		if len(act) == 0 {
			done = l.fast(st, backlog, eof)
			backlog, eof = nil, false
		} else {
			backlog, eof, done = l.piped(st, act, backlog, eof)
		}
		if done {
			return
		}
	}
}

// finish ends this direction after its data is written: a half-close, or a
// full close if a toxic asked for it.
func (l *link) finish() {
	if l.flushClose.Load() {
		l.c.abort(false)
		return
	}
	if err := l.dst.CloseWrite(); err != nil {
		l.c.abort(false)
	}
}

// aLongTimeAgo is a read deadline in the past: it makes a blocked read
// (fast or piped) return at once without consuming data.
var aLongTimeAgo = time.Unix(1, 0)

// fast copies src to dst with no toxics (copyFast: large pooled chunks,
// no per-chunk allocation). A toxic change interrupts the copy with a past
// read deadline; a read either returned a chunk, which is written fully, or
// nothing, so no data is lost.
func (l *link) fast(st *toxicSet, backlog []*Chunk, eof bool) (done bool) {
	for _, c := range backlog {
		if _, err := l.dst.Write(c.Data); err != nil {
			l.c.abort(false)
			return true
		}
	}
	if eof {
		l.finish()
		return true
	}
	stop := make(chan struct{})
	watched := make(chan bool, 1)
	go func() {
		changed := l.watch(st, nil, stop)
		if changed {
			l.src.SetReadDeadline(aLongTimeAgo)
		}
		watched <- changed
	}()
	err := copyFast(l.dst, l.src)
	close(stop)
	changed := <-watched
	switch {
	case err == nil:
		l.finish()
		return true
	case changed && errors.Is(err, os.ErrDeadlineExceeded):
		l.src.SetReadDeadline(time.Time{})
		return false
	}
	l.c.abort(false)
	return true
}

// piped runs one pipeline generation:
//
//	src → reader → [stub 0] → … → [stub n-1] → writer → dst
//
// It returns when the stream ends (done) or the toxic set changes; then the
// chunks still in flight come back in stream order as the backlog for the
// next generation, with eof if the end of stream was already in flight.
func (l *link) piped(st *toxicSet, act []*entry, backlog []*Chunk, eof bool) ([]*Chunk, bool, bool) {
	n := len(act)
	chans := make([]chan *Chunk, n+1)
	for i := range chans {
		size := defaultBuffer
		if i < n {
			if b, ok := act[i].spec.Toxic.(Buffered); ok {
				size = b.BufferSize()
			}
		}
		chans[i] = make(chan *Chunk, size)
	}
	interrupt := make(chan struct{})
	var wg sync.WaitGroup

	// reader: replay the backlog, then read the socket.
	var readerHeld []*Chunk
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, c := range backlog {
			select {
			case chans[0] <- c:
			case <-interrupt:
				readerHeld = backlog[i:]
				return
			}
		}
		if eof {
			close(chans[0])
			return
		}
		buf := make([]byte, 32<<10)
		for {
			k, err := l.src.Read(buf)
			if k > 0 {
				c := &Chunk{Data: slices.Clone(buf[:k]), Time: time.Now()}
				select {
				case chans[0] <- c:
				case <-interrupt:
					readerHeld = []*Chunk{c}
					return
				}
			}
			if err != nil {
				select {
				case <-interrupt:
					return
				default:
				}
				if errors.Is(err, os.ErrDeadlineExceeded) {
					continue // cannot happen: deadlines are set only after interrupt
				}
				if k == 0 && isEOF(err) {
					close(chans[0])
					return
				}
				l.c.abort(false)
				return
			}
		}
	}()

	stubs := make([]*Stub, n)
	for i, e := range act {
		ts := l.states[e]
		if ts == nil {
			ts = &toxicState{rand: l.c.p.toxicRand(l.c.id, l.dir, e)}
			if sf, ok := e.spec.Toxic.(Stateful); ok {
				ts.state = sf.NewState()
			}
			l.states[e] = ts
		}
		s := &Stub{Input: chans[i], output: chans[i+1], Interrupt: interrupt, Rand: ts.rand, State: ts.state, ctl: l}
		stubs[i] = s
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.spec.Toxic.Pipe(s)
		}()
	}

	// writer: the tail of the chain to dst.
	type wres struct{ eof, failed bool }
	wdone := make(chan wres, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case c, ok := <-chans[n]:
				if !ok {
					wdone <- wres{eof: true}
					return
				}
				if _, err := l.dst.Write(c.Data); err != nil {
					wdone <- wres{failed: true}
					return
				}
			case <-interrupt:
				wdone <- wres{}
				return
			}
		}
	}()

	stopWatch := make(chan struct{})
	changed := make(chan struct{})
	go func() {
		if l.watch(st, act, stopWatch) {
			close(changed)
		}
	}()

	stop := func() {
		close(interrupt)
		l.src.SetReadDeadline(aLongTimeAgo)
		wg.Wait()
		close(stopWatch)
		l.src.SetReadDeadline(time.Time{})
	}
	var res wres
	select {
	case res = <-wdone:
		stop()
	case <-changed:
		stop()
		res = <-wdone
	case <-l.c.closed:
		stop()
		return nil, false, true
	}
	if res.failed {
		l.c.abort(false)
		return nil, false, true
	}
	if res.eof {
		l.finish()
		return nil, false, true
	}
	select {
	case <-l.c.closed:
		return nil, false, true
	default:
	}

	// Collect what is in flight, oldest first: the tail queue, then for each
	// stub from the last to the first, what it held and what waited for it.
	var out []*Chunk
	drain := func(ch chan *Chunk) bool {
		for {
			select {
			case c, ok := <-ch:
				if !ok {
					return false
				}
				out = append(out, c)
			default:
				return true
			}
		}
	}
	if !drain(chans[n]) {
		return out, true, false
	}
	for i := n - 1; i >= 0; i-- {
		out = append(out, stubs[i].held...)
		if !drain(chans[i]) {
			return out, true, false
		}
	}
	return append(out, readerHeld...), false, false
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) }
