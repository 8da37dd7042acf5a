package api

import (
	"encoding/binary"
	"fmt"

	"google.golang.org/protobuf/proto"
)

// The framed protocol: the lean binary transport the Go client uses.
//
// A client opens a TCP connection to the server's single port and sends
// Magic first; the server sniffs it (HTTP requests start with a method name
// or "PRI * HTTP/2.0", never with 0xff). Then both sides send frames:
//
//	uint32 length (big endian, of what follows) | kind byte | uint32 id | protobuf payload
//
// Requests carry a client-chosen id; the server answers each with one
// KindOK or KindError frame with the same id, in any order, so a client may
// pipeline many requests on one connection. A KindSubscribe request is
// answered by KindEvents frames (EventBatch) carrying the subscribe id until
// the client sends KindCancel with that id or the connection closes; the
// server confirms the end of a stream with KindEnd.

// Magic opens a framed-protocol connection.
const Magic = "\xffCLB"

// MaxFrame bounds a frame's length so a corrupt header cannot make either
// side allocate without limit.
const MaxFrame = 64 << 20

// HeaderLen is the size of a frame header.
const HeaderLen = 9

// Kind is a frame's kind: a request method or a reply.
type Kind byte

// Request kinds (payload: the method's request message).
const (
	KindList      Kind = 1  // ListDevicesRequest
	KindRead      Kind = 2  // ReadRequest
	KindWrite     Kind = 3  // WriteRequest
	KindCommand   Kind = 4  // CommandRequest
	KindGetConfig Kind = 5  // GetConfigRequest
	KindSetConfig Kind = 6  // SetConfigRequest
	KindState     Kind = 7  // StateRequest
	KindSubscribe Kind = 8  // SubscribeRequest
	KindCancel    Kind = 9  // empty: ends subscription id
	KindInfo      Kind = 10 // ServerInfoRequest

	KindInjectFault Kind = 11 // InjectFaultRequest
	KindClearFault  Kind = 12 // ClearFaultRequest
	KindListFaults  Kind = 13 // ListFaultsRequest
)

// Reply kinds.
const (
	KindOK     Kind = 0x80 // the method's response message
	KindError  Kind = 0x81 // ErrorResponse
	KindEvents Kind = 0x82 // EventBatch of subscription id
	KindEnd    Kind = 0x83 // empty: subscription id has ended
)

var kindNames = map[Kind]string{
	KindList: "list", KindRead: "read", KindWrite: "write", KindCommand: "command",
	KindGetConfig: "get_config", KindSetConfig: "set_config", KindState: "state",
	KindSubscribe: "subscribe", KindCancel: "cancel", KindInfo: "info",
	KindInjectFault: "inject_fault", KindClearFault: "clear_fault", KindListFaults: "list_faults",
	KindOK: "ok", KindError: "error", KindEvents: "events", KindEnd: "end",
}

// String returns the kind's name ("read", "ok", ...).
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", byte(k))
}

// AppendFrame appends one frame with m marshalled as its payload (m may be
// nil for an empty payload).
func AppendFrame(buf []byte, kind Kind, id uint32, m proto.Message) ([]byte, error) {
	start := len(buf)
	buf = append(buf, 0, 0, 0, 0, byte(kind), byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
	if m != nil {
		var err error
		buf, err = proto.MarshalOptions{}.MarshalAppend(buf, m)
		if err != nil {
			return buf[:start], err
		}
	}
	n := len(buf) - start - 4
	if n > MaxFrame {
		return buf[:start], fmt.Errorf("frame of %d bytes exceeds the %d-byte limit", n, MaxFrame)
	}
	binary.BigEndian.PutUint32(buf[start:], uint32(n))
	return buf, nil
}
