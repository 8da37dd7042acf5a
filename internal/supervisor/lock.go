package supervisor

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes the state directory's lock (flock on DIR/lock), so that
// concurrent up/down/servers commands on one directory run one at a time.
// The kernel drops the lock if the holder dies.
func lockDir(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock state dir: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock state dir %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}
