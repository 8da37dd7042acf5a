package sim

import (
	"chaoslab/internal/catalog"
)

// LoadFile reads a catalog file with catalog.Load (the loader of
// `chaoslab catalog check`) and builds its World, so that a check and a
// twin see the same problems. Every problem comes back in one list sorted
// by position: catalog errors (fatal), catalog warnings, then the model's
// own (formula syntax errors, unknown names, cycles ...). The World is nil
// when the catalog has errors or New fails; err is set only when the file
// cannot be read at all.
func LoadFile(path string, opts Options) (*World, Problems, error) {
	cat, err := catalog.Load(path)
	if cat == nil {
		return nil, nil, err
	}
	var ps Problems
	for _, e := range catalog.Errors(err) {
		ps = append(ps, Problem{Pos: e.Pos, Msg: e.Msg, Fatal: true})
	}
	for _, e := range cat.Warnings {
		ps = append(ps, Problem{Pos: e.Pos, Msg: e.Msg})
	}
	if len(ps.Fatal()) > 0 {
		ps.sort()
		return nil, ps, nil
	}
	w, err := New(cat, opts)
	if w != nil {
		ps = append(ps, w.Problems()...)
	} else if mp, ok := err.(Problems); ok {
		ps = append(ps, mp...)
	} else if err != nil {
		ps = append(ps, Problem{Msg: err.Error(), Fatal: true})
	}
	ps.sort()
	return w, ps, nil
}
