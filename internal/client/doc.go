// Package client is the Go client of the chaoslab device-server API. It
// speaks the lean framed protocol (see package api): one TCP connection per
// server, shared by all goroutines, with pipelining — concurrent calls are
// written in one batch and their replies matched by request id. Each
// subscription gets a connection of its own, so a consumer that falls
// behind slows only its own stream (and the server drops and counts events
// for it) without delaying calls.
//
// A Pool maps devices to servers through a Resolver and reuses one Client
// per server address.
package client
