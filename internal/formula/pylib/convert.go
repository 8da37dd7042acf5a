package pylib

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"chaoslab/internal/formula/pyval"
)

// unicodeDigit returns the decimal value of a Unicode decimal digit (Nd), or -1.
func unicodeDigit(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	if r < utf8.RuneSelf || !unicode.Is(unicode.Nd, r) {
		return -1
	}
	// Nd digits come in contiguous runs of ten, each starting at a zero.
	n := 0
	for z := r - 1; n < 100 && unicode.Is(unicode.Nd, z); z-- {
		n++
	}
	return n % 10
}

// parseGoFloat is strconv.ParseFloat on already-validated decimal text:
// overflow gives ±inf and underflow 0, as CPython's strtod does.
func parseGoFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, nil
		}
		return 0, err
	}
	return f, nil
}

// decodeBytes decodes b with a codec CPython knows by that name.
func decodeBytes(b, enc, errs string) (value, error) {
	switch normEncoding(enc) {
	case "utf_8", "utf8":
		if utf8.ValidString(b) {
			return pyval.Str(b), nil
		}
		if errs == "strict" {
			for i := 0; i < len(b); {
				r, n := utf8.DecodeRuneInString(b[i:])
				if r == utf8.RuneError && n == 1 {
					return value{}, pyval.Errorf("UnicodeDecodeError", "'utf-8' codec can't decode byte 0x%02x in position %d: invalid start byte", b[i], i)
				}
				i += n
			}
		}
		return pyval.Str(strings.ToValidUTF8(b, replacementFor(errs))), nil
	case "ascii", "us_ascii":
		var sb strings.Builder
		for i := 0; i < len(b); i++ {
			if b[i] >= 0x80 {
				switch errs {
				case "ignore":
					continue
				case "replace":
					sb.WriteRune('\uFFFD')
					continue
				}
				return value{}, pyval.Errorf("UnicodeDecodeError", "'ascii' codec can't decode byte 0x%02x in position %d: ordinal not in range(128)", b[i], i)
			}
			sb.WriteByte(b[i])
		}
		return pyval.Str(sb.String()), nil
	case "latin_1", "latin1", "iso_8859_1", "iso8859_1", "l1":
		var sb strings.Builder
		for i := 0; i < len(b); i++ {
			sb.WriteRune(rune(b[i]))
		}
		return pyval.Str(sb.String()), nil
	}
	return value{}, pyval.Errorf("LookupError", "unknown encoding: %s", enc)
}

// encodeStr encodes s with a codec CPython knows by that name.
func encodeStr(s, enc, errs string) (value, error) {
	switch normEncoding(enc) {
	case "utf_8", "utf8":
		return value{K: pyval.BytesKind, O: s}, nil
	case "ascii", "us_ascii", "latin_1", "latin1", "iso_8859_1", "iso8859_1", "l1":
		limit := rune(0x100)
		name := "latin-1"
		if n := normEncoding(enc); n == "ascii" || n == "us_ascii" {
			limit, name = 0x80, "ascii"
		}
		var sb strings.Builder
		pos := 0
		for _, r := range s {
			if r >= limit {
				switch errs {
				case "ignore":
					pos++
					continue
				case "replace":
					sb.WriteByte('?')
					pos++
					continue
				}
				return value{}, pyval.Errorf("UnicodeEncodeError", "'%s' codec can't encode character '%s' in position %d: ordinal not in range(%d)", name, charEscape(r), pos, limit)
			}
			sb.WriteByte(byte(r))
			pos++
		}
		return value{K: pyval.BytesKind, O: sb.String()}, nil
	}
	return value{}, pyval.Errorf("LookupError", "unknown encoding: %s", enc)
}

func replacementFor(errs string) string {
	if errs == "ignore" {
		return ""
	}
	return "\uFFFD"
}

func normEncoding(enc string) string {
	return strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(enc))
}

func tBytes(ctx *context, args []value, kw []keyword) (value, error) {
	var a [3]value
	p := params{fn: "bytes", names: []string{"source", "encoding", "errors"}, npos: 3, nreq: 0, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	src := a[0]
	if src.IsUndefined() {
		return value{K: pyval.BytesKind, O: ""}, nil
	}
	if src.K == pyval.StrKind {
		if a[1].IsUndefined() {
			return value{}, typeErr("string argument without an encoding")
		}
		errs := "strict"
		if !a[2].IsUndefined() {
			errs = a[2].String()
		}
		return encodeStr(src.String(), a[1].String(), errs)
	}
	if !a[1].IsUndefined() {
		return value{}, typeErr("encoding without a string argument")
	}
	switch src.K {
	case pyval.BytesKind:
		return src, nil
	case pyval.IntKind, pyval.BoolKind, pyval.BigKind:
		n, err := smallIndex(src)
		if err != nil {
			return value{}, err
		}
		if n < 0 {
			return value{}, valueErr("negative count")
		}
		if err := ctx.CheckSize(int(n)); err != nil {
			return value{}, err
		}
		return value{K: pyval.BytesKind, O: string(make([]byte, n))}, nil
	}
	if src.K == pyval.FloatKind || src.K == pyval.NoneKind {
		return value{}, typeErr("cannot convert '%s' object to bytes", pyval.TypeName(src))
	}
	var buf []byte
	err := forEach(ctx, src, func(v value) error {
		if !isInt(v) {
			return typeErr("'%s' object cannot be interpreted as an integer", pyval.TypeName(v))
		}
		if v.K == pyval.BigKind || v.Int64() < 0 || v.Int64() > 255 {
			return valueErr("bytes must be in range(0, 256)")
		}
		buf = append(buf, byte(v.Int64()))
		return nil
	})
	if err != nil {
		return value{}, err
	}
	return value{K: pyval.BytesKind, O: string(buf)}, nil
}

// charEscape is how CPython's codec errors show a character: \xe9,
// \u20ac or \U0001f600.
func charEscape(r rune) string {
	switch {
	case r < 0x100:
		return "\\x" + hex2(uint64(r), 2)
	case r < 0x10000:
		return "\\u" + hex2(uint64(r), 4)
	}
	return "\\U" + hex2(uint64(r), 8)
}

// parseHexFloat parses float.fromhex text: [sign] ['0x'] hex digits
// ['.' hex digits] ['p' [sign] decimal], or inf/infinity/nan.
func parseHexFloat(s string) (float64, bool) {
	s = strings.TrimFunc(s, isPySpace)
	sign := ""
	body := s
	if body != "" && (body[0] == '+' || body[0] == '-') {
		sign, body = body[:1], body[1:]
	}
	switch strings.ToLower(body) {
	case "inf", "infinity":
		f, _ := strconv.ParseFloat(sign+"inf", 64)
		return f, true
	case "nan":
		return math.NaN(), true
	}
	low := strings.ToLower(body)
	low = strings.TrimPrefix(low, "0x")
	mant, exp := low, "0"
	if i := strings.IndexByte(low, 'p'); i >= 0 {
		mant, exp = low[:i], low[i+1:]
	}
	if mant == "" || mant == "." || strings.Count(mant, ".") > 1 {
		return 0, false
	}
	for _, c := range mant {
		if !(c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return 0, false
		}
	}
	if _, err := strconv.Atoi(exp); err != nil || strings.ContainsAny(exp, "_ ") {
		return 0, false
	}
	f, err := strconv.ParseFloat(sign+"0x"+mant+"p"+exp, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange && !math.IsInf(f, 0) {
			return f, true
		}
		return 0, false
	}
	return f, true
}
