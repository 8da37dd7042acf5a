package netem

import "time"

// Latency delays every chunk by Latency ± a uniform Jitter, measured from
// when the proxy read the chunk, so time spent queued in earlier toxics is
// not added again. Stacked latency toxics add up. Order is preserved.
type Latency struct {
	Latency Duration `json:"latency"`
	Jitter  Duration `json:"jitter"`
}

// BufferSize lets chunks queue while earlier ones wait.
func (t *Latency) BufferSize() int { return 1024 }

// Validate rejects negative durations.
func (t *Latency) Validate() error {
	if err := nonNegative("latency", t.Latency); err != nil {
		return err
	}
	return nonNegative("jitter", t.Jitter)
}

// Pipe implements Toxic.
func (t *Latency) Pipe(s *Stub) {
	for {
		c, eof, ok := s.recv()
		if !ok {
			if eof {
				s.Close()
			}
			return
		}
		d := t.Latency.D()
		if j := t.Jitter.D(); j > 0 {
			d += time.Duration(s.Rand.Int64N(int64(2*j))) - j
		}
		// On interrupt the chunk is flushed (kept for the next pipeline), not dropped.
		due := c.Time.Add(d)
		if !s.sleep(time.Until(due)) {
			s.Send(c)
			return
		}
		// Later stages measure from the due time, so stacked latencies add up.
		c.Time = due
		if !s.Send(c) {
			return
		}
	}
}

var _ Toxic = (*Latency)(nil)
