package supervisor

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkLoadStateResolve is what a client command pays to find the
// server of a device: read and decode state.json of a 9-server,
// 500-device twin, then resolve one device.
func BenchmarkLoadStateResolve(b *testing.B) {
	dir := b.TempDir()
	st := &State{Version: StateVersion, Dir: dir, Policy: DefaultPolicy}
	for s := range 9 {
		var devs []string
		for d := range 56 {
			devs = append(devs, fmt.Sprintf("sr%02d/vc/ip-%02d", s, d))
		}
		sv := newServerRecord(dir, fmt.Sprintf("SimulatorDS/vc-%d", s), "vc-host", devs)
		sv.Phase, sv.Addr = PhaseRunning, fmt.Sprintf("127.0.0.1:%d", 40000+s)
		st.Servers = append(st.Servers, sv)
	}
	if err := st.Save(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		st, err := LoadState(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Resolve(context.Background(), "SR08/VC/IP-55"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelect matches a wildcard against 500 servers.
func BenchmarkSelect(b *testing.B) {
	var servers []*Server
	for i := range 500 {
		servers = append(servers, &Server{Name: fmt.Sprintf("SimulatorDS/vc-%03d", i), Host: "h", Devices: []string{fmt.Sprintf("a/b/%d", i)}})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Select(servers, []string{"simulatords/vc-4*"}); err != nil {
			b.Fatal(err)
		}
	}
}
