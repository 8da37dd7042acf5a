package netem

// Loss drops data. With Scope "chunk" (the default) each chunk read from the
// socket is dropped with Probability, so the peer sees missing bytes (TCP
// itself never loses them; this models a lossy application path). With Scope
// "connection" a connection that gets the toxic is reset (RST) with
// Probability when the toxic starts applying to it, once per connection.
type Loss struct {
	Probability float64 `json:"probability"`
	Scope       string  `json:"scope"`
}

type lossState struct{ decided bool }

// NewState implements Stateful: the connection-scope roll happens once.
func (t *Loss) NewState() any { return &lossState{} }

// Validate checks the probability and scope.
func (t *Loss) Validate() error {
	if err := probability("probability", t.Probability); err != nil {
		return err
	}
	if t.Scope != "" && t.Scope != "chunk" && t.Scope != "connection" {
		return specErr("scope", "%q: want chunk or connection", t.Scope)
	}
	return nil
}

// Pipe implements Toxic.
func (t *Loss) Pipe(s *Stub) {
	if t.Scope == "connection" {
		st := s.State.(*lossState)
		if !st.decided {
			st.decided = true
			if s.Rand.Float64() < t.Probability {
				s.Reset()
				swallow(s)
				return
			}
		}
		passthrough(s)
		return
	}
	for {
		c, eof, ok := s.recv()
		if !ok {
			if eof {
				s.Close()
			}
			return
		}
		if s.Rand.Float64() < t.Probability {
			continue
		}
		if !s.Send(c) {
			return
		}
	}
}

var _ Toxic = (*Loss)(nil)
