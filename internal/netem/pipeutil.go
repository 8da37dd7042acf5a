package netem

import "time"

// recv returns the next chunk, or ok=false on end of stream (eof=true) or
// interrupt (eof=false).
func (s *Stub) recv() (c *Chunk, eof, ok bool) {
	select {
	case <-s.Interrupt:
		return nil, false, false
	case c, ok := <-s.Input:
		if !ok {
			return nil, true, false
		}
		return c, false, true
	}
}

// passthrough forwards everything unchanged (a toxic that does nothing, or
// one whose effect is over).
func passthrough(s *Stub) {
	for {
		c, eof, ok := s.recv()
		if !ok {
			if eof {
				s.Close()
			}
			return
		}
		if !s.Send(c) {
			return
		}
	}
}

// swallow discards input until interrupt or end of stream; used after a
// toxic has closed or reset its connection.
func swallow(s *Stub) {
	for {
		if _, _, ok := s.recv(); !ok {
			return
		}
	}
}

// sleep waits d unless interrupted first; it reports whether it slept fully.
func (s *Stub) sleep(d time.Duration) bool {
	if d <= 0 {
		return !s.Interrupted()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.Interrupt:
		return false
	}
}

func nonNegative(key string, d Duration) error {
	if d < 0 {
		return specErr(key, "%v: must not be negative", d)
	}
	return nil
}

func probability(key string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return specErr(key, "%v: want a probability in [0, 1]", p)
	}
	return nil
}
