package server

import (
	"bufio"
	"net"
	"sync"
	"time"

	"chaoslab/internal/api"
)

// sniff reads a connection's first byte: the framed protocol's magic starts
// with 0xff, which no HTTP request does; everything else goes to net/http.
func (s *Server) sniff(c net.Conn) {
	br := bufio.NewReaderSize(c, 32<<10)
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	b, err := br.Peek(1)
	_ = c.SetReadDeadline(time.Time{})
	if err != nil {
		c.Close()
		return
	}
	if b[0] == api.Magic[0] {
		s.serveFramed(c, br)
		return
	}
	if !s.httpLn.push(&peekedConn{Conn: c, r: br}) {
		c.Close()
	}
}

// peekedConn replays the bytes sniff has buffered.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (p *peekedConn) Read(b []byte) (int, error) { return p.r.Read(b) }

// chanListener is the net.Listener net/http serves: sniff pushes the HTTP
// connections into it.
type chanListener struct {
	addr net.Addr
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newChanListener(addr net.Addr) *chanListener {
	return &chanListener{addr: addr, ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *chanListener) push(c net.Conn) bool {
	select {
	case l.ch <- c:
		return true
	case <-l.done:
		return false
	}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return l.addr }
