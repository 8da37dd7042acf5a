package pylib

import "chaoslab/internal/formula/pyval"

// makeIter returns a lazy iterator object named name (repr "<name object at
// 0x...>") that yields what next yields.
func makeIter(ctx *context, name string, next nextFn) (value, error) {
	return pyval.NewIterator(pyval.NewIter(name, next)), nil
}
