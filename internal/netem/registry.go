package netem

import (
	"reflect"
	"slices"
	"strings"
)

// toxicKind describes one built-in toxic type.
type toxicKind struct {
	new func() Toxic
	// primary is the attribute set by the type key in the CLI form, so
	// "latency=100ms" means type latency with latency=100ms.
	primary string
}

// toxicKinds is the explicit list of built-in toxics.
var toxicKinds = map[string]toxicKind{
	"latency":    {func() Toxic { return &Latency{} }, "latency"},
	"bandwidth":  {func() Toxic { return &Bandwidth{} }, "rate"},
	"loss":       {func() Toxic { return &Loss{} }, "probability"},
	"reset_peer": {func() Toxic { return &ResetPeer{} }, "timeout"},
	"timeout":    {func() Toxic { return &Timeout{} }, "timeout"},
	"slow_close": {func() Toxic { return &SlowClose{} }, "delay"},
	"slicer":     {func() Toxic { return &Slicer{} }, "average_size"},
	"limit_data": {func() Toxic { return &LimitData{} }, "bytes"},
	"corrupt":    {func() Toxic { return &Corrupt{} }, "probability"},
}

// ToxicTypes lists the built-in toxic type names, sorted.
func ToxicTypes() []string {
	var names []string
	for k := range toxicKinds {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func typeList() string { return strings.Join(ToxicTypes(), ", ") }

// typeOf returns the registered name of t's type, or "".
func typeOf(t Toxic) string {
	if t == nil {
		return ""
	}
	rt := reflect.TypeOf(t)
	for name, k := range toxicKinds {
		if reflect.TypeOf(k.new()) == rt {
			return name
		}
	}
	return ""
}
