package pylib

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"chaoslab/internal/formula/pyval"
)

// str.format and str.format_map, following CPython's MarkupIterator and
// FieldNameIterator (Objects/stringlib/unicode_format.h) so that accepted
// syntax and error messages match.

type formatter struct {
	ctx     *context
	args    []value
	kw      []keyword
	mapping value // format_map's mapping, or Undefined
	auto    int   // next automatic field number; -1 once manual numbering is used
	manual  bool
	out     strings.Builder
}

func sFormat(ctx *context, self value, args []value, kw []keyword) (value, error) {
	f := formatter{ctx: ctx, args: args, kw: kw}
	if err := f.format(self.String(), 2); err != nil {
		return value{}, err
	}
	return pyval.Str(f.out.String()), nil
}

func sFormatMap(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("format_map", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, typeErr("str.format_map() takes exactly one argument (%d given)", len(args))
	}
	f := formatter{ctx: ctx, mapping: args[0]}
	if err := f.format(self.String(), 2); err != nil {
		return value{}, err
	}
	return pyval.Str(f.out.String()), nil
}

func (f *formatter) format(s string, depth int) error {
	if depth <= 0 {
		return valueErr("Max string recursion exceeded")
	}
	if err := work(f.ctx, len(s)); err != nil {
		return err
	}
	i := 0
	for i < len(s) {
		// Literal text up to the next brace.
		j := i
		for j < len(s) && s[j] != '{' && s[j] != '}' {
			j++
		}
		f.out.WriteString(s[i:j])
		if j >= len(s) {
			break
		}
		c := s[j]
		atEnd := j+1 >= len(s)
		if c == '}' {
			if atEnd || s[j+1] != '}' {
				return valueErr("Single '}' encountered in format string")
			}
			f.out.WriteByte('}')
			i = j + 2
			continue
		}
		if atEnd {
			return valueErr("Single '{' encountered in format string")
		}
		if s[j+1] == '{' {
			f.out.WriteByte('{')
			i = j + 2
			continue
		}
		end, err := f.field(s, j+1, depth)
		if err != nil {
			return err
		}
		if err := f.ctx.CheckSize(f.out.Len()); err != nil {
			return err
		}
		i = end
	}
	return nil
}

// field parses the replacement field starting at s[pos] (just after its
// '{') as CPython's parse_field does, formats it, and returns the offset
// just past its closing '}'.
func (f *formatter) field(s string, pos, depth int) (int, error) {
	start := pos
	var c byte
	closed := false
	for pos < len(s) {
		c = s[pos]
		pos++
		if c == '{' {
			return 0, valueErr("unexpected '{' in field name")
		}
		if c == '[' {
			for pos < len(s) && s[pos] != ']' {
				pos++
			}
			continue
		}
		if c == '}' || c == ':' || c == '!' {
			closed = true
			break
		}
	}
	if !closed {
		return 0, valueErr("expected '}' before end of string")
	}
	name := s[start : pos-1]
	conv := rune(0)
	spec := ""
	expand := false
	if c == '!' || c == ':' {
		done := false
		if c == '!' {
			if pos >= len(s) {
				return 0, valueErr("end of string while looking for conversion specifier")
			}
			r, n := utf8.DecodeRuneInString(s[pos:])
			conv = r
			pos += n
			if pos < len(s) {
				c2 := s[pos]
				pos++
				if c2 == '}' {
					done = true
				} else if c2 != ':' {
					return 0, valueErr("expected ':' after conversion specifier")
				}
			}
		}
		if !done {
			specStart, count := pos, 1
			found := false
			for pos < len(s) {
				c := s[pos]
				pos++
				if c == '{' {
					expand = true
					count++
				} else if c == '}' {
					count--
					if count == 0 {
						spec = s[specStart : pos-1]
						found = true
						break
					}
				}
			}
			if !found {
				return 0, valueErr("unmatched '{' in format spec")
			}
		}
	}
	return pos, f.render(name, conv, spec, expand, depth)
}

// render looks the field up, converts and formats it.
func (f *formatter) render(name string, conv rune, spec string, expand bool, depth int) error {
	obj, err := f.lookup(name)
	if err != nil {
		return err
	}
	switch conv {
	case 0:
	case 'r', 's', 'a':
		var str string
		if conv == 's' {
			str, err = pyval.ToStr(f.ctx, obj)
		} else {
			str, err = pyval.Repr(f.ctx, obj)
			if conv == 'a' {
				str = asciiEscape(str)
			}
		}
		if err != nil {
			return err
		}
		obj = pyval.Str(str)
	default:
		if conv > 32 && conv < 127 {
			return valueErr("Unknown conversion specifier %c", conv)
		}
		return valueErr("Unknown conversion specifier \\x%x", conv)
	}
	if expand {
		sub := formatter{ctx: f.ctx, args: f.args, kw: f.kw, mapping: f.mapping, auto: f.auto, manual: f.manual}
		if err := sub.format(spec, depth-1); err != nil {
			return err
		}
		f.auto, f.manual = sub.auto, sub.manual
		spec = sub.out.String()
	}
	text, err := pyval.FormatValue(f.ctx, obj, spec)
	if err != nil {
		return err
	}
	f.out.WriteString(text)
	return nil
}

// lookup resolves a field name: an argument (auto-numbered, by index or by
// keyword) followed by .attr and [key] accessors.
func (f *formatter) lookup(name string) (value, error) {
	i := 0
	for i < len(name) && name[i] != '.' && name[i] != '[' {
		i++
	}
	first, rest := name[:i], name[i:]
	var obj value
	if first == "" {
		if f.manual {
			return value{}, valueErr("cannot switch from manual field specification to automatic field numbering")
		}
		if f.mapping.K != pyval.Undefined {
			return value{}, valueErr("Format string contains positional fields")
		}
		f.auto++
		v, err := f.positional(f.auto - 1)
		if err != nil {
			return value{}, err
		}
		obj = v
	} else if n, ok := decimalIndex(first); ok {
		if f.auto > 0 {
			return value{}, valueErr("cannot switch from automatic field numbering to manual field specification")
		}
		f.manual = true
		if f.mapping.K != pyval.Undefined {
			return value{}, valueErr("Format string contains positional fields")
		}
		v, err := f.positional(n)
		if err != nil {
			return value{}, err
		}
		obj = v
	} else {
		v, err := f.keyword(first)
		if err != nil {
			return value{}, err
		}
		obj = v
	}
	for rest != "" {
		switch rest[0] {
		case '.':
			j := 1
			for j < len(rest) && rest[j] != '.' && rest[j] != '[' {
				j++
			}
			attr := rest[1:j]
			if attr == "" {
				return value{}, valueErr("Empty attribute in format string")
			}
			v, err := pyval.GetAttr(f.ctx, obj, attr)
			if err != nil {
				return value{}, err
			}
			obj, rest = v, rest[j:]
		case '[':
			j := strings.IndexByte(rest, ']')
			if j < 0 {
				return value{}, valueErr("Missing ']' in format string")
			}
			key := rest[1:j]
			if key == "" {
				return value{}, valueErr("Empty attribute in format string")
			}
			var k value
			if n, ok := decimalIndex(key); ok {
				k = pyval.Int(int64(n))
			} else {
				k = pyval.Str(key)
			}
			v, err := pyval.GetItem(f.ctx, obj, k)
			if err != nil {
				return value{}, err
			}
			obj, rest = v, rest[j+1:]
			if rest != "" && rest[0] != '.' && rest[0] != '[' {
				return value{}, valueErr("Only '.' or '[' may follow ']' in format field specifier")
			}
		default:
			return value{}, valueErr("Only '.' or '[' may follow ']' in format field specifier")
		}
	}
	return obj, nil
}

// decimalIndex parses an all-digit field name.
func decimalIndex(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 1 << 62, true
	}
	return n, true
}

func (f *formatter) positional(n int) (value, error) {
	if n < 0 || n >= len(f.args) {
		if f.ctx.Py2 {
			return value{}, pyval.Errorf("IndexError", "tuple index out of range")
		}
		return value{}, pyval.Errorf("IndexError", "Replacement index %d out of range for positional args tuple", n)
	}
	return f.args[n], nil
}

func (f *formatter) keyword(name string) (value, error) {
	if f.mapping.K != pyval.Undefined {
		return pyval.GetItem(f.ctx, f.mapping, pyval.Str(name))
	}
	for i := len(f.kw) - 1; i >= 0; i-- {
		if f.kw[i].Name == name {
			return f.kw[i].Value, nil
		}
	}
	return value{}, pyval.Errorf("KeyError", "'%s'", name)
}
