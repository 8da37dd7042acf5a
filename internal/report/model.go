package report

import (
	"encoding/json"
	"sort"
	"time"

	"chaoslab/internal/journal"
)

// Run is a journal digested for rendering.
type Run struct {
	ID, Title, File string
	Seed            uint64
	Start, End      time.Time
	Status, Reason  string
	Verdict         verdict
	Actions         []journal.Event // action, fault, undo, trip, rollback, error events
	Faults          []Span
	Series          []*Series
}

// Span is a fault's active interval.
type Span struct {
	Name     string
	From, To time.Time
}

// Series is one probe's numeric observations.
type Series struct {
	Name   string
	Points []Point
}

// Point is one observation.
type Point struct {
	T  time.Time
	V  float64
	OK bool
}

type verdict struct {
	Status string `json:"status"`
	Probes []struct {
		Name   string          `json:"name"`
		Before *bool           `json:"before"`
		During *bool           `json:"during"`
		After  *bool           `json:"after"`
		Stats  json.RawMessage `json:"stats"`
		Reason string          `json:"reason"`
		OK     bool            `json:"ok"`
	} `json:"probes"`
	RollbackErrors []string `json:"rollback_errors"`
}

// Digest builds a Run from journal events.
func Digest(evs []journal.Event) *Run {
	r := &Run{}
	open := map[string]*Span{}
	series := map[string]*Series{}
	for _, e := range evs {
		if r.Start.IsZero() || e.Time.Before(r.Start) {
			r.Start = e.Time
		}
		if e.Time.After(r.End) {
			r.End = e.Time
		}
		switch e.Type {
		case journal.TypeStart:
			var s struct {
				Run  string `json:"run"`
				File string `json:"file"`
				Seed uint64 `json:"seed"`
			}
			json.Unmarshal(e.Data, &s)
			r.ID, r.File, r.Seed, r.Title = s.Run, s.File, s.Seed, e.Name
		case journal.TypeProbe:
			if e.Value == nil {
				continue
			}
			s := series[e.Name]
			if s == nil {
				s = &Series{Name: e.Name}
				series[e.Name] = s
				r.Series = append(r.Series, s)
			}
			s.Points = append(s.Points, Point{T: e.Time, V: *e.Value, OK: e.OK != nil && *e.OK})
		case journal.TypeFault:
			sp := &Span{Name: e.Name, From: e.Time}
			open[e.ID] = sp
			r.Actions = append(r.Actions, e)
		case journal.TypeUndo:
			if sp := open[e.ID]; sp != nil {
				sp.To = e.Time
				r.Faults = append(r.Faults, *sp)
				delete(open, e.ID)
			}
			r.Actions = append(r.Actions, e)
		case journal.TypeAction, journal.TypeTrip, journal.TypeRollback, journal.TypeError:
			r.Actions = append(r.Actions, e)
		case journal.TypeVerdict:
			r.Status, r.Reason = e.Status, e.Text
			json.Unmarshal(e.Data, &r.Verdict)
		}
	}
	for _, sp := range open { // never undone: the journal ends with it active
		r.Faults = append(r.Faults, Span{Name: sp.Name + " (never undone)", From: sp.From, To: r.End})
	}
	sort.Slice(r.Faults, func(i, j int) bool { return r.Faults[i].From.Before(r.Faults[j].From) })
	if r.Status == "" {
		r.Status = "incomplete"
		r.Reason = "the journal has no verdict: the run was killed (run `chaoslab recover`)"
	}
	return r
}
