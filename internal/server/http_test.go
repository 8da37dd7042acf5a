package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"connectrpc.com/connect"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/api/chaoslabv1/chaoslabv1connect"
)

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestJSONOverHTTP: the API as curl sees it, on the same port as the
// framed protocol.
func TestJSONOverHTTP(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	base := "http://" + addr + "/chaoslab.v1.DeviceService/"

	code, body := post(t, base+"WriteAttribute", `{"name":"test/tango/rw/A","value":{"d":2.5}}`)
	if code != 200 {
		t.Fatalf("write: %d %s", code, body)
	}
	code, body = post(t, base+"ReadAttributes", `{"names":["test/tango/rw/A"]}`)
	var rr struct {
		Readings []struct {
			Name    string
			Value   map[string]any
			Quality string
		}
	}
	if code != 200 || json.Unmarshal([]byte(body), &rr) != nil || len(rr.Readings) != 1 || rr.Readings[0].Value["d"] != 2.5 {
		t.Fatalf("read: %d %s", code, body)
	}
	code, body = post(t, base+"WriteAttribute", `{"name":"test/tango/rw/B","value":{"i":20}}`)
	if code != 400 || !strings.Contains(body, "API_WAttrOutsideLimit") || !strings.Contains(body, `"invalid_argument"`) {
		t.Errorf("limit error: %d %s", code, body)
	}
	code, body = post(t, base+"ReadAttributes", `{"names":["no/such/dev/A"]}`)
	if code != 200 || !strings.Contains(body, "API_DeviceNotFound") {
		t.Errorf("unknown device read: %d %s", code, body)
	}
	// Side-effect-free methods also answer GET (browsers, plain curl).
	resp, err := http.Get(base + "ReadAttributes?encoding=json&message=" + url.QueryEscape(`{"names":["test/tango/rw/A"]}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"d":2.5`) {
		t.Errorf("GET read: %d %s", resp.StatusCode, b)
	}
	code, body = post(t, base+"ListDevices", `{}`)
	if code != 200 || !strings.Contains(body, "test/tango/rw/B") {
		t.Errorf("list: %d %s", code, body)
	}

	resp, err = http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`chaoslab_requests_total{kind="write",outcome="error"} 1`, `chaoslab_requests_total{kind="read",outcome="ok"}`,
		"chaoslab_request_duration_seconds_bucket", "chaoslab_events_dropped_total", "chaoslab_subscribers", "chaoslab_eval_errors_total",
		"process_cpu_seconds_total", "go_goroutines"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	resp, err = http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestGRPC: a gRPC client over h2c (prior knowledge, "PRI * HTTP/2.0")
// reaches the same port, unary and streaming.
func TestGRPC(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	c := grpcClient(t, addr)
	ctx := context.Background()
	r, err := c.ReadAttributes(ctx, connect.NewRequest(&pb.ReadRequest{Names: []string{"test/tango/rw/State"}}))
	if err != nil || len(r.Msg.Readings) != 1 || r.Msg.Readings[0].Value.GetS() != "ON" {
		t.Fatalf("gRPC read: %v, %v", r, err)
	}
	_, err = c.WriteAttribute(ctx, connect.NewRequest(&pb.WriteRequest{Name: "test/tango/rw/T", Value: &pb.Value{Kind: &pb.Value_D{D: 1}}}))
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "API_AttrNotWritable") {
		t.Errorf("gRPC write error: %v", err)
	}
	info, err := c.ServerInfo(ctx, connect.NewRequest(&pb.ServerInfoRequest{}))
	if err != nil || info.Msg.Devices != 1 {
		t.Errorf("info: %v %v", info, err)
	}
	p := int64(10)
	if _, err := c.SetConfig(ctx, connect.NewRequest(&pb.SetConfigRequest{Name: "test/tango/rw/T", Config: &pb.AttrConfig{PollingPeriodMs: &p, EventPeriodMs: &p}})); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st, err := c.Subscribe(sctx, connect.NewRequest(&pb.SubscribeRequest{Names: []string{"test/tango/rw/T"}, Type: pb.EventType_EVENT_TYPE_PERIODIC}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := 0
	for st.Receive() && n < 3 {
		if n == 0 && (len(st.Msg().Names) != 1 || st.Msg().Names[0] != "test/tango/rw/T") {
			t.Fatalf("first batch = %v", st.Msg())
		}
		n++
	}
	if n < 3 {
		t.Fatalf("stream: %d batches, %v", n, st.Err())
	}
}

// TestHTTPBodyLimit: a request body over api.MaxFrame is refused without
// being buffered (the framed protocol's bound, over HTTP).
func TestHTTPBodyLimit(t *testing.T) {
	addr, _ := startServer(t, labCatalog, []string{"SimulatorDS/testrw"}, nil)
	// `{"names":["` then MaxFrame bytes of a name: valid JSON up to the
	// limit, produced as it is sent.
	body := io.MultiReader(strings.NewReader(`{"names":["`), io.LimitReader(repeatByte('a'), api.MaxFrame), strings.NewReader(`"]}`))
	resp, err := http.Post("http://"+addr+"/chaoslab.v1.DeviceService/ReadAttributes", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK || !strings.Contains(string(b), "resource_exhausted") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if code, body := post(t, "http://"+addr+"/chaoslab.v1.DeviceService/ReadAttributes", `{"names":["test/tango/rw/A"]}`); code != 200 {
		t.Fatalf("after: %d %s", code, body)
	}
}

// repeatByte is an endless reader of b.
type repeatByte byte

func (r repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// grpcClient is a gRPC (HTTP/2 without TLS) client of the server at addr.
func grpcClient(t *testing.T, addr string) chaoslabv1connect.DeviceServiceClient {
	t.Helper()
	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &protocols}
	t.Cleanup(tr.CloseIdleConnections)
	return chaoslabv1connect.NewDeviceServiceClient(&http.Client{Transport: tr}, "http://"+addr, connect.WithGRPC())
}
