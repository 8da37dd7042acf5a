package netem

import (
	"net"
	"sync"
	"sync/atomic"
)

// proxyConn is one client connection and its upstream connection, with a
// link per direction.
type proxyConn struct {
	p      *Proxy
	id     uint64
	client *net.TCPConn
	server *net.TCPConn
	links  [2]*link // indexed by Stream

	closeOnce sync.Once
	closed    chan struct{}
	running   atomic.Int32
}

func newProxyConn(p *Proxy, id uint64, client, server *net.TCPConn) *proxyConn {
	c := &proxyConn{p: p, id: id, client: client, server: server, closed: make(chan struct{})}
	c.links[Downstream] = newLink(c, Downstream, server, client)
	c.links[Upstream] = newLink(c, Upstream, client, server)
	return c
}

// run serves both directions and returns when both have finished.
func (c *proxyConn) run() {
	c.running.Store(2)
	var wg sync.WaitGroup
	for _, l := range c.links {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.run()
			if c.running.Add(-1) == 0 {
				c.abort(false) // both directions ended: release the sockets
			}
		}()
	}
	wg.Wait()
}

// abort closes both sockets now; with reset, the peers get a RST.
func (c *proxyConn) abort(reset bool) {
	c.closeOnce.Do(func() {
		if reset {
			c.client.SetLinger(0)
			c.server.SetLinger(0)
		}
		close(c.closed)
		c.client.Close()
		c.server.Close()
	})
}
