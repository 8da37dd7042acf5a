package netem

import "math/rand/v2"

// Slicer cuts each chunk into pieces of about AverageSize bytes (each cut is
// moved by up to ±SizeVariation) and sends them Delay apart, simulating TCP
// fragmentation: readers that assume one read = one message break.
type Slicer struct {
	AverageSize   int      `json:"average_size"`
	SizeVariation int      `json:"size_variation"`
	Delay         Duration `json:"delay"`
}

// Validate checks sizes and delay.
func (t *Slicer) Validate() error {
	if t.AverageSize < 1 {
		return specErr("average_size", "%d: must be at least 1", t.AverageSize)
	}
	if t.SizeVariation < 0 || t.SizeVariation >= t.AverageSize {
		return specErr("size_variation", "%d: want 0 <= size_variation < average_size (%d)", t.SizeVariation, t.AverageSize)
	}
	return nonNegative("delay", t.Delay)
}

// cuts appends to out the piece lengths of an n-byte chunk, bisecting around
// the middle ± variation until every piece is at most average+variation.
func (t *Slicer) cuts(out []int, n int, r *rand.Rand) []int {
	if n <= t.AverageSize+t.SizeVariation || n < 2 {
		return append(out, n)
	}
	mid := n / 2
	if t.SizeVariation > 0 {
		mid += r.IntN(2*t.SizeVariation+1) - t.SizeVariation
	}
	mid = max(1, min(mid, n-1))
	out = t.cuts(out, mid, r)
	return t.cuts(out, n-mid, r)
}

// Pipe implements Toxic.
func (t *Slicer) Pipe(s *Stub) {
	var sizes []int
	for {
		c, eof, ok := s.recv()
		if !ok {
			if eof {
				s.Close()
			}
			return
		}
		sizes = t.cuts(sizes[:0], len(c.Data), s.Rand)
		data := c.Data
		for i, n := range sizes {
			if i > 0 && !s.sleep(t.Delay.D()) {
				s.Send(&Chunk{Data: data, Time: c.Time})
				return
			}
			if !s.Send(&Chunk{Data: data[:n:n], Time: c.Time}) {
				if n < len(data) {
					s.Send(&Chunk{Data: data[n:], Time: c.Time})
				}
				return
			}
			data = data[n:]
		}
	}
}

var _ Toxic = (*Slicer)(nil)
