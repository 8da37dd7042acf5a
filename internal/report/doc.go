// Package report renders an experiment journal: a terminal summary and a
// self-contained HTML page (inline CSS and SVG, no external assets) with
// the verdict table, the timeline of actions and one plot per numeric
// probe with fault windows shaded. It reads only journal events.
package report
