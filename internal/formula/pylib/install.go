package pylib

import (
	"sync"

	"chaoslab/internal/formula/pyval"
)

var installOnce sync.Once

// Install registers the methods of the built-in types (str, bytes, list,
// tuple, dict, set/frozenset, int, float) with pyval.RegisterMethod. It is
// idempotent and is called by Builtins; hosts that evaluate without
// Builtins call it once at start-up.
func Install() {
	installOnce.Do(func() {
		installStr()
		installList()
		installDict()
		installSet()
		installNum()
		installRange()
		installUnbound()
	})
}

// method is the signature pyval.RegisterMethod takes.
type method = func(ctx *context, self value, args []value, kw []keyword) (value, error)

func reg(k pyval.Kind, name string, m method) {
	if registered[k] == nil {
		registered[k] = map[string]method{}
	}
	registered[k][name] = m
	pyval.RegisterMethod(k, name, m)
}

// registered mirrors what reg passed to pyval, for the unbound methods.
var registered = map[pyval.Kind]map[string]method{}
