package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

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

// Dial connects to the server at addr ("host:port").
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

// conn is one framed-protocol connection with a reader goroutine.
type conn struct {
	addr string
	nc   net.Conn
	done chan struct{}

	mu       sync.Mutex
	pending  map[uint32]chan reply
	next     uint32
	wbuf     []byte
	flushing bool
	err      error

	// onStream receives KindEvents/KindEnd frames (subscription conns).
	onStream func(kind api.Kind, payload []byte) bool
}

type reply struct {
	kind    api.Kind
	payload []byte
	err     error
}

// dialConn connects; onStream (nil for call connections) receives the
// subscription frames and is fixed before the reader starts.
func dialConn(ctx context.Context, addr string, onStream func(api.Kind, []byte) bool) (*conn, error) {
	d := net.Dialer{Timeout: DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
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
	cn := &conn{addr: addr, nc: nc, done: make(chan struct{}), pending: map[uint32]chan reply{}, onStream: onStream}
	go cn.readLoop()
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
	cn.pending = map[uint32]chan reply{}
	cn.mu.Unlock()
	cn.nc.Close()
	for _, ch := range pend {
		select {
		case ch <- reply{err: unavailable(cn.addr, err)}:
		default:
		}
	}
}

func (cn *conn) readLoop() {
	defer close(cn.done)
	br := bufio.NewReaderSize(cn.nc, 64<<10)
	var buf []byte
	for {
		kind, id, payload, nb, err := api.ReadFrame(br, buf)
		buf = nb
		if err != nil {
			cn.close(err)
			return
		}
		switch kind {
		case api.KindEvents, api.KindEnd:
			if cn.onStream != nil && !cn.onStream(kind, payload) {
				cn.close(errors.New("subscription ended"))
				return
			}
			continue
		}
		cn.mu.Lock()
		ch, ok := cn.pending[id]
		delete(cn.pending, id)
		cn.mu.Unlock()
		if ok {
			ch <- reply{kind: kind, payload: append([]byte(nil), payload...)}
		}
	}
}

var replyPool = sync.Pool{New: func() any { return make(chan reply, 1) }}

// send queues one frame and writes the queue unless another goroutine is
// already writing: concurrent callers share write system calls.
func (cn *conn) send(kind api.Kind, m proto.Message, ch chan reply) (uint32, error) {
	cn.mu.Lock()
	if cn.err != nil {
		err := cn.err
		cn.mu.Unlock()
		return 0, unavailable(cn.addr, err)
	}
	cn.next++
	id := cn.next
	var err error
	cn.wbuf, err = api.AppendFrame(cn.wbuf, kind, id, m)
	if err != nil {
		cn.mu.Unlock()
		return 0, api.NewError(api.ReasonBadArgument, err.Error(), "client")
	}
	if ch != nil {
		cn.pending[id] = ch
	}
	if cn.flushing {
		cn.mu.Unlock()
		return id, nil
	}
	cn.flushing = true
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

// call sends one request and decodes the reply into resp.
func (c *Client) call(ctx context.Context, kind api.Kind, req, resp proto.Message) error {
	cn, err := c.getConn(ctx)
	if err != nil {
		return err
	}
	ch := replyPool.Get().(chan reply)
	id, err := cn.send(kind, req, ch)
	if err != nil {
		replyPool.Put(ch)
		return err
	}
	var r reply
	select {
	case r = <-ch:
		replyPool.Put(ch)
	case <-ctx.Done():
		cn.mu.Lock()
		_, stillPending := cn.pending[id]
		delete(cn.pending, id)
		cn.mu.Unlock()
		if !stillPending {
			<-ch // the reply raced in; drain so the channel can be reused
		}
		replyPool.Put(ch)
		return api.NewError(api.ReasonTimeout, fmt.Sprintf("%s on %s: %v", kind, c.addr, ctx.Err()), "client")
	}
	if r.err != nil {
		return r.err
	}
	return decodeReply(r.kind, r.payload, resp)
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
	err := c.call(ctx, api.KindList, &pb.ListDevicesRequest{Pattern: pattern}, &r)
	return r.Devices, err
}

// ReadAttributes reads "device/attr" names (wildcards allowed). Per-attribute
// failures are in each Reading's Errors; err is for the call as a whole.
func (c *Client) ReadAttributes(ctx context.Context, names []string) ([]*pb.Reading, error) {
	var r pb.ReadResponse
	err := c.call(ctx, api.KindRead, &pb.ReadRequest{Names: names}, &r)
	return r.Readings, err
}

// Write writes one attribute.
func (c *Client) Write(ctx context.Context, name string, v *pb.Value) error {
	var r pb.WriteResponse
	return c.call(ctx, api.KindWrite, &pb.WriteRequest{Name: name, Value: v}, &r)
}

// Command runs a device command; arg may be nil.
func (c *Client) Command(ctx context.Context, device, cmd string, arg *pb.Value) (*pb.Value, error) {
	var r pb.CommandResponse
	err := c.call(ctx, api.KindCommand, &pb.CommandRequest{Device: device, Command: cmd, Arg: arg}, &r)
	return r.Result, err
}

// GetConfig returns the configuration of attributes (wildcards allowed).
func (c *Client) GetConfig(ctx context.Context, names []string) ([]*pb.AttributeInfo, error) {
	var r pb.GetConfigResponse
	err := c.call(ctx, api.KindGetConfig, &pb.GetConfigRequest{Names: names}, &r)
	return r.Attributes, err
}

// SetConfig changes the fields set in cfg and returns the new configuration.
func (c *Client) SetConfig(ctx context.Context, name string, cfg *pb.AttrConfig) (*pb.AttributeInfo, error) {
	var r pb.SetConfigResponse
	err := c.call(ctx, api.KindSetConfig, &pb.SetConfigRequest{Name: name, Config: cfg}, &r)
	return r.Attribute, err
}

// State returns state and status of devices (wildcards allowed).
func (c *Client) State(ctx context.Context, devices []string) ([]*pb.DeviceState, error) {
	var r pb.StateResponse
	err := c.call(ctx, api.KindState, &pb.StateRequest{Devices: devices}, &r)
	return r.States, err
}

// ServerInfo returns the server's pid, uptime and counters.
func (c *Client) ServerInfo(ctx context.Context) (*pb.ServerInfoResponse, error) {
	var r pb.ServerInfoResponse
	err := c.call(ctx, api.KindInfo, &pb.ServerInfoRequest{}, &r)
	return &r, err
}

// InjectFault installs an in-server fault and returns what its targets
// resolved to.
func (c *Client) InjectFault(ctx context.Context, f *pb.ServerFault) ([]string, error) {
	var resp pb.InjectFaultResponse
	err := c.call(ctx, api.KindInjectFault, &pb.InjectFaultRequest{Fault: f}, &resp)
	return resp.Targets, err
}

// ClearFaults removes in-server faults by id (all with all) and returns
// the ids that were active. Clearing an unknown id is not an error.
func (c *Client) ClearFaults(ctx context.Context, ids []string, all bool) ([]string, error) {
	var resp pb.ClearFaultResponse
	err := c.call(ctx, api.KindClearFault, &pb.ClearFaultRequest{Ids: ids, All: all}, &resp)
	return resp.Cleared, err
}

// ListFaults lists the active in-server faults in injection order.
func (c *Client) ListFaults(ctx context.Context) ([]*pb.ServerFault, error) {
	var resp pb.ListFaultsResponse
	err := c.call(ctx, api.KindListFaults, &pb.ListFaultsRequest{}, &resp)
	return resp.Faults, err
}
