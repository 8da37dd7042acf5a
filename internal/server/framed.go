package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"net"
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
	fc := &framedConn{s: s, c: c, br: br, ctx: ctx, subs: map[uint32]context.CancelFunc{}}
	err := fc.readLoop()
	if err != nil && err != io.EOF && s.ctx.Err() == nil {
		s.log.Debug("framed connection ended", "remote", c.RemoteAddr(), "err", err)
	}
	cancel()
	c.Close() // unblocks senders stuck in Write
	fc.wg.Wait()
}

// frameBuffered reports whether a whole frame is already buffered, so the
// reader can add it to the current batch without blocking.
func frameBuffered(br *bufio.Reader) bool {
	n := br.Buffered()
	if n < api.HeaderLen {
		return false
	}
	h, _ := br.Peek(4)
	return int(binary.BigEndian.Uint32(h))+4 <= n
}

func (fc *framedConn) readLoop() error {
	var buf []byte
	calls := make([]call, 0, 16)
	for {
		kind, id, payload, nb, err := api.ReadFrame(fc.br, buf)
		buf = nb
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
		default:
			c := call{kind: kind, id: id}
			c.req, c.err = decodeRequest(kind, payload)
			calls = append(calls, c)
		}
		if len(calls) < maxCalls && frameBuffered(fc.br) {
			continue
		}
		if err := fc.flush(calls); err != nil {
			return err
		}
		clear(calls)
		calls = calls[:0]
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
// replies with one write.
func (fc *framedConn) flush(calls []call) error {
	if len(calls) == 0 {
		return nil
	}
	s := fc.s
	t0 := time.Now()
	var delay time.Duration
	for i := range calls {
		if calls[i].err == nil && calls[i].resp == nil {
			if isFaultCall(&calls[i]) {
				s.execFault(&calls[i])
			} else {
				delay = max(delay, s.faultDelay(&calls[i]))
			}
		}
	}
	if delay > 0 {
		time.Sleep(delay) // an injected latency: outside the world lock
	}
	s.mu.Lock()
	now := s.now()
	for i := range calls {
		if calls[i].err == nil && calls[i].resp == nil {
			s.exec(now, &calls[i])
		}
	}
	s.mu.Unlock()
	fc.wmu.Lock()
	defer fc.wmu.Unlock()
	out := fc.out[:0]
	for i := range calls {
		c := &calls[i]
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
	_, err := fc.c.Write(out)
	if cap(out) <= 1<<20 {
		fc.out = out
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
		err := fc.writeFrame(api.KindEvents, id, &pb.EventBatch{Names: sub.names, Type: sub.typ})
		if err == nil {
			err = fc.s.sendLoop(ctx, sub, func(q []queued, dropped uint64) error { return fc.writeEvents(id, sub.typ, q, dropped) })
		}
		if err == nil || ctx.Err() != nil && fc.ctx.Err() == nil {
			_ = fc.writeFrame(api.KindEnd, id, nil)
		}
	}()
}
