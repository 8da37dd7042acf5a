package catalog

import (
	"io"
	"strings"
)

// ReadCSV reads a tango2csv/csv2tango CSV file (tab, comma or semicolon
// separated, with or without the host column). name is used in positions.
// It returns the catalog read so far together with an ErrorList holding
// every error found.
func ReadCSV(name string, r io.Reader) (*Catalog, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return readCSV(name, string(data))
}

// column indexes of the header; -1 when absent.
type csvColumns struct {
	host, server, class, device, property, value int
}

func (c csvColumns) max() int {
	m := c.host
	for _, v := range []int{c.server, c.class, c.device, c.property, c.value} {
		if v > m {
			m = v
		}
	}
	return m
}

func readCSV(name, data string) (*Catalog, error) {
	b := newBuilder(name)
	s := &csvScanner{data: data, line: 1}
	if strings.HasPrefix(data, "\ufeff") {
		s.off, s.lineStart = 3, 3
	}
	// The header is the first non-blank line (csv2tango requires it on line 1).
	hdrLine, hdrNo := "", 1
	for i, l := range strings.Split(data[s.off:min(len(data), s.off+1<<16)], "\n") {
		if trimSpace(l) != "" {
			hdrLine, hdrNo = l, i+1
			break
		}
	}
	if hdrLine == "" {
		b.errs.Add(Pos{File: name, Line: 1, Col: 1}, "empty file: expected a header line with server, class, device, property, value")
		return b.c, b.errs.Err()
	}
	delim, skip, ok := sniffDelimiter(hdrLine)
	if !ok {
		b.errs.Add(Pos{File: name, Line: hdrNo, Col: 1}, "cannot find the delimiter of the header line: expected server, class, device, property, value separated by tabs, commas or semicolons")
		return b.c, b.errs.Err()
	}
	s.delim, s.skipSpace = delim, skip

	r := &csvRows{b: b, file: name}
	header := true
	for {
		cells, line, ok := s.row()
		if !ok {
			break
		}
		empty := true
		for _, c := range cells {
			if c.raw > 0 {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		if header {
			header = false
			if !r.header(cells, line) {
				break
			}
			continue
		}
		r.row(cells, line)
	}
	for _, p := range s.unterminated {
		p.File = name
		b.errs.Add(p, "quoted cell is never closed: expected a closing \"")
	}
	if header {
		b.errs.Add(Pos{File: name, Line: hdrNo, Col: 1}, "no header line")
	}
	return b.finish(true)
}

// csvRows applies the fill rule and turns rows into catalog entries.
type csvRows struct {
	b    *builder
	file string
	cols csvColumns
	n    int // columns that take part in the fill (0..max needed)
	r    int // data row index

	prev, cur, last []string
	filled          []bool
	curPos, lastPos []Pos

	// caches for runs of rows on the same device and property
	dev       *Device
	devKey    devKey
	srv       *Server
	lastProp  *Property
	lastList  *[]*Property
	target    *[]*Property
	attrs     *[]*AttrConfig
	lastAttr  *AttrConfig
	lastAttrs *[]*AttrConfig
	tmpl      map[devKey]*Template
}

func (r *csvRows) pos(line, col int) Pos { return Pos{File: r.file, Line: line, Col: col} }

// header maps the column names (case-insensitive; extra columns ignored).
func (r *csvRows) header(cells []csvCell, line int) bool {
	c := csvColumns{-1, -1, -1, -1, -1, -1}
	for i, cell := range cells {
		h := strings.ToLower(cell.text)
		var slot *int
		switch h {
		case "host":
			slot = &c.host
		case "server":
			slot = &c.server
		case "class":
			slot = &c.class
		case "device":
			slot = &c.device
		case "property":
			slot = &c.property
		case "value":
			slot = &c.value
		case "":
			continue
		default:
			if sug := suggest(h, []string{"host", "server", "class", "device", "property", "value"}); sug != "" {
				r.b.warns.Add(r.pos(cell.line, cell.col), "column %q is ignored (did you mean %q?)", cell.text, sug)
			} else {
				r.b.warns.Add(r.pos(cell.line, cell.col), "column %q is ignored", cell.text)
			}
			continue
		}
		if *slot < 0 {
			*slot = i
		} else {
			r.b.warns.Add(r.pos(cell.line, cell.col), "duplicate column %q is ignored", cell.text)
		}
	}
	var missing []string
	for _, m := range []struct {
		n string
		i int
	}{{"server", c.server}, {"class", c.class}, {"device", c.device}, {"property", c.property}, {"value", c.value}} {
		if m.i < 0 {
			missing = append(missing, m.n)
		}
	}
	if len(missing) > 0 {
		r.b.errs.Add(r.pos(line, 1), "header lacks column(s) %s: expected [host,] server, class, device, property, value", strings.Join(missing, ", "))
		return false
	}
	r.cols = c
	r.n = c.max() + 1
	r.prev = make([]string, r.n)
	r.cur = make([]string, r.n)
	r.last = make([]string, r.n)
	r.curPos = make([]Pos, r.n)
	r.filled = make([]bool, r.n)
	r.lastPos = make([]Pos, r.n)
	r.tmpl = map[devKey]*Template{}
	return true
}

// row fills blank cells as csv2tango does and records the row. A blank cell
// takes the last value above it only if the cell to its left (after its own
// fill) equals the one in the previous row; column 0 always fills; the first
// data row never does.
func (r *csvRows) row(cells []csvCell, line int) {
	for c := 0; c < r.n; c++ {
		var v string
		p := Pos{File: r.file, Line: line, Col: 1}
		if c < len(cells) {
			v, p = cells[c].text, r.pos(cells[c].line, cells[c].col)
			if cells[c].shifts != nil {
				r.b.shifts[p] = cells[c].shifts
			}
		} else if len(cells) > 0 {
			last := cells[len(cells)-1]
			p = r.pos(last.line, last.col)
		}
		r.filled[c] = false
		if r.r > 0 && v == "" && (c == 0 || r.prev[c-1] == r.cur[c-1]) {
			v, p = r.last[c], r.lastPos[c]
			r.filled[c] = true
		} else {
			r.last[c], r.lastPos[c] = v, p
		}
		r.cur[c], r.curPos[c] = v, p
	}
	r.r++
	r.record(line)
	r.prev, r.cur = r.cur, r.prev
}

func (r *csvRows) get(i int) (string, Pos) {
	if i < 0 {
		return "", Pos{}
	}
	return r.cur[i], r.curPos[i]
}

func (r *csvRows) record(line int) {
	b := r.b
	host, hostPos := r.get(r.cols.host)
	server, serverPos := r.get(r.cols.server)
	class, classPos := r.get(r.cols.class)
	device, devicePos := r.get(r.cols.device)
	prop, propPos := r.get(r.cols.property)
	value, valuePos := r.get(r.cols.value)
	if !hostPos.IsValid() {
		hostPos = serverPos
	}

	switch {
	case device == "" || device == "#CLASS":
		// Class properties: csv2tango's empty device cell, tango2csv's #CLASS rows.
		if prop == "" {
			if value != "" {
				b.warns.Add(valuePos, "value ignored: the row has no property (csv2tango drops it)")
			}
			return
		}
		if class == "" {
			b.errs.Add(classPos, "class property %s has no class", prop)
			return
		}
		k := b.class(class, classPos)
		if r.target != &k.Properties {
			r.target, r.attrs, r.dev = &k.Properties, nil, nil
		}
	case isPattern(device):
		if class == "" {
			b.errs.Add(classPos, "device template %s has no class", device)
			return
		}
		key := devKey{class, device}
		t := r.tmpl[key]
		if t == nil {
			t = &Template{Pattern: device, Class: class, Server: server, Pos: devicePos}
			r.tmpl[key] = t
			b.c.Templates = append(b.c.Templates, t)
		}
		if r.target != &t.Properties {
			r.target, r.attrs, r.dev = &t.Properties, &t.Attributes, nil
		}
	default:
		if r.filled[r.cols.device] && r.cols.server >= 0 && !r.filled[r.cols.server] && r.prev[r.cols.server] != server {
			b.warns.Add(r.pos(line, 1), "blank device cell filled with %s from the row above (csv2tango's fill rule): a class property block must start on a row whose class differs from the row above", device)
		}
		if server == "" {
			b.errs.Add(serverPos, "device %s has no server", device)
			return
		}
		if class == "" {
			b.errs.Add(classPos, "device %s has no class", device)
			return
		}
		if r.srv == nil || r.srv.Name != server || r.srv.Host != host {
			r.srv = b.server(server, host, serverPos, hostPos)
		}
		if r.dev == nil || r.devKey.server != server || r.devKey.device != device || r.dev.Class != class {
			r.dev = b.device(r.srv, device, class, devicePos, classPos)
			r.devKey = devKey{server, device}
			r.target, r.attrs = &r.dev.Properties, &r.dev.Attributes
		}
	}
	if prop == "" {
		if value != "" {
			b.warns.Add(valuePos, "value ignored: the row has no property (csv2tango drops it)")
		}
		return
	}
	if r.attrs != nil {
		if attr, ap, isAttr, bad := splitAttrProp(prop); bad {
			b.errs.Add(propPos, "bad attribute property name %q: expected attribute.property", prop)
			return
		} else if isAttr {
			a := r.lastAttr
			if a == nil || r.lastAttrs != r.attrs || !equalFold(a.Name, attr) {
				a = attrConfig(r.attrs, attr, propPos)
				r.lastAttr, r.lastAttrs = a, r.attrs
			}
			r.add(&a.Properties, ap, propPos, value, valuePos, true)
			return
		}
	}
	r.add(r.target, prop, propPos, value, valuePos, false)
}

// add appends a value, reusing the last property when the run continues.
func (r *csvRows) add(list *[]*Property, name string, namePos Pos, value string, at Pos, fold bool) {
	if r.lastList != list {
		r.lastProp, r.lastList = nil, list
	}
	addValue(list, &r.lastProp, name, namePos, value, at, fold)
}
