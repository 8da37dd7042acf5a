package sim

import (
	"fmt"
	"sort"
	"strings"

	"chaoslab/internal/catalog"
)

// Problem is one thing found wrong while building a World.
type Problem struct {
	// Pos is the property value cell (catalog file:line:col) the problem is in.
	Pos catalog.Pos
	// Device and Name locate the problem in the model: Name is an attribute,
	// "State ALARM", "Status", a command, or "" for the device itself.
	Device, Name string
	// Line and Col locate a formula error inside the formula text (1-based;
	// 0 when not applicable).
	Line, Col int
	Msg       string
	// Fatal problems make New fail; the others are warnings.
	Fatal bool
}

// Error formats "file:line:col: device/name: formula 1:15: message".
func (p Problem) Error() string {
	var b strings.Builder
	if s := p.Pos.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if p.Device != "" {
		b.WriteString(p.Device)
		if p.Name != "" {
			b.WriteByte('/')
			b.WriteString(p.Name)
		}
		b.WriteString(": ")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "formula %d:%d: ", p.Line, p.Col)
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is a list of problems; as an error it prints one per line.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Fatal returns the fatal problems only.
func (ps Problems) Fatal() Problems {
	var out Problems
	for _, p := range ps {
		if p.Fatal {
			out = append(out, p)
		}
	}
	return out
}

func (ps Problems) sort() {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pos.Before(ps[j].Pos) })
}
