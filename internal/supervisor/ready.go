package supervisor

import (
	"encoding/json"
	"os"
)

// ready is the part of a server's ready file (server.Ready, written by
// `chaoslab serve --ready-file`) the supervisor needs. Decoding it here
// keeps this package off the server → sim → formula import chain.
type ready struct {
	Addr string `json:"addr"`
	Unix string `json:"unix"`
	Pid  int    `json:"pid"`
}

// readReady reads a ready file; the server writes it atomically.
func readReady(path string) (ready, error) {
	var r ready
	data, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	err = json.Unmarshal(data, &r)
	return r, err
}
