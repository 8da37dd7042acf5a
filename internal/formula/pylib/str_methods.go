package pylib

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"chaoslab/internal/formula/pyval"
)

// Methods of str (and the cheap, byte-wise ones of bytes). Indices are code
// points, as in Python; ASCII strings take byte-offset fast paths.

func installStr() {
	S := pyval.StrKind
	reg(S, "upper", strMap("upper", pyUpper))
	reg(S, "lower", strMap("lower", pyLower))
	reg(S, "casefold", strMap("casefold", pyCasefold))
	reg(S, "swapcase", strMap("swapcase", pySwapcase))
	reg(S, "title", strMap("title", pyTitle))
	reg(S, "capitalize", strMap("capitalize", pyCapitalize))
	reg(S, "strip", stripMethod("strip", true, true))
	reg(S, "lstrip", stripMethod("lstrip", true, false))
	reg(S, "rstrip", stripMethod("rstrip", false, true))
	reg(S, "split", splitMethod("split", false))
	reg(S, "rsplit", splitMethod("rsplit", true))
	reg(S, "splitlines", sSplitlines)
	reg(S, "join", sJoin)
	reg(S, "replace", sReplace)
	reg(S, "find", findMethod("find", false, false))
	reg(S, "rfind", findMethod("rfind", true, false))
	reg(S, "index", findMethod("index", false, true))
	reg(S, "rindex", findMethod("rindex", true, true))
	reg(S, "count", sCount)
	reg(S, "startswith", affixMethod("startswith", false))
	reg(S, "endswith", affixMethod("endswith", true))
	reg(S, "center", padMethod("center", 0))
	reg(S, "ljust", padMethod("ljust", 1))
	reg(S, "rjust", padMethod("rjust", 2))
	reg(S, "zfill", sZfill)
	reg(S, "expandtabs", sExpandtabs)
	reg(S, "partition", partitionMethod("partition", false))
	reg(S, "rpartition", partitionMethod("rpartition", true))
	reg(S, "removeprefix", sRemoveprefix)
	reg(S, "removesuffix", sRemovesuffix)
	reg(S, "encode", sEncode)
	reg(S, "translate", sTranslate)
	reg(S, "format", sFormat)
	reg(S, "format_map", sFormatMap)
	reg(S, "isascii", strPred("isascii", true, func(r rune) bool { return r < 0x80 }))
	reg(S, "isalpha", strPred("isalpha", false, unicode.IsLetter))
	reg(S, "isdecimal", strPred("isdecimal", false, isDecimal))
	reg(S, "isdigit", strPred("isdigit", false, isDigitRune))
	reg(S, "isnumeric", strPred("isnumeric", false, isNumericRune))
	reg(S, "isalnum", strPred("isalnum", false, func(r rune) bool { return unicode.IsLetter(r) || isNumericRune(r) }))
	reg(S, "isspace", strPred("isspace", false, isPySpace))
	reg(S, "isprintable", strPred("isprintable", true, func(r rune) bool { return r == ' ' || unicode.IsPrint(r) }))
	reg(S, "islower", casePred("islower", unicode.IsLower, unicode.IsUpper))
	reg(S, "isupper", casePred("isupper", unicode.IsUpper, unicode.IsLower))
	reg(S, "istitle", sIstitle)
	reg(S, "isidentifier", sIsidentifier)
	installBytes()
}

// work charges steps proportional to a string's length.
func work(ctx *context, n int) error { return ctx.Step(int64(n>>5) + 1) }

func noArgs(name string, args []value, kw []keyword) error {
	if len(kw) > 0 {
		return typeErr("%s() takes no keyword arguments", name)
	}
	if len(args) > 0 {
		return typeErr("%s() takes no arguments (%d given)", name, len(args))
	}
	return nil
}

// noArgsOf is noArgs for a method: CPython qualifies the name ("str.upper()").
func noArgsOf(self value, name string, args []value, kw []keyword) error {
	if len(args) == 0 && len(kw) == 0 {
		return nil
	}
	return noArgs(pyval.TypeName(self)+"."+name, args, kw)
}

func strMap(name string, f func(string) string) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, name, args, kw); err != nil {
			return value{}, err
		}
		s := self.String()
		if err := work(ctx, len(s)); err != nil {
			return value{}, err
		}
		r := f(s)
		if len(r) > len(s) {
			if err := ctx.CheckSize(len(r)); err != nil {
				return value{}, err
			}
		}
		return value{K: self.K, O: r}, nil
	}
}

// isCased reports whether r is a cased letter (Lu, Ll, Lt).
func isCased(r rune) bool { return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) }

// strArg requires a str argument for method name.
func strArg(name string, v value, pos int) (string, error) {
	if v.K != pyval.StrKind {
		return "", typeErr("%s() argument %d must be str, not %s", name, pos, clinicTypeName(v))
	}
	return v.String(), nil
}

func stripMethod(name string, left, right bool) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noKw(name, kw); err != nil {
			return value{}, err
		}
		if len(args) > 1 {
			return value{}, typeErr("%s expected at most 1 argument, got %d", name, len(args))
		}
		s := self.String()
		if err := work(ctx, len(s)); err != nil {
			return value{}, err
		}
		var f func(rune) bool
		if self.K == pyval.BytesKind {
			f = func(r rune) bool { return r == ' ' || (r >= '\t' && r <= '\r') }
		} else {
			f = isPySpace
		}
		if len(args) == 1 && !isNone(args[0]) {
			if args[0].K != self.K {
				if self.K == pyval.BytesKind {
					return value{}, typeErr("a bytes-like object is required, not '%s'", pyval.TypeName(args[0]))
				}
				return value{}, typeErr("%s arg must be None or str", name)
			}
			chars := args[0].String()
			if self.K == pyval.BytesKind {
				if left {
					for len(s) > 0 && strings.IndexByte(chars, s[0]) >= 0 {
						s = s[1:]
					}
				}
				if right {
					for len(s) > 0 && strings.IndexByte(chars, s[len(s)-1]) >= 0 {
						s = s[:len(s)-1]
					}
				}
				return value{K: self.K, O: s}, nil
			}
			f = func(r rune) bool { return strings.ContainsRune(chars, r) }
		}
		if self.K == pyval.BytesKind {
			// Byte-wise: do not decode UTF-8.
			if left {
				for len(s) > 0 && f(rune(s[0])) {
					s = s[1:]
				}
			}
			if right {
				for len(s) > 0 && f(rune(s[len(s)-1])) {
					s = s[:len(s)-1]
				}
			}
			return value{K: self.K, O: s}, nil
		}
		if left {
			s = strings.TrimLeftFunc(s, f)
		}
		if right {
			s = strings.TrimRightFunc(s, f)
		}
		return value{K: self.K, O: s}, nil
	}
}

func splitMethod(name string, fromRight bool) method {
	p := params{fn: name, names: []string{"sep", "maxsplit"}, npos: 2, nreq: 0, kwOK: true}
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		var a [2]value
		if err := p.bind(args, kw, a[:]); err != nil {
			return value{}, err
		}
		s := self.String()
		if err := work(ctx, len(s)); err != nil {
			return value{}, err
		}
		maxsplit := int64(-1)
		if !a[1].IsUndefined() {
			m, err := smallIndex(a[1])
			if err != nil {
				return value{}, err
			}
			maxsplit = m
		}
		isSpace := isPySpace
		if self.K == pyval.BytesKind {
			isSpace = func(r rune) bool { return r == ' ' || (r >= '\t' && r <= '\r') }
		}
		var parts []string
		if a[0].IsUndefined() || isNone(a[0]) {
			parts = splitWhite(s, maxsplit, fromRight, isSpace, self.K == pyval.BytesKind)
		} else {
			if a[0].K != self.K {
				if self.K == pyval.BytesKind {
					return value{}, typeErr("a bytes-like object is required, not '%s'", pyval.TypeName(a[0]))
				}
				return value{}, typeErr("must be str or None, not %s", pyval.TypeName(a[0]))
			}
			sep := a[0].String()
			if sep == "" {
				return value{}, valueErr("empty separator")
			}
			n := -1
			if maxsplit >= 0 {
				if maxsplit > math.MaxInt32 {
					maxsplit = math.MaxInt32
				}
				n = int(maxsplit) + 1
			}
			if fromRight {
				parts = rsplitN(s, sep, n)
			} else {
				parts = strings.SplitN(s, sep, n)
			}
		}
		if err := ctx.CheckSize(len(parts)); err != nil {
			return value{}, err
		}
		out := make([]value, len(parts))
		for i, x := range parts {
			out[i] = value{K: self.K, O: x}
		}
		return pyval.NewList(out), nil
	}
}

// splitWhite is split() without a separator: runs of whitespace separate,
// leading/trailing whitespace is dropped, at most maxsplit splits (the
// remainder keeps its inner and far-end whitespace).
func splitWhite(s string, maxsplit int64, fromRight bool, isSpace func(rune) bool, bytewise bool) []string {
	decode := func(s string, i int) (rune, int) {
		if bytewise {
			return rune(s[i]), 1
		}
		return utf8.DecodeRuneInString(s[i:])
	}
	decodeLast := func(s string, j int) (rune, int) {
		if bytewise {
			return rune(s[j-1]), 1
		}
		return utf8.DecodeLastRuneInString(s[:j])
	}
	var out []string
	if !fromRight {
		i := 0
		for {
			for i < len(s) {
				r, n := decode(s, i)
				if !isSpace(r) {
					break
				}
				i += n
			}
			if i >= len(s) {
				return out
			}
			if maxsplit >= 0 && int64(len(out)) == maxsplit {
				return append(out, s[i:])
			}
			j := i
			for j < len(s) {
				r, n := decode(s, j)
				if isSpace(r) {
					break
				}
				j += n
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	j := len(s)
	for {
		for j > 0 {
			r, n := decodeLast(s, j)
			if !isSpace(r) {
				break
			}
			j -= n
		}
		if j <= 0 {
			break
		}
		if maxsplit >= 0 && int64(len(out)) == maxsplit {
			out = append(out, s[:j])
			break
		}
		i := j
		for i > 0 {
			r, n := decodeLast(s, i)
			if isSpace(r) {
				break
			}
			i -= n
		}
		out = append(out, s[i:j])
		j = i
	}
	for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
		out[a], out[b] = out[b], out[a]
	}
	return out
}

// rsplitN splits from the right into at most n parts (n < 0: all).
func rsplitN(s, sep string, n int) []string {
	var out []string
	for n < 0 || len(out) < n-1 {
		i := strings.LastIndex(s, sep)
		if i < 0 {
			break
		}
		out = append(out, s[i+len(sep):])
		s = s[:i]
	}
	out = append(out, s)
	for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
		out[a], out[b] = out[b], out[a]
	}
	return out
}

func sSplitlines(ctx *context, self value, args []value, kw []keyword) (value, error) {
	var a [1]value
	p := params{fn: "splitlines", names: []string{"keepends"}, npos: 1, nreq: 0, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	keep := !a[0].IsUndefined() && pyval.Truth(a[0])
	s := self.String()
	if err := work(ctx, len(s)); err != nil {
		return value{}, err
	}
	var out []value
	start := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if self.K == pyval.BytesKind {
			r, n = rune(s[i]), 1
		}
		brk := false
		switch r {
		case '\n', '\r':
			brk = true
		case '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			brk = self.K == pyval.StrKind
		}
		if !brk {
			i += n
			continue
		}
		end := i + n
		if r == '\r' && end < len(s) && s[end] == '\n' {
			end++
		}
		if keep {
			out = append(out, value{K: self.K, O: s[start:end]})
		} else {
			out = append(out, value{K: self.K, O: s[start:i]})
		}
		start, i = end, end
	}
	if start < len(s) {
		out = append(out, value{K: self.K, O: s[start:]})
	}
	return pyval.NewList(out), nil
}

func sJoin(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("join", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, typeErr("%s.join() takes exactly one argument (%d given)", pyval.TypeName(self), len(args))
	}
	sep := self.String()
	items, ok := seqItems(args[0])
	if !ok {
		if err := checkIterable(args[0]); err != nil {
			return value{}, typeErr("can only join an iterable")
		}
		var err error
		if items, err = collect(ctx, args[0]); err != nil {
			return value{}, err
		}
	}
	total := 0
	for i, it := range items {
		if it.K != self.K {
			if self.K == pyval.BytesKind {
				return value{}, typeErr("sequence item %d: expected a bytes-like object, %s found", i, pyval.TypeName(it))
			}
			return value{}, typeErr("sequence item %d: expected str instance, %s found", i, pyval.TypeName(it))
		}
		total += len(it.String())
		if i > 0 {
			total += len(sep)
		}
		if total < 0 {
			total = math.MaxInt
		}
	}
	if err := ctx.CheckSize(total); err != nil {
		return value{}, err
	}
	if err := work(ctx, total); err != nil {
		return value{}, err
	}
	if len(items) == 1 {
		return items[0], nil
	}
	var b strings.Builder
	b.Grow(total)
	for i, it := range items {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(it.String())
	}
	return value{K: self.K, O: b.String()}, nil
}

func sReplace(ctx *context, self value, args []value, kw []keyword) (value, error) {
	// Positional-only in 3.11 (METH_FASTCALL: "replace expected at least 2
	// arguments, got 1").
	if len(kw) > 0 {
		return value{}, typeErr("%s.replace() takes no keyword arguments", pyval.TypeName(self))
	}
	if len(args) < 2 || len(args) > 3 {
		return value{}, arity("replace", args, 2, 3)
	}
	var a [3]value
	copy(a[:], args)
	for i := 0; i < 2; i++ {
		if a[i].K != self.K {
			if self.K == pyval.BytesKind {
				return value{}, typeErr("a bytes-like object is required, not '%s'", pyval.TypeName(a[i]))
			}
			return value{}, typeErr("replace() argument %d must be str, not %s", i+1, clinicTypeName(a[i]))
		}
	}
	n := int64(-1)
	if !a[2].IsUndefined() {
		c, err := smallIndex(a[2])
		if err != nil {
			return value{}, err
		}
		n = c
	}
	s, old, nw := self.String(), a[0].String(), a[1].String()
	if err := work(ctx, len(s)); err != nil {
		return value{}, err
	}
	count := int64(strings.Count(s, old))
	if old == "" && self.K == pyval.BytesKind {
		count = int64(len(s)) + 1
	}
	if n >= 0 && n < count {
		count = n
	}
	size := int64(len(s)) + count*(int64(len(nw))-int64(len(old)))
	if size > math.MaxInt32 {
		return value{}, ctx.CheckSize(math.MaxInt32)
	}
	if err := ctx.CheckSize(int(size)); err != nil {
		return value{}, err
	}
	if old == "" && self.K == pyval.BytesKind {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if int64(i) < count {
				b.WriteString(nw)
			}
			b.WriteByte(s[i])
		}
		if int64(len(s)) < count {
			b.WriteString(nw)
		}
		return value{K: self.K, O: b.String()}, nil
	}
	if n > math.MaxInt32 {
		n = -1
	}
	return value{K: self.K, O: strings.Replace(s, old, nw, int(n))}, nil
}

// units is the length of s in Python indices: code points for str, bytes
// for bytes.
func units(k pyval.Kind, s string) int {
	if k == pyval.BytesKind {
		return len(s)
	}
	return utf8.RuneCountInString(s)
}

// byteOffset converts a Python index (0 <= i <= units) to a byte offset.
func byteOffset(k pyval.Kind, s string, i int) int {
	if k == pyval.BytesKind {
		return i
	}
	off := 0
	for ; i > 0 && off < len(s); i-- {
		if s[off] < utf8.RuneSelf {
			off++
			continue
		}
		_, n := utf8.DecodeRuneInString(s[off:])
		off += n
	}
	return off
}

// sliceBounds resolves optional start/end arguments like str.find does
// (None or absent means the ends, negatives count from the end, clamped).
func sliceBounds(start, end value, n int) (int, int, error) {
	lo, hi := 0, n
	conv := func(v value, def int) (int, error) {
		if v.IsUndefined() || isNone(v) {
			return def, nil
		}
		if !isInt(v) {
			return 0, typeErr("slice indices must be integers or None or have an __index__ method")
		}
		var x int64
		if v.K == pyval.BigKind {
			if bigOf(v).Sign() > 0 {
				x = math.MaxInt64
			} else {
				x = math.MinInt64 / 2
			}
		} else {
			x = v.Int64()
		}
		if x < 0 {
			x += int64(n)
			if x < 0 {
				x = 0
			}
		}
		if x > int64(n) {
			x = int64(n) + 1 // past the end: matters for empty needles
		}
		return int(x), nil
	}
	var err error
	if lo, err = conv(start, 0); err != nil {
		return 0, 0, err
	}
	if hi, err = conv(end, n); err != nil {
		return 0, 0, err
	}
	if hi > n {
		hi = n
	}
	return lo, hi, nil
}

// findIn returns the Python index of sub in s[start:end], or -1.
func findIn(k pyval.Kind, s, sub string, start, end value, last bool) (int, error) {
	n := units(k, s)
	lo, hi, err := sliceBounds(start, end, n)
	if err != nil {
		return 0, err
	}
	if lo > n || hi-lo < units(k, sub) {
		return -1, nil
	}
	bl, bh := byteOffset(k, s, lo), byteOffset(k, s, hi)
	var i int
	if last {
		i = strings.LastIndex(s[bl:bh], sub)
	} else {
		i = strings.Index(s[bl:bh], sub)
	}
	if i < 0 {
		return -1, nil
	}
	return lo + units(k, s[bl:bl+i]), nil
}

func findMethod(name string, last, raise bool) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noKw(name, kw); err != nil {
			return value{}, err
		}
		if len(args) < 1 || len(args) > 3 {
			return value{}, tupleArity(name, len(args), 1, 3)
		}
		sub, err := subArg(self, args[0])
		if err != nil {
			return value{}, err
		}
		s := self.String()
		if err := work(ctx, len(s)); err != nil {
			return value{}, err
		}
		var start, end value
		if len(args) > 1 {
			start = args[1]
		}
		if len(args) > 2 {
			end = args[2]
		}
		i, err := findIn(self.K, s, sub, start, end, last)
		if err != nil {
			return value{}, err
		}
		if i < 0 && raise {
			if self.K == pyval.BytesKind {
				return value{}, valueErr("subsection not found")
			}
			return value{}, valueErr("substring not found")
		}
		return pyval.Int(int64(i)), nil
	}
}

// subArg checks the needle type for find/count/...
func subArg(self, v value) (string, error) {
	if v.K == self.K {
		return v.String(), nil
	}
	if self.K == pyval.BytesKind {
		if isInt(v) {
			b, err := smallIndex(v)
			if err != nil || b < 0 || b > 255 {
				return "", valueErr("byte must be in range(0, 256)")
			}
			return string([]byte{byte(b)}), nil
		}
		return "", typeErr("argument should be integer or bytes-like object, not '%s'", pyval.TypeName(v))
	}
	return "", typeErr("must be str, not %s", pyval.TypeName(v))
}

func sCount(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("count", kw); err != nil {
		return value{}, err
	}
	if len(args) < 1 || len(args) > 3 {
		return value{}, tupleArity("count", len(args), 1, 3)
	}
	sub, err := subArg(self, args[0])
	if err != nil {
		return value{}, err
	}
	s := self.String()
	if err := work(ctx, len(s)); err != nil {
		return value{}, err
	}
	var start, end value
	if len(args) > 1 {
		start = args[1]
	}
	if len(args) > 2 {
		end = args[2]
	}
	n := units(self.K, s)
	lo, hi, err := sliceBounds(start, end, n)
	if err != nil {
		return value{}, err
	}
	if lo > n || hi < lo {
		return pyval.Int(0), nil
	}
	seg := s[byteOffset(self.K, s, lo):byteOffset(self.K, s, hi)]
	if sub == "" {
		return pyval.Int(int64(units(self.K, seg)) + 1), nil
	}
	return pyval.Int(int64(strings.Count(seg, sub))), nil
}

func affixMethod(name string, suffix bool) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noKw(name, kw); err != nil {
			return value{}, err
		}
		if len(args) < 1 || len(args) > 3 {
			return value{}, tupleArity(name, len(args), 1, 3)
		}
		s := self.String()
		var start, end value
		if len(args) > 1 {
			start = args[1]
		}
		if len(args) > 2 {
			end = args[2]
		}
		n := units(self.K, s)
		lo, hi, err := sliceBounds(start, end, n)
		if err != nil {
			return value{}, err
		}
		var cands []value
		if args[0].K == pyval.TupleKind {
			cands = args[0].O.(*pyval.Tuple).Items
		} else {
			cands = args[0:1]
		}
		seg := ""
		if lo <= n {
			if hi < lo {
				hi = lo
			}
			seg = s[byteOffset(self.K, s, lo):byteOffset(self.K, s, hi)]
		}
		// Tuple items are checked lazily, as CPython does.
		for _, c := range cands {
			if c.K != self.K {
				kind := "str"
				if self.K == pyval.BytesKind {
					kind = "bytes"
				}
				if args[0].K == pyval.TupleKind {
					return value{}, typeErr("tuple for %s must only contain %s, not %s", name, kind, pyval.TypeName(c))
				}
				return value{}, typeErr("%s first arg must be %s or a tuple of %s, not %s", name, kind, kind, pyval.TypeName(c))
			}
			if lo > n {
				continue
			}
			if (suffix && strings.HasSuffix(seg, c.String())) || (!suffix && strings.HasPrefix(seg, c.String())) {
				return pyval.True, nil
			}
		}
		return pyval.False, nil
	}
}

// padMethod is center (0), ljust (1) and rjust (2).
func padMethod(name string, mode int) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noKw(name, kw); err != nil {
			return value{}, err
		}
		if len(args) < 1 || len(args) > 2 {
			return value{}, arity(name, args, 1, 2)
		}
		width, err := smallIndex(args[0])
		if err != nil {
			return value{}, err
		}
		fill := " "
		if len(args) == 2 {
			if args[1].K != self.K || units(self.K, args[1].String()) != 1 {
				if args[1].K == self.K || self.K == pyval.BytesKind {
					return value{}, typeErr("The fill character must be exactly one character long")
				}
				return value{}, typeErr("The fill character must be a unicode character, not %s", pyval.TypeName(args[1]))
			}
			fill = args[1].String()
		}
		s := self.String()
		n := int64(units(self.K, s))
		if width <= n {
			return self, nil
		}
		if width > math.MaxInt32 {
			return value{}, ctx.CheckSize(math.MaxInt32)
		}
		size := int(width-n)*len(fill) + len(s)
		if err := ctx.CheckSize(size); err != nil {
			return value{}, err
		}
		if err := work(ctx, size); err != nil {
			return value{}, err
		}
		marg := width - n
		var left int64
		switch mode {
		case 0:
			left = marg/2 + (marg & width & 1)
		case 1:
			left = 0
		case 2:
			left = marg
		}
		return value{K: self.K, O: strings.Repeat(fill, int(left)) + s + strings.Repeat(fill, int(marg-left))}, nil
	}
}

func sZfill(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("zfill", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, typeErr("%s.zfill() takes exactly one argument (%d given)", pyval.TypeName(self), len(args))
	}
	width, err := smallIndex(args[0])
	if err != nil {
		return value{}, err
	}
	s := self.String()
	n := int64(units(self.K, s))
	if width <= n {
		return self, nil
	}
	if width > math.MaxInt32 {
		return value{}, ctx.CheckSize(math.MaxInt32)
	}
	if err := ctx.CheckSize(int(width)); err != nil {
		return value{}, err
	}
	pad := strings.Repeat("0", int(width-n))
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		return value{K: self.K, O: s[:1] + pad + s[1:]}, nil
	}
	return value{K: self.K, O: pad + s}, nil
}

func sExpandtabs(ctx *context, self value, args []value, kw []keyword) (value, error) {
	var a [1]value
	p := params{fn: "expandtabs", names: []string{"tabsize"}, npos: 1, nreq: 0, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	tab := int64(8)
	if !a[0].IsUndefined() {
		t, err := smallIndex(a[0])
		if err != nil {
			return value{}, err
		}
		tab = t
	}
	s := self.String()
	var b strings.Builder
	col := int64(0)
	for _, r := range s {
		switch r {
		case '\t':
			if tab > 0 {
				k := tab - col%tab
				if err := ctx.CheckSize(int(min(int64(b.Len())+k, math.MaxInt32))); err != nil {
					return value{}, err
				}
				b.WriteString(strings.Repeat(" ", int(k)))
				col += k
			}
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return value{K: self.K, O: b.String()}, nil
}

func partitionMethod(name string, last bool) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noKw(name, kw); err != nil {
			return value{}, err
		}
		if len(args) != 1 {
			return value{}, typeErr("%s.%s() takes exactly one argument (%d given)", pyval.TypeName(self), name, len(args))
		}
		if args[0].K != self.K {
			if self.K == pyval.BytesKind {
				return value{}, typeErr("a bytes-like object is required, not '%s'", pyval.TypeName(args[0]))
			}
			return value{}, typeErr("must be str, not %s", pyval.TypeName(args[0]))
		}
		s, sep := self.String(), args[0].String()
		if sep == "" {
			return value{}, valueErr("empty separator")
		}
		mk := func(a, b, c string) value {
			return pyval.NewTuple([]value{{K: self.K, O: a}, {K: self.K, O: b}, {K: self.K, O: c}})
		}
		if last {
			i := strings.LastIndex(s, sep)
			if i < 0 {
				return mk("", "", s), nil
			}
			return mk(s[:i], sep, s[i+len(sep):]), nil
		}
		i := strings.Index(s, sep)
		if i < 0 {
			return mk(s, "", ""), nil
		}
		return mk(s[:i], sep, s[i+len(sep):]), nil
	}
}

func sRemoveprefix(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("removeprefix", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, arity("removeprefix", args, 1, 1)
	}
	if args[0].K != self.K {
		return value{}, typeErr("removeprefix() argument must be str, not %s", clinicTypeName(args[0]))
	}
	return value{K: self.K, O: strings.TrimPrefix(self.String(), args[0].String())}, nil
}

func sRemovesuffix(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("removesuffix", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, arity("removesuffix", args, 1, 1)
	}
	if args[0].K != self.K {
		return value{}, typeErr("removesuffix() argument must be str, not %s", clinicTypeName(args[0]))
	}
	return value{K: self.K, O: strings.TrimSuffix(self.String(), args[0].String())}, nil
}

func sEncode(ctx *context, self value, args []value, kw []keyword) (value, error) {
	var a [2]value
	p := params{fn: "encode", names: []string{"encoding", "errors"}, npos: 2, nreq: 0, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	enc, errs := "utf-8", "strict"
	if !a[0].IsUndefined() {
		s, err := strArg("encode", a[0], 1)
		if err != nil {
			return value{}, err
		}
		enc = s
	}
	if !a[1].IsUndefined() {
		s, err := strArg("encode", a[1], 2)
		if err != nil {
			return value{}, err
		}
		errs = s
	}
	return encodeStr(self.String(), enc, errs)
}

func sTranslate(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noKw("translate", kw); err != nil {
		return value{}, err
	}
	if len(args) != 1 {
		return value{}, arity("translate", args, 1, 1)
	}
	table := args[0]
	s := self.String()
	if err := work(ctx, len(s)); err != nil {
		return value{}, err
	}
	var b strings.Builder
	for _, r := range s {
		v, err := pyval.GetItem(ctx, table, pyval.Int(int64(r)))
		if err != nil {
			if e, ok := err.(*pyval.Exception); ok && (e.Type == "KeyError" || e.Type == "IndexError" || e.Type == "LookupError") {
				b.WriteRune(r)
				continue
			}
			return value{}, err
		}
		switch {
		case isNone(v):
		case v.K == pyval.StrKind:
			b.WriteString(v.String())
		case isInt(v):
			c, err := smallIndex(v)
			if err != nil || c < 0 || c > 0x10ffff {
				return value{}, valueErr("character mapping must be in range(0x110000)")
			}
			b.WriteRune(rune(c))
		default:
			return value{}, typeErr("character mapping must return integer, None or str")
		}
		if err := ctx.CheckSize(b.Len()); err != nil {
			return value{}, err
		}
	}
	return pyval.Str(b.String()), nil
}

func strPred(name string, emptyTrue bool, f func(rune) bool) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, name, args, kw); err != nil {
			return value{}, err
		}
		s := self.String()
		if s == "" {
			return pyval.Bool(emptyTrue), nil
		}
		if self.K == pyval.BytesKind {
			for i := 0; i < len(s); i++ {
				r := rune(s[i])
				if r >= 0x80 || !f(r) {
					return pyval.Bool(name == "isascii" && r < 0x80), nil
				}
			}
			return pyval.True, nil
		}
		for _, r := range s {
			if !f(r) {
				return pyval.False, nil
			}
		}
		return pyval.True, nil
	}
}

// casePred is islower/isupper: at least one cased character and none of
// the opposite case.
func casePred(name string, want, reject func(rune) bool) method {
	return func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, name, args, kw); err != nil {
			return value{}, err
		}
		cased := false
		for _, r := range self.String() {
			if reject(r) || unicode.IsTitle(r) {
				return pyval.False, nil
			}
			if want(r) {
				cased = true
			}
		}
		return pyval.Bool(cased), nil
	}
}

func sIstitle(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noArgsOf(self, "istitle", args, kw); err != nil {
		return value{}, err
	}
	cased, prevCased := false, false
	for _, r := range self.String() {
		switch {
		case unicode.IsUpper(r) || unicode.IsTitle(r):
			if prevCased {
				return pyval.False, nil
			}
			prevCased, cased = true, true
		case unicode.IsLower(r):
			if !prevCased {
				return pyval.False, nil
			}
			prevCased, cased = true, true
		default:
			prevCased = false
		}
	}
	return pyval.Bool(cased), nil
}

func sIsidentifier(ctx *context, self value, args []value, kw []keyword) (value, error) {
	if err := noArgsOf(self, "isidentifier", args, kw); err != nil {
		return value{}, err
	}
	s := self.String()
	if s == "" {
		return pyval.False, nil
	}
	for i, r := range s {
		start := r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)
		if i == 0 {
			if !start {
				return pyval.False, nil
			}
			continue
		}
		if !start && !unicode.Is(unicode.Nd, r) && !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Mc, r) && !unicode.Is(unicode.Pc, r) {
			return pyval.False, nil
		}
	}
	return pyval.True, nil
}

func isDecimal(r rune) bool { return unicode.Is(unicode.Nd, r) }

// isDigitRune is str.isdigit for one code point (Numeric_Type Digit or
// Decimal, from python3's Unicode data).
func isDigitRune(r rune) bool {
	if r < 0x80 {
		return r >= '0' && r <= '9'
	}
	return unicode.Is(pyDigitTable, r)
}

// isNumericRune is str.isnumeric for one code point.
func isNumericRune(r rune) bool {
	if r < 0x80 {
		return r >= '0' && r <= '9'
	}
	return unicode.Is(pyNumericTable, r)
}

// clinicTypeName names v's type as CPython's argument clinic does in "must
// be str, not X" (_PyArg_BadArgument): "None" for None, else the type name.
func clinicTypeName(v value) string {
	if v.K == pyval.NoneKind {
		return "None"
	}
	return pyval.TypeName(v)
}

// tupleArity is the arity message of methods that parse their arguments
// with PyArg_ParseTuple (str.find, count, startswith ...): "count() takes
// at least 1 argument (0 given)".
func tupleArity(name string, n, min, max int) error {
	if n < min {
		return typeErr("%s() takes at least %d argument%s (%d given)", name, min, plural(min), n)
	}
	return typeErr("%s() takes at most %d argument%s (%d given)", name, max, plural(max), n)
}
