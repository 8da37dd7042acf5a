package pylib

import (
	"encoding/hex"

	"chaoslab/internal/formula/pyval"
)

// installBytes registers the bytes methods: decode, hex and the byte-wise
// counterparts of the common str methods.
func installBytes() {
	B := pyval.BytesKind
	reg(B, "decode", bDecode)
	reg(B, "hex", func(ctx *context, self value, args []value, kw []keyword) (value, error) {
		if err := noArgsOf(self, "hex", args, kw); err != nil {
			return value{}, err
		}
		return pyval.Str(hex.EncodeToString([]byte(self.String()))), nil
	})
	reg(B, "upper", strMap("upper", asciiUpper))
	reg(B, "lower", strMap("lower", asciiLower))
	reg(B, "strip", stripMethod("strip", true, true))
	reg(B, "lstrip", stripMethod("lstrip", true, false))
	reg(B, "rstrip", stripMethod("rstrip", false, true))
	reg(B, "split", splitMethod("split", false))
	reg(B, "rsplit", splitMethod("rsplit", true))
	reg(B, "splitlines", sSplitlines)
	reg(B, "join", sJoin)
	reg(B, "replace", sReplace)
	reg(B, "find", findMethod("find", false, false))
	reg(B, "rfind", findMethod("rfind", true, false))
	reg(B, "index", findMethod("index", false, true))
	reg(B, "rindex", findMethod("rindex", true, true))
	reg(B, "count", sCount)
	reg(B, "startswith", affixMethod("startswith", false))
	reg(B, "endswith", affixMethod("endswith", true))
	reg(B, "center", padMethod("center", 0))
	reg(B, "ljust", padMethod("ljust", 1))
	reg(B, "rjust", padMethod("rjust", 2))
	reg(B, "zfill", sZfill)
	reg(B, "partition", partitionMethod("partition", false))
	reg(B, "rpartition", partitionMethod("rpartition", true))
	reg(B, "removeprefix", sRemoveprefix)
	reg(B, "removesuffix", sRemovesuffix)
	reg(B, "isascii", strPred("isascii", true, func(r rune) bool { return r < 0x80 }))
	reg(B, "isalpha", strPred("isalpha", false, func(r rune) bool { return r|0x20 >= 'a' && r|0x20 <= 'z' }))
	reg(B, "isdigit", strPred("isdigit", false, func(r rune) bool { return r >= '0' && r <= '9' }))
	reg(B, "isalnum", strPred("isalnum", false, func(r rune) bool { return r|0x20 >= 'a' && r|0x20 <= 'z' || r >= '0' && r <= '9' }))
	reg(B, "isspace", strPred("isspace", false, func(r rune) bool { return r == ' ' || (r >= '\t' && r <= '\r') }))
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func bDecode(ctx *context, self value, args []value, kw []keyword) (value, error) {
	var a [2]value
	p := params{fn: "decode", names: []string{"encoding", "errors"}, npos: 2, nreq: 0, kwOK: true}
	if err := p.bind(args, kw, a[:]); err != nil {
		return value{}, err
	}
	enc, errs := "utf-8", "strict"
	if !a[0].IsUndefined() {
		s, err := strArg("decode", a[0], 1)
		if err != nil {
			return value{}, err
		}
		enc = s
	}
	if !a[1].IsUndefined() {
		s, err := strArg("decode", a[1], 2)
		if err != nil {
			return value{}, err
		}
		errs = s
	}
	return decodeBytes(self.String(), enc, errs)
}
