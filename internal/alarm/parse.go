package alarm

import (
	"fmt"
	"strings"

	"chaoslab/internal/catalog"
)

// Def is one alarm declaration of an AlarmList line.
type Def struct {
	Tag     string
	Formula string      // the bare formula (comment cut, stripped)
	Pos     catalog.Pos // where the line is (zero when unknown)
}

// ParseError is a problem in an alarm property, with its position.
type ParseError struct {
	Pos catalog.Pos
	Msg string
}

func (e *ParseError) Error() string {
	if e.Pos.Line > 0 {
		if e.Pos.File != "" {
			return fmt.Sprintf("%s:%d:%d: %s", e.Pos.File, e.Pos.Line, e.Pos.Col, e.Msg)
		}
		return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
	}
	return e.Msg
}

// ParseAlarmList parses the lines of an AlarmList property as PyAlarm does
// (props:L196-229): everything after the first '#' is dropped, the line is
// split at the first ':' and both sides are stripped; a line without ':'
// declares its text as a tag with formula "None". Blank lines are skipped.
// at holds the position of each line (may be shorter or nil). Problems
// (empty tag, tag declared twice) are returned; the first declaration of a
// tag wins, as PyAlarm's dict would keep the last, but a duplicate is an
// error either way.
func ParseAlarmList(lines []string, at []catalog.Pos) ([]Def, []error) {
	var defs []Def
	var errs []error
	seen := map[string]bool{}
	for i, line := range lines {
		var pos catalog.Pos
		if i < len(at) {
			pos = at[i]
		}
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		tag, formula, ok := strings.Cut(line, ":")
		tag = strings.TrimSpace(tag)
		formula = strings.TrimSpace(formula)
		if !ok {
			formula = "None"
		}
		if tag == "" {
			errs = append(errs, &ParseError{Pos: pos, Msg: fmt.Sprintf("AlarmList line %q: expected TAG:formula, the tag is empty", strings.TrimSpace(line))})
			continue
		}
		if strings.ContainsAny(tag, "\t\r\n") {
			errs = append(errs, &ParseError{Pos: pos, Msg: fmt.Sprintf("AlarmList tag %q: control characters are not allowed in a tag", tag)})
			continue
		}
		if seen[tag] {
			errs = append(errs, &ParseError{Pos: pos, Msg: fmt.Sprintf("AlarmList: alarm %s declared twice; the first declaration is used", tag)})
			continue
		}
		if formula == "" {
			formula = "None"
		}
		seen[tag] = true
		defs = append(defs, Def{Tag: tag, Formula: formula, Pos: pos})
	}
	return defs, errs
}

// tagValue returns the value of the first line of a TAG:value property
// (AlarmSeverities, AlarmDescriptions, AlarmReceivers) that starts exactly
// with "TAG:" (case-sensitive, api:L321-329), stripped, and whether one was
// found.
func tagValue(lines []string, tag string) (string, bool) {
	prefix := tag + ":"
	for _, l := range lines {
		l = strings.TrimLeft(l, " \t")
		if strings.HasPrefix(l, prefix) {
			return strings.TrimSpace(l[len(prefix):]), true
		}
	}
	return "", false
}

// AttrName is the name of the DevBoolean attribute of an alarm tag: spaces
// and '/' become '_' (pya:L333-349).
func AttrName(tag string) string {
	return strings.NewReplacer(" ", "_", "/", "_").Replace(tag)
}
