package pylib

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Python's str case methods use the full Unicode case mappings
// (SpecialCasing: 'ß'.upper() == 'SS', final sigma in lower()); Go's
// strings.ToUpper maps rune by rune. The multi-rune cases come from
// casing_table.go.

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func pyUpper(s string) string {
	if isASCII(s) {
		return strings.ToUpper(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if m, ok := upperSpecial[r]; ok {
			b.WriteString(m)
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

func pyLower(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == 'Σ':
			b.WriteRune(sigmaLower(s, i))
		default:
			if m, ok := lowerSpecial[r]; ok {
				b.WriteString(m)
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
		}
	}
	return b.String()
}

// caseIgnorable approximates Unicode's Case_Ignorable property.
func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '^', '`', 0xb7, 0x2019:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// sigmaLower applies the Final_Sigma rule to the capital sigma at byte i:
// ς when preceded by a cased letter and not followed by one (case-ignorable
// characters skipped), else σ.
func sigmaLower(s string, i int) rune {
	before := false
	for j := i; j > 0; {
		r, n := utf8.DecodeLastRuneInString(s[:j])
		j -= n
		if caseIgnorable(r) {
			continue
		}
		before = isCased(r)
		break
	}
	if !before {
		return 'σ'
	}
	for j := i + len("Σ"); j < len(s); {
		r, n := utf8.DecodeRuneInString(s[j:])
		j += n
		if caseIgnorable(r) {
			continue
		}
		if isCased(r) {
			return 'σ'
		}
		break
	}
	return 'ς'
}

func titleRune(b *strings.Builder, r rune) {
	if m, ok := titleSpecial[r]; ok {
		b.WriteString(m)
	} else {
		b.WriteRune(unicode.ToTitle(r))
	}
}

func lowerRune(b *strings.Builder, s string, i int, r rune) {
	if r == 'Σ' {
		b.WriteRune(sigmaLower(s, i))
	} else if m, ok := lowerSpecial[r]; ok {
		b.WriteString(m)
	} else {
		b.WriteRune(unicode.ToLower(r))
	}
}

func pyTitle(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prevCased := false
	for i, r := range s {
		if prevCased {
			lowerRune(&b, s, i, r)
		} else {
			titleRune(&b, r)
		}
		prevCased = isCased(r)
	}
	return b.String()
}

func pyCapitalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		if i == 0 {
			titleRune(&b, r)
		} else {
			lowerRune(&b, s, i, r)
		}
	}
	return b.String()
}

func pySwapcase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case unicode.IsUpper(r):
			lowerRune(&b, s, i, r)
		case unicode.IsLower(r):
			if m, ok := upperSpecial[r]; ok {
				b.WriteString(m)
			} else {
				b.WriteRune(unicode.ToUpper(r))
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func pyCasefold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if m, ok := foldSpecial[r]; ok {
			b.WriteString(m)
		} else if m, ok := lowerSpecial[r]; ok {
			b.WriteString(m)
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
