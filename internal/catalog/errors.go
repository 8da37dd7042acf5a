package catalog

import (
	"sort"

	"chaoslab/internal/config"
)

// Pos, Error and ErrorList are the shared positioned errors of
// internal/config: a catalog's problems print as file:line:col: message
// and sort by position like every other chaoslab file reader's.
type (
	// Pos is a position in a catalog file. Line and Col are 1-based; a
	// zero Pos means "unknown" (e.g. a catalog built in code).
	Pos = config.Pos
	// Error is one problem in a catalog, with where it is.
	Error = config.Error
	// ErrorList collects every error of a read or a check.
	ErrorList = config.ErrorList
)

// Errors returns the errors of err: the elements of an ErrorList, or err itself.
func Errors(err error) []*Error { return config.Errors(err) }

// suggest is the shared "did you mean".
func suggest(s string, candidates []string) string { return config.Suggest(s, candidates) }

// Message is an error or a warning of a catalog, for printing both in one
// list.
type Message struct {
	*Error
	Warning bool
}

// Messages merges the errors of a Load or Read (err) with the catalog's
// warnings into one list sorted by position (an error before a warning at
// the same position), so that a user reads the file top to bottom.
func Messages(c *Catalog, err error) []Message {
	var out []Message
	for _, e := range Errors(err) {
		out = append(out, Message{Error: e})
	}
	if c != nil {
		for _, w := range c.Warnings {
			out = append(out, Message{Error: w, Warning: true})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos.Before(out[j].Pos) })
	return out
}
