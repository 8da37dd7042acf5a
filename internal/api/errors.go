package api

import (
	"errors"
	"strings"

	pb "chaoslab/internal/api/chaoslabv1"
)

// Reasons used by the server, named as Tango names them.
const (
	ReasonDeviceNotFound  = "API_DeviceNotFound"
	ReasonAttrNotFound    = "API_AttrNotFound"
	ReasonCommandNotFound = "API_CommandNotFound"
	ReasonAttrNotWritable = "API_AttrNotWritable"
	ReasonAttrNotAllowed  = "API_AttrNotAllowed" // e.g. read during a device's StartupDelay
	ReasonOutOfLimits     = "API_WAttrOutsideLimit"
	ReasonBadArgument     = "API_InvalidArgs"
	ReasonBadRequest      = "API_BadRequest"
	ReasonUnavailable     = "API_CantConnectToDevice"
	ReasonTimeout         = "API_DeviceTimedOut"
	ReasonInternal        = "API_InternalError"
)

// Error is a failed call: a Tango-like DevError stack, outermost first.
type Error struct {
	Errors []*pb.DevError
}

// NewError returns an *Error with one DevError.
func NewError(reason, desc, origin string) *Error {
	return &Error{Errors: []*pb.DevError{{Reason: reason, Desc: desc, Origin: origin}}}
}

// Error reads "Reason: desc (origin)" for each element, joined by "; ".
func (e *Error) Error() string {
	var b strings.Builder
	for i, d := range e.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(FormatDevError(d))
	}
	return b.String()
}

// Reason returns the first error's reason, or "".
func (e *Error) Reason() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].GetReason()
}

// FormatDevError renders one DevError as "Reason: desc (origin)".
func FormatDevError(d *pb.DevError) string {
	s := d.GetReason()
	if d.GetDesc() != "" {
		s += ": " + d.GetDesc()
	}
	if d.GetOrigin() != "" {
		s += " (" + d.GetOrigin() + ")"
	}
	return s
}

// ReasonOf returns the reason of err when it is an *Error, else "".
func ReasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason()
	}
	return ""
}

// IsNotFound reports whether a reason means "no such device, attribute or command".
func IsNotFound(reason string) bool {
	return reason == ReasonDeviceNotFound || reason == ReasonAttrNotFound || reason == ReasonCommandNotFound
}
