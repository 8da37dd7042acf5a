package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
)

// TestRepeatedRead reads one list of names over and over on one
// connection, as a panel does: from the second read on it is served from
// the connection's plan, and must still follow writes, report the
// unknown name every time and expand wildcards the same way.
func TestRepeatedRead(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	known := []string{"test/tango/rw/A", "test/tango/rw/Twice", "TEST/tango/RW/state"}
	withUnknown := append(append([]string(nil), known...), "test/tango/rw/Nope")
	for i := range 3 {
		if err := c.Write(ctx, "test/tango/rw/A", api.Int(int64(i))); err != nil {
			t.Fatal(err)
		}
		rs, err := c.ReadAttributes(ctx, known)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{fmt.Sprint(i), fmt.Sprint(2 * i), "ON"}
		for k, r := range rs {
			if r.Name != known[k] || api.FormatValue(r.Value) != want[k] || len(r.Errors) > 0 {
				t.Errorf("read %d: %s = %s %v, want %s = %s", i, r.Name, api.FormatValue(r.Value), r.Errors, known[k], want[k])
			}
		}
		rs, err = c.ReadAttributes(ctx, withUnknown)
		if err != nil || len(rs) != 4 || api.FormatValue(rs[0].Value) != fmt.Sprint(i) ||
			len(rs[3].Errors) != 1 || rs[3].Errors[0].Reason != api.ReasonAttrNotFound {
			t.Errorf("read %d with an unknown name: %v, %v", i, rs, err)
		}
		rs, err = c.ReadAttributes(ctx, []string{"test/tango/rw/*"})
		if err != nil || len(rs) < 3 {
			t.Errorf("read %d of a wildcard: %d readings, %v", i, len(rs), err)
		}
	}
}

// TestPlanCacheBounds: a read becomes a plan the second time it is seen;
// a connection keeps at most maxPlans plans of payloads up to
// maxPlanPayload bytes, copies the names it is given, and takes no more
// plans when full.
func TestPlanCacheBounds(t *testing.T) {
	var pc planCache
	payload := func(i int) []byte {
		b, _ := proto.Marshal(&pb.ReadRequest{Names: []string{fmt.Sprintf("a/b/c/%d", i)}})
		return b
	}
	names := []string{"a/b/c/0"}
	if p := pc.add(payload(0), names, nil); p != nil {
		t.Fatalf("a first sighting made plan %+v", p)
	}
	p := pc.add(payload(0), names, nil)
	names[0] = "changed"
	if p == nil || p.names[0] != "a/b/c/0" || p.ids != nil {
		t.Fatalf("plan = %+v, want a copy of the names and no ids", p)
	}
	if pc.get(payload(0)) != p {
		t.Fatal("plan not found by its payload")
	}
	for i := 1; i < 2*maxPlans; i++ {
		pc.add(payload(i), []string{"x"}, nil)
		pc.add(payload(i), []string{"x"}, nil)
	}
	if len(pc.plans) != maxPlans || pc.get(payload(0)) != p || pc.get(payload(2*maxPlans-1)) != nil {
		t.Errorf("%d plans after overflowing, want the first %d kept", len(pc.plans), maxPlans)
	}
	big := []byte(strings.Repeat("x", maxPlanPayload+1))
	var small planCache
	small.add(big, []string{"x"}, nil)
	if small.add(big, []string{"x"}, nil) != nil || small.get(big) != nil {
		t.Error("a payload over the bound was kept")
	}
	if pc.bytes > maxPlanBytes {
		t.Errorf("%d bytes kept, bound %d", pc.bytes, maxPlanBytes)
	}
}

// TestRandomBatchesMakeNoPlans: reads seen once, as a load generator's
// random batches are, allocate nothing for plans.
func TestRandomBatchesMakeNoPlans(t *testing.T) {
	var pc planCache
	payloads := make([][]byte, 64)
	for i := range payloads {
		payloads[i], _ = proto.Marshal(&pb.ReadRequest{Names: []string{fmt.Sprintf("a/b/c/%d", i), "a/b/c/x"}})
	}
	pc.add(payloads[0], []string{"x"}, nil) // the map's first allocation
	i := 1
	allocs := testing.AllocsPerRun(50, func() {
		pc.add(payloads[i%len(payloads)], []string{"x"}, nil)
		i++
	})
	if allocs != 0 || len(pc.plans) != 0 {
		t.Errorf("%v allocations per first sighting, %d plans", allocs, len(pc.plans))
	}
}
