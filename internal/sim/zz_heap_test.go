package sim

import (
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"
	"unsafe"
)

func TestZZHeap(t *testing.T) {
	if os.Getenv("ZZHEAP") == "" {
		t.Skip()
	}
	runtime.MemProfileRate = 4096
	w, _ := New(bigCatalog(3000, false), Options{Start: t0})
	w.Advance(t0)
	w.Advance(t0.Add(time.Second))
	runtime.GC()
	f, _ := os.Create("/tmp/heap.prof")
	pprof.WriteHeapProfile(f)
	f.Close()
	runtime.KeepAlive(w)
}

func TestZZSizes(t *testing.T) {
	t.Logf("attr=%d device=%d use=%d evState=%d Event=%d attrCfg=%d", unsafe.Sizeof(attr{}), unsafe.Sizeof(device{}), unsafe.Sizeof(use{}), unsafe.Sizeof(evState{}), unsafe.Sizeof(Event{}), unsafe.Sizeof(attrCfg{}))
}
