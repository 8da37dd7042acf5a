package api

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
)

// stutter yields its chunks one per Read, with err (once) after the
// first chunk: a read deadline in the middle of a frame.
type stutter struct {
	chunks [][]byte
	err    error
}

func (s *stutter) Read(p []byte) (int, error) {
	if len(s.chunks) == 0 {
		return 0, errors.New("EOF of the test stream")
	}
	n := copy(p, s.chunks[0])
	s.chunks = s.chunks[1:]
	err := s.err
	s.err = nil
	return n, err
}

// TestFrameReaderResumes: a frame interrupted after its first bytes is
// returned whole by the next call, and Ready tells buffered frames apart.
func TestFrameReaderResumes(t *testing.T) {
	a, _ := AppendFrame(nil, KindOK, 7, nil)
	frames, _ := AppendFrame(append([]byte(nil), a...), KindCancel, 8, nil)
	s := &stutter{chunks: [][]byte{frames[:5], frames[5:]}, err: os.ErrDeadlineExceeded}
	fr := NewFrameReader(bufio.NewReaderSize(s, 16))
	if fr.Ready() {
		t.Fatal("Ready before any byte")
	}
	if _, _, _, err := fr.Next(); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("first Next: %v, want the deadline", err)
	}
	kind, id, payload, err := fr.Next()
	if err != nil || kind != KindOK || id != 7 || len(payload) != 0 {
		t.Fatalf("resumed frame: %v %d %d %v", kind, id, len(payload), err)
	}
	if !fr.Ready() {
		t.Fatal("the second frame is buffered: Ready false")
	}
	if kind, id, _, err := fr.Next(); err != nil || kind != KindCancel || id != 8 {
		t.Fatalf("second frame: %v %d %v", kind, id, err)
	}
}

// TestFrameReaderHTTPPeer: an HTTP answer (a wrong address) is named as
// such, not reported as a frame length.
func TestFrameReaderHTTPPeer(t *testing.T) {
	fr := NewFrameReader(bufio.NewReader(strings.NewReader("HTTP/1.1 400 Bad Request\r\n\r\n")))
	if _, _, _, err := fr.Next(); err == nil || !strings.Contains(err.Error(), "answered HTTP") {
		t.Fatalf("err = %v", err)
	}
}
