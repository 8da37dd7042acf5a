package server

import (
	"fmt"
	"strings"
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
	if err := checkServerNames(cat, o.Servers); err != nil {
		return nil, nil, err
	}
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

// checkServerNames refuses a server name the catalog does not have: with
// other names that exist, it would be skipped without a word.
func checkServerNames(cat *catalog.Catalog, names []string) error {
	have := make(map[string]bool, len(cat.Servers))
	for _, srv := range cat.Servers {
		have[strings.ToLower(srv.Name)] = true
	}
	for _, n := range names {
		if have[strings.ToLower(n)] {
			continue
		}
		var list []string
		for i, srv := range cat.Servers {
			if i == 10 {
				list = append(list, fmt.Sprintf("... (%d in all)", len(cat.Servers)))
				break
			}
			list = append(list, srv.Name)
		}
		return fmt.Errorf("server %q is not in the catalog (it has %s)", n, strings.Join(list, ", "))
	}
	return nil
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
