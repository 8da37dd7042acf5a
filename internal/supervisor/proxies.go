package supervisor

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"chaoslab/internal/netem"
)

// proxies are the supervisor's netem proxies, one per server (named after
// it), and the netem control API over them. They live in the supervisor
// process, which outlives the CLI commands that add toxics, so a toxic
// stays until it is removed or its deadline passes.
//
// netem.Server cannot unregister a proxy, so the HTTP endpoint delegates
// to the current netem.Server, rebuilt when a proxy is replaced (its
// server moved to another address).
type proxies struct {
	seed    uint64
	byName  map[string]*netem.Proxy
	handler atomic.Pointer[http.Handler]
	hs      *http.Server
	url     string
}

// startProxies serves the netem control API on 127.0.0.1:0.
func startProxies(seed uint64) (*proxies, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	px := &proxies{seed: seed, byName: map[string]*netem.Proxy{}}
	px.rebuild()
	px.hs = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		(*px.handler.Load()).ServeHTTP(w, r)
	})}
	go px.hs.Serve(ln)
	px.url = "http://" + ln.Addr().String()
	return px, nil
}

// rebuild installs a control API over the current proxies.
func (px *proxies) rebuild() {
	api := netem.NewServer()
	for _, p := range px.byName {
		api.Register(p) // names are unique: byName is keyed by them
	}
	h := api.Handler()
	px.handler.Store(&h)
}

// ensure gives sv a proxy whose upstream is sv.Addr, listening on
// sv.ProxyAddr when it has one (the address clients and peers hold), and
// records the proxy's address in sv. A proxy replaced because its server
// moved keeps its toxics.
func (px *proxies) ensure(sv *Server) error {
	old := px.byName[sv.Name]
	if old != nil && old.Upstream() == sv.Addr {
		return nil
	}
	var keep []netem.ToxicSpec
	if old != nil {
		keep = old.Toxics()
		old.Close() // frees the listen address for the new one
	}
	listen := sv.ProxyAddr
	p := netem.New(netem.Config{Name: sv.Name, Listen: listen, Upstream: sv.Addr, Seed: px.seed})
	if err := p.Start(); err != nil {
		if listen == "" {
			return err
		}
		// The recorded address is taken: clients holding it lose the
		// server, as with a real server that moved.
		p = netem.New(netem.Config{Name: sv.Name, Upstream: sv.Addr, Seed: px.seed})
		if err := p.Start(); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	now := time.Now()
	for _, t := range keep {
		if t.Deadline.IsZero() || t.Deadline.After(now) {
			p.Add(ctx, t)
		}
	}
	px.byName[sv.Name] = p
	sv.ProxyAddr = p.Addr()
	px.rebuild()
	return nil
}

// close stops the API and every proxy.
func (px *proxies) close() {
	px.hs.Close()
	for _, p := range px.byName {
		p.Close()
	}
}
