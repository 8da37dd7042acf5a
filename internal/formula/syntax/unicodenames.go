package syntax

import "strings"

// unicodeNames is the small table behind \N{NAME} escapes. Go's standard
// library has no Unicode name database, so only names likely in control
// system formulas (units, Greek letters, ASCII letters and digits, common
// punctuation) are known; others give a clear error.
var unicodeNames = map[string]rune{
	"SPACE": ' ', "NO-BREAK SPACE": '\u00a0', "NBSP": '\u00a0', "LINE FEED": '\n', "LF": '\n',
	"CARRIAGE RETURN": '\r', "CR": '\r', "CHARACTER TABULATION": '\t', "TAB": '\t', "NULL": 0,
	"DEGREE SIGN": '°', "MICRO SIGN": '\u00b5', "OHM SIGN": '\u2126', "ANGSTROM SIGN": '\u212b', "PLUS-MINUS SIGN": '±',
	"MULTIPLICATION SIGN": '×', "DIVISION SIGN": '÷', "SUPERSCRIPT ONE": '¹', "SUPERSCRIPT TWO": '²',
	"SUPERSCRIPT THREE": '³', "SUPERSCRIPT MINUS": '⁻', "BULLET": '•', "EM DASH": '—', "EN DASH": '–',
	"HORIZONTAL ELLIPSIS": '…', "RIGHTWARDS ARROW": '→', "LEFTWARDS ARROW": '←', "UPWARDS ARROW": '↑',
	"DOWNWARDS ARROW": '↓', "INFINITY": '∞', "NOT EQUAL TO": '≠', "LESS-THAN OR EQUAL TO": '≤',
	"GREATER-THAN OR EQUAL TO": '≥', "ALMOST EQUAL TO": '≈', "SQUARE ROOT": '√', "EURO SIGN": '€',
	"COPYRIGHT SIGN": '©', "REGISTERED SIGN": '®', "SECTION SIGN": '§', "PILCROW SIGN": '¶',
	"CHECK MARK": '✓', "BALLOT X": '✗', "BLACK CIRCLE": '●', "WHITE CIRCLE": '○', "WARNING SIGN": '⚠',
	"LATIN SMALL LETTER SHARP S": 'ß', "PER MILLE SIGN": '‰', "PRIME": '′', "DOUBLE PRIME": '″',
	"LEFT-POINTING DOUBLE ANGLE QUOTATION MARK": '«', "RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK": '»',
	"EXCLAMATION MARK": '!', "QUOTATION MARK": '"', "NUMBER SIGN": '#', "DOLLAR SIGN": '$',
	"PERCENT SIGN": '%', "AMPERSAND": '&', "APOSTROPHE": '\'', "LEFT PARENTHESIS": '(',
	"RIGHT PARENTHESIS": ')', "ASTERISK": '*', "PLUS SIGN": '+', "COMMA": ',', "HYPHEN-MINUS": '-',
	"FULL STOP": '.', "SOLIDUS": '/', "COLON": ':', "SEMICOLON": ';', "LESS-THAN SIGN": '<',
	"EQUALS SIGN": '=', "GREATER-THAN SIGN": '>', "QUESTION MARK": '?', "COMMERCIAL AT": '@',
	"LEFT SQUARE BRACKET": '[', "REVERSE SOLIDUS": '\\', "RIGHT SQUARE BRACKET": ']',
	"CIRCUMFLEX ACCENT": '^', "LOW LINE": '_', "GRAVE ACCENT": '`', "LEFT CURLY BRACKET": '{',
	"VERTICAL LINE": '|', "RIGHT CURLY BRACKET": '}', "TILDE": '~',
}

func init() {
	digits := []string{"ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"}
	for i, d := range digits {
		unicodeNames["DIGIT "+d] = rune('0' + i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		unicodeNames["LATIN CAPITAL LETTER "+string(c)] = c
		unicodeNames["LATIN SMALL LETTER "+string(c)] = c + 32
	}
	greek := []string{"ALPHA", "BETA", "GAMMA", "DELTA", "EPSILON", "ZETA", "ETA", "THETA", "IOTA", "KAPPA",
		"LAMDA", "MU", "NU", "XI", "OMICRON", "PI", "RHO", "", "SIGMA", "TAU", "UPSILON", "PHI", "CHI", "PSI", "OMEGA"}
	for i, g := range greek {
		if g == "" {
			continue
		}
		unicodeNames["GREEK CAPITAL LETTER "+g] = rune(0x391 + i)
		unicodeNames["GREEK SMALL LETTER "+g] = rune(0x3b1 + i)
	}
	unicodeNames["GREEK SMALL LETTER FINAL SIGMA"] = 'ς'
}

// lookupUnicodeName resolves a \N{...} name, case-insensitively as Python does.
func lookupUnicodeName(name string) (rune, bool) {
	r, ok := unicodeNames[strings.ToUpper(name)]
	return r, ok
}
