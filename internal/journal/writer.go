package journal

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Syncer is implemented by files: Sync makes written data durable.
type Syncer interface{ Sync() error }

// Writer appends events. It numbers them, stamps them with its clock and
// writes each one as a single write followed by Sync (when the destination
// supports it). It is safe for concurrent use; the first error sticks.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
	seq int
	err error
	buf []byte
}

// NewWriter returns a Writer over w. now stamps events (nil: time.Now).
func NewWriter(w io.Writer, now func() time.Time) *Writer {
	if now == nil {
		now = time.Now
	}
	return &Writer{w: w, now: now}
}

// Create creates (or truncates) a journal file.
func Create(path string, now func() time.Time) (*Writer, *os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, nil, err
	}
	return NewWriter(f, now), f, nil
}

// Append writes ev, setting its Seq and (when zero) its Time, and returns
// the stamped event.
func (w *Writer) Append(ev Event) (Event, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return ev, w.err
	}
	w.seq++
	ev.Seq = w.seq
	if ev.Time.IsZero() {
		ev.Time = w.now().UTC()
	}
	b, err := json.Marshal(ev)
	if err != nil {
		w.err = fmt.Errorf("journal: encode %s event: %w", ev.Type, err)
		return ev, w.err
	}
	w.buf = append(append(w.buf[:0], b...), '\n')
	if _, err := w.w.Write(w.buf); err != nil {
		w.err = fmt.Errorf("journal: write: %w", err)
		return ev, w.err
	}
	if s, ok := w.w.(Syncer); ok {
		if err := s.Sync(); err != nil {
			w.err = fmt.Errorf("journal: sync: %w", err)
		}
	}
	return ev, w.err
}

// Err returns the first error the writer met.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
