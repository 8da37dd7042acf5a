package fault

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/client"
	"chaoslab/internal/supervisor"
)

// Level is what a fault kind targets.
type Level uint8

// Target levels.
const (
	LevelServer    Level = iota // server processes (proc.*, net.*, server.memory, server.cpu)
	LevelDevice                 // devices (server.state, server.latency, ...)
	LevelAttribute              // attributes (server.stuck, server.noise, ...)
)

// Target is one chosen target.
type Target struct {
	Server string // catalog server name
	Addr   string // its address
	Name   string // server name, device name or "device/attr", by level
}

// Resolve lists the targets sel matches at level in the twin's state and
// chooses among them per the count or percent limit, seeded by seed.
// Devices and attributes are listed from the running servers.
func Resolve(ctx context.Context, st *supervisor.State, sel Selector, level Level, seed uint64) ([]Target, error) {
	var all []Target
	for _, sv := range st.Servers {
		if !match(sel.Host, sv.Host) || !match(sel.Server, sv.Name) && !match(sel.Server, sv.Name[strings.LastIndexByte(sv.Name, '/')+1:]) {
			continue
		}
		needDevices := level > LevelServer || sel.Device != "" || sel.Family != "" || sel.Class != "" || sel.Attr != ""
		if !needDevices {
			all = append(all, Target{Server: sv.Name, Addr: sv.Addr, Name: sv.Name})
			continue
		}
		ts, err := listTargets(ctx, sv, sel, level)
		if err != nil {
			return nil, err
		}
		all = append(all, ts...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no target matches %q", sel.String())
	}
	return choose(all, sel, seed), nil
}

// listTargets lists the devices or attributes of one server that sel
// matches (for LevelServer: the server, once, if any device matches).
func listTargets(ctx context.Context, sv *supervisor.Server, sel Selector, level Level) ([]Target, error) {
	if sv.Addr == "" || sv.Phase != supervisor.PhaseRunning {
		return nil, fmt.Errorf("server %s is %s: cannot list its devices", sv.Name, sv.Phase)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, sv.Addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	devs, err := c.ListDevices(ctx, "*")
	if err != nil {
		return nil, fmt.Errorf("list devices of %s: %w", sv.Name, err)
	}
	var out []Target
	for _, d := range devs {
		parts := strings.Split(d.Name, "/")
		fam := ""
		if len(parts) == 3 {
			fam = parts[1]
		}
		if !match(sel.Device, d.Name) || !match(sel.Class, d.Class) || !match(sel.Family, fam) {
			continue
		}
		switch level {
		case LevelServer:
			return []Target{{Server: sv.Name, Addr: sv.Addr, Name: sv.Name}}, nil
		case LevelDevice:
			if sel.Attr != "" && !slices.ContainsFunc(d.Attributes, func(a *pb.AttributeInfo) bool { return match(sel.Attr, attrName(a.Name)) }) {
				continue
			}
			out = append(out, Target{Server: sv.Name, Addr: sv.Addr, Name: d.Name})
		case LevelAttribute:
			for _, a := range d.Attributes {
				n := attrName(a.Name)
				if strings.EqualFold(n, "State") || strings.EqualFold(n, "Status") {
					if sel.Attr == "" || api.HasWildcard(sel.Attr) {
						continue // only when named exactly
					}
				}
				if match(sel.Attr, n) {
					out = append(out, Target{Server: sv.Name, Addr: sv.Addr, Name: d.Name + "/" + n})
				}
			}
		}
	}
	return out, nil
}

func attrName(full string) string { return full[strings.LastIndexByte(full, '/')+1:] }

func match(pattern, s string) bool { return pattern == "" || api.Match(pattern, s) }

// choose applies the count or percent limit with a seeded shuffle; the
// result is sorted by name.
func choose(all []Target, sel Selector, seed uint64) []Target {
	slices.SortFunc(all, func(a, b Target) int { return strings.Compare(a.Name, b.Name) })
	n := len(all)
	switch {
	case sel.Count > 0:
		n = min(sel.Count, n)
	case sel.Percent > 0:
		n = max(1, int(math.Ceil(sel.Percent*float64(len(all))/100)))
	}
	if n < len(all) {
		h := fnv.New64a()
		h.Write([]byte("fault.target"))
		r := rand.New(rand.NewPCG(seed, h.Sum64()))
		r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		all = all[:n]
		slices.SortFunc(all, func(a, b Target) int { return strings.Compare(a.Name, b.Name) })
	}
	return all
}
