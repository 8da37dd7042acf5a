package journal

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Read decodes a journal. A torn last line (a run killed mid-write) is
// ignored; a bad line elsewhere is an error naming its line.
func Read(r io.Reader) ([]Event, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 64<<20)
	var out []Event
	var pending error
	line := 0
	for sc.Scan() {
		line++
		if pending != nil {
			return out, pending
		}
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		var ev Event
		if err := json.Unmarshal(b, &ev); err != nil {
			pending = fmt.Errorf("journal line %d: %w", line, err)
			continue
		}
		out = append(out, ev)
	}
	return out, sc.Err()
}

// ReadFile reads a journal file.
func ReadFile(path string) ([]Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	evs, err := Read(f)
	if err != nil {
		return evs, fmt.Errorf("%s: %w", path, err)
	}
	return evs, nil
}

// Find returns the first event of type typ, or false.
func Find(evs []Event, typ string) (Event, bool) {
	for _, e := range evs {
		if e.Type == typ {
			return e, true
		}
	}
	return Event{}, false
}
