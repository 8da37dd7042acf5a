package load

import (
	"context"
	"strings"

	pb "chaoslab/internal/api/chaoslabv1"
)

// OpKind is one kind of operation.
type OpKind uint8

// Operation kinds.
const (
	OpRead    OpKind = iota // read one attribute
	OpBatch                 // read BatchSize attributes in one call
	OpWrite                 // write one writable attribute
	OpCommand               // run one argument-less command
	OpPoll                  // a polling client's read of all its targets
	numOps
)

var opNames = [numOps]string{"read", "batch", "write", "command", "poll"}

// String returns the operation's name.
func (k OpKind) String() string {
	if k < numOps {
		return opNames[k]
	}
	return "op?"
}

func parseOpKind(s string) (OpKind, bool) {
	for i, n := range opNames {
		if strings.EqualFold(s, n) {
			return OpKind(i), true
		}
	}
	return 0, false
}

func opList() string { return "read, batch, write, command" }

var eventTypes = map[string]pb.EventType{
	"change":   pb.EventType_EVENT_TYPE_CHANGE,
	"periodic": pb.EventType_EVENT_TYPE_PERIODIC,
	"archive":  pb.EventType_EVENT_TYPE_ARCHIVE,
}

// Op is one request. Server indexes Targets.Servers.
type Op struct {
	Kind    OpKind
	Server  int
	Names   []string  // read, batch, poll: attributes; write: one attribute
	Value   *pb.Value // write
	Device  string    // command
	Command string    // command
}

// Backend executes operations against servers. Do returns nil on success
// or an error whose reason (api.ReasonOf) classifies the failure; a read
// whose attributes carry errors fails with the first attribute's error.
// It must be safe for concurrent use.
type Backend interface {
	Do(ctx context.Context, op *Op) error
}

// Batch is one batch of events received by an event client. Dropped > 0
// is the server's drop marker: that many events were lost before it.
type Batch struct {
	Dropped uint64
	Events  []Event
}

// Event is one received event: its attribute and source timestamp
// (Unix nanoseconds, 0 if the reading has none); Err marks an error event.
type Event struct {
	Name     string
	UnixNano int64
	Err      bool
}

// Stream is a live subscription.
type Stream interface {
	// C delivers batches and is closed when the stream ends.
	C() <-chan Batch
	// Close ends the stream.
	Close() error
	// Err tells why the stream ended (nil after Close).
	Err() error
}

// Subscriber opens subscriptions.
type Subscriber interface {
	Subscribe(ctx context.Context, server int, names []string, typ pb.EventType) (Stream, error)
}
