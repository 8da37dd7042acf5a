package netem

import (
	"encoding/json"
	"fmt"
)

// Stream is a direction through the proxy.
type Stream uint8

const (
	// Downstream is server → client (the default, as in Toxiproxy).
	Downstream Stream = iota
	// Upstream is client → server.
	Upstream
)

// String returns "downstream" or "upstream".
func (s Stream) String() string {
	if s == Upstream {
		return "upstream"
	}
	return "downstream"
}

// ParseStream accepts upstream/up and downstream/down.
func ParseStream(v string) (Stream, error) {
	switch v {
	case "downstream", "down":
		return Downstream, nil
	case "upstream", "up":
		return Upstream, nil
	}
	return 0, fmt.Errorf("stream %q: want upstream (up) or downstream (down)", v)
}

// MarshalJSON writes the long name.
func (s Stream) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON accepts the names ParseStream accepts.
func (s *Stream) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("stream: want a string, got %s", b)
	}
	st, err := ParseStream(v)
	if err != nil {
		return err
	}
	*s = st
	return nil
}
