package load

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/client"
)

// ClientBackend runs operations over internal/client: Connections
// pipelined connections per server, used round-robin.
type ClientBackend struct {
	addrs []string
	conns [][]*client.Client
	next  atomic.Uint64
}

// DialBackend connects n connections to each address (loopback only).
func DialBackend(ctx context.Context, addrs []string, n int) (*ClientBackend, error) {
	if err := CheckLoopback(addrs); err != nil {
		return nil, err
	}
	if n < 1 {
		n = 1
	}
	b := &ClientBackend{addrs: addrs, conns: make([][]*client.Client, len(addrs))}
	for i, a := range addrs {
		for j := 0; j < n; j++ {
			c, err := client.Dial(ctx, a)
			if err != nil {
				b.Close()
				return nil, err
			}
			b.conns[i] = append(b.conns[i], c)
		}
	}
	return b, nil
}

// Close closes every connection.
func (b *ClientBackend) Close() error {
	for _, cs := range b.conns {
		for _, c := range cs {
			c.Close()
		}
	}
	return nil
}

// Do implements Backend.
func (b *ClientBackend) Do(ctx context.Context, op *Op) error {
	cs := b.conns[op.Server]
	c := cs[0]
	if len(cs) > 1 {
		c = cs[b.next.Add(1)%uint64(len(cs))]
	}
	switch op.Kind {
	case OpRead, OpBatch, OpPoll:
		return c.ReadCheck(ctx, op.Names)
	case OpWrite:
		return c.Write(ctx, op.Names[0], op.Value)
	case OpCommand:
		_, err := c.Command(ctx, op.Device, op.Command, nil)
		return err
	}
	return fmt.Errorf("load: unknown operation %d", op.Kind)
}

// Subscribe implements Subscriber.
func (b *ClientBackend) Subscribe(ctx context.Context, server int, names []string, typ pb.EventType) (Stream, error) {
	s, err := b.conns[server][0].Subscribe(ctx, names, typ, client.SubscribeOptions{})
	if err != nil {
		return nil, err
	}
	cs := &clientStream{s: s, c: make(chan Batch, 16)}
	go cs.pump()
	return cs, nil
}

type clientStream struct {
	s *client.Subscription
	c chan Batch
}

func (cs *clientStream) pump() {
	defer close(cs.c)
	for b := range cs.s.C {
		if b.Initial {
			// The values at subscription: not events of the run, and
			// their "lag" would be the values' age.
			continue
		}
		out := Batch{Dropped: b.Dropped, Events: make([]Event, len(b.Events))}
		for i, e := range b.Events {
			ev := Event{Name: e.Name}
			if e.Reading != nil {
				ev.UnixNano = e.Reading.TimeUnixNano
				ev.Err = len(e.Reading.Errors) > 0
			}
			out.Events[i] = ev
		}
		cs.c <- out
	}
}

func (cs *clientStream) C() <-chan Batch { return cs.c }
func (cs *clientStream) Close() error {
	err := cs.s.Close()
	for range cs.c { // let pump finish
	}
	return err
}
func (cs *clientStream) Err() error { return cs.s.Err() }

// Resolver maps a device to its server address (client.Resolver).
type Resolver = client.Resolver

// ResolveTargets expands attribute patterns and command names on the given
// servers. Each pattern is asked of every server (GetConfig with
// wildcards); a pattern that matches nowhere is an error. Writable
// attributes get the value they hold now, which writes send back.
func ResolveTargets(ctx context.Context, b *ClientBackend, patterns, commands []string) (*Targets, error) {
	t := &Targets{Servers: b.addrs}
	seen := map[string]bool{}
	for _, p := range patterns {
		matched := false
		for si := range b.addrs {
			c := b.conns[si][0]
			infos, err := c.GetConfig(ctx, []string{p})
			if err != nil {
				if r := api.ReasonOf(err); r == api.ReasonDeviceNotFound || r == api.ReasonAttrNotFound {
					continue
				}
				return nil, fmt.Errorf("target %q on %s: %w", p, b.addrs[si], err)
			}
			var writable []string
			for _, in := range infos {
				key := strings.ToLower(in.Name)
				if seen[key] {
					continue
				}
				seen[key] = true
				matched = true
				t.Attrs = append(t.Attrs, Attr{Name: in.Name, Server: si})
				if in.Writable {
					writable = append(writable, in.Name)
				}
			}
			if len(writable) > 0 {
				rs, err := c.ReadAttributes(ctx, writable)
				if err != nil {
					return nil, fmt.Errorf("target %q on %s: %w", p, b.addrs[si], err)
				}
				vals := map[string]*pb.Value{}
				for _, r := range rs {
					if len(r.Errors) == 0 && r.Value != nil {
						vals[strings.ToLower(r.Name)] = r.Value
					}
				}
				for i := range t.Attrs {
					if v, ok := vals[strings.ToLower(t.Attrs[i].Name)]; ok && t.Attrs[i].Server == si {
						t.Attrs[i].Value = v
					}
				}
			}
		}
		if !matched {
			return nil, fmt.Errorf("target %q matches no attribute on %s", p, strings.Join(b.addrs, ", "))
		}
	}
	for _, name := range commands {
		i := strings.LastIndexByte(name, '/')
		if i <= 0 {
			return nil, fmt.Errorf("command %q: want device/command", name)
		}
		dev, cmd := name[:i], name[i+1:]
		found := false
		for si := range b.addrs {
			devs, err := b.conns[si][0].ListDevices(ctx, dev)
			if err != nil || len(devs) == 0 {
				continue
			}
			for _, d := range devs {
				for _, ci := range d.Commands {
					if strings.EqualFold(ci.Name, cmd) {
						t.Commands = append(t.Commands, Cmd{Device: d.Name, Command: ci.Name, Server: si})
						found = true
					}
				}
			}
		}
		if !found {
			return nil, fmt.Errorf("command %q matches no device command on %s", name, strings.Join(b.addrs, ", "))
		}
	}
	return t, nil
}
