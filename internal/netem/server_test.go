package netem

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestControlAPI(t *testing.T) {
	p := startProxy(t, 1)
	s := NewServer()
	if err := s.Register(p); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cl := NewClient(s.URL(), nil)
	ctx := context.Background()

	spec, err := ParseToxic("limit_data=0,name=cut")
	if err != nil {
		t.Fatal(err)
	}
	got, err := cl.AddToxic(ctx, "echo", spec)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "cut" || got.Type() != "limit_data" {
		t.Fatalf("added %+v", got)
	}
	// The fault is observed by a client of the proxy.
	if cut := connGotToxic(t, p, 1); !cut[0] {
		t.Fatal("toxic added over the API did not take effect")
	}
	if _, err := cl.AddToxic(ctx, "echo", spec); !errors.Is(err, ErrToxicExists) {
		t.Fatalf("duplicate add: %v, want ErrToxicExists", err)
	}
	ps, err := cl.Proxies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info := ps["echo"]; info.Listen != p.Addr() || len(info.Toxics) != 1 || info.Toxics[0].Name != "cut" {
		t.Fatalf("proxies: %+v", ps)
	}
	if err := cl.RemoveToxic(ctx, "echo", "cut"); err != nil {
		t.Fatal(err)
	}
	if cut := connGotToxic(t, p, 1); cut[0] {
		t.Fatal("toxic removed over the API still in effect")
	}
	if err := cl.RemoveToxic(ctx, "echo", "cut"); !errors.Is(err, ErrToxicNotFound) {
		t.Fatalf("second remove: %v, want not found", err)
	}
	if _, err := cl.Toxics(ctx, "nope"); !errors.Is(err, ErrProxyNotFound) {
		t.Fatalf("unknown proxy: %v", err)
	}
	// A bad spec is a 400 naming the key.
	bad := spec
	bad.Toxic = &LimitData{Bytes: -1}
	if _, err := cl.AddToxic(ctx, "echo", bad); err == nil || !strings.Contains(err.Error(), "attributes.bytes") {
		t.Fatalf("bad spec: %v", err)
	}
	// Reset clears everything (what the CLI does after a crash).
	cl.AddToxic(ctx, "echo", spec)
	if err := cl.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if ts, _ := cl.Toxics(ctx, "echo"); len(ts) != 0 {
		t.Fatalf("after reset: %v", ts)
	}
}
