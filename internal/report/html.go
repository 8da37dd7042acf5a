package report

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"time"
)

const width, height, padL, padR, padT, padB = 760.0, 180.0, 60.0, 10.0, 10.0, 24.0

// plot renders one series as inline SVG with fault windows shaded.
func plot(r *Run, s *Series) template.HTML {
	span := r.End.Sub(r.Start).Seconds()
	if span <= 0 {
		span = 1
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range s.Points {
		lo, hi = math.Min(lo, p.V), math.Max(hi, p.V)
	}
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	x := func(t time.Time) float64 { return padL + (width-padL-padR)*t.Sub(r.Start).Seconds()/span }
	y := func(v float64) float64 { return padT + (height-padT-padB)*(1-(v-lo)/(hi-lo)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" role="img" aria-label="%s">`, width, height, width, height, template.HTMLEscapeString(s.Name))
	for _, f := range r.Faults {
		fmt.Fprintf(&b, `<rect class="fault" x="%.1f" y="%g" width="%.1f" height="%g"><title>%s</title></rect>`, x(f.From), padT, math.Max(x(f.To)-x(f.From), 1), height-padT-padB, template.HTMLEscapeString(f.Name))
	}
	fmt.Fprintf(&b, `<line class="axis" x1="%g" y1="%g" x2="%g" y2="%g"/>`, padL, height-padB, width-padR, height-padB)
	fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end">%.3g</text><text x="%g" y="%g" text-anchor="end">%.3g</text>`, padL-4, padT+8, hi, padL-4, height-padB, lo)
	fmt.Fprintf(&b, `<text x="%g" y="%g">0 s</text><text x="%g" y="%g" text-anchor="end">%.1f s</text>`, padL, height-6, width-padR, height-6, span)
	var pts []string
	for _, p := range s.Points {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p.T), y(p.V)))
	}
	fmt.Fprintf(&b, `<polyline class="line" points="%s"/>`, strings.Join(pts, " "))
	for _, p := range s.Points {
		if !p.OK {
			fmt.Fprintf(&b, `<circle class="bad" cx="%.1f" cy="%.1f" r="3"/>`, x(p.T), y(p.V))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"mark": mark,
	"rel":  func(r *Run, t time.Time) string { return t.Sub(r.Start).Round(time.Millisecond).String() },
	"plot": plot,
	"join": strings.Join,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} — {{.Status}}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;max-width:60em;color:#222}
h1{font-size:1.4em}.status{padding:.1em .5em;border-radius:4px;color:#fff}
.held{background:#2a7}.deviated,.not_steady{background:#c80}.aborted,.error,.interrupted,.incomplete{background:#c33}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}
.FAIL{color:#c33;font-weight:bold}.fault{fill:#f4b4b4;opacity:.5}.line{fill:none;stroke:#36c;stroke-width:1.5}
.axis{stroke:#999}.bad{fill:#c33}svg text{font-size:11px;fill:#555}
</style></head><body>
<h1>{{.Title}} <span class="status {{.Status}}">{{.Status}}</span></h1>
<p>{{.Reason}}</p>
<p>run {{.ID}} · seed {{.Seed}} · {{.File}} · started {{.Start.Format "2006-01-02 15:04:05 MST"}}</p>
<h2>Verdict</h2>
<table><tr><th>probe</th><th>before</th><th>during</th><th>after</th><th>verdict</th></tr>
{{range .Verdict.Probes}}<tr><td>{{.Name}}</td><td class="{{mark .Before}}">{{mark .Before}}</td><td class="{{mark .During}}">{{mark .During}}</td><td class="{{mark .After}}">{{mark .After}}</td><td>{{if .OK}}held{{else}}<span class="FAIL">deviated</span>: {{.Reason}}{{end}}{{if .Stats}}<br><small>{{printf "%s" .Stats}}</small>{{end}}</td></tr>
{{end}}</table>
<h2>Timeline</h2>
<table><tr><th>t</th><th>event</th><th>step</th><th>kind</th><th>targets</th><th>error</th></tr>
{{$r := .}}{{range .Actions}}<tr><td>{{rel $r .Time}}</td><td>{{.Type}}</td><td>{{.Name}}</td><td>{{.Kind}}</td><td>{{join .Targets ", "}}</td><td>{{.Error}}</td></tr>
{{end}}</table>
<h2>Probes</h2>
{{range .Series}}<h3>{{.Name}}</h3>{{plot $r .}}
{{end}}
</body></html>
`))

// HTML writes the self-contained report page.
func HTML(w io.Writer, r *Run) error { return page.Execute(w, r) }
