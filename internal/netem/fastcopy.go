package netem

import (
	"net"
	"sync"
	"syscall"
)

// fastChunk is the most the fast path moves per read while a stream is
// flowing: large chunks mean few syscalls and wake-ups per byte, and the
// receiving peer gets large, freshly written segments.
const fastChunk = 1 << 20

// fastSmall is the buffer for reads while traffic is light (request and
// reply sized): such reads never touch the pool, so a small message never
// waits for a 1 MiB allocation after a GC has emptied the pool.
const fastSmall = 16 << 10

// fastBufs holds the fast path's large buffers. A link takes one only once
// a read has filled its small buffer (a stream is flowing) and its source
// is readable, and gives it back whenever the source runs dry, so idle
// connections hold none.
var fastBufs = sync.Pool{New: func() any { b := make([]byte, fastChunk); return &b }}

// copyFast copies src to dst through a user-space buffer until end of
// stream (nil), a read deadline (an error matching os.ErrDeadlineExceeded,
// with nothing consumed that is not written) or another error.
//
// Why not dst.ReadFrom(src), which splices socket to socket without copying?
// Measured on loopback with client and server in another process, splice
// moves the cost to them: the segments it builds from the sender's pages
// made the pair spend nearly twice the CPU (1.40 vs 0.84 s/GB with 8 KiB
// server reads; 0.75 direct), more than the two copies the proxy saves (its
// own cost rises from 0.22 to 0.35 s/GB). With 2 vCPUs that CPU is the
// limit: the proxy reached 0.44 of direct throughput with splice and 0.60
// with this loop (BenchmarkProxyThroughputPeer, medians of 5).
func copyFast(dst, src *net.TCPConn) error {
	rc, err := src.SyscallConn()
	if err != nil {
		return err
	}
	var (
		small = make([]byte, fastSmall)
		big   *[]byte // from fastBufs while a stream flows
		buf   []byte  // the buffer of the last read
		n     int
		rerr  error
	)
	release := func() {
		if big != nil {
			fastBufs.Put(big)
			big = nil
		}
	}
	defer release()
	read := func(fd uintptr) bool {
		for {
			buf = small
			if n >= fastSmall { // the last read filled small: a stream flows
				if big == nil {
					big = fastBufs.Get().(*[]byte)
				}
				buf = *big
			}
			k, e := syscall.Read(int(fd), buf)
			if e == syscall.EINTR {
				continue
			}
			if e == syscall.EAGAIN {
				release() // hold no large buffer while parked
				return false
			}
			n, rerr = k, e
			return true
		}
	}
	for {
		// RawConn.Read checks the read deadline before calling read and
		// while waiting, so an interrupt never consumes data.
		if err := rc.Read(read); err != nil {
			return err
		}
		if rerr != nil {
			return &net.OpError{Op: "read", Net: "tcp", Source: src.LocalAddr(), Addr: src.RemoteAddr(), Err: rerr}
		}
		if n <= 0 {
			return nil // end of stream
		}
		if _, err := dst.Write(buf[:n]); err != nil {
			return err
		}
		if n < fastSmall {
			release() // traffic is light again
		}
	}
}
