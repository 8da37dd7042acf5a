package server

import (
	"context"
	"net/http"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/api/chaoslabv1/chaoslabv1connect"
)

// Handler returns the HTTP side of the server: the connect-go service
// (gRPC, gRPC-Web, Connect with JSON or protobuf), /metrics and /healthz.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	// A request body is bounded like a framed request: without the
	// bound, one POST could make the server buffer any amount.
	path, h := chaoslabv1connect.NewDeviceServiceHandler(&connectService{s: s}, connect.WithReadMaxBytes(api.MaxFrame))
	mux.Handle(path, h)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.met.reg, promhttp.HandlerOpts{Registry: s.met.reg}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	return mux
}

// connectService adapts the server to connect-go's generated interface.
type connectService struct {
	chaoslabv1connect.UnimplementedDeviceServiceHandler
	s *Server
}

var _ chaoslabv1connect.DeviceServiceHandler = (*connectService)(nil)

// unary runs one request through the shared execution path.
// ctx is the request's: a client that goes away releases a request held
// by an injected latency (the request still runs, as a slow device's
// would).
func unary[Resp any](ctx context.Context, s *Server, kind api.Kind, req any) (*connect.Response[Resp], error) {
	c := call{kind: kind, req: req}
	s.do(ctx, &c)
	if c.err != nil {
		return nil, connectError(c.err)
	}
	return connect.NewResponse(c.resp.(*Resp)), nil
}

// connectError maps an *api.Error to a connect error with the DevError
// stack as detail (an ErrorResponse), so JSON clients see reason and desc.
func connectError(err error) error {
	code := connect.CodeInternal
	reason := api.ReasonOf(err)
	switch {
	case api.IsNotFound(reason):
		code = connect.CodeNotFound
	case reason == api.ReasonAttrNotWritable, reason == api.ReasonOutOfLimits, reason == api.ReasonBadArgument, reason == api.ReasonBadRequest:
		code = connect.CodeInvalidArgument
	case reason == api.ReasonUnavailable:
		code = connect.CodeUnavailable
	}
	ce := connect.NewError(code, err)
	if d, derr := connect.NewErrorDetail(errorResponse(err)); derr == nil {
		ce.AddDetail(d)
	}
	return ce
}

func (c *connectService) ListDevices(ctx context.Context, r *connect.Request[pb.ListDevicesRequest]) (*connect.Response[pb.ListDevicesResponse], error) {
	return unary[pb.ListDevicesResponse](ctx, c.s, api.KindList, r.Msg)
}

func (c *connectService) ReadAttributes(ctx context.Context, r *connect.Request[pb.ReadRequest]) (*connect.Response[pb.ReadResponse], error) {
	return unary[pb.ReadResponse](ctx, c.s, api.KindRead, r.Msg)
}

func (c *connectService) WriteAttribute(ctx context.Context, r *connect.Request[pb.WriteRequest]) (*connect.Response[pb.WriteResponse], error) {
	return unary[pb.WriteResponse](ctx, c.s, api.KindWrite, r.Msg)
}

func (c *connectService) RunCommand(ctx context.Context, r *connect.Request[pb.CommandRequest]) (*connect.Response[pb.CommandResponse], error) {
	return unary[pb.CommandResponse](ctx, c.s, api.KindCommand, r.Msg)
}

func (c *connectService) GetConfig(ctx context.Context, r *connect.Request[pb.GetConfigRequest]) (*connect.Response[pb.GetConfigResponse], error) {
	return unary[pb.GetConfigResponse](ctx, c.s, api.KindGetConfig, r.Msg)
}

func (c *connectService) SetConfig(ctx context.Context, r *connect.Request[pb.SetConfigRequest]) (*connect.Response[pb.SetConfigResponse], error) {
	return unary[pb.SetConfigResponse](ctx, c.s, api.KindSetConfig, r.Msg)
}

func (c *connectService) GetState(ctx context.Context, r *connect.Request[pb.StateRequest]) (*connect.Response[pb.StateResponse], error) {
	return unary[pb.StateResponse](ctx, c.s, api.KindState, r.Msg)
}

func (c *connectService) ServerInfo(_ context.Context, _ *connect.Request[pb.ServerInfoRequest]) (*connect.Response[pb.ServerInfoResponse], error) {
	c.s.requests.Add(1)
	c.s.met.observe(api.KindInfo, false, 0)
	return connect.NewResponse(c.s.Info()), nil
}

func (c *connectService) Subscribe(ctx context.Context, r *connect.Request[pb.SubscribeRequest], st *connect.ServerStream[pb.EventBatch]) error {
	sub, err := c.s.newSubscription(r.Msg)
	c.s.met.observe(api.KindSubscribe, err != nil, 0)
	if err != nil {
		return connectError(err)
	}
	defer c.s.endSubscription(sub)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { // end the stream when the server closes
		select {
		case <-c.s.ctx.Done():
			cancel()
		case <-ctx.Done():
		}
	}()
	send, err := protoSender(sub, st.Send)
	if err != nil {
		return err
	}
	return c.s.sendLoop(ctx, sub, send)
}

func (c *connectService) InjectFault(ctx context.Context, r *connect.Request[pb.InjectFaultRequest]) (*connect.Response[pb.InjectFaultResponse], error) {
	return unary[pb.InjectFaultResponse](ctx, c.s, api.KindInjectFault, r.Msg)
}

func (c *connectService) ClearFault(ctx context.Context, r *connect.Request[pb.ClearFaultRequest]) (*connect.Response[pb.ClearFaultResponse], error) {
	return unary[pb.ClearFaultResponse](ctx, c.s, api.KindClearFault, r.Msg)
}

func (c *connectService) ListFaults(ctx context.Context, r *connect.Request[pb.ListFaultsRequest]) (*connect.Response[pb.ListFaultsResponse], error) {
	return unary[pb.ListFaultsResponse](ctx, c.s, api.KindListFaults, r.Msg)
}
