package sweep

import (
	"fmt"
	"html"
	"io"
	"math"
	"sort"
	"strings"
)

// Plot is one SVG figure of the report.
type Plot struct {
	Name  string // file name without extension
	Title string
	SVG   string
}

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}

// point aggregates the means of the cases falling on one plot point.
type point struct {
	sum float64
	n   int
	lo  float64
	hi  float64
}

// axisValues returns the distinct values a parameter takes in the
// results, sorted numerically when all are numbers.
func axisValues(cases []*CaseRecord, p string) ([]string, bool) {
	seen := map[string]float64{}
	numeric := true
	for _, c := range cases {
		v := normNum(c.Params[p])
		k := FormatValue(v)
		f, ok := toFloat(v)
		if !ok {
			numeric = false
		}
		seen[k] = f
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	if numeric {
		sort.Slice(out, func(a, b int) bool { return seen[out[a]] < seen[out[b]] })
	} else {
		sort.Strings(out)
	}
	return out, numeric
}

// Plots returns, per metric, a line plot against each parameter with one
// line per value of a second parameter (the next one in declaration
// order), and a heat map over the first two parameters. Points average the
// case means over the other parameters (stated in the caption); a point
// that is a single case has its 95 % CI as an error bar.
func (r *Results) Plots() []Plot {
	var out []Plot
	if len(r.Cases) == 0 {
		return nil
	}
	for _, m := range r.Metrics {
		for i, x := range r.Params {
			series := ""
			if len(r.Params) > 1 {
				series = r.Params[(i+1)%len(r.Params)]
			}
			out = append(out, r.linePlot(m, x, series))
		}
		if len(r.Params) >= 2 {
			out = append(out, r.heatMap(m, r.Params[0], r.Params[1]))
		}
	}
	return out
}

func (r *Results) linePlot(metric, x, series string) Plot {
	xs, numeric := axisValues(r.Cases, x)
	ss := []string{""}
	if series != "" {
		ss, _ = axisValues(r.Cases, series)
	}
	pts := map[[2]string]*point{}
	for _, c := range r.Cases {
		s, ok := c.Summaries[metric]
		if !ok || s.N == 0 {
			continue
		}
		key := [2]string{FormatValue(normNum(c.Params[x])), ""}
		if series != "" {
			key[1] = FormatValue(normNum(c.Params[series]))
		}
		p := pts[key]
		if p == nil {
			p = &point{lo: math.NaN(), hi: math.NaN()}
			pts[key] = p
		}
		p.sum += float64(s.Mean)
		p.n++
		p.lo, p.hi = float64(s.CILo), float64(s.CIHi)
	}
	const W, H, L, R, T, B = 560.0, 340.0, 70.0, 130.0, 30.0, 45.0
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		v := p.sum / float64(p.n)
		ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
		if p.n == 1 && !math.IsNaN(p.lo) {
			ymin, ymax = math.Min(ymin, p.lo), math.Max(ymax, p.hi)
		}
	}
	if math.IsInf(ymin, 0) {
		ymin, ymax = 0, 1
	}
	if ymin > 0 && ymin < ymax/3 {
		ymin = 0
	}
	if ymax == ymin {
		ymax = ymin + 1
	}
	xf := func(i int) float64 {
		if len(xs) == 1 {
			return L + (W-L-R)/2
		}
		if numeric {
			a, b, v := parseF(xs[0]), parseF(xs[len(xs)-1]), parseF(xs[i])
			return L + (v-a)/(b-a)*(W-L-R)
		}
		return L + float64(i)/float64(len(xs)-1)*(W-L-R)
	}
	yf := func(v float64) float64 { return H - B - (v-ymin)/(ymax-ymin)*(H-T-B) }
	var sb strings.Builder
	title := fmt.Sprintf("%s vs %s", metric, x)
	svgHead(&sb, W, H, title)
	axes(&sb, W, H, L, R, T, B, ymin, ymax, yf)
	for i, v := range xs {
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle">%s</text>`, xf(i), H-B+15, html.EscapeString(v))
	}
	fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle">%s</text>`, L+(W-L-R)/2, H-8, html.EscapeString(x))
	for si, s := range ss {
		col := palette[si%len(palette)]
		var path []string
		for i, xv := range xs {
			p := pts[[2]string{xv, s}]
			if p == nil {
				continue
			}
			v := p.sum / float64(p.n)
			cmd := "L"
			if len(path) == 0 {
				cmd = "M"
			}
			path = append(path, fmt.Sprintf("%s%.1f,%.1f", cmd, xf(i), yf(v)))
			fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s=%s %s: %.4g</title></circle>`, xf(i), yf(v), col, x, xv, s, v)
			if p.n == 1 && !math.IsNaN(p.lo) {
				fmt.Fprintf(&sb, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s"/>`, xf(i), xf(i), yf(p.lo), yf(p.hi), col)
			}
		}
		if len(path) > 1 {
			fmt.Fprintf(&sb, `<path d="%s" fill="none" stroke="%s" stroke-width="1.5"/>`, strings.Join(path, " "), col)
		}
		if series != "" {
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/><text x="%.1f" y="%.1f" font-size="11">%s=%s</text>`,
				W-R+10, T+float64(si)*16, col, W-R+24, T+float64(si)*16+9, html.EscapeString(series), html.EscapeString(s))
		}
	}
	if len(r.Params) > 2 {
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="10" fill="#555">averaged over the other parameters</text>`, L, T-6)
	}
	sb.WriteString("</svg>")
	return Plot{Name: fmt.Sprintf("%s-vs-%s", metric, x), Title: title, SVG: sb.String()}
}

func (r *Results) heatMap(metric, x, y string) Plot {
	xs, _ := axisValues(r.Cases, x)
	ys, _ := axisValues(r.Cases, y)
	cells := map[[2]string]*point{}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range r.Cases {
		s, ok := c.Summaries[metric]
		if !ok || s.N == 0 {
			continue
		}
		k := [2]string{FormatValue(normNum(c.Params[x])), FormatValue(normNum(c.Params[y]))}
		p := cells[k]
		if p == nil {
			p = &point{}
			cells[k] = p
		}
		p.sum += float64(s.Mean)
		p.n++
	}
	for _, p := range cells {
		v := p.sum / float64(p.n)
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	const L, T, B, R = 90.0, 30.0, 45.0, 20.0
	cw := math.Max(30, math.Min(80, 440/float64(len(xs))))
	ch := math.Max(18, math.Min(40, 260/float64(len(ys))))
	W, H := L+cw*float64(len(xs))+R, T+ch*float64(len(ys))+B
	var sb strings.Builder
	title := fmt.Sprintf("%s over %s × %s", metric, x, y)
	svgHead(&sb, W, H, title)
	for j, yv := range ys {
		yy := T + ch*float64(len(ys)-1-j)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end">%s</text>`, L-4, yy+ch/2+4, html.EscapeString(yv))
		for i, xv := range xs {
			p := cells[[2]string{xv, yv}]
			fill, label := "#eee", "no data"
			if p != nil {
				v := p.sum / float64(p.n)
				t := 0.5
				if hi > lo {
					t = (v - lo) / (hi - lo)
				}
				fill, label = heat(t), fmt.Sprintf("%.4g", v)
			}
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="#fff"><title>%s=%s %s=%s: %s</title></rect>`,
				L+cw*float64(i), yy, cw, ch, fill, x, xv, y, yv, label)
			if p != nil && cw >= 40 {
				fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="9" text-anchor="middle">%s</text>`, L+cw*float64(i)+cw/2, yy+ch/2+3, label)
			}
		}
	}
	for i, xv := range xs {
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle">%s</text>`, L+cw*float64(i)+cw/2, T+ch*float64(len(ys))+14, html.EscapeString(xv))
	}
	fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle">%s</text>`, L+cw*float64(len(xs))/2, H-8, html.EscapeString(x))
	fmt.Fprintf(&sb, `<text x="12" y="%.1f" font-size="12" transform="rotate(-90 12 %.1f)" text-anchor="middle">%s</text>`, T+ch*float64(len(ys))/2, T+ch*float64(len(ys))/2, html.EscapeString(y))
	sb.WriteString("</svg>")
	return Plot{Name: fmt.Sprintf("%s-heatmap-%s-%s", metric, x, y), Title: title, SVG: sb.String()}
}

// heat maps t in [0,1] to a blue→yellow→red ramp.
func heat(t float64) string {
	t = math.Max(0, math.Min(1, t))
	var r, g, b float64
	if t < 0.5 {
		u := t * 2
		r, g, b = 49+u*(255-49), 54+u*(255-54), 149+u*(191-149)
	} else {
		u := (t - 0.5) * 2
		r, g, b = 255, 255-u*(255-50), 191-u*(191-38)
	}
	return fmt.Sprintf("#%02x%02x%02x", int(r), int(g), int(b))
}

func svgHead(sb *strings.Builder, w, h float64, title string) {
	fmt.Fprintf(sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif">`, w, h, w, h)
	fmt.Fprintf(sb, `<rect width="100%%" height="100%%" fill="#fff"/><text x="%.1f" y="16" font-size="13" text-anchor="middle" font-weight="bold">%s</text>`, w/2, html.EscapeString(title))
}

func axes(sb *strings.Builder, W, H, L, R, T, B, ymin, ymax float64, yf func(float64) float64) {
	fmt.Fprintf(sb, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000"/>`, L, T, L, H-B)
	fmt.Fprintf(sb, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000"/>`, L, H-B, W-R, H-B)
	for i := 0; i <= 4; i++ {
		v := ymin + (ymax-ymin)*float64(i)/4
		y := yf(v)
		fmt.Fprintf(sb, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" font-size="10" text-anchor="end">%.3g</text>`, L, y, W-R, y, L-4, y+3, v)
	}
}

func parseF(s string) float64 {
	var f float64
	fmt.Sscan(s, &f)
	return f
}

// WriteHTML writes a self-contained report: the statement of method and
// outlier policy, the status counts, the breaking point if searched, the
// case table and every plot inline.
func (r *Results) WriteHTML(w io.Writer, plots []Plot) error {
	e := html.EscapeString
	var sb strings.Builder
	title := r.Title
	if title == "" {
		title = "chaoslab explore: " + r.Matrix
	}
	fmt.Fprintf(&sb, "<!doctype html><html><head><meta charset=\"utf-8\"><title>%s</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}.OK{background:#dfd}.FAILED{background:#fdd}.STALLED{background:#ffd}.ERROR{background:#fcc}figure{display:inline-block;margin:8px}</style></head><body>", e(title))
	fmt.Fprintf(&sb, "<h1>%s</h1><p>matrix <code>%s</code>, seed %d, %d of %d cases, %d repeats per case.</p>", e(title), e(r.Matrix), r.Seed, len(r.Cases), r.Planned, r.Repeat)
	fmt.Fprintf(&sb, "<p><b>Statistics:</b> %s.<br><b>Outlier policy:</b> %s.</p><p>", e(r.Method), e(r.Outliers))
	for _, st := range []Status{StatusOK, StatusFailed, StatusStalled, StatusError} {
		fmt.Fprintf(&sb, "<span class=\"%s\">%s: %d</span> ", st, st, r.Counts[st])
	}
	sb.WriteString("</p>")
	if s := r.Search; s != nil {
		var b strings.Builder
		writeSearch(&b, s)
		fmt.Fprintf(&sb, "<h2>Breaking point</h2><pre>%s</pre><table><tr><th>value</th><th>repeat</th><th>holds</th></tr>", e(b.String()))
		for _, t := range s.Trials {
			fmt.Fprintf(&sb, "<tr><td>%s</td><td>%d</td><td>%v</td></tr>", fmtF(t.Value), t.Repeat, t.Holds)
		}
		sb.WriteString("</table>")
	}
	sb.WriteString("<h2>Cases</h2><table><tr><th>case</th>")
	for _, p := range r.Params {
		fmt.Fprintf(&sb, "<th>%s</th>", e(p))
	}
	sb.WriteString("<th>status</th>")
	for _, m := range r.Metrics {
		fmt.Fprintf(&sb, "<th>%s<br>mean [95%% CI]</th>", e(m))
	}
	sb.WriteString("<th>reasons</th></tr>")
	for _, c := range r.Cases {
		fmt.Fprintf(&sb, "<tr class=\"%s\"><td>%d</td>", c.Status, c.I)
		for _, p := range r.Params {
			fmt.Fprintf(&sb, "<td>%s</td>", e(FormatValue(normNum(c.Params[p]))))
		}
		fmt.Fprintf(&sb, "<td>%s</td>", c.Status)
		for _, m := range r.Metrics {
			s := c.Summaries[m]
			switch {
			case s.N == 0:
				sb.WriteString("<td>–</td>")
			case s.N == 1:
				fmt.Fprintf(&sb, "<td>%.4g</td>", float64(s.Mean))
			default:
				fmt.Fprintf(&sb, "<td>%.4g [%.4g, %.4g]</td>", float64(s.Mean), float64(s.CILo), float64(s.CIHi))
			}
		}
		fmt.Fprintf(&sb, "<td style=\"text-align:left\">%s</td></tr>", e(strings.Join(c.Reasons, "; ")))
	}
	sb.WriteString("</table><h2>Plots</h2>")
	for _, p := range plots {
		fmt.Fprintf(&sb, "<figure>%s</figure>", p.SVG)
	}
	sb.WriteString("</body></html>\n")
	_, err := io.WriteString(w, sb.String())
	return err
}
