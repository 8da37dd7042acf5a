package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/client"
)

// RunConfig is what `chaoslab serve` runs.
type RunConfig struct {
	Catalog string   // catalog file
	Servers []string // catalog servers to host (or Host)
	Host    string
	Listen  string // default 127.0.0.1:0
	// ListenFD, if not 0, is an inherited listening socket to serve on
	// instead of binding Listen (which, if it names a port, must be the
	// socket's address): the supervisor binds the port itself so that no
	// other process can take it between choosing it and serving on it.
	ListenFD int
	// Unix, if set, is the path of a Unix socket served as well (a stale
	// socket of a dead server there is replaced).
	Unix      string
	ReadyFile string // written once every device answers ("" = none)
	Seed      uint64
	Py3       bool
	Peers     []string // other servers, for cross-server formula reads
	Queue     int      // default subscriber queue length
}

// Hooks extend Start for what RunConfig cannot carry (the CLI's PyAlarm
// notification dispatcher). The zero value adds nothing.
type Hooks struct {
	// ModelStart is the model's t = 0 (zero: now).
	ModelStart time.Time
	// Open runs after the listener is bound (addr is its address) and
	// before the model is opened; it may fill o (AlarmNotify). The
	// returned close function, if any, runs after the server has closed,
	// also when startup fails later on.
	Open func(addr string, cat *catalog.Catalog, o *OpenOptions) (close func(), err error)
	// Ready, if set, runs once every device answers, just before the
	// ready file is written (serve returns its startup garbage to the
	// OS there, so that whoever waits for the file sees the steady
	// state).
	Ready func()
}

// Running is a started server: Start returns it once every device
// answers (and the ready file is written).
type Running struct {
	Addr   string    // the bound address
	Unix   string    // the Unix socket's path ("" = none)
	Server *Server   // the server
	Model  *SimModel // its model
	errc   chan error
	pool   *client.Pool
	hook   func()
	log    *slog.Logger
}

// Done delivers Serve's result if it ends on its own (accept failure).
func (r *Running) Done() <-chan error { return r.errc }

// Close stops the server, then runs the hook's close function and closes
// the peer pool.
func (r *Running) Close() error {
	err := r.Server.Close()
	if r.hook != nil {
		r.hook()
	}
	if r.pool != nil {
		r.pool.Close()
	}
	return err
}

// listen binds cfg.Listen, or takes the socket inherited as cfg.ListenFD.
func listen(cfg RunConfig) (net.Listener, error) {
	if cfg.ListenFD == 0 {
		return net.Listen("tcp", cfg.Listen)
	}
	if cfg.ListenFD < 3 {
		return nil, fmt.Errorf("listen fd %d: want an inherited descriptor, 3 or more (0-2 are stdin, stdout, stderr)", cfg.ListenFD)
	}
	// Checked before an os.File owns the descriptor: closing a wrong one
	// (the runtime's own poller, say) would break the process.
	if on, err := syscall.GetsockoptInt(cfg.ListenFD, syscall.SOL_SOCKET, syscall.SO_ACCEPTCONN); err != nil || on == 0 {
		if err == nil {
			err = errors.New("the socket is not listening")
		}
		return nil, fmt.Errorf("listen fd %d: want an inherited listening TCP socket: %w", cfg.ListenFD, err)
	}
	f := os.NewFile(uintptr(cfg.ListenFD), "listen-fd")
	ln, err := net.FileListener(f)
	f.Close() // FileListener made its own descriptor
	if err != nil {
		return nil, fmt.Errorf("listen fd %d: want an inherited listening TCP socket: %w", cfg.ListenFD, err)
	}
	if _, ok := ln.(*net.TCPListener); !ok {
		ln.Close()
		return nil, fmt.Errorf("listen fd %d: want a TCP socket, got %s", cfg.ListenFD, ln.Addr().Network())
	}
	if _, port, _ := net.SplitHostPort(cfg.Listen); port != "" && port != "0" && ln.Addr().String() != cfg.Listen {
		ln.Close()
		return nil, fmt.Errorf("listen fd %d is bound to %s, not %s", cfg.ListenFD, ln.Addr(), cfg.Listen)
	}
	return ln, nil
}

// listenUnix listens on the Unix socket path, replacing a stale socket
// (one nothing accepts on: its server died without removing it) but never
// a live one or another kind of file. A name starting with @ is in Linux's
// abstract namespace: no file, nothing stale.
func listenUnix(path string) (net.Listener, error) {
	if strings.HasPrefix(path, "@") {
		return net.Listen("unix", path)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != os.ModeSocket {
			return nil, fmt.Errorf("unix socket %s: the path exists and is not a socket", path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("unix socket %s: another process serves there", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("unix socket %s: remove the stale socket: %w", path, err)
		}
	}
	return net.Listen("unix", path)
}

// Start opens the model of cfg, serves it on cfg.Listen and returns once
// every device answers. Startup problems are returned before anything is
// served.
func Start(cfg RunConfig, hooks Hooks, log *slog.Logger) (*Running, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Catalog == "" {
		return nil, fmt.Errorf("no catalog given")
	}
	if len(cfg.Servers) > 0 && cfg.Host != "" {
		return nil, fmt.Errorf("a server process hosts either servers or a host, not both")
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	start := time.Now()
	modelStart := hooks.ModelStart
	if modelStart.IsZero() {
		modelStart = start
	}
	cat, err := catalog.Load(cfg.Catalog)
	if err != nil {
		return nil, err
	}
	// Listen first: hooks (ACTION commands on this server's own devices)
	// need the address before the model exists.
	ln, err := listen(cfg)
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	var more []net.Listener
	if cfg.Unix != "" {
		ul, err := listenUnix(cfg.Unix)
		if err != nil {
			ln.Close()
			return nil, err
		}
		more = append(more, ul)
	}
	closeListeners := func() {
		ln.Close()
		for _, l := range more {
			l.Close()
		}
	}
	oo := OpenOptions{Servers: cfg.Servers, Host: cfg.Host, Seed: cfg.Seed, Start: modelStart, Py3: cfg.Py3, Peers: cfg.Peers}
	var hook func()
	if hooks.Open != nil {
		if hook, err = hooks.Open(addr, cat, &oo); err != nil {
			closeListeners()
			return nil, err
		}
	}
	model, pool, err := OpenModel(cat, oo)
	if err != nil {
		closeListeners()
		if hook != nil {
			hook()
		}
		return nil, err
	}
	for _, p := range model.World().Problems() {
		log.Warn("catalog problem", "problem", p.Error())
	}
	name := strings.Join(cfg.Servers, ",")
	srv := New(Options{Model: model, Server: name, Host: cfg.Host, Logger: log, Queue: cfg.Queue})
	r := &Running{Addr: addr, Unix: cfg.Unix, Server: srv, Model: model, errc: make(chan error, 1), pool: pool, hook: hook, log: log}
	go func() { r.errc <- srv.Serve(ln, more...) }()
	if err := srv.CheckDevices(); err != nil {
		r.Close()
		return nil, err
	}
	if hooks.Ready != nil {
		hooks.Ready()
	}
	devs, attrs, _ := model.Stats()
	if cfg.ReadyFile != "" {
		if err := WriteReady(cfg.ReadyFile, Ready{Addr: addr, Unix: cfg.Unix, Pid: os.Getpid(), Server: name, Host: cfg.Host, Devices: devs}); err != nil {
			r.Close()
			return nil, err
		}
	}
	log.Info("serving", "addr", addr, "unix", cfg.Unix, "devices", devs, "attributes", attrs, "startup", time.Since(start).Round(time.Microsecond))
	return r, nil
}

// Run serves the devices selected by cfg until ctx ends, then shuts down
// cleanly. Startup problems are returned before anything is served.
func Run(ctx context.Context, cfg RunConfig, log *slog.Logger) error {
	return RunHooks(ctx, cfg, Hooks{}, log)
}

// RunHooks is Run with hooks (see Start).
func RunHooks(ctx context.Context, cfg RunConfig, hooks Hooks, log *slog.Logger) error {
	r, err := Start(cfg, hooks, log)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		r.log.Info("stopping", "reason", context.Cause(ctx))
		return r.Close()
	case err := <-r.errc:
		r.Close()
		return err
	}
}
