package client

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"chaoslab/internal/api"
)

// frameReader reads frames and can be interrupted (a read deadline) in
// the middle of one: what it has read so far stays in buf for the next
// call, which may come from another goroutine (the next leader).
type frameReader struct {
	r   *bufio.Reader
	buf []byte // the frame being read, header included
	n   int    // bytes of it read so far
}

// next returns the next frame. The payload aliases the reader's buffer:
// it is valid until the next call.
func (f *frameReader) next() (kind api.Kind, id uint32, payload []byte, err error) {
	if len(f.buf) < api.HeaderLen {
		f.buf = make([]byte, 4096)
	}
	if err := f.fill(4); err != nil {
		return 0, 0, nil, err
	}
	size := binary.BigEndian.Uint32(f.buf)
	if size < api.HeaderLen-4 || size > api.MaxFrame {
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
	return api.Kind(f.buf[4]), binary.BigEndian.Uint32(f.buf[5:]), f.buf[api.HeaderLen:total], nil
}

// fill reads until the first n bytes of the frame are in buf.
func (f *frameReader) fill(n int) error {
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

// frameReady reports whether next would return without reading the
// socket: a whole frame is buffered.
func (f *frameReader) frameReady() bool {
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
