package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
	"slices"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
)

// maxCalls bounds how many pipelined requests run under one lock.
const maxCalls = 256

// framedConn is one framed-protocol connection. One goroutine reads and
// executes requests; each subscription has a sender goroutine. Writes to
// the socket are serialized by wmu; a subscriber that stops reading stalls
// only its own connection.
type framedConn struct {
	s   *Server
	c   net.Conn
	br  *bufio.Reader
	ctx context.Context

	wmu sync.Mutex
	out []byte

	// Owned by the read loop: the replies of one batch, the names of its
	// read requests and the interned names.
	rbuf  []byte
	arena []string
	names nameCache
	plans planCache

	subsMu sync.Mutex
	subs   map[uint32]context.CancelFunc
	wg     sync.WaitGroup
}

func (s *Server) serveFramed(c net.Conn, br *bufio.Reader) {
	if !s.track(c, true) {
		c.Close()
		return
	}
	defer s.track(c, false)
	defer c.Close()
	var magic [len(api.Magic)]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil || string(magic[:]) != api.Magic {
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	fc := &framedConn{s: s, c: c, br: br, ctx: ctx, subs: map[uint32]context.CancelFunc{}, names: nameCache{}}
	err := fc.readLoop()
	if err != nil && err != io.EOF && s.ctx.Err() == nil {
		s.log.Debug("framed connection ended", "remote", c.RemoteAddr(), "err", err)
	}
	cancel()
	c.Close() // unblocks senders stuck in Write
	fc.wg.Wait()
}

func (fc *framedConn) readLoop() error {
	fr := api.NewFrameReader(fc.br)
	calls := make([]call, 0, 16)
	for {
		kind, id, payload, err := fr.Next()
		if err != nil {
			return err
		}
		switch kind {
		case api.KindSubscribe:
			if err := fc.flush(calls); err != nil {
				return err
			}
			calls = calls[:0]
			fc.subscribe(id, payload)
		case api.KindCancel:
			fc.subsMu.Lock()
			if cancel, ok := fc.subs[id]; ok {
				cancel()
				delete(fc.subs, id)
			}
			fc.subsMu.Unlock()
		case api.KindInfo:
			calls = append(calls, call{kind: kind, id: id, resp: fc.s.Info()})
		case api.KindRead:
			// The common path: a read seen before comes from its plan;
			// a new one has its names decoded by hand into the batch's
			// arena (no request message) and becomes a plan.
			c := call{kind: kind, id: id, fastRead: true}
			if c.plan = fc.plans.get(payload); c.plan != nil {
				c.names = c.plan.names
			} else {
				n := len(fc.arena)
				fc.arena, c.err = decodeReadNames(payload, &fc.names, fc.arena)
				c.names = fc.arena[n:len(fc.arena):len(fc.arena)]
				if c.err == nil {
					r, _ := fc.s.model.(readResolver)
					c.plan = fc.plans.add(payload, c.names, r)
				}
			}
			calls = append(calls, c)
		default:
			c := call{kind: kind, id: id}
			c.req, c.err = decodeRequest(kind, payload)
			calls = append(calls, c)
		}
		// A whole frame already buffered joins the batch without blocking.
		if len(calls) < maxCalls && fr.Ready() {
			continue
		}
		if err := fc.flush(calls); err != nil {
			return err
		}
		clear(calls)
		calls = calls[:0]
		fc.arena = fc.arena[:0]
	}
}

// decodeRequest unmarshals a request payload of kind.
func decodeRequest(kind api.Kind, payload []byte) (any, error) {
	var m proto.Message
	switch kind {
	case api.KindList:
		m = &pb.ListDevicesRequest{}
	case api.KindRead:
		m = &pb.ReadRequest{}
	case api.KindWrite:
		m = &pb.WriteRequest{}
	case api.KindCommand:
		m = &pb.CommandRequest{}
	case api.KindGetConfig:
		m = &pb.GetConfigRequest{}
	case api.KindSetConfig:
		m = &pb.SetConfigRequest{}
	case api.KindState:
		m = &pb.StateRequest{}
	case api.KindInjectFault:
		m = &pb.InjectFaultRequest{}
	case api.KindClearFault:
		m = &pb.ClearFaultRequest{}
	case api.KindListFaults:
		m = &pb.ListFaultsRequest{}
	default:
		return nil, api.NewError(api.ReasonBadRequest, "unknown request kind "+kind.String(), "server")
	}
	if err := proto.Unmarshal(payload, m); err != nil {
		return nil, api.NewError(api.ReasonBadRequest, "bad "+kind.String()+" request: "+err.Error(), "server")
	}
	return m, nil
}

// flush executes the batched calls under one world lock and writes all
// replies with one write. Reads are encoded straight into the reply
// buffer while the lock is held (no messages built); the other replies
// are marshalled after it is released.
func (fc *framedConn) flush(calls []call) error {
	if len(calls) == 0 {
		return nil
	}
	s := fc.s
	t0 := time.Now()
	ra, fast := s.model.(readAppender)
	rr, _ := s.model.(readResolver)
	hooked := len(s.deviceHooks()) > 0
	if hooked {
		fast = false // faults act on request and response messages
	}
	for i := range calls {
		c := &calls[i]
		if c.fastRead && (!fast || c.err != nil) {
			c.fastRead = false
			if c.err == nil {
				// A copy: faults may edit the request, and the names
				// may be a plan's.
				c.req = &pb.ReadRequest{Names: slices.Clone(c.names)}
			}
		}
		if c.err == nil && c.resp == nil && !c.fastRead {
			if isFaultCall(c) {
				s.execFault(c)
			}
		}
	}
	if hooked {
		// An injected latency may hold the batch.
		s.faultWait(fc.ctx, func() time.Duration {
			var d time.Duration
			for i := range calls {
				if c := &calls[i]; c.err == nil && c.resp == nil && !c.fastRead {
					d = max(d, s.faultDelay(c))
				}
			}
			return d
		})
	}
	out := fc.rbuf[:0]
	s.mu.Lock()
	now := s.now()
	for i := range calls {
		c := &calls[i]
		switch {
		case c.fastRead:
			start := len(out)
			out = append(out, 0, 0, 0, 0, byte(api.KindOK), byte(c.id>>24), byte(c.id>>16), byte(c.id>>8), byte(c.id))
			if rr != nil && c.plan != nil && c.plan.ids != nil {
				out = rr.AppendResolved(now, c.plan.names, c.plan.ids, out)
			} else {
				out = ra.AppendRead(now, c.names, out)
			}
			if n := len(out) - start - 4; n <= api.MaxFrame {
				binary.BigEndian.PutUint32(out[start:], uint32(n))
			} else {
				out = out[:start]
				c.fastRead, c.err = false, api.NewError(api.ReasonInternal, "reply exceeds the frame limit", "server")
			}
		case c.err == nil && c.resp == nil:
			s.exec(now, c)
		}
	}
	s.mu.Unlock()
	for i := range calls {
		c := &calls[i]
		if c.fastRead {
			continue
		}
		var err error
		if c.err != nil {
			out, err = api.AppendFrame(out, api.KindError, c.id, errorResponse(c.err))
		} else {
			out, err = api.AppendFrame(out, api.KindOK, c.id, c.resp.(proto.Message))
		}
		if err != nil {
			out, _ = api.AppendFrame(out, api.KindError, c.id, errorResponse(api.NewError(api.ReasonInternal, err.Error(), "server")))
		}
	}
	d := time.Since(t0).Seconds()
	for i := range calls {
		s.met.observe(calls[i].kind, calls[i].err != nil, d)
	}
	s.requests.Add(uint64(len(calls)))
	fc.wmu.Lock()
	_, err := fc.c.Write(out)
	fc.wmu.Unlock()
	if cap(out) <= 1<<20 {
		fc.rbuf = out
	}
	return err
}

// errorResponse converts any error to the wire error stack.
func errorResponse(err error) *pb.ErrorResponse {
	if e, ok := err.(*api.Error); ok {
		return &pb.ErrorResponse{Errors: e.Errors}
	}
	return &pb.ErrorResponse{Errors: []*pb.DevError{{Reason: api.ReasonInternal, Desc: err.Error(), Origin: "server"}}}
}

func (fc *framedConn) writeFrame(kind api.Kind, id uint32, m proto.Message) error {
	fc.wmu.Lock()
	defer fc.wmu.Unlock()
	out, err := api.AppendFrame(fc.out[:0], kind, id, m)
	if err != nil {
		return err
	}
	fc.out = out
	_, err = fc.c.Write(out)
	return err
}

// maxEventFrame bounds the payload of one events frame well below
// api.MaxFrame, so big readings (spectra, images) split into more frames.
const maxEventFrame = 8 << 20

// writeEvents writes KindEvents frames built from pre-encoded readings.
func (fc *framedConn) writeEvents(id uint32, typ pb.EventType, q []queued, dropped uint64) error {
	fc.wmu.Lock()
	defer fc.wmu.Unlock()
	for first := true; first || len(q) > 0; first = false {
		k, size := 0, 0
		for k < len(q) && (k == 0 || size+len(q[k].enc) < maxEventFrame) {
			size += len(q[k].enc) + 16
			k++
		}
		out := append(fc.out[:0], 0, 0, 0, 0, byte(api.KindEvents), byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
		out = appendEventBatch(out, typ, q[:k], dropped)
		binary.BigEndian.PutUint32(out, uint32(len(out)-4))
		if cap(out) <= 1<<20 {
			fc.out = out
		}
		if _, err := fc.c.Write(out); err != nil {
			return err
		}
		q, dropped = q[k:], 0
	}
	return nil
}

func (fc *framedConn) subscribe(id uint32, payload []byte) {
	req := &pb.SubscribeRequest{}
	if err := proto.Unmarshal(payload, req); err != nil {
		_ = fc.writeFrame(api.KindError, id, errorResponse(api.NewError(api.ReasonBadRequest, "bad subscribe request: "+err.Error(), "server")))
		return
	}
	sub, err := fc.s.newSubscription(req)
	if err != nil {
		_ = fc.writeFrame(api.KindError, id, errorResponse(err))
		return
	}
	ctx, cancel := context.WithCancel(fc.ctx)
	fc.subsMu.Lock()
	if old, ok := fc.subs[id]; ok {
		old()
	}
	fc.subs[id] = cancel
	fc.subsMu.Unlock()
	fc.wg.Add(1)
	go func() {
		defer fc.wg.Done()
		defer fc.s.endSubscription(sub)
		err := fc.writeFrame(api.KindEvents, id, sub.firstBatch())
		if err == nil {
			err = fc.s.sendLoop(ctx, sub, func(q []queued, dropped uint64) error { return fc.writeEvents(id, sub.typ, q, dropped) })
		}
		if err == nil || ctx.Err() != nil && fc.ctx.Err() == nil {
			_ = fc.writeFrame(api.KindEnd, id, nil)
		}
	}()
}
