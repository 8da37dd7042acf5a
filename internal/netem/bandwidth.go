package netem

import "time"

// Bandwidth limits a direction to Rate kilobytes (1000 bytes) per second.
// Large chunks are split so that a piece goes out at least every 100 ms.
// Pacing is by an absolute schedule, so timer granularity does not
// accumulate. Rate 0 means unlimited.
type Bandwidth struct {
	Rate int64 `json:"rate"`
}

// Validate rejects a negative rate.
func (t *Bandwidth) Validate() error {
	if t.Rate < 0 {
		return specErr("rate", "%d: must not be negative", t.Rate)
	}
	return nil
}

// Pipe implements Toxic.
func (t *Bandwidth) Pipe(s *Stub) {
	if t.Rate <= 0 {
		passthrough(s)
		return
	}
	perPiece := int(min(t.Rate*100, 1<<20)) // bytes in 100 ms
	var next time.Time
	for {
		c, eof, ok := s.recv()
		if !ok {
			if eof {
				s.Close()
			}
			return
		}
		for data := c.Data; len(data) > 0; {
			n := min(len(data), perPiece)
			if now := time.Now(); next.Before(now) {
				next = now
			}
			next = next.Add(time.Duration(n) * time.Second / time.Duration(t.Rate*1000))
			if !s.sleep(time.Until(next)) {
				s.Send(&Chunk{Data: data, Time: c.Time})
				return
			}
			if !s.Send(&Chunk{Data: data[:n], Time: c.Time}) {
				if n < len(data) {
					s.Send(&Chunk{Data: data[n:], Time: c.Time})
				}
				return
			}
			data = data[n:]
		}
	}
}

var _ Toxic = (*Bandwidth)(nil)
