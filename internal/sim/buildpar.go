package sim

import (
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"chaoslab/internal/catalog"
	"chaoslab/internal/formula/pyval"
)

// buildChunk is how many devices one worker builds at a time.
const buildChunk = 128

// buildDevices builds the DynamicDS devices on every core: devices are
// independent except for the shared compile cache and the interned
// attribute configurations (both locked). Problems come back in device
// order, as a sequential build would report them.
func (w *World) buildDevices(devs []*device) Problems {
	chunks := (len(devs) + buildChunk - 1) / buildChunk
	results := make([]Problems, chunks)
	work := func(b *builder, c int) {
		b.probs = &results[c]
		for _, d := range devs[c*buildChunk : min(len(devs), (c+1)*buildChunk)] {
			b.d = d
			b.device()
			d.propv = devProps(&b.arena, d.cat)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := &builder{w: w, cat: w.cat, lower: map[string]int32{}, exact: map[string]bool{}, foff: -1}
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				work(b, c)
			}
		}()
	}
	wg.Wait()
	var out Problems
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// propKV is a property kept for PROPERTY() after the catalog is dropped.
type propKV struct {
	name   string
	values []string
}

// formulaProps are not kept for PROPERTY(): the World holds them parsed.
var formulaProps = map[string]bool{"dynamicattributes": true, "dynamicstates": true, "dynamiccommands": true,
	"dynamicqualities": true, "dynamicstatus": true}

// keepProps copies properties (strings cloned: catalog strings are slices
// of the whole file).
func keepProps(a *arena, ps []*catalog.Property) []propKV {
	var out []propKV
	for _, p := range ps {
		if formulaProps[strings.ToLower(p.Name)] {
			continue
		}
		vs := make([]string, len(p.Values))
		for i, v := range p.Values {
			vs[i] = a.clone(v)
		}
		out = append(out, propKV{name: a.clone(p.Name), values: vs})
	}
	return out
}

func devProps(a *arena, cd *catalog.Device) []propKV {
	if cd == nil {
		return nil
	}
	return keepProps(a, cd.Properties)
}

func classProps(cat *catalog.Catalog) map[string][]propKV {
	if len(cat.Classes) == 0 {
		return nil
	}
	out := make(map[string][]propKV, len(cat.Classes))
	var a arena
	for n, c := range cat.Classes {
		out[strings.Clone(n)] = keepProps(&a, c.Properties)
	}
	return out
}

func findKV(ps []propKV, name string) *propKV {
	for i := range ps {
		if strings.EqualFold(ps[i].name, name) {
			return &ps[i]
		}
	}
	return nil
}

func catDir(path string) string {
	if path == "" {
		return ""
	}
	return filepath.Dir(path)
}

// formulaProperty answers PROPERTY() for the formula properties, rebuilt
// from the parsed model as "NAME=formula" lines (comments and continuation
// lines of the original are not kept).
func (d *device) formulaProperty(name string) pyval.Value {
	var lines []pyval.Value
	switch strings.ToLower(name) {
	case "dynamicattributes":
		for i := range d.attrs {
			lines = append(lines, pyval.Str(d.attrs[i].name+"="+d.attrs[i].src))
		}
	case "dynamiccommands":
		for i := range d.cmds {
			lines = append(lines, pyval.Str(d.cmds[i].name+"="+d.cmds[i].src))
		}
	case "dynamicstates":
		for i := range d.states {
			lines = append(lines, pyval.Str(d.states[i].state.String()+"="+d.states[i].src))
		}
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return pyval.NewList(lines)
}

// arena copies strings into shared chunks: the World keeps many short
// strings (names, property values) that must not be slices of the catalog
// file, and one allocation per chunk is far cheaper than one per string.
// Strings never move; a chunk lives as long as any of its strings.
type arena struct{ buf []byte }

const arenaChunk = 32 << 10

func (a *arena) clone(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > arenaChunk/8 {
		return strings.Clone(s)
	}
	if cap(a.buf)-len(a.buf) < len(s) {
		a.buf = make([]byte, 0, arenaChunk)
	}
	a.buf = append(a.buf, s...)
	b := a.buf[len(a.buf)-len(s):]
	return unsafe.String(&b[0], len(b))
}
