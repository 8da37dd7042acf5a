// Package server is the device-server process core: it owns one twin model
// (a set of simulated devices), runs its polling loop and serves the
// chaoslab API on one TCP port.
//
//	            ┌──────────── one TCP port ────────────┐
//	conn ──► sniff ─┬─ 0xff "CLB" ─► framed protocol ─┐ │
//	                └─ HTTP/1.1, h2c ─► net/http ─────┤ │   connect-go (gRPC, gRPC-Web, Connect JSON),
//	                                    /metrics,     │ │   /metrics, /healthz
//	                                    /healthz      ▼ │
//	                                  world lock ─► Model (single-threaded)
//	polling loop (timer at the earliest due time) ─► Model.Advance ─► fan-out
//	fan-out: per-subscriber bounded ring ─► sender goroutine ─► conn/stream
//
// The model is single-threaded: every call into it holds the world lock,
// and a framed connection executes all the requests it has buffered under
// one lock acquisition, so pipelined reads cost one lock and one write.
// Fan-out never blocks the model: each subscriber has a bounded ring; on
// overflow the oldest events are dropped, counted, and the subscriber gets
// a drop marker (EventBatch.dropped) with its next batch.
package server
