package client

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"chaoslab/internal/api"
)

// Resolver finds the address of the server that hosts a device. Today the
// CLI resolves with a flag (Static); a state directory written by `up` can
// implement the same interface.
type Resolver interface {
	// Resolve returns "host:port" for device, or an *api.Error with
	// ReasonDeviceNotFound when no known server hosts it.
	Resolve(ctx context.Context, device string) (string, error)
}

// Static resolves every device to Default unless ByDevice (lower-case
// device name → address) says otherwise.
type Static struct {
	Default  string
	ByDevice map[string]string
}

// Resolve implements Resolver.
func (s Static) Resolve(_ context.Context, device string) (string, error) {
	if a, ok := s.ByDevice[strings.ToLower(device)]; ok {
		return a, nil
	}
	if s.Default == "" {
		return "", api.NewError(api.ReasonDeviceNotFound, fmt.Sprintf("no server known for device %s", device), "client")
	}
	return s.Default, nil
}

// Pool keeps one Client per server address and routes device names
// through a Resolver. It is safe for concurrent use.
type Pool struct {
	resolver Resolver
	mu       sync.Mutex
	clients  map[string]*Client
}

// NewPool returns a pool over r.
func NewPool(r Resolver) *Pool { return &Pool{resolver: r, clients: map[string]*Client{}} }

// Addr returns the client for a server address, connecting on first use.
func (p *Pool) Addr(ctx context.Context, addr string) (*Client, error) {
	p.mu.Lock()
	c, ok := p.clients[addr]
	p.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := Dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.clients[addr]; ok {
		c.Close()
		return old, nil
	}
	p.clients[addr] = c
	return c, nil
}

// Device returns the client for the server hosting device.
func (p *Pool) Device(ctx context.Context, device string) (*Client, error) {
	addr, err := p.resolver.Resolve(ctx, device)
	if err != nil {
		return nil, err
	}
	return p.Addr(ctx, addr)
}

// Close closes every client.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for a, c := range p.clients {
		c.Close()
		delete(p.clients, a)
	}
	return nil
}

// Peers resolves a device by asking a set of servers which of them hosts
// it (ListDevices with the device's name), remembering the answer.
type Peers struct {
	addrs []string
	mu    sync.Mutex
	known map[string]string
}

// NewPeers returns a resolver over the given server addresses.
func NewPeers(addrs []string) *Peers {
	return &Peers{addrs: addrs, known: map[string]string{}}
}

// Resolve implements Resolver.
func (p *Peers) Resolve(ctx context.Context, device string) (string, error) {
	key := strings.ToLower(device)
	p.mu.Lock()
	a, ok := p.known[key]
	p.mu.Unlock()
	if ok {
		return a, nil
	}
	for _, addr := range p.addrs {
		c, err := Dial(ctx, addr)
		if err != nil {
			continue
		}
		devs, err := c.ListDevices(ctx, device)
		c.Close()
		if err == nil && len(devs) > 0 {
			p.mu.Lock()
			p.known[key] = addr
			p.mu.Unlock()
			return addr, nil
		}
	}
	return "", api.NewError(api.ReasonDeviceNotFound, fmt.Sprintf("no peer server hosts device %s", device), "client")
}
