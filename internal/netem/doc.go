// Package netem is chaoslab's built-in TCP fault proxy, in the manner of
// Toxiproxy: a Proxy sits between clients and one server, and toxics
// (latency, bandwidth, loss, reset_peer, timeout, slow_close, slicer,
// limit_data, corrupt) act on either direction of every connection.
//
// Each accepted connection has two links, upstream (client → server) and
// downstream (server → client). A link with no toxic uses the fast path, a
// read/write loop with a pooled 1 MiB buffer taken only while data flows
// (copyFast; kernel splice was measured slower end to end, see there). A
// link with toxics runs a pipeline:
//
//	          fast path (no toxics): copyFast, read ≤ 1 MiB, write it all
//	src ───────────────────────────────────────────────────────────▶ dst
//
//	          toxic pipeline (toxics, in the order added):
//	src ─▶ reader ─chan─▶ [stub: toxic 1] ─chan─▶ … ─chan─▶ writer ─▶ dst
//	        │ Chunk{Data, Time read}      │ Send / Close / CloseConn / Reset
//	        └── Interrupt (closed on a toxic change or teardown) ──┘
//
// When the toxic set changes, each live link is interrupted (a past read
// deadline stops the fast copy or the reader without consuming data; every
// stub returns on Interrupt, handing back what it held), the chunks still in
// flight are collected in stream order and replayed into the next pipeline,
// or written directly when switching back to the fast path. So toxics apply
// to live connections from the next byte on and no byte is lost or
// reordered by the switch. Add, Remove and Reset return once every live
// connection has switched (bounded by the caller's context), so data a client
// sends after Remove returns never meets the removed toxic.
//
// Toxicity (the fraction of connections that get a toxic) is decided per
// connection from the proxy's Seed, the connection's accept number (1, 2, …)
// and the toxic's name: same seed and same connection order give the same
// choices, a decision never re-rolls when other toxics change, and toxicity
// 0 never applies. Each toxic's own randomness (jitter, loss, slicing,
// corruption) comes from a stream derived the same way per direction.
//
// Two toxics on one stream compose in the order added (the first added sees
// the data first); removing one leaves the others as they were. Every toxic
// may carry a Deadline after which the proxy removes it by itself (a
// dead-man's switch), so a crashed controller cannot leave a fault behind.
//
// Server exposes proxies over an HTTP/JSON control API on 127.0.0.1 and
// Client speaks it, so another process can list, add, remove and reset
// toxics. Specs decode strictly from JSON (DecodeToxic) or from the CLI form
// "latency=100ms,jitter=10ms,stream=down,toxicity=0.5" (ParseToxic).
package netem
