package catalog

import "strings"

// csvCell is one cell of a CSV record: its stripped text, where that text
// starts, and its length before stripping (csv2tango drops a row only when
// every cell is empty before stripping).
type csvCell struct {
	text      string
	line, col int
	raw       int
	// shifts are the offsets in text where the file has one byte more
	// than the text (the first quote of a doubled one, the \r of a CRLF,
	// a closing quote followed by more text); nil for most cells.
	shifts []int
}

// csvScanner splits CSV text into records the way Python's csv module does
// with csv2tango's sniffed dialect (quote char '"', QUOTE_MINIMAL, not
// strict), except that a doubled quote inside a quoted cell is one quote
// (see docs/formats.md) and CRLF inside a quoted cell becomes LF. Cells are
// substrings of the input whenever possible: no allocation per cell.
type csvScanner struct {
	data      string
	off       int
	line      int
	lineStart int
	delim     byte
	skipSpace bool
	cells     []csvCell
	buf       []byte
	// unterminated is the position of a quote that was never closed.
	unterminated []Pos
}

// row returns the next record and the line it starts on; ok is false at the
// end of the input. The returned slice is reused by the next call.
func (s *csvScanner) row() (cells []csvCell, line int, ok bool) {
	if s.off >= len(s.data) {
		return nil, 0, false
	}
	s.cells = s.cells[:0]
	line = s.line
	for {
		c, more := s.field()
		s.cells = append(s.cells, c)
		if !more {
			break
		}
	}
	return s.cells, line, true
}

// endRecord consumes a line end at s.off (\n, \r\n or \r).
func (s *csvScanner) endRecord() {
	if s.off < len(s.data) && s.data[s.off] == '\r' {
		s.off++
	}
	if s.off < len(s.data) && s.data[s.off] == '\n' {
		s.off++
	}
	s.line++
	s.lineStart = s.off
}

// field reads one cell; more is true when a delimiter follows it.
func (s *csvScanner) field() (c csvCell, more bool) {
	d := s.data
	if s.skipSpace {
		for s.off < len(d) && d[s.off] == ' ' {
			s.off++
		}
	}
	if s.off < len(d) && d[s.off] == '"' {
		return s.quoted()
	}
	start := s.off
	i := start
	for i < len(d) && d[i] != s.delim && d[i] != '\n' && d[i] != '\r' {
		i++
	}
	s.off = i
	text := d[start:i]
	c = csvCell{raw: len(text), line: s.line}
	lead := leadingSpace(text)
	c.text = trimSpace(text)
	c.col = start - s.lineStart + 1 + lead
	if i < len(d) && d[i] == s.delim {
		s.off++
		return c, true
	}
	if i < len(d) {
		s.endRecord()
	}
	return c, false
}

// quoted reads a cell that starts with a quote.
func (s *csvScanner) quoted() (c csvCell, more bool) {
	d := s.data
	qLine, qCol := s.line, s.off-s.lineStart+1
	s.off++
	segStart := s.off
	contentLine, contentCol := s.line, s.off-s.lineStart+1
	simple := true
	var shifts []int
	s.buf = s.buf[:0]
	var text string
	closed := false
	for s.off < len(d) {
		ch := d[s.off]
		if ch == '"' {
			if s.off+1 < len(d) && d[s.off+1] == '"' {
				s.buf = append(s.buf, d[segStart:s.off+1]...)
				shifts = append(shifts, len(s.buf))
				simple = false
				s.off += 2
				segStart = s.off
				continue
			}
			closed = true
			break
		}
		if ch == '\r' && s.off+1 < len(d) && d[s.off+1] == '\n' {
			s.buf = append(s.buf, d[segStart:s.off]...)
			shifts = append(shifts, len(s.buf))
			simple = false
			s.off++
			segStart = s.off
			continue
		}
		if ch == '\n' {
			s.line++
			s.lineStart = s.off + 1
		}
		s.off++
	}
	if !closed {
		s.unterminated = append(s.unterminated, Pos{Line: qLine, Col: qCol})
	}
	if simple {
		text = d[segStart:s.off]
	} else {
		s.buf = append(s.buf, d[segStart:s.off]...)
	}
	if closed {
		s.off++ // the closing quote
		// Python (not strict) keeps text after the closing quote literally.
		i := s.off
		for i < len(d) && d[i] != s.delim && d[i] != '\n' && d[i] != '\r' {
			i++
		}
		if i > s.off {
			if simple {
				s.buf = append(s.buf, text...)
				simple = false
			}
			shifts = append(shifts, len(s.buf))
			s.buf = append(s.buf, d[s.off:i]...)
			s.off = i
		}
	}
	if !simple {
		text = string(s.buf)
	}
	c.raw = len(text)
	lead := leadingSpace(text)
	p := advanceShifted(Pos{Line: contentLine, Col: contentCol}, text[:lead], shifts)
	c.line, c.col = p.Line, p.Col
	c.text = trimSpace(text)
	for _, o := range shifts {
		if o >= lead && o-lead < len(c.text) {
			c.shifts = append(c.shifts, o-lead)
		}
	}
	if s.off < len(d) && d[s.off] == s.delim {
		s.off++
		return c, true
	}
	if s.off < len(d) {
		s.endRecord()
	}
	return c, false
}

// isSpace is Python 2 str.strip()'s whitespace (ASCII only).
func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}

func leadingSpace(s string) int {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// sniffDelimiter picks the delimiter of the header line as Python's
// csv.Sniffer does on a single unquoted line: the first of its preferred
// characters that occurs (we accept comma, tab and semicolon). skipSpace is
// the sniffer's skipinitialspace: every delimiter is followed by a space.
func sniffDelimiter(line string) (delim byte, skipSpace, ok bool) {
	for _, d := range []byte{',', '\t', ';'} {
		if n := strings.Count(line, string(d)); n > 0 {
			return d, n == strings.Count(line, string(d)+" "), true
		}
	}
	return 0, false, false
}
