package netem

// ResetPeer simulates a peer reset: on the first chunk after the toxic starts
// applying, it waits Timeout and then aborts the whole connection with a TCP
// RST on both sockets (SO_LINGER 0). That chunk and anything after it are not
// delivered. Unlike Toxiproxy, the RST is sent also on connections that were
// open before the toxic was added.
type ResetPeer struct {
	Timeout Duration `json:"timeout"`
}

// Validate rejects a negative timeout.
func (t *ResetPeer) Validate() error { return nonNegative("timeout", t.Timeout) }

// Pipe implements Toxic.
func (t *ResetPeer) Pipe(s *Stub) {
	c, eof, ok := s.recv()
	if !ok {
		if eof {
			s.Close()
		}
		return
	}
	if !s.sleep(t.Timeout.D()) {
		s.Send(c)
		return
	}
	s.Reset()
	swallow(s)
}

var _ Toxic = (*ResetPeer)(nil)
