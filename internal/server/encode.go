package server

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"chaoslab/internal/api"
	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// The read path's wire encoding, by hand: a ReadResponse is appended to a
// reused buffer straight from the model's readings, without building a
// pb.Reading and a pb.Value per attribute and marshalling them. Values
// other than scalars (spectra, images, big ints) and error readings go
// through the generated code; the bytes are the same either way
// (TestAppendReadMatchesProto).

// readAppender is the optional fast path of a Model: AppendRead appends
// the protobuf encoding of the ReadResponse for names to buf.
type readAppender interface {
	AppendRead(now time.Time, names []string, buf []byte) []byte
}

// AppendRead implements readAppender: Read, encoded as it goes.
func (m *SimModel) AppendRead(now time.Time, names []string, buf []byte) []byte {
	ts := now.UnixNano()
	refs := m.refs[:0]
	for _, n := range names {
		var err error
		before := len(refs)
		refs, err = m.expand(n, refs)
		if err != nil {
			buf = m.appendRefs(now, refs[:before], buf)
			refs = refs[:0]
			buf = appendMessageField(buf, 1, errReading(n, ts, err))
		}
	}
	buf = m.appendRefs(now, refs, buf)
	clear(refs)
	m.refs = refs[:0]
	return buf
}

func (m *SimModel) appendRefs(now time.Time, refs []AttrRef, buf []byte) []byte {
	for i := 0; i < len(refs); {
		j := i + 1
		for j < len(refs) && refs[j].Device == refs[i].Device {
			j++
		}
		m.names = m.names[:0]
		for _, r := range refs[i:j] {
			m.names = append(m.names, r.Attr)
		}
		rs, err := m.w.AppendRead(m.readings[:0], now, refs[i].Device, m.names...)
		if err != nil {
			for _, r := range refs[i:j] {
				buf = appendMessageField(buf, 1, errReading(r.String(), now.UnixNano(), devError(err)))
			}
		} else {
			for k := range rs {
				r := &rs[k]
				if r.Err != nil && r.Err.Reason != "API_AttrNotFound" {
					m.evalErr++
				}
				buf = appendReadingField(buf, 1, refs[i+k], r)
			}
			clear(rs) // do not pin the values until the next read
			m.readings = rs
		}
		i = j
	}
	return buf
}

// appendMessageField appends m as field num (length-delimited).
func appendMessageField(buf []byte, num protowire.Number, m proto.Message) []byte {
	buf = protowire.AppendTag(buf, num, protowire.BytesType)
	buf = protowire.AppendVarint(buf, uint64(proto.Size(m)))
	buf, _ = proto.MarshalOptions{}.MarshalAppend(buf, m)
	return buf
}

// scalarValue reports whether v encodes by hand, with its Value size.
func scalarValue(v pyval.Value, state bool) (n int, ok bool) {
	switch v.K {
	case pyval.Undefined, pyval.NoneKind:
		return 0, true
	case pyval.BoolKind:
		return 2, true
	case pyval.IntKind:
		if state {
			return 1 + protowire.SizeBytes(len(sim.State(v.Int64()).String())), true
		}
		return 1 + protowire.SizeVarint(uint64(v.Int64())), true
	case pyval.FloatKind:
		return 9, true
	case pyval.StrKind:
		return 1 + protowire.SizeBytes(len(v.String())), true
	}
	return 0, false
}

// appendReadingField appends the Reading of r named ref as field num,
// byte for byte what proto.Marshal(wireReading(...)) gives. The tags are
// one-byte constants and the buffer grows once, up front: this runs for
// every attribute of every read.
func appendReadingField(buf []byte, num protowire.Number, ref AttrRef, r *sim.Reading) []byte {
	state := r.Value.K == pyval.IntKind && strings.EqualFold(r.Attr, "State")
	vn, ok := scalarValue(r.Value, state)
	if r.Err != nil || !ok || num >= 16 {
		return appendMessageField(buf, num, wireReading(ref.String(), r))
	}
	name := ref.Name
	nameLen := len(name)
	if name == "" {
		nameLen = len(ref.Device) + 1 + len(ref.Attr)
	}
	size := 0
	if nameLen > 0 {
		size += 1 + protowire.SizeBytes(nameLen)
	}
	hasValue := r.Value.K != pyval.Undefined && r.Value.K != pyval.NoneKind
	if hasValue {
		size += 1 + protowire.SizeBytes(vn)
	}
	if r.Quality != 0 {
		size += 1 + protowire.SizeVarint(uint64(r.Quality))
	}
	ts := r.Time.UnixNano()
	if ts != 0 {
		size += 1 + protowire.SizeVarint(uint64(ts))
	}
	buf = slices.Grow(buf, 1+protowire.SizeVarint(uint64(size))+size)
	buf = append(buf, byte(num)<<3|byte(protowire.BytesType))
	buf = appendVarint(buf, uint64(size))
	if nameLen > 0 {
		buf = append(buf, 1<<3|byte(protowire.BytesType))
		buf = appendVarint(buf, uint64(nameLen))
		if name != "" {
			buf = append(buf, name...)
		} else {
			buf = append(append(append(buf, ref.Device...), '/'), ref.Attr...)
		}
	}
	if hasValue {
		buf = append(buf, 2<<3|byte(protowire.BytesType))
		buf = appendVarint(buf, uint64(vn))
		buf = appendScalar(buf, r.Value, state)
	}
	if r.Quality != 0 {
		buf = append(buf, 3<<3|byte(protowire.VarintType))
		buf = appendVarint(buf, uint64(r.Quality))
	}
	if ts != 0 {
		buf = append(buf, 4<<3|byte(protowire.VarintType))
		buf = appendVarint(buf, uint64(ts))
	}
	return buf
}

// appendVarint is protowire.AppendVarint with the one-byte case inline
// and a plain loop for the rest (a timestamp takes nine bytes).
func appendVarint(buf []byte, v uint64) []byte {
	for v >= 0x80 {
		buf = append(buf, byte(v)|0x80)
		v >>= 7
	}
	return append(buf, byte(v))
}

// appendScalar appends the fields of a scalar Value (oneof: always
// present, zero included).
func appendScalar(buf []byte, v pyval.Value, state bool) []byte {
	switch v.K {
	case pyval.BoolKind:
		b := byte(0)
		if v.N != 0 {
			b = 1
		}
		return append(buf, 1<<3|byte(protowire.VarintType), b)
	case pyval.IntKind:
		if state {
			s := sim.State(v.Int64()).String()
			buf = append(buf, 4<<3|byte(protowire.BytesType))
			return append(appendVarint(buf, uint64(len(s))), s...)
		}
		buf = append(buf, 2<<3|byte(protowire.VarintType))
		return appendVarint(buf, uint64(v.Int64()))
	case pyval.FloatKind:
		buf = append(buf, 3<<3|byte(protowire.Fixed64Type))
		return binary.LittleEndian.AppendUint64(buf, math.Float64bits(v.Float64()))
	case pyval.StrKind:
		s := v.String()
		buf = append(buf, 4<<3|byte(protowire.BytesType))
		return append(appendVarint(buf, uint64(len(s))), s...)
	}
	return buf
}

// nameCache interns the attribute names of one connection's requests, so
// a client reading the same names again costs no allocation. It is
// bounded: when full it starts over.
type nameCache map[string]string

const maxCachedNames = 4096

func (nc *nameCache) intern(b []byte) string {
	if s, ok := (*nc)[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(*nc) >= maxCachedNames {
		*nc = nameCache{}
	}
	(*nc)[s] = s
	return s
}

// decodeReadNames decodes a ReadRequest's names (field 1) and appends
// them to out. Unknown fields are skipped, as proto.Unmarshal does.
func decodeReadNames(b []byte, nc *nameCache, out []string) ([]string, error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return out, badRead(protowire.ParseError(n))
		}
		b = b[n:]
		if num == 1 && typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return out, badRead(protowire.ParseError(n))
			}
			if !utf8Valid(v) {
				return out, api.NewError(api.ReasonBadRequest, "bad read request: string field contains invalid UTF-8", "server")
			}
			out = append(out, nc.intern(v))
			b = b[n:]
			continue
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return out, badRead(protowire.ParseError(n))
		}
		b = b[n:]
	}
	return out, nil
}

func badRead(err error) error {
	return api.NewError(api.ReasonBadRequest, "bad read request: "+err.Error(), "server")
}

// utf8Valid is utf8.Valid with an ASCII fast path (names are ASCII).
func utf8Valid(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return utf8.Valid(b)
		}
	}
	return true
}
