package server

import (
	"fmt"
	"time"

	"chaoslab/internal/alarm"
	"chaoslab/internal/catalog"
	"chaoslab/internal/client"
	"chaoslab/internal/sim"
)

// OpenOptions select what one server process hosts.
type OpenOptions struct {
	Servers []string  // catalog servers to host (or Host)
	Host    string    // host all servers of this catalog host
	Seed    uint64    // model random seed
	Start   time.Time // model start time (t = 0)
	Py3     bool      // Python 3 formula semantics
	// Peers are other servers' addresses for cross-server formula reads.
	Peers []string
	// AlarmNotify receives the notification records of PyAlarm devices,
	// from the model's goroutine: it must not block. Nil drops them.
	AlarmNotify func(alarm.Notification)
}

// OpenModel builds the model for the devices of cat selected by o. The
// returned pool (nil without peers) must be closed after the server.
func OpenModel(cat *catalog.Catalog, o OpenOptions) (*SimModel, *client.Pool, error) {
	so := sim.Options{Servers: o.Servers, Host: o.Host, Seed: o.Seed, Start: o.Start, Py3: o.Py3}
	// PyAlarm devices run in the server that hosts them, like any device.
	// GROUP/FIND and alarm tags search the whole catalog, not only this
	// server's devices.
	so.Kinds = alarm.Kinds(alarm.Options{Catalog: cat, Start: o.Start, Notify: o.AlarmNotify})
	var pool *client.Pool
	if len(o.Peers) > 0 {
		pool = client.NewPool(client.NewPeers(o.Peers))
		so.Remote = NewRemote(pool, time.Second)
	}
	w, err := sim.New(cat, so)
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, nil, err
	}
	m := NewSimModel(w)
	if len(m.devs) == 0 {
		if pool != nil {
			pool.Close()
		}
		return nil, nil, fmt.Errorf("no devices to serve (servers %v, host %q)", o.Servers, o.Host)
	}
	return m, pool, nil
}

// CheckDevices asks every device for its state once; the server is ready
// when this returns nil.
func (s *Server) CheckDevices() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sts := s.model.State(s.now(), []string{"*"})
	for _, st := range sts {
		if len(st.Errors) > 0 {
			return fmt.Errorf("device %s does not answer: %s", st.Device, st.Errors[0].Desc)
		}
	}
	return nil
}
