package hammer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Replay restores the attempt counts from a journal written by a previous
// run, so that the attempt budget holds across restarts: the journal is
// the record of what was tried. Lines of other rules are ignored.
func (e *Engine) Replay(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	rules := map[string]bool{}
	for _, r := range e.rules {
		rules[r.Name] = true
	}
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var d Decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return fmt.Errorf("journal line %d: %v", line, err)
		}
		if !rules[d.Rule] {
			continue
		}
		key := d.Rule + "\x00" + d.Target
		switch d.Verdict {
		case Acted, Reported:
			e.attempts[key] = append(e.attempts[key], d.Time)
		case Exhausted:
			e.refused[key] = d.Active
		}
	}
	return sc.Err()
}
