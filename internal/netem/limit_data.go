package netem

// LimitData lets Bytes bytes through on a connection direction (counted
// across pipeline rebuilds), then closes the whole connection once they are
// written: the peer reads exactly Bytes bytes, then end of stream.
type LimitData struct {
	Bytes int64 `json:"bytes"`
}

type limitState struct{ sent int64 }

// NewState implements Stateful.
func (t *LimitData) NewState() any { return &limitState{} }

// Validate rejects a negative limit.
func (t *LimitData) Validate() error {
	if t.Bytes < 0 {
		return specErr("bytes", "%d: must not be negative", t.Bytes)
	}
	return nil
}

// Pipe implements Toxic.
func (t *LimitData) Pipe(s *Stub) {
	st := s.State.(*limitState)
	for st.sent < t.Bytes {
		c, eof, ok := s.recv()
		if !ok {
			if eof {
				s.Close()
			}
			return
		}
		if left := t.Bytes - st.sent; int64(len(c.Data)) > left {
			c.Data = c.Data[:left]
		}
		st.sent += int64(len(c.Data))
		if !s.Send(c) {
			return
		}
	}
	s.CloseConn()
	swallow(s)
}

var _ Toxic = (*LimitData)(nil)
