package server

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/api/chaoslabv1/chaoslabv1connect"
	"chaoslab/internal/client"
)

// writeCatalog writes a catalog of devs devices with attrs attributes each
// (formula f, "%d" is replaced by the attribute index) and returns its path.
func writeCatalog(t testing.TB, devs, attrs int, f string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("server\tclass\tdevice\tproperty\tvalue\n")
	for d := 0; d < devs; d++ {
		for a := 0; a < attrs; a++ {
			formula := strings.ReplaceAll(f, "%d", fmt.Sprint(a))
			if a == 0 {
				fmt.Fprintf(&b, "SimulatorDS/gen\tSimulatorDS\tgen/dev/%d\tDynamicAttributes\tA%d=%s\n", d, a, formula)
			} else {
				fmt.Fprintf(&b, "\t\t\t\tA%d=%s\n", a, formula)
			}
		}
		b.WriteString("\t\t\tStartupDelay\t0\n\t\t\tKeepTime\t0\n")
	}
	path := filepath.Join(t.TempDir(), "gen.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestStuckSubscriber: one subscriber stops reading while another keeps
// receiving everything. The server neither blocks nor grows: the stuck
// subscriber's ring overflows, the drops are counted, and when it reads
// again its next batch carries the drop marker.
func TestStuckSubscriber(t *testing.T) {
	const attrs = 20
	// ~2 KB strings make the socket buffers fill fast.
	cat := writeCatalog(t, 1, attrs, `str(t)*120`)
	addr, _ := startServer(t, cat, []string{"SimulatorDS/gen"}, nil)
	c := dial(t, addr)
	ctx := context.Background()
	names := []string{"gen/dev/0/*"}

	// The stuck subscriber: a raw connection that subscribes and then does
	// not read.
	stuck, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	frame, _ := api.AppendFrame([]byte(api.Magic), api.KindSubscribe, 1, &pb.SubscribeRequest{Names: names, Type: pb.EventType_EVENT_TYPE_PERIODIC, Queue: 64})
	if _, err := stuck.Write(frame); err != nil {
		t.Fatal(err)
	}

	healthy, err := c.Subscribe(ctx, names, pb.EventType_EVENT_TYPE_PERIODIC, client.SubscribeOptions{Queue: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	defer healthy.Close()

	p := int64(1)
	for i := 0; i < attrs; i++ {
		if _, err := c.SetConfig(ctx, fmt.Sprintf("gen/dev/0/A%d", i), &pb.AttrConfig{PollingPeriodMs: &p, EventPeriodMs: &p}); err != nil {
			t.Fatal(err)
		}
	}

	// Receive until the server has dropped events for the stuck one, then
	// some more: the healthy subscriber must never see a drop.
	received, after := 0, 0
	for b := range healthy.C {
		if b.Dropped != 0 {
			t.Fatalf("healthy subscriber lost %d events", b.Dropped)
		}
		received += len(b.Events)
		if after > 0 {
			after += len(b.Events)
			if after > 1000 {
				break
			}
			continue
		}
		info, err := c.ServerInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.EventsDropped > 0 {
			t.Logf("dropped after %d events, %v", received, info)
			after = 1
		}
	}
	if after <= 1000 {
		t.Fatalf("healthy stream ended after %d events: %v", received, healthy.Err())
	}
	// The server still answers.
	if _, err := c.ReadAttributes(ctx, []string{"gen/dev/0/A0"}); err != nil {
		t.Fatal(err)
	}
	// The stuck subscriber reads again and finds the drop marker.
	fr := api.NewFrameReader(bufio.NewReader(stuck))
	for {
		kind, _, payload, err := fr.Next()
		if err != nil {
			t.Fatalf("stuck subscriber never saw a drop marker: %v", err)
		}
		if kind != api.KindEvents {
			t.Fatalf("unexpected frame %v", kind)
		}
		var b pb.EventBatch
		if err := proto.Unmarshal(payload, &b); err != nil {
			t.Fatal(err)
		}
		if b.Dropped > 0 {
			break
		}
	}
}

// TestSubscribeQueueLimit: a subscription asking for a queue beyond
// MaxQueue is refused with API_InvalidArgs on every transport, and the
// server lives on (a ring of 2^32 events used to exhaust its memory).
// The client refuses a negative queue before sending anything.
func TestSubscribeQueueLimit(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	names := []string{"test/tango/rw/A"}

	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	frame, _ := api.AppendFrame([]byte(api.Magic), api.KindSubscribe, 7, &pb.SubscribeRequest{Names: names, Queue: math.MaxUint32})
	if _, err := raw.Write(frame); err != nil {
		t.Fatal(err)
	}
	kind, id, payload, err := api.NewFrameReader(bufio.NewReader(raw)).Next()
	if err != nil {
		t.Fatal(err)
	}
	var e pb.ErrorResponse
	if kind != api.KindError || id != 7 || proto.Unmarshal(payload, &e) != nil || len(e.Errors) == 0 ||
		e.Errors[0].Reason != api.ReasonBadArgument || !strings.Contains(e.Errors[0].Desc, "at most 262144") {
		t.Fatalf("framed reply: %v %d %v", kind, id, &e)
	}

	hc := chaoslabv1connect.NewDeviceServiceClient(http.DefaultClient, "http://"+addr)
	st, err := hc.Subscribe(context.Background(), connect.NewRequest(&pb.SubscribeRequest{Names: names, Queue: MaxQueue + 1}))
	if err == nil {
		for st.Receive() {
		}
		err = st.Err()
		st.Close()
	}
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), api.ReasonBadArgument) {
		t.Fatalf("Connect reply: %v", err)
	}

	c := dial(t, addr)
	ctx := context.Background()
	if _, err := c.Subscribe(ctx, names, pb.EventType_EVENT_TYPE_CHANGE, client.SubscribeOptions{Queue: -5}); api.ReasonOf(err) != api.ReasonBadArgument {
		t.Fatalf("client, queue -5: %v", err)
	}
	sub, err := c.Subscribe(ctx, names, pb.EventType_EVENT_TYPE_CHANGE, client.SubscribeOptions{Queue: MaxQueue})
	if err != nil {
		t.Fatalf("queue of MaxQueue: %v", err)
	}
	sub.Close()
	if _, err := c.ReadAttributes(ctx, names); err != nil {
		t.Fatal(err)
	}
}
