package difftest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Case is one differential test case as stored in testdata/*.json.
type Case struct {
	ID   string `json:"id"`
	Area string `json:"area"` // feature area, for grouping failures
	Src  string `json:"src"`
	// Vars binds free names to Python expressions (usually literals; corpus
	// stand-ins for host functions are lambdas), evaluated in the same mode.
	Vars map[string]string `json:"vars,omitempty"`
	Py2  bool              `json:"py2,omitempty"`
	Seed int64             `json:"seed,omitempty"`
	// NoLit marks bindings that are not Python literals (lambdas, 2**63):
	// the CLI's --var cannot express them.
	NoLit bool `json:"nolit,omitempty"`

	// Expectation: exactly one of Repr and Error.
	Repr  *string  `json:"repr,omitempty"`
	Addr  bool     `json:"addr,omitempty"` // Repr is the part before " at 0x"
	Error *PyError `json:"error,omitempty"`
	// Cmp "type" compares only the exception type (syntax errors, whose
	// wording is CPython-version specific, and chaoslab-only limits).
	Cmp string `json:"cmp,omitempty"`
	// Only is "chaoslab" when the expectation was written by hand because
	// CPython behaves differently on purpose (resource limits).
	Only string `json:"only,omitempty"`
	Note string `json:"note,omitempty"`
}

// PyError is an expected exception: type(e).__name__ and str(e).
type PyError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

func (e *PyError) String() string {
	if e.Message == "" {
		return e.Type
	}
	return e.Type + ": " + e.Message
}

// CaseFile is the layout of a testdata JSON file.
type CaseFile struct {
	Generator string         `json:"generator"`
	Stats     map[string]int `json:"stats,omitempty"` // e.g. corpus coverage and skip reasons
	Cases     []Case         `json:"cases"`
}

// want renders the expectation for a report.
func (c *Case) want() string {
	switch {
	case c.Error != nil && c.Cmp == "type":
		return c.Error.Type + ": <any message>"
	case c.Error != nil:
		return c.Error.String()
	case c.Repr != nil && c.Addr:
		return *c.Repr + " at 0x..."
	case c.Repr != nil:
		return *c.Repr
	}
	return "<no expectation>"
}

func loadCases(name string) (*CaseFile, error) {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		return nil, err
	}
	var f CaseFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("testdata/%s: %w", name, err)
	}
	for i := range f.Cases {
		c := &f.Cases[i]
		if (c.Repr == nil) == (c.Error == nil) {
			return nil, fmt.Errorf("testdata/%s: case %s (%q): want exactly one of repr and error", name, c.ID, c.Src)
		}
		if c.Area == "" {
			c.Area = strings.TrimSuffix(name, ".json")
		}
	}
	return &f, nil
}
