package netem

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// ProxyInfo is a proxy as the control API shows it.
type ProxyInfo struct {
	Name     string      `json:"name"`
	Listen   string      `json:"listen"`
	Upstream string      `json:"upstream"`
	Toxics   []ToxicSpec `json:"toxics"`
}

// apiError is the JSON body of every error response.
type apiError struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// settleTimeout bounds how long a control request waits for live
// connections to switch; the change itself is never rolled back.
const settleTimeout = 5 * time.Second

// Server is the HTTP/JSON control API over a set of named proxies:
//
//	GET    /proxies                          all proxies and their toxics
//	GET    /proxies/{name}/toxics            one proxy's toxics
//	POST   /proxies/{name}/toxics            add a toxic (JSON spec) → 201
//	DELETE /proxies/{name}/toxics/{toxic}    remove a toxic → 204
//	POST   /reset                            remove every toxic → 204
//
// Requests never wait on a slow connection for more than settleTimeout
// (Toxiproxy's API could hang removing toxics under traffic).
type Server struct {
	mu      sync.Mutex
	proxies map[string]*Proxy
	ln      net.Listener
	srv     *http.Server
}

// NewServer returns a server with no proxies.
func NewServer() *Server { return &Server{proxies: map[string]*Proxy{}} }

// Register makes p reachable under its name.
func (s *Server) Register(p *Proxy) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.Name() == "" {
		return errors.New("netem: a registered proxy needs a name")
	}
	if _, dup := s.proxies[p.Name()]; dup {
		return fmt.Errorf("netem: proxy %q registered twice", p.Name())
	}
	s.proxies[p.Name()] = p
	return nil
}

func (s *Server) proxy(name string) (*Proxy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.proxies[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("%w: %q", ErrProxyNotFound, name)
}

// Handler returns the API's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /proxies", s.list)
	mux.HandleFunc("GET /proxies/{name}/toxics", s.toxics)
	mux.HandleFunc("POST /proxies/{name}/toxics", s.add)
	mux.HandleFunc("DELETE /proxies/{name}/toxics/{toxic}", s.remove)
	mux.HandleFunc("POST /reset", s.reset)
	return mux
}

// Start serves the API on addr (default "127.0.0.1:0").
func (s *Server) Start(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("netem: control API: %w", err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln)
	return nil
}

// URL returns the API's base URL once started.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops the API (not the proxies).
func (s *Server) Close() error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Close()
}

func info(p *Proxy) ProxyInfo {
	t := p.Toxics()
	if t == nil {
		t = []ToxicSpec{}
	}
	return ProxyInfo{Name: p.Name(), Listen: p.Addr(), Upstream: p.Upstream(), Toxics: t}
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out := map[string]ProxyInfo{}
	for name, p := range s.proxies {
		out[name] = info(p)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) toxics(w http.ResponseWriter, r *http.Request) {
	p, err := s.proxy(r.PathValue("name"))
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, info(p).Toxics)
}

func (s *Server) add(w http.ResponseWriter, r *http.Request) {
	p, err := s.proxy(r.PathValue("name"))
	if err != nil {
		writeErr(w, err)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err != nil {
		writeErr(w, err)
		return
	}
	spec, err := DecodeToxic(body)
	if err != nil {
		writeErr(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), settleTimeout)
	defer cancel()
	h, err := p.Add(ctx, spec)
	if err != nil && !errors.Is(err, ErrNotSettled) {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, h.Spec())
}

func (s *Server) remove(w http.ResponseWriter, r *http.Request) {
	p, err := s.proxy(r.PathValue("name"))
	if err != nil {
		writeErr(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), settleTimeout)
	defer cancel()
	if err := p.Remove(ctx, r.PathValue("toxic")); err != nil && !errors.Is(err, ErrNotSettled) {
		writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ps := make([]*Proxy, 0, len(s.proxies))
	for _, p := range s.proxies {
		ps = append(ps, p)
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(r.Context(), settleTimeout)
	defer cancel()
	for _, p := range ps {
		p.Reset(ctx) // an unsettled connection still switches; keep resetting the rest
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// statusOf maps errors to HTTP statuses.
func statusOf(err error) int {
	var se *SpecError
	switch {
	case errors.As(err, &se):
		return http.StatusBadRequest
	case errors.Is(err, ErrProxyNotFound), errors.Is(err, ErrToxicNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrToxicExists):
		return http.StatusConflict
	case errors.Is(err, ErrClosed):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func writeErr(w http.ResponseWriter, err error) {
	st := statusOf(err)
	writeJSON(w, st, apiError{Error: err.Error(), Status: st})
}
