package netem

import "time"

// Timeout is a black hole: every chunk is dropped, and end of stream is held
// back too (so the peer sees neither data nor FIN). If Timeout > 0, the whole
// connection is closed Timeout after the toxic started applying to it (the
// clock survives pipeline rebuilds); with 0 it stays silent until removed.
// After removal, data sent later flows again; dropped data stays lost.
type Timeout struct {
	Timeout Duration `json:"timeout"`
}

type timeoutState struct{ start time.Time }

// NewState implements Stateful.
func (t *Timeout) NewState() any { return &timeoutState{} }

// Validate rejects a negative timeout.
func (t *Timeout) Validate() error { return nonNegative("timeout", t.Timeout) }

// Pipe implements Toxic.
func (t *Timeout) Pipe(s *Stub) {
	st := s.State.(*timeoutState)
	if st.start.IsZero() {
		st.start = time.Now()
	}
	var fire <-chan time.Time
	if t.Timeout > 0 {
		tm := time.NewTimer(time.Until(st.start.Add(t.Timeout.D())))
		defer tm.Stop()
		fire = tm.C
	}
	in := s.Input
	for {
		select {
		case <-s.Interrupt:
			return
		case _, ok := <-in:
			if !ok {
				in = nil // hold the end of stream back; the channel stays closed for the next pipeline
			}
		case <-fire:
			s.CloseConn()
			swallow(s)
			return
		}
	}
}

var _ Toxic = (*Timeout)(nil)
