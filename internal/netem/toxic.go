package netem

// Toxic is one network fault on one direction of a connection.
//
// Pipe moves chunks from s.Input to the next stage with s.Send until the input
// ends or s.Interrupt is closed. The contract, which every toxic in this package
// keeps and which the proxy relies on to switch pipelines without losing data:
//
//   - Every blocking step selects on s.Interrupt; on interrupt Pipe returns
//     promptly. Chunks it still holds must be handed to s.Send first (Send never
//     blocks once interrupted; it keeps them for the next pipeline).
//   - When s.Input is closed (end of stream) Pipe calls s.Close (or CloseConn
//     or Reset) and returns.
//   - Pipe owns the chunks it receives and may change their Data in place.
//   - Randomness comes only from s.Rand (seeded per connection and toxic).
//
// A Toxic value holds only its parameters and must not be mutated by Pipe: the
// same value serves every connection. Per-connection state goes in s.State
// (see Stateful).
type Toxic interface {
	Pipe(s *Stub)
}

// Stateful is implemented by toxics that keep state per connection direction
// across pipeline rebuilds (for example a byte budget). NewState is called
// once per connection direction; the value is available as Stub.State.
type Stateful interface {
	NewState() any
}

// Buffered is implemented by toxics that want a deeper input queue than the
// default (latency queues chunks while they wait).
type Buffered interface {
	BufferSize() int
}

// Validator is implemented by toxics whose parameters have constraints; the
// error names the offending attribute.
type Validator interface {
	Validate() error
}

// defaultBuffer is the capacity of channels between stages.
const defaultBuffer = 16
