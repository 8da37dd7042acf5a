package server

import (
	"hash/maphash"
	"time"

	"chaoslab/internal/api"
	"chaoslab/internal/sim"
)

// A client mostly repeats the same reads: a panel, an archiver or a
// probe reads one fixed list of attributes over and over. A framed
// connection therefore keeps the reads it has seen, keyed by the request
// payload's bytes, with their names already decoded and resolved to the
// model's attribute IDs. A repeated read then skips decoding, splitting,
// the wildcard check and the device and attribute lookups: nearly half
// of the model's work for a 10-attribute read of cached values
// (BenchmarkAppendResolved10Cached against BenchmarkAppendRead10Cached).

// readPlan is one read request's names, resolved once.
type readPlan struct {
	names []string
	// ids are the names resolved by the model (readResolver), or nil when
	// some name is a wildcard, malformed or unknown: the read then goes by
	// name, as an unplanned one does, and reports them.
	ids []sim.AttrID
}

// readResolver is the optional part of a readAppender that reads
// resolved names.
type readResolver interface {
	// ResolveRead resolves exact names, or returns nil. It runs outside
	// the world lock, so it must only read what never changes.
	ResolveRead(names []string) []sim.AttrID
	// AppendResolved is AppendRead of names resolved to ids.
	AppendResolved(now time.Time, names []string, ids []sim.AttrID, buf []byte) []byte
}

// Bounds of one connection's plans. A read becomes a plan the second
// time it is seen, so that a load generator's random batches, each seen
// once, cost no allocation; and a full cache takes no more plans (reads
// beyond it go by name, as without plans) rather than starting over,
// which would allocate plans again and again for a client whose reads do
// not fit.
const (
	maxPlans        = 256
	maxPlanPayload  = 4 << 10
	maxPlanBytes    = 64 << 10
	planEntryExtra  = 64 // map entry and plan header, roughly
	planBytesPerRef = 24 // a name's string header and its AttrID
	planSeenSlots   = 512
)

// planCache is a connection's read plans. It is owned by the
// connection's read loop.
type planCache struct {
	plans map[string]*readPlan
	bytes int
	// seen holds hashes of payloads seen once (direct-mapped: a
	// collision only delays a plan).
	seen [planSeenSlots]uint64
	seed maphash.Seed
}

// get returns the plan of payload, if seen.
func (pc *planCache) get(payload []byte) *readPlan {
	return pc.plans[string(payload)] // no allocation for the lookup
}

// add records the plan of payload, whose names were decoded into names
// (a slice the caller reuses: it is copied). It returns nil when the
// payload is seen for the first time, is too big to keep or does not fit.
func (pc *planCache) add(payload []byte, names []string, r readResolver) *readPlan {
	size := len(payload) + planEntryExtra + planBytesPerRef*len(names)
	if len(payload) > maxPlanPayload || len(pc.plans) >= maxPlans || pc.bytes+size > maxPlanBytes {
		return nil
	}
	if pc.plans == nil {
		pc.plans, pc.seed = make(map[string]*readPlan), maphash.MakeSeed()
	}
	h := maphash.Bytes(pc.seed, payload) | 1 // never the empty slot's 0
	if slot := &pc.seen[h%planSeenSlots]; *slot != h {
		*slot = h
		return nil
	}
	p := &readPlan{names: append([]string(nil), names...)}
	if r != nil {
		p.ids = r.ResolveRead(p.names)
	}
	pc.plans[string(payload)] = p
	pc.bytes += size
	return p
}

// ResolveRead implements readResolver.
func (m *SimModel) ResolveRead(names []string) []sim.AttrID {
	if len(names) == 0 {
		return nil
	}
	ids := make([]sim.AttrID, len(names))
	for i, n := range names {
		dev, attr, ok := api.SplitAttr(n)
		if !ok || api.HasWildcard(n) {
			return nil
		}
		if ids[i], ok = m.w.ResolveAttr(dev, attr); !ok {
			return nil
		}
	}
	return ids
}

// AppendResolved implements readResolver: AppendRead without the name
// lookups. The world lock must be held.
func (m *SimModel) AppendResolved(now time.Time, names []string, ids []sim.AttrID, buf []byte) []byte {
	rs := m.w.AppendReadIDs(m.readings[:0], now, ids)
	for k := range rs {
		r := &rs[k]
		if r.Err != nil && r.Err.Reason != "API_AttrNotFound" {
			m.evalErr++
		}
		buf = appendReadingField(buf, 1, AttrRef{Name: names[k]}, r)
	}
	clear(rs) // do not pin the values until the next read
	m.readings = rs
	return buf
}
