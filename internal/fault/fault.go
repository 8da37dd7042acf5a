package fault

import (
	"context"
	"time"
)

// Revert undoes one injection. It is idempotent: calling it again, or
// after the fault lifted itself, is not an error.
type Revert = func(context.Context) error

// Fault is an injectable fault. Inject applies it and returns its undo.
// An experiment Action adapts it in one line:
//
//	experiment.ActionFunc(func(ctx context.Context) (experiment.Revert, error) { return f.Inject(ctx) })
type Fault interface {
	Inject(ctx context.Context) (Revert, error)
}

// Verifier is implemented by faults that can check they took effect.
type Verifier interface {
	Verify(ctx context.Context) error
}

// Describer is implemented by faults that can say what they do.
type Describer interface {
	Describe() string
}

// Env is what faults need from the running twin.
type Env struct {
	Dir string           // the twin's state directory (holds DIR/faults/)
	Now func() time.Time // default time.Now
}

func (e Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// DefaultFor is how long a fault lasts when the spec gives no duration.
const DefaultFor = 5 * time.Minute
