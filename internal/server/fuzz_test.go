package server

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/catalog"
)

// pipeConn is one side of a connection whose input is fixed bytes and
// whose output is discarded.
type pipeConn struct {
	net.Conn
	r io.Reader
}

func (p pipeConn) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p pipeConn) Write(b []byte) (int, error) { return len(b), nil }
func (p pipeConn) Close() error                { return nil }
func (p pipeConn) RemoteAddr() net.Addr        { return &net.TCPAddr{} }

// FuzzFramedConn feeds arbitrary bytes to a framed-protocol connection of a
// server running the real model: nothing may panic or hang.
func FuzzFramedConn(f *testing.F) {
	cat, err := catalog.Load(labCatalog)
	if err != nil {
		f.Fatal(err)
	}
	m, _, err := OpenModel(cat, OpenOptions{Servers: []string{"SimulatorDS/testrw"}, Start: time.Unix(0, 0)})
	if err != nil {
		f.Fatal(err)
	}
	s := New(Options{Model: m})
	defer s.Close()
	seed := []byte(api.Magic)
	seed, _ = api.AppendFrame(seed, api.KindRead, 1, &pb.ReadRequest{Names: []string{"test/tango/rw/A", "test/*/rw/*"}})
	seed, _ = api.AppendFrame(seed, api.KindWrite, 2, &pb.WriteRequest{Name: "test/tango/rw/B", Value: api.Int(99)})
	seed, _ = api.AppendFrame(seed, api.KindCommand, 3, &pb.CommandRequest{Device: "test/tango/rw", Command: "Double"})
	seed, _ = api.AppendFrame(seed, api.KindSetConfig, 4, &pb.SetConfigRequest{Name: "test/tango/rw/T"})
	seed, _ = api.AppendFrame(seed, api.KindState, 5, &pb.StateRequest{Devices: []string{"*"}})
	seed, _ = api.AppendFrame(seed, api.KindList, 6, &pb.ListDevicesRequest{Pattern: "*"})
	seed, _ = api.AppendFrame(seed, api.KindCancel, 7, nil)
	// Repeated reads come from the connection's plans.
	seed, _ = api.AppendFrame(seed, api.KindRead, 8, &pb.ReadRequest{Names: []string{"test/tango/rw/A", "test/*/rw/*"}})
	seed, _ = api.AppendFrame(seed, api.KindRead, 9, &pb.ReadRequest{Names: []string{"test/tango/rw/A", "TEST/tango/rw/state", "test/tango/rw/Nope"}})
	seed, _ = api.AppendFrame(seed, api.KindRead, 10, &pb.ReadRequest{Names: []string{"test/tango/rw/A", "TEST/tango/rw/state", "test/tango/rw/Nope"}})
	f.Add(seed)
	f.Add([]byte(api.Magic + "\x00\x00\x00\x05\x02\x00\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < len(api.Magic) {
			return
		}
		copy(data, api.Magic)
		// Subscriptions would outlive the input; drop them from fuzzing.
		c := pipeConn{r: bytes.NewReader(data)}
		s.serveFramed(c, bufio.NewReader(c))
	})
}
