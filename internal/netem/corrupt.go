package netem

// Corrupt flips one random bit in each byte with Probability, so the peer
// reads the right number of bytes with wrong contents.
type Corrupt struct {
	Probability float64 `json:"probability"`
}

// Validate checks the probability.
func (t *Corrupt) Validate() error { return probability("probability", t.Probability) }

// Pipe implements Toxic.
func (t *Corrupt) Pipe(s *Stub) {
	for {
		c, eof, ok := s.recv()
		if !ok {
			if eof {
				s.Close()
			}
			return
		}
		if t.Probability > 0 {
			for i := range c.Data {
				if s.Rand.Float64() < t.Probability {
					c.Data[i] ^= 1 << s.Rand.IntN(8)
				}
			}
		}
		if !s.Send(c) {
			return
		}
	}
}

var _ Toxic = (*Corrupt)(nil)
