package api

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// FrameReader reads frames from a buffered stream. A read interrupted in
// the middle of a frame (a read deadline) keeps what it has read, so the
// next Next, possibly from another goroutine, continues the same frame:
// the Go client's callers take turns reading one connection.
type FrameReader struct {
	r   *bufio.Reader
	buf []byte // the frame being read, header included
	n   int    // bytes of it read so far
}

// NewFrameReader reads frames from r.
func NewFrameReader(r *bufio.Reader) *FrameReader { return &FrameReader{r: r} }

// Next returns the next frame. The payload aliases the reader's buffer:
// it is valid until the next call.
func (f *FrameReader) Next() (kind Kind, id uint32, payload []byte, err error) {
	if len(f.buf) < HeaderLen {
		f.buf = make([]byte, 4096)
	}
	if err := f.fill(4); err != nil {
		return 0, 0, nil, err
	}
	size := binary.BigEndian.Uint32(f.buf)
	if size < HeaderLen-4 || size > MaxFrame {
		if string(f.buf[:4]) == "HTTP" {
			// The usual wrong address: an HTTP server (another program,
			// or a supervisor's control API) answered the framed magic.
			return 0, 0, nil, errors.New("the peer answered HTTP, not chaoslab's framed protocol (is this a chaoslab serve address?)")
		}
		return 0, 0, nil, fmt.Errorf("bad frame length %d", size)
	}
	total := 4 + int(size)
	if len(f.buf) < total {
		nb := make([]byte, total+total/2)
		copy(nb, f.buf[:f.n])
		f.buf = nb
	}
	if err := f.fill(total); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, 0, nil, err
	}
	f.n = 0
	if total > 1<<20 && len(f.buf) > 1<<20 {
		// Do not keep a huge buffer for the rest of the connection: the
		// payload is used before the next call, so drop it then.
		defer func() { f.buf = nil }()
	}
	return Kind(f.buf[4]), binary.BigEndian.Uint32(f.buf[5:]), f.buf[HeaderLen:total], nil
}

// fill reads until the first n bytes of the frame are in buf.
func (f *FrameReader) fill(n int) error {
	for f.n < n {
		m, err := f.r.Read(f.buf[f.n:n])
		f.n += m
		if err != nil && f.n < n {
			if err == io.EOF && f.n > 0 {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// Ready reports whether Next would return without reading the
// underlying stream: a whole frame is buffered (a server adds it to the
// current batch, a client's reader delivers it before leaving).
func (f *FrameReader) Ready() bool {
	have := f.r.Buffered() + f.n
	if have < 4 {
		return false
	}
	var hdr [4]byte
	k := copy(hdr[:], f.buf[:min(f.n, 4)])
	if k < 4 {
		b, _ := f.r.Peek(4 - k)
		copy(hdr[k:], b)
	}
	return 4+int(binary.BigEndian.Uint32(hdr[:])) <= have
}
