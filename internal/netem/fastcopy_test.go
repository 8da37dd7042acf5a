package netem

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// tcpPair returns the two ends of one loopback TCP connection.
func tcpPair(t *testing.T) (*net.TCPConn, *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	acc := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		acc <- c
	}()
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b := <-acc
	if b == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a.(*net.TCPConn), b.(*net.TCPConn)
}

// TestCopyFast checks the fast path's contract: it copies to end of stream,
// and a read deadline stops it without losing or duplicating a byte.
func TestCopyFast(t *testing.T) {
	for _, tc := range []struct {
		name      string
		size      int
		interrupt bool // past read deadline before any data, then resume
	}{
		{"empty", 0, false},
		{"small", 64, false},
		{"larger than a chunk", 3*fastChunk + 123, false},
		{"interrupted then resumed", 2*fastChunk + 7, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, srcEnd := tcpPair(t) // client writes, copyFast reads srcEnd
			dstEnd, server := tcpPair(t) // copyFast writes dstEnd, server reads
			msg := pattern(tc.size)
			got := make(chan []byte, 1)
			go func() {
				b, _ := io.ReadAll(server)
				got <- b
			}()
			if tc.interrupt {
				srcEnd.SetReadDeadline(aLongTimeAgo)
				if err := copyFast(dstEnd, srcEnd); !errors.Is(err, os.ErrDeadlineExceeded) {
					t.Fatalf("interrupted copy: err = %v, want deadline exceeded", err)
				}
				srcEnd.SetReadDeadline(aLongTimeAgo.AddDate(0, 0, -1)) // still past
			}
			go func() {
				client.Write(msg)
				client.CloseWrite()
			}()
			if tc.interrupt {
				if err := copyFast(dstEnd, srcEnd); !errors.Is(err, os.ErrDeadlineExceeded) {
					t.Fatalf("second interrupted copy: err = %v, want deadline exceeded", err)
				}
				srcEnd.SetReadDeadline(time.Time{})
			}
			if err := copyFast(dstEnd, srcEnd); err != nil {
				t.Fatalf("copy: %v", err)
			}
			dstEnd.CloseWrite()
			if b := <-got; !bytes.Equal(b, msg) {
				t.Fatalf("got %d bytes, want %d (first diff at %d)", len(b), len(msg), firstDiff(b, msg))
			}
		})
	}
}
