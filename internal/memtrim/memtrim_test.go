package memtrim

import (
	"fmt"
	"runtime"
	"sort"
	"testing"
)

// TestDropExecutable: the executable's read-only mappings are dropped and
// the process goes on running code and reading tables (they come back from
// the file), including a garbage collection that walks every stack.
func TestDropExecutable(t *testing.T) {
	st, err := DropExecutable()
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "linux" && (st.Mappings == 0 || st.Bytes == 0) {
		t.Fatalf("nothing dropped on linux: %+v", st)
	}
	runtime.GC()
	xs := []string{"c", "a", "b"}
	sort.Strings(xs)
	if got := fmt.Sprint(xs); got != "[a b c]" {
		t.Fatalf("after the drop: %s", got)
	}
	if _, err := DropExecutable(); err != nil {
		t.Fatalf("second drop: %v", err)
	}
}
