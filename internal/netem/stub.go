package netem

import (
	"math/rand/v2"
	"sync"
)

// Stub is a toxic's view of one stage in one connection direction's pipeline.
type Stub struct {
	// Input yields chunks from the previous stage; it is closed at end of stream.
	Input <-chan *Chunk
	// Interrupt is closed when the pipeline is being rebuilt or torn down.
	Interrupt <-chan struct{}
	// Rand is this connection direction's random source for this toxic,
	// derived from the proxy seed; it survives pipeline rebuilds.
	Rand *rand.Rand
	// State is the value from Stateful.NewState, or nil.
	State any

	output    chan<- *Chunk
	held      []*Chunk
	closeOnce sync.Once
	ctl       streamControl
}

// streamControl is what a stub may do to its connection besides passing data.
type streamControl interface {
	closeAfterFlush()
	reset()
}

// Send passes c to the next stage. It returns false once the pipeline is
// interrupted; c (and anything sent afterwards) is then kept and replayed into
// the next pipeline, so no data is lost.
func (s *Stub) Send(c *Chunk) bool {
	if len(s.held) > 0 || s.Interrupted() {
		s.held = append(s.held, c)
		return false
	}
	select {
	case s.output <- c:
		return true
	case <-s.Interrupt:
		s.held = append(s.held, c)
		return false
	}
}

// Interrupted reports whether Interrupt is closed.
func (s *Stub) Interrupted() bool {
	select {
	case <-s.Interrupt:
		return true
	default:
		return false
	}
}

// Close ends this direction's stream after the data already sent: the proxy
// half-closes the destination socket (FIN) once everything is written.
func (s *Stub) Close() {
	s.closeOnce.Do(func() { close(s.output) })
}

// CloseConn ends the stream like Close, then closes the whole connection
// (both sockets, both directions) once the data already sent is written.
func (s *Stub) CloseConn() {
	if s.ctl != nil {
		s.ctl.closeAfterFlush()
	}
	s.Close()
}

// Reset aborts the whole connection now with a TCP RST on both sockets
// (SO_LINGER 0); unsent data is discarded, as a peer reset would.
func (s *Stub) Reset() {
	if s.ctl != nil {
		s.ctl.reset()
	}
}

// NewStub returns a stub reading in and writing out, for testing a Toxic
// without sockets. rng may be nil only if the toxic draws no random numbers.
func NewStub(in <-chan *Chunk, out chan<- *Chunk, interrupt <-chan struct{}, rng *rand.Rand, state any) *Stub {
	return &Stub{Input: in, output: out, Interrupt: interrupt, Rand: rng, State: state}
}
