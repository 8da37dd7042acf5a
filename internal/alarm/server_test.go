package alarm_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"chaoslab/internal/alarm"
	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/catalog"
	"chaoslab/internal/client"
	"chaoslab/internal/server"
	"chaoslab/internal/sim"
)

// TestServedAlarms serves the clock alarms and uses them as the CLI does:
// AlarmSummary read, alarm attributes, Acknowledge/Disable/Enable with
// string-array arguments.
func TestServedAlarms(t *testing.T) {
	cat, err := catalog.Load("../../examples/alarms/panic-clock.csv")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Minute)
	w, err := sim.New(cat, sim.Options{Start: start, Kinds: alarm.Kinds(alarm.Options{Catalog: cat, Start: start})})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := server.New(server.Options{Model: server.NewSimModel(w)})
	done := make(chan struct{})
	go func() { s.Serve(ln); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := client.Dial(ctx, ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	devs, err := cl.ListDevices(ctx, "test/panic/*")
	if err != nil || len(devs) != 7 || devs[0].Class != "PyAlarm" {
		t.Fatalf("devices %v %v", devs, err)
	}
	rs, err := cl.ReadAttributes(ctx, []string{"test/panic/group/AlarmSummary", "test/panic/ck5/CK5"})
	if err != nil || len(rs) != 2 || len(rs[0].Errors) > 0 {
		t.Fatalf("read %v %v", rs, err)
	}
	lines := rs[0].Value.GetStrings().GetV()
	if len(lines) != 5 {
		t.Fatalf("summary %v", lines)
	}
	for _, l := range lines {
		if _, err := alarm.ParseSummary("test/panic/group", l); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := rs[1].Value.GetKind().(*pb.Value_B); !ok {
		t.Fatalf("CK5 is not a boolean: %v", rs[1].Value)
	}
	arr := func(ss ...string) *pb.Value {
		return &pb.Value{Kind: &pb.Value_Strings{Strings: &pb.StringArray{V: ss}}}
	}
	if _, err := cl.Command(ctx, "test/panic/ck5", "Disable", arr("CK5", "maintenance", "1h")); err != nil {
		t.Fatal(err)
	}
	v, err := cl.Command(ctx, "test/panic/ck5", "CheckDisabled", api.Str("CK5"))
	if err != nil || !v.GetB() {
		t.Fatalf("CheckDisabled %v %v", v, err)
	}
	rs, _ = cl.ReadAttributes(ctx, []string{"test/panic/ck5/AlarmSummary"})
	if got := rs[0].Value.GetStrings().GetV(); len(got) != 1 || !strings.Contains(got[0], "state=SHLVD") {
		t.Fatalf("summary after Disable %v", got)
	}
	if _, err := cl.Command(ctx, "test/panic/ck5", "Enable", api.Str("CK5")); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Command(ctx, "test/panic/ck5", "ResetAlarm", arr("CK5")); err == nil || !strings.Contains(err.Error(), "UserMessageRequiredAs2ndArgument") {
		t.Fatalf("ResetAlarm without comment: %v", err)
	}
	if _, err := cl.Command(ctx, "test/panic/ck5", "Acknowledge", arr("CK5", "seen")); err != nil {
		t.Fatal(err)
	}
}
