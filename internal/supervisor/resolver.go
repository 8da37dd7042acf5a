package supervisor

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"chaoslab/internal/client"
)

// DirResolver is a client.Resolver over a state directory for long-lived
// users (load, probes, experiments): it re-reads state.json whenever the
// file changed, so a server restarted or added since is found. It is safe
// for concurrent use.
type DirResolver struct {
	dir string

	mu   sync.Mutex
	st   *State
	mod  time.Time
	size int64
}

var _ client.Resolver = (*DirResolver)(nil)

// NewResolver returns a resolver over the state directory dir.
func NewResolver(dir string) *DirResolver { return &DirResolver{dir: dir} }

// Resolve implements client.Resolver (see State.Resolve).
func (r *DirResolver) Resolve(ctx context.Context, device string) (string, error) {
	st, err := r.State()
	if err != nil {
		return "", err
	}
	return st.Resolve(ctx, device)
}

// State returns the current state, re-read if state.json changed.
func (r *DirResolver) State() (*State, error) {
	fi, err := os.Stat(filepath.Join(r.dir, StateFile))
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil && r.st != nil && fi.ModTime().Equal(r.mod) && fi.Size() == r.size {
		return r.st, nil
	}
	st, err := LoadState(r.dir)
	if err != nil {
		return nil, err
	}
	r.st = st
	if fi != nil {
		r.mod, r.size = fi.ModTime(), fi.Size()
	}
	return st, nil
}
