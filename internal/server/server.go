package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
)

// Options configure a Server. The zero value of every field but Model is a
// usable default.
type Options struct {
	Model  Model            // required
	Server string           // catalog server name(s), for ServerInfo
	Host   string           // catalog host, for ServerInfo
	Logger *slog.Logger     // default: discard
	Now    func() time.Time // default: time.Now
	Queue  int              // default subscriber ring size (events); default DefaultQueue
}

// Server serves one model on one TCP port. Create it with New, run it with
// Serve, stop it with Close.
type Server struct {
	opts  Options
	log   *slog.Logger
	now   func() time.Time
	start time.Time

	mu    sync.Mutex // the world lock: every Model call holds it
	model Model
	// polls counts the model's polls (under mu): events carry the count
	// of the poll that made them, subscribers the count at subscription.
	polls uint64

	fan    *fanout
	met    *metrics
	faults faultSet
	kick   chan struct{} // wakes the polling loop after a config change

	requests      atomic.Uint64
	eventsSent    atomic.Uint64
	eventsDropped atomic.Uint64

	http    *http.Server
	httpLn  *chanListener
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	connsMu sync.Mutex
	conns   map[net.Conn]struct{}
}

// New returns a server for opts.Model.
func New(opts Options) *Server {
	s := &Server{opts: opts, model: opts.Model, log: opts.Logger, now: opts.Now,
		fan: newFanout(), kick: make(chan struct{}, 1), conns: map[net.Conn]struct{}{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.start = s.now()
	s.met = newMetrics(opts.Server, opts.Host, func() float64 {
		s.mu.Lock()
		_, _, e := s.model.Stats()
		s.mu.Unlock()
		return float64(e)
	})
	s.ctx, s.cancel = context.WithCancel(context.Background())
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	s.http = &http.Server{Handler: s.Handler(), Protocols: &protocols, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	return s
}

// Serve accepts connections on ln, and on the more listeners (a Unix
// socket next to the TCP port), until Close. It returns nil after Close.
func (s *Server) Serve(ln net.Listener, more ...net.Listener) error {
	all := append([]net.Listener{ln}, more...)
	s.connsMu.Lock()
	if s.ctx.Err() != nil { // closed before it started
		s.connsMu.Unlock()
		for _, l := range all {
			l.Close()
		}
		return nil
	}
	if s.httpLn != nil {
		s.connsMu.Unlock()
		return errors.New("server is already serving")
	}
	s.httpLn = newChanListener(ln.Addr())
	s.wg.Add(3 + len(more))
	s.connsMu.Unlock()
	go func() { defer s.wg.Done(); _ = s.http.Serve(s.httpLn) }()
	go func() { defer s.wg.Done(); s.pollLoop() }()
	go func() {
		defer s.wg.Done()
		<-s.ctx.Done()
		for _, l := range all {
			l.Close()
		}
	}()
	for _, l := range more {
		go func() {
			defer s.wg.Done()
			if err := s.accept(l); err != nil {
				s.log.Error("accept", "addr", l.Addr(), "err", err)
			}
		}()
	}
	return s.accept(ln)
}

// accept serves the connections of ln until it fails or the server closes
// (nil).
func (s *Server) accept(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetNoDelay(true)
		}
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.sniff(c) }()
	}
}

// Close stops accepting, ends every connection and subscription, stops the
// polling loop and waits for all goroutines.
func (s *Server) Close() error {
	s.connsMu.Lock()
	s.cancel()
	ln := s.httpLn
	s.connsMu.Unlock()
	s.closeFaults()
	if ln != nil {
		ln.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = s.http.Shutdown(ctx)
		cancel()
		_ = s.http.Close()
	}
	s.connsMu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.connsMu.Unlock()
	s.wg.Wait()
	return nil
}

func (s *Server) track(c net.Conn, on bool) bool {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	if on {
		if s.ctx.Err() != nil {
			return false
		}
		s.conns[c] = struct{}{}
	} else {
		delete(s.conns, c)
	}
	return true
}

// Info returns the server's identity and counters.
func (s *Server) Info() *pb.ServerInfoResponse {
	s.mu.Lock()
	devs, attrs, evalErr := s.model.Stats()
	s.mu.Unlock()
	now := s.now()
	return &pb.ServerInfoResponse{
		Pid: int64(os.Getpid()), Server: s.opts.Server, Host: s.opts.Host,
		StartUnixNano: s.start.UnixNano(), UptimeMs: now.Sub(s.start).Milliseconds(),
		Devices: int64(devs), Attributes: int64(attrs), Subscribers: int64(s.fan.count()),
		Requests: s.requests.Load(), EventsSent: s.eventsSent.Load(), EventsDropped: s.eventsDropped.Load(),
		EvalErrors: evalErr, Version: "chaoslab/v1",
	}
}

// call is one decoded request and, after exec, its reply.
type call struct {
	kind api.Kind
	id   uint32
	req  any
	resp any
	err  error
	// A read on the framed fast path: names instead of req, the reply
	// encoded by readAppender.
	fastRead bool
	names    []string
	plan     *readPlan // the read's plan, if the connection keeps one
}

// exec runs one request against the model. The world lock must be held.
func (s *Server) exec(now time.Time, c *call) {
	switch r := c.req.(type) {
	case *pb.ListDevicesRequest:
		c.resp = &pb.ListDevicesResponse{Devices: s.model.Devices(r.Pattern)}
	case *pb.ReadRequest:
		c.resp = &pb.ReadResponse{Readings: s.model.Read(now, r.Names, make([]*pb.Reading, 0, len(r.Names)))}
	case *pb.WriteRequest:
		c.err = s.model.Write(now, r.Name, r.Value)
		c.resp = &pb.WriteResponse{}
		s.wakePoll() // deliver the events the write produced
	case *pb.CommandRequest:
		v, err := s.model.Command(now, r.Device, r.Command, r.Arg)
		c.resp, c.err = &pb.CommandResponse{Result: v}, err
		s.wakePoll()
	case *pb.GetConfigRequest:
		as, err := s.model.Config(r.Names)
		c.resp, c.err = &pb.GetConfigResponse{Attributes: as}, err
	case *pb.SetConfigRequest:
		a, err := s.model.SetConfig(now, r.Name, r.Config)
		c.resp, c.err = &pb.SetConfigResponse{Attribute: a}, err
		s.wakePoll()
	case *pb.StateRequest:
		c.resp = &pb.StateResponse{States: s.model.State(now, r.Devices)}
	case *pb.InjectFaultRequest:
		// Fault calls take the world lock themselves (after the fault
		// lock), so they run outside exec; see execFault.
		c.err = api.NewError(api.ReasonInternal, "fault request in exec", "server")
	default:
		c.err = api.NewError(api.ReasonBadRequest, "unsupported request "+c.kind.String(), "server")
	}
	s.applyFaults(c)
}

// isFaultCall reports whether c is a call of the fault endpoint, which
// runs without the world lock held (it takes it itself).
func isFaultCall(c *call) bool {
	switch c.req.(type) {
	case *pb.InjectFaultRequest, *pb.ClearFaultRequest, *pb.ListFaultsRequest:
		return true
	}
	return false
}

// execFault runs a call of the fault endpoint.
func (s *Server) execFault(c *call) {
	switch r := c.req.(type) {
	case *pb.InjectFaultRequest:
		ts, err := s.InjectFault(r.Fault)
		c.resp, c.err = &pb.InjectFaultResponse{Targets: ts}, err
	case *pb.ClearFaultRequest:
		c.resp = &pb.ClearFaultResponse{Cleared: s.ClearFaults(r.Ids, r.All)}
	case *pb.ListFaultsRequest:
		c.resp = &pb.ListFaultsResponse{Faults: s.Faults()}
	}
}

// do runs one request under the world lock, with metrics. ctx ends a wait
// for an injected latency early (the client went away).
func (s *Server) do(ctx context.Context, c *call) {
	t0 := time.Now()
	if isFaultCall(c) {
		s.execFault(c)
	} else {
		if len(s.deviceHooks()) > 0 {
			s.faultWait(ctx, func() time.Duration { return s.faultDelay(c) })
		}
		s.mu.Lock()
		s.exec(s.now(), c)
		s.mu.Unlock()
	}
	s.requests.Add(1)
	s.met.observe(c.kind, c.err != nil, time.Since(t0).Seconds())
}

func (s *Server) wakePoll() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// testHookPolled, if set, is called between a poll that made events and
// their publication (outside the world lock).
var testHookPolled func([]Event)

// pollLoop advances the model at the earliest due polling time and hands
// the resulting events to the fan-out.
func (s *Server) pollLoop() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var evs []Event
	touched := map[*subscriber]struct{}{}
	for {
		s.mu.Lock()
		var next time.Time
		s.polls++
		poll := s.polls
		evs, next = s.model.Advance(s.now(), s.fan.wanted, evs[:0])
		s.mu.Unlock()
		evs = s.floodEvents(evs)
		if len(evs) > 0 {
			if testHookPolled != nil {
				testHookPolled(evs)
			}
			_, d := s.fan.publish(evs, poll, touched)
			if d > 0 {
				s.eventsDropped.Add(uint64(d))
				s.met.eventsDrop.Add(float64(d))
			}
			clear(evs)
		}
		wait := time.Hour
		if !next.IsZero() {
			wait = max(next.Sub(s.now()), 0)
		}
		timer.Reset(wait)
		select {
		case <-s.ctx.Done():
			return
		case <-timer.C:
		case <-s.kick:
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
		}
	}
}
