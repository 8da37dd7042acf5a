//go:build linux

package memtrim

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// DropExecutable asks the kernel to drop the pages of the running
// executable's read-only mappings (code, read-only data, the function
// table). Writable mappings are never touched.
func DropExecutable() (Stats, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return Stats{}, err
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return Stats{}, err
	}
	defer f.Close()
	type span struct{ start, end uint64 }
	var spans []span
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// start-end perms offset dev inode path
		fs := strings.Fields(sc.Text())
		if len(fs) < 6 || fs[5] != exe || strings.Contains(fs[1], "w") || !strings.HasSuffix(fs[1], "p") {
			continue
		}
		lo, hi, ok := strings.Cut(fs[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		spans = append(spans, span{start, end})
	}
	if err := sc.Err(); err != nil {
		return Stats{}, err
	}
	var st Stats
	for _, s := range spans {
		// Read the maps first, then advise: no allocation or file read
		// runs between the calls.
		if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, uintptr(s.start), uintptr(s.end-s.start), syscall.MADV_DONTNEED); e != 0 {
			return st, fmt.Errorf("madvise %#x-%#x: %w", s.start, s.end, e)
		}
		st.Mappings++
		st.Bytes += int64(s.end - s.start)
	}
	return st, nil
}
