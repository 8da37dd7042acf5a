// Package api holds what the device server and its clients share: the
// protobuf messages and connect-go service generated from proto/ (package
// chaoslabv1), the Tango-like error type, attribute-name helpers, value
// formatting and the lean framed wire protocol.
//
// It imports nothing else from chaoslab.
package api
