package load

import (
	"math/rand/v2"
	"sort"

	pb "chaoslab/internal/api/chaoslabv1"
)

// Attr is one resolved attribute on one server.
type Attr struct {
	Name   string
	Server int
	// Value is what a write sends (the value read when resolving, so the
	// load does not change the twin's state); nil: not writable.
	Value *pb.Value
}

// Cmd is one resolved command.
type Cmd struct {
	Device, Command string
	Server          int
}

// Targets are the resolved objects of a workload.
type Targets struct {
	Servers  []string // addresses, indexed by Attr.Server
	Attrs    []Attr
	Commands []Cmd
}

// byServer groups attribute names by server (for batches, polls and
// subscriptions).
func (t *Targets) byServer() [][]string {
	g := make([][]string, len(t.Servers))
	for _, a := range t.Attrs {
		g[a.Server] = append(g[a.Server], a.Name)
	}
	return g
}

// picker chooses operations by weight and targets at random. It is not
// safe for concurrent use: each executor goroutine owns one.
type picker struct {
	rng      *rand.Rand
	kinds    []OpKind
	cum      []float64 // cumulative weights
	total    float64
	attrs    []Attr
	writable []Attr
	single   [][]string // single[i] = []string{attrs[i].Name}, shared read-only
	groups   [][]int    // attribute indexes per server
	cmds     []Cmd
	batch    int
}

func newPicker(mix Mix, t *Targets, batch int, rng *rand.Rand) *picker {
	p := &picker{rng: rng, attrs: t.Attrs, cmds: t.Commands, batch: batch, groups: make([][]int, len(t.Servers))}
	kinds := make([]OpKind, 0, len(mix))
	for k, w := range mix {
		if w > 0 {
			kinds = append(kinds, k)
		}
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] }) // map order must not leak into the seed's choices
	for _, k := range kinds {
		p.total += mix[k]
		p.kinds = append(p.kinds, k)
		p.cum = append(p.cum, p.total)
	}
	p.single = make([][]string, len(t.Attrs))
	for i, a := range t.Attrs {
		p.single[i] = []string{a.Name}
		p.groups[a.Server] = append(p.groups[a.Server], i)
		if a.Value != nil {
			p.writable = append(p.writable, a)
		}
	}
	return p
}

// next fills op with the next operation. It returns false when the chosen
// kind has no target (no writable attribute, no command).
func (p *picker) next(op *Op) bool {
	k := p.kinds[0]
	if len(p.kinds) > 1 {
		x := p.rng.Float64() * p.total
		for i, c := range p.cum {
			if x < c {
				k = p.kinds[i]
				break
			}
		}
	}
	*op = Op{Kind: k}
	switch k {
	case OpRead:
		if len(p.attrs) == 0 {
			return false
		}
		i := p.rng.IntN(len(p.attrs))
		op.Server, op.Names = p.attrs[i].Server, p.single[i]
	case OpBatch:
		if len(p.attrs) == 0 {
			return false
		}
		g := p.groups[p.attrs[p.rng.IntN(len(p.attrs))].Server]
		names := make([]string, p.batch)
		for j := range names {
			names[j] = p.attrs[g[p.rng.IntN(len(g))]].Name
		}
		op.Server, op.Names = p.attrs[g[0]].Server, names
	case OpWrite:
		if len(p.writable) == 0 {
			return false
		}
		a := p.writable[p.rng.IntN(len(p.writable))]
		op.Server, op.Names, op.Value = a.Server, []string{a.Name}, a.Value
	case OpCommand:
		if len(p.cmds) == 0 {
			return false
		}
		c := p.cmds[p.rng.IntN(len(p.cmds))]
		op.Server, op.Device, op.Command = c.Server, c.Device, c.Command
	}
	return true
}
