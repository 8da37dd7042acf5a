package client

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
)

// DialTimeout bounds connecting to a server.
const DialTimeout = 3 * time.Second

// Client is a connection to one device server. It is safe for concurrent
// use; calls are pipelined on one TCP connection, which is re-established
// on the next call after a failure.
type Client struct {
	addr string

	mu     sync.Mutex
	conn   *conn
	closed bool
}

// Dial connects to the server at addr: "host:port", or "unix:PATH" for
// its Unix socket (api.UnixScheme).
func Dial(ctx context.Context, addr string) (*Client, error) {
	c := &Client{addr: addr}
	if _, err := c.getConn(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Addr returns the server address.
func (c *Client) Addr() string { return c.addr }

// Close closes the connection; calls in flight fail.
func (c *Client) Close() error {
	c.mu.Lock()
	cn := c.conn
	c.conn, c.closed = nil, true
	c.mu.Unlock()
	if cn != nil {
		cn.close(errors.New("client closed"))
	}
	return nil
}

func unavailable(addr string, err error) error {
	return api.NewError(api.ReasonUnavailable, fmt.Sprintf("server %s: %v", addr, err), "client")
}

func (c *Client) getConn(ctx context.Context) (*conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, unavailable(c.addr, errors.New("client closed"))
	}
	if c.conn != nil && c.conn.alive() {
		return c.conn, nil
	}
	cn, err := dialConn(ctx, c.addr, nil)
	if err != nil {
		return nil, err
	}
	c.conn = cn
	return cn, nil
}

// conn is one framed-protocol connection. A call connection has no reader
// goroutine: a waiting caller reads the socket itself (the "leader"),
// delivers the replies of other callers, and when its own has arrived
// hands the role to another waiting caller. A lone synchronous caller so
// reads its reply on its own goroutine: no wake-up of a reader goroutine
// and no hand-off back, which on a 2-CPU machine cost more than the round
// trip itself. A subscription connection (onStream set) has a reader
// goroutine, which holds the reading role for good.
type conn struct {
	addr string
	nc   net.Conn
	// done is closed when the connection has failed or was closed (for a
	// subscription connection: when its reader has returned).
	done     chan struct{}
	doneOnce sync.Once

	mu       sync.Mutex
	pending  map[uint32]*pending
	next     uint32
	wbuf     []byte
	flushing bool
	err      error

	reading sync.Mutex // held by the caller or goroutine reading the socket
	fr      *api.FrameReader

	// dlMu orders the read deadline a leader's cancelled context sets
	// with the leader's reset of it.
	dlMu   sync.Mutex
	leader uint64 // generation of the current leader
	dlSet  bool

	// onStream receives KindEvents/KindEnd frames (subscription conns).
	onStream func(kind api.Kind, payload []byte) bool
}

// pending is one call waiting for its reply. The reader decodes the reply
// into it (no copy of the payload) and signals done; pending values are
// pooled, so a call allocates no channel.
type pending struct {
	resp     proto.Message // decode target of a KindOK reply (nil: reads)
	check    bool          // a read whose readings are only checked for errors
	readings []*pb.Reading // a read's result
	err      error
	// sig carries true once the reply is in (or the connection failed)
	// and false for "take over reading the socket"; one channel keeps the
	// wait a two-way select. Capacity 2: at most one hand-off is queued
	// (handOff sends only to an empty channel, under cn.mu, and only while
	// p is pending) plus the one completion.
	sig chan bool
	got atomic.Bool // the completion has been sent
}

var pendingPool = sync.Pool{New: func() any {
	return newPending()
}}

func newPending() *pending { return &pending{sig: make(chan bool, 2)} }

// complete signals that p's reply (or failure) is in; it is called once,
// by whoever removed p from the pending map.
func (p *pending) complete() {
	p.got.Store(true)
	p.sig <- true
}

func getPending(resp proto.Message) *pending {
	p := pendingPool.Get().(*pending)
	p.resp = resp
	return p
}

// putPending recycles p once its done signal has been consumed.
func putPending(p *pending) {
	p.resp, p.readings, p.err, p.check = nil, nil, nil, false
	for len(p.sig) > 0 {
		<-p.sig // a stale hand-off
	}
	p.got.Store(false)
	pendingPool.Put(p)
}

// dialConn connects; onStream (nil for call connections) receives the
// subscription frames and is fixed before the reader starts.
func dialConn(ctx context.Context, addr string, onStream func(api.Kind, []byte) bool) (*conn, error) {
	d := net.Dialer{Timeout: DialTimeout}
	network, address := api.Network(addr)
	nc, err := d.DialContext(ctx, network, address)
	if err != nil {
		return nil, unavailable(addr, err)
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	if _, err := nc.Write([]byte(api.Magic)); err != nil {
		nc.Close()
		return nil, unavailable(addr, err)
	}
	cn := &conn{addr: addr, nc: nc, done: make(chan struct{}), pending: map[uint32]*pending{}, onStream: onStream}
	cn.fr = api.NewFrameReader(bufio.NewReaderSize(nc, 64<<10))
	if onStream != nil {
		cn.reading.Lock()
		go cn.readLoop()
	}
	return cn, nil
}

func (cn *conn) alive() bool {
	select {
	case <-cn.done:
		return false
	default:
		return true
	}
}

// close fails every pending call with err and closes the socket.
func (cn *conn) close(err error) {
	cn.mu.Lock()
	if cn.err == nil {
		cn.err = err
	}
	pend := cn.pending
	cn.pending = map[uint32]*pending{}
	cn.mu.Unlock()
	cn.nc.Close()
	for _, p := range pend {
		p.err = unavailable(cn.addr, err)
		p.complete()
	}
	if cn.onStream == nil {
		cn.doneOnce.Do(func() { close(cn.done) })
	}
}

// readLoop is the reader goroutine of a subscription connection.
func (cn *conn) readLoop() {
	defer close(cn.done)
	for {
		kind, id, payload, err := cn.fr.Next()
		if err != nil {
			cn.close(err)
			return
		}
		switch kind {
		case api.KindEvents, api.KindEnd:
			if !cn.onStream(kind, payload) {
				cn.close(errors.New("subscription ended"))
				return
			}
			continue
		}
		cn.deliver(id, kind, payload)
	}
}

// deliver hands a reply to the call waiting for it and returns that
// call's pending (nil if none waits: it timed out).
func (cn *conn) deliver(id uint32, kind api.Kind, payload []byte) *pending {
	cn.mu.Lock()
	p, ok := cn.pending[id]
	delete(cn.pending, id)
	cn.mu.Unlock()
	if !ok {
		return nil
	}
	// Only the reader owns p until done is signalled.
	p.decode(kind, payload)
	p.complete()
	return p
}

// wait waits for p's reply, reading the socket when no one else does. It
// returns ctx's error if ctx ends first (p is then no longer pending).
func (cn *conn) wait(ctx context.Context, id uint32, p *pending) error {
	for {
		select {
		case done := <-p.sig:
			if done {
				return nil
			}
			continue
		default:
		}
		if cn.reading.TryLock() {
			cancelled := cn.lead(ctx, p)
			cn.reading.Unlock()
			cn.handOff(p)
			if cancelled {
				return cn.abandon(ctx, id, p)
			}
			continue
		}
		select {
		case done := <-p.sig:
			if done {
				return nil
			}
		case <-ctx.Done():
			return cn.abandon(ctx, id, p)
		}
	}
}

// abandon withdraws p after ctx ended; if its reply raced in, it waits
// for the signal so p can be reused.
func (cn *conn) abandon(ctx context.Context, id uint32, p *pending) error {
	cn.mu.Lock()
	_, stillPending := cn.pending[id]
	delete(cn.pending, id)
	cn.mu.Unlock()
	if !stillPending {
		for !<-p.sig {
		}
	}
	return ctx.Err()
}

// lead reads and delivers frames until p's reply has arrived and no
// other whole frame is buffered, the connection fails, or ctx ends (then
// it reports true). The caller holds cn.reading.
func (cn *conn) lead(ctx context.Context, p *pending) (cancelled bool) {
	if ctx.Done() != nil {
		cn.dlMu.Lock()
		cn.leader++
		gen := cn.leader
		cn.dlMu.Unlock()
		// A past read deadline interrupts the read; the frame reader keeps
		// what it has read of a frame for the next leader.
		stop := context.AfterFunc(ctx, func() {
			cn.dlMu.Lock()
			if cn.leader == gen {
				cn.dlSet = true
				_ = cn.nc.SetReadDeadline(time.Unix(1, 0))
			}
			cn.dlMu.Unlock()
		})
		defer func() {
			stop()
			cn.dlMu.Lock()
			cn.leader++
			if cn.dlSet {
				cn.dlSet = false
				_ = cn.nc.SetReadDeadline(time.Time{})
			}
			cn.dlMu.Unlock()
		}()
	}
	mine := p.got.Load() // delivered before this caller took the role
	for !mine || cn.fr.Ready() {
		kind, id, payload, err := cn.fr.Next()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil {
				return true
			}
			cn.close(err)
			return false
		}
		if cn.deliver(id, kind, payload) == p {
			mine = true
		}
	}
	return false
}

// handOff asks one waiting caller other than self to take over reading,
// if any waits.
func (cn *conn) handOff(self *pending) {
	cn.mu.Lock()
	for _, q := range cn.pending {
		if q == self {
			continue
		}
		if len(q.sig) == 0 {
			q.sig <- false
		}
		break
	}
	cn.mu.Unlock()
}

// decode decodes a reply into p.
func (p *pending) decode(kind api.Kind, payload []byte) {
	if p.resp == nil && kind == api.KindOK {
		if p.check {
			p.err = checkReadResponse(payload)
			return
		}
		p.readings, p.err = decodeReadResponse(payload)
		return
	}
	if p.resp == nil {
		p.err = decodeReply(kind, payload, &pb.ReadResponse{})
		return
	}
	p.err = decodeReply(kind, payload, p.resp)
}

// send queues one frame (m marshalled, or for a nil m the names of a read
// encoded by hand) and writes the queue unless another goroutine is
// already writing: concurrent callers share write system calls.
func (cn *conn) send(kind api.Kind, m proto.Message, names []string, p *pending) (uint32, error) {
	cn.mu.Lock()
	if cn.err != nil {
		err := cn.err
		cn.mu.Unlock()
		return 0, unavailable(cn.addr, err)
	}
	cn.next++
	id := cn.next
	var err error
	if m == nil && kind == api.KindRead {
		cn.wbuf, err = appendReadFrame(cn.wbuf, id, names)
	} else {
		cn.wbuf, err = api.AppendFrame(cn.wbuf, kind, id, m)
	}
	if err != nil {
		cn.mu.Unlock()
		return 0, api.NewError(api.ReasonBadArgument, err.Error(), "client")
	}
	if p != nil {
		cn.pending[id] = p
	}
	if cn.flushing {
		cn.mu.Unlock()
		return id, nil
	}
	cn.flushing = true
	if len(cn.pending) > 1 {
		// Other calls are in flight, so their callers are likely runnable
		// right now (woken by replies): let them queue their requests
		// first, then write them all with one system call. A lone
		// synchronous caller never waits here.
		cn.mu.Unlock()
		runtime.Gosched()
		cn.mu.Lock()
	}
	var spare []byte
	for len(cn.wbuf) > 0 {
		out := cn.wbuf
		cn.wbuf = spare[:0]
		cn.mu.Unlock()
		_, werr := cn.nc.Write(out)
		cn.mu.Lock()
		spare = out
		if werr != nil {
			cn.flushing = false
			cn.mu.Unlock()
			cn.close(werr)
			return id, nil // the pending reply carries the error
		}
	}
	if cap(cn.wbuf) < cap(spare) {
		cn.wbuf = spare[:0]
	}
	cn.flushing = false
	cn.mu.Unlock()
	return id, nil
}

// appendReadFrame appends a KindRead frame of names (a ReadRequest,
// encoded by hand).
func appendReadFrame(buf []byte, id uint32, names []string) ([]byte, error) {
	start := len(buf)
	buf = append(buf, 0, 0, 0, 0, byte(api.KindRead), byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
	for _, n := range names {
		if !utf8.ValidString(n) {
			return buf[:start], fmt.Errorf("name %q is not valid UTF-8", n)
		}
		buf = protowire.AppendTag(buf, 1, protowire.BytesType)
		buf = protowire.AppendString(buf, n)
	}
	n := len(buf) - start - 4
	if n > api.MaxFrame {
		return buf[:start], fmt.Errorf("frame of %d bytes exceeds the %d-byte limit", n, api.MaxFrame)
	}
	binary.BigEndian.PutUint32(buf[start:], uint32(n))
	return buf, nil
}

// call sends one request and waits for its reply; resp nil means a read
// of names, whose readings are returned.
func (c *Client) call(ctx context.Context, kind api.Kind, req, resp proto.Message, names []string) ([]*pb.Reading, error) {
	return c.callRead(ctx, kind, req, resp, names, false)
}

// callRead is call; check makes a read only check its readings for errors.
func (c *Client) callRead(ctx context.Context, kind api.Kind, req, resp proto.Message, names []string, check bool) ([]*pb.Reading, error) {
	cn, err := c.getConn(ctx)
	if err != nil {
		return nil, err
	}
	p := getPending(resp)
	p.check = check
	id, err := cn.send(kind, req, names, p)
	if err != nil {
		putPending(p)
		return nil, err
	}
	if err := cn.wait(ctx, id, p); err != nil {
		putPending(p)
		return nil, api.NewError(api.ReasonTimeout, fmt.Sprintf("%s on %s: %v", kind, c.addr, err), "client")
	}
	rs, err := p.readings, p.err
	putPending(p)
	return rs, err
}

// callMsg is call for a request and response message.
func (c *Client) callMsg(ctx context.Context, kind api.Kind, req, resp proto.Message) error {
	_, err := c.call(ctx, kind, req, resp, nil)
	return err
}

func decodeReply(kind api.Kind, payload []byte, resp proto.Message) error {
	switch kind {
	case api.KindOK:
		if err := proto.Unmarshal(payload, resp); err != nil {
			return api.NewError(api.ReasonInternal, "bad reply: "+err.Error(), "client")
		}
		return nil
	case api.KindError:
		var e pb.ErrorResponse
		if err := proto.Unmarshal(payload, &e); err != nil {
			return api.NewError(api.ReasonInternal, "bad error reply: "+err.Error(), "client")
		}
		if len(e.Errors) == 0 {
			return api.NewError(api.ReasonInternal, "error reply without errors", "client")
		}
		return &api.Error{Errors: e.Errors}
	}
	return api.NewError(api.ReasonInternal, "unexpected reply "+kind.String(), "client")
}

// ListDevices lists the devices matching a wildcard pattern ("" = all).
func (c *Client) ListDevices(ctx context.Context, pattern string) ([]*pb.DeviceInfo, error) {
	var r pb.ListDevicesResponse
	err := c.callMsg(ctx, api.KindList, &pb.ListDevicesRequest{Pattern: pattern}, &r)
	return r.Devices, err
}

// ReadAttributes reads "device/attr" names (wildcards allowed). Per-attribute
// failures are in each Reading's Errors; err is for the call as a whole.
func (c *Client) ReadAttributes(ctx context.Context, names []string) ([]*pb.Reading, error) {
	return c.call(ctx, api.KindRead, nil, nil, names)
}

// ReadCheck reads names like ReadAttributes but only reports whether
// every reading succeeded: it returns the errors of the first failed
// reading as an *api.Error, or the call's error. No reading is built,
// which is what a load generator needs.
func (c *Client) ReadCheck(ctx context.Context, names []string) error {
	_, err := c.callRead(ctx, api.KindRead, nil, nil, names, true)
	return err
}

// Write writes one attribute.
func (c *Client) Write(ctx context.Context, name string, v *pb.Value) error {
	var r pb.WriteResponse
	return c.callMsg(ctx, api.KindWrite, &pb.WriteRequest{Name: name, Value: v}, &r)
}

// Command runs a device command; arg may be nil.
func (c *Client) Command(ctx context.Context, device, cmd string, arg *pb.Value) (*pb.Value, error) {
	var r pb.CommandResponse
	err := c.callMsg(ctx, api.KindCommand, &pb.CommandRequest{Device: device, Command: cmd, Arg: arg}, &r)
	return r.Result, err
}

// GetConfig returns the configuration of attributes (wildcards allowed).
func (c *Client) GetConfig(ctx context.Context, names []string) ([]*pb.AttributeInfo, error) {
	var r pb.GetConfigResponse
	err := c.callMsg(ctx, api.KindGetConfig, &pb.GetConfigRequest{Names: names}, &r)
	return r.Attributes, err
}

// SetConfig changes the fields set in cfg and returns the new configuration.
func (c *Client) SetConfig(ctx context.Context, name string, cfg *pb.AttrConfig) (*pb.AttributeInfo, error) {
	var r pb.SetConfigResponse
	err := c.callMsg(ctx, api.KindSetConfig, &pb.SetConfigRequest{Name: name, Config: cfg}, &r)
	return r.Attribute, err
}

// State returns state and status of devices (wildcards allowed).
func (c *Client) State(ctx context.Context, devices []string) ([]*pb.DeviceState, error) {
	var r pb.StateResponse
	err := c.callMsg(ctx, api.KindState, &pb.StateRequest{Devices: devices}, &r)
	return r.States, err
}

// ServerInfo returns the server's pid, uptime and counters.
func (c *Client) ServerInfo(ctx context.Context) (*pb.ServerInfoResponse, error) {
	var r pb.ServerInfoResponse
	err := c.callMsg(ctx, api.KindInfo, &pb.ServerInfoRequest{}, &r)
	return &r, err
}

// InjectFault installs an in-server fault and returns what its targets
// resolved to.
func (c *Client) InjectFault(ctx context.Context, f *pb.ServerFault) ([]string, error) {
	var resp pb.InjectFaultResponse
	err := c.callMsg(ctx, api.KindInjectFault, &pb.InjectFaultRequest{Fault: f}, &resp)
	return resp.Targets, err
}

// ClearFaults removes in-server faults by id (all with all) and returns
// the ids that were active. Clearing an unknown id is not an error.
func (c *Client) ClearFaults(ctx context.Context, ids []string, all bool) ([]string, error) {
	var resp pb.ClearFaultResponse
	err := c.callMsg(ctx, api.KindClearFault, &pb.ClearFaultRequest{Ids: ids, All: all}, &resp)
	return resp.Cleared, err
}

// ListFaults lists the active in-server faults in injection order.
func (c *Client) ListFaults(ctx context.Context) ([]*pb.ServerFault, error) {
	var resp pb.ListFaultsResponse
	err := c.callMsg(ctx, api.KindListFaults, &pb.ListFaultsRequest{}, &resp)
	return resp.Faults, err
}
