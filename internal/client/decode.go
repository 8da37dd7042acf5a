package client

import (
	"errors"
	"math"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"chaoslab/internal/api"

	pb "chaoslab/internal/api/chaoslabv1"
)

// Event batches are the client's hottest decode: protobuf-go's generic
// unmarshaller builds oneof wrappers through reflection, which cost more
// than the rest of the event path together. decodeBatch decodes the same
// wire format by hand into the same generated types; on anything it does
// not expect it reports an error and the caller falls back to
// proto.Unmarshal, so it can only be faster, never different (FuzzDecodeBatch
// checks this against proto.Unmarshal).

var errDecode = errors.New("unexpected wire data")

// str converts a proto3 string field, which must be valid UTF-8.
func str(b []byte) (string, error) {
	if !utf8.Valid(b) {
		return "", errDecode
	}
	return string(b), nil
}

// slab hands out the structs of one batch from a few slices instead of
// four allocations per event; they live as long as any event of the batch.
type slab struct {
	ev  []pb.Event
	rd  []pb.Reading
	val []pb.Value
	d   []pb.Value_D
	n   int
}

func newSlab(n int) *slab {
	return &slab{ev: make([]pb.Event, 0, n), rd: make([]pb.Reading, 0, n), val: make([]pb.Value, 0, n), n: n}
}

func (s *slab) event() *pb.Event {
	if len(s.ev) == cap(s.ev) {
		return &pb.Event{}
	}
	s.ev = s.ev[:len(s.ev)+1]
	return &s.ev[len(s.ev)-1]
}

func (s *slab) reading() *pb.Reading {
	if len(s.rd) == cap(s.rd) {
		return &pb.Reading{}
	}
	s.rd = s.rd[:len(s.rd)+1]
	return &s.rd[len(s.rd)-1]
}

func (s *slab) value() *pb.Value {
	if len(s.val) == cap(s.val) {
		return &pb.Value{}
	}
	s.val = s.val[:len(s.val)+1]
	return &s.val[len(s.val)-1]
}

func (s *slab) double(x float64) *pb.Value_D {
	if s.d == nil {
		s.d = make([]pb.Value_D, 0, s.n)
	}
	if len(s.d) == cap(s.d) {
		return &pb.Value_D{D: x}
	}
	s.d = append(s.d, pb.Value_D{D: x})
	return &s.d[len(s.d)-1]
}

// countEvents counts the top-level events field (3) of a batch.
func countEvents(b []byte) int {
	n := 0
	for len(b) > 0 {
		num, typ, k := protowire.ConsumeTag(b)
		if k < 0 {
			return n
		}
		b = b[k:]
		k = protowire.ConsumeFieldValue(num, typ, b)
		if k < 0 {
			return n
		}
		b = b[k:]
		if num == 3 {
			n++
		}
	}
	return n
}

func decodeBatch(b []byte) (*pb.EventBatch, error) {
	out := &pb.EventBatch{}
	sl := newSlab(countEvents(b))
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, errDecode
		}
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, errDecode
			}
			name, err := str(v)
			if err != nil {
				return nil, err
			}
			out.Names = append(out.Names, name)
			b = b[n:]
		case num == 2 && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, errDecode
			}
			out.Type = pb.EventType(int32(v))
			b = b[n:]
		case num == 3 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, errDecode
			}
			e, err := decodeEvent(sl, v)
			if err != nil {
				return nil, err
			}
			out.Events = append(out.Events, e)
			b = b[n:]
		case num == 4 && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, errDecode
			}
			out.Dropped = v
			b = b[n:]
		default:
			return nil, errDecode
		}
	}
	return out, nil
}

func decodeEvent(sl *slab, b []byte) (*pb.Event, error) {
	e := sl.event()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, errDecode
		}
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, errDecode
			}
			e.Index = uint32(v)
			b = b[n:]
		case num == 2 && typ == protowire.BytesType && e.Reading == nil:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, errDecode
			}
			r, err := decodeReading(sl, v)
			if err != nil {
				return nil, err
			}
			e.Reading = r
			b = b[n:]
		default:
			return nil, errDecode
		}
	}
	return e, nil
}

func decodeReading(sl *slab, b []byte) (*pb.Reading, error) {
	r := sl.reading()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, errDecode
		}
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, errDecode
			}
			name, err := str(v)
			if err != nil {
				return nil, err
			}
			r.Name = name
			b = b[n:]
		case num == 2 && typ == protowire.BytesType && r.Value == nil:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, errDecode
			}
			val, err := decodeValue(sl, v)
			if err != nil {
				return nil, err
			}
			r.Value = val
			b = b[n:]
		case (num == 3 || num == 4) && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, errDecode
			}
			if num == 3 {
				r.Quality = pb.Quality(int32(v))
			} else {
				r.TimeUnixNano = int64(v)
			}
			b = b[n:]
		case num == 5 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, errDecode
			}
			d, err := decodeDevError(v)
			if err != nil {
				return nil, err
			}
			r.Errors = append(r.Errors, d)
			b = b[n:]
		default:
			return nil, errDecode
		}
	}
	return r, nil
}

func decodeDevError(b []byte) (*pb.DevError, error) {
	d := &pb.DevError{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || typ != protowire.BytesType || num < 1 || num > 3 {
			return nil, errDecode
		}
		b = b[n:]
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return nil, errDecode
		}
		b = b[n:]
		s, err := str(v)
		if err != nil {
			return nil, err
		}
		switch num {
		case 1:
			d.Reason = s
		case 2:
			d.Desc = s
		case 3:
			d.Origin = s
		}
	}
	return d, nil
}

// decodeValue handles the scalar kinds, the common case; arrays (and a
// repeated oneof field, which protobuf merges) fall back.
func decodeValue(sl *slab, b []byte) (*pb.Value, error) {
	v := sl.value()
	for len(b) > 0 {
		if v.Kind != nil {
			return nil, errDecode
		}
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, errDecode
		}
		b = b[n:]
		switch {
		case (num == 1 || num == 2) && typ == protowire.VarintType:
			x, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return nil, errDecode
			}
			if num == 1 {
				v.Kind = &pb.Value_B{B: x != 0}
			} else {
				v.Kind = &pb.Value_I{I: int64(x)}
			}
			b = b[n:]
		case num == 3 && typ == protowire.Fixed64Type:
			x, n := protowire.ConsumeFixed64(b)
			if n < 0 {
				return nil, errDecode
			}
			v.Kind = sl.double(math.Float64frombits(x))
			b = b[n:]
		case num == 4 && typ == protowire.BytesType:
			x, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return nil, errDecode
			}
			s, err := str(x)
			if err != nil {
				return nil, err
			}
			v.Kind = &pb.Value_S{S: s}
			b = b[n:]
		default:
			return nil, errDecode
		}
	}
	return v, nil
}

// decodeReadResponse decodes a ReadResponse's readings by hand (one slab
// for all of them), falling back to proto.Unmarshal on anything it does
// not expect.
func decodeReadResponse(b []byte) ([]*pb.Reading, error) {
	orig := b
	n := 0
	for rest := b; len(rest) > 0; {
		num, typ, k := protowire.ConsumeTag(rest)
		if k < 0 || num != 1 || typ != protowire.BytesType {
			return readFallback(b)
		}
		rest = rest[k:]
		_, k = protowire.ConsumeBytes(rest)
		if k < 0 {
			return readFallback(b)
		}
		rest = rest[k:]
		n++
	}
	out := make([]*pb.Reading, 0, n)
	sl := &slab{rd: make([]pb.Reading, 0, n), val: make([]pb.Value, 0, n), n: n}
	for len(b) > 0 {
		_, _, k := protowire.ConsumeTag(b)
		b = b[k:]
		v, k := protowire.ConsumeBytes(b)
		b = b[k:]
		r, err := decodeReading(sl, v)
		if err != nil {
			return readFallback(orig)
		}
		out = append(out, r)
	}
	return out, nil
}

// checkReadResponse returns the errors of the first failed reading of a
// ReadResponse as an *api.Error (nil if none failed), without building
// the readings.
func checkReadResponse(b []byte) error {
	orig := b
	for len(b) > 0 {
		num, typ, k := protowire.ConsumeTag(b)
		if k < 0 || num != 1 || typ != protowire.BytesType {
			return checkFallback(orig)
		}
		b = b[k:]
		r, k := protowire.ConsumeBytes(b)
		if k < 0 {
			return checkFallback(orig)
		}
		b = b[k:]
		var errs []*pb.DevError
		for len(r) > 0 {
			num, typ, k := protowire.ConsumeTag(r)
			if k < 0 {
				return checkFallback(orig)
			}
			r = r[k:]
			if num == 5 && typ == protowire.BytesType {
				v, k := protowire.ConsumeBytes(r)
				if k < 0 {
					return checkFallback(orig)
				}
				d, err := decodeDevError(v)
				if err != nil {
					return checkFallback(orig)
				}
				errs = append(errs, d)
				r = r[k:]
				continue
			}
			k = protowire.ConsumeFieldValue(num, typ, r)
			if k < 0 {
				return checkFallback(orig)
			}
			r = r[k:]
		}
		if len(errs) > 0 {
			return &api.Error{Errors: errs}
		}
	}
	return nil
}

// checkFallback is checkReadResponse through the generic decoder, which
// also names what is wrong with a malformed reply.
func checkFallback(b []byte) error {
	rs, err := readFallback(b)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if len(r.Errors) > 0 {
			return &api.Error{Errors: r.Errors}
		}
	}
	return nil
}

func readFallback(b []byte) ([]*pb.Reading, error) {
	var r pb.ReadResponse
	if err := proto.Unmarshal(b, &r); err != nil {
		return nil, api.NewError(api.ReasonInternal, "bad reply: "+err.Error(), "client")
	}
	return r.Readings, nil
}
