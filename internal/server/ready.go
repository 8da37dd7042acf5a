package server

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Ready is what `chaoslab serve --ready-file` writes once every device
// answers: the address the server bound and its process id.
type Ready struct {
	Addr    string `json:"addr"`
	Unix    string `json:"unix,omitempty"` // the Unix socket's path, if it has one
	Pid     int    `json:"pid"`
	Server  string `json:"server,omitempty"`
	Host    string `json:"host,omitempty"`
	Devices int    `json:"devices"`
}

// WriteReady writes r to path atomically (a temporary file renamed into
// place), so a reader never sees a partial file.
func WriteReady(path string, r Ready) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ready-*")
	if err != nil {
		return fmt.Errorf("write ready file: %w", err)
	}
	_, werr := tmp.Write(append(data, '\n'))
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write ready file %s: %v", path, errorsJoin(werr, cerr))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write ready file: %w", err)
	}
	return nil
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// ReadReady reads a ready file. A missing file gives an error satisfying
// errors.Is(err, fs.ErrNotExist).
func ReadReady(path string) (Ready, error) {
	var r Ready
	data, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("ready file %s: %w", path, err)
	}
	return r, nil
}
