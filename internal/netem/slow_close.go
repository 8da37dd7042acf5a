package netem

// SlowClose passes data unchanged but holds the end of stream (FIN) back for
// Delay after the source closed.
type SlowClose struct {
	Delay Duration `json:"delay"`
}

// Validate rejects a negative delay.
func (t *SlowClose) Validate() error { return nonNegative("delay", t.Delay) }

// Pipe implements Toxic.
func (t *SlowClose) Pipe(s *Stub) {
	for {
		c, eof, ok := s.recv()
		if !ok {
			if eof && s.sleep(t.Delay.D()) {
				s.Close()
			}
			return
		}
		if !s.Send(c) {
			return
		}
	}
}

var _ Toxic = (*SlowClose)(nil)
