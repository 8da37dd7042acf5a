package sim

import (
	"fmt"
	"strings"
)

// TangoType is a Tango data type (CmdArgType); the numbers are Tango's.
type TangoType uint8

// Tango data types.
const (
	DevVoid            TangoType = 0
	DevBoolean         TangoType = 1
	DevShort           TangoType = 2
	DevLong            TangoType = 3
	DevFloat           TangoType = 4
	DevDouble          TangoType = 5
	DevUShort          TangoType = 6
	DevULong           TangoType = 7
	DevString          TangoType = 8
	DevVarCharArray    TangoType = 9
	DevVarShortArray   TangoType = 10
	DevVarLongArray    TangoType = 11
	DevVarFloatArray   TangoType = 12
	DevVarDoubleArray  TangoType = 13
	DevVarUShortArray  TangoType = 14
	DevVarULongArray   TangoType = 15
	DevVarStringArray  TangoType = 16
	DevStateType       TangoType = 19
	DevVarBooleanArray TangoType = 21
	DevUChar           TangoType = 22
	DevLong64          TangoType = 23
	DevULong64         TangoType = 24
	DevVarLong64Array  TangoType = 25
	DevVarULong64Array TangoType = 26
)

var tangoTypeNames = map[TangoType]string{
	DevVoid: "DevVoid", DevBoolean: "DevBoolean", DevShort: "DevShort", DevLong: "DevLong", DevFloat: "DevFloat",
	DevDouble: "DevDouble", DevUShort: "DevUShort", DevULong: "DevULong", DevString: "DevString",
	DevVarCharArray: "DevVarCharArray", DevVarShortArray: "DevVarShortArray", DevVarLongArray: "DevVarLongArray",
	DevVarFloatArray: "DevVarFloatArray", DevVarDoubleArray: "DevVarDoubleArray", DevVarUShortArray: "DevVarUShortArray",
	DevVarULongArray: "DevVarULongArray", DevVarStringArray: "DevVarStringArray", DevStateType: "DevState",
	DevVarBooleanArray: "DevVarBooleanArray", DevUChar: "DevUChar", DevLong64: "DevLong64", DevULong64: "DevULong64",
	DevVarLong64Array: "DevVarLong64Array", DevVarULong64Array: "DevVarULong64Array",
}

func (t TangoType) String() string {
	if s, ok := tangoTypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("TangoType(%d)", t)
}

// ParseTangoType returns the Tango type named s ("DevDouble", ...).
func ParseTangoType(s string) (TangoType, bool) {
	for t, n := range tangoTypeNames {
		if n == s {
			return t, true
		}
	}
	return 0, false
}

// Format is a Tango attribute data format.
type Format uint8

// Attribute data formats.
const (
	Scalar Format = iota
	Spectrum
	Image
)

func (f Format) String() string {
	switch f {
	case Scalar:
		return "SCALAR"
	case Spectrum:
		return "SPECTRUM"
	case Image:
		return "IMAGE"
	}
	return fmt.Sprintf("Format(%d)", f)
}

// castKind is the Python caster a DynamicDSTypes entry applies.
type castKind uint8

const (
	castFloat castKind = iota
	castInt
	castStr
	castBool
)

// dynType is one DynamicDSTypes entry (fandango/tango/dynattr.py): the
// name used as a caster in formulas, the labels that select it by formula
// prefix, and the Tango type it creates.
type dynType struct {
	name   string
	labels []string
	base   TangoType // scalar data type
	format Format
	cast   castKind
}

// dynTypes follows dynattr.py's table. Aliases (DevFloat, DevULong, ...)
// are entries of their own with their own Tango type and the base caster.
// Spectra max dimension is DynamicSpectrumSize (default 8192 here too);
// images 4096x4096.
var dynTypes = []dynType{
	{"DevState", []string{"DevState"}, DevStateType, Scalar, castInt},
	{"DevLong", []string{"DevLong", "int", "SCALAR(int", "DYN(int"}, DevLong, Scalar, castInt},
	{"DevULong", []string{"DevULong"}, DevULong, Scalar, castInt},
	{"DevLong64", []string{"DevLong64", "long", "SCALAR(long"}, DevLong64, Scalar, castInt},
	{"DevULong64", []string{"DevULong64"}, DevULong64, Scalar, castInt},
	{"DevShort", []string{"DevShort", "short"}, DevShort, Scalar, castInt},
	{"DevUShort", []string{"DevUShort"}, DevUShort, Scalar, castInt},
	{"DevUChar", []string{"DevUChar", "DevChar"}, DevUChar, Scalar, castInt},
	{"DevString", []string{"DevString", "str", "SCALAR(str"}, DevString, Scalar, castStr},
	{"DevBoolean", []string{"DevBoolean", "bit", "bool", "Bit", "Flag", "SCALAR(bool"}, DevBoolean, Scalar, castBool},
	{"DevDouble", []string{"DevDouble", "DevDouble64", "double", "float", "IeeeFloat", "SCALAR(float"}, DevDouble, Scalar, castFloat},
	{"DevFloat", []string{"DevFloat"}, DevFloat, Scalar, castFloat},
	{"DevVarLongArray", []string{"DevVarLongArray", "SPECTRUM(int", "list(int", "[int"}, DevLong, Spectrum, castInt},
	{"DevVarULongArray", []string{"DevVarULongArray"}, DevULong, Spectrum, castInt},
	{"DevVarLong64Array", []string{"DevVarLong64Array", "SPECTRUM(long", "list(long", "[long"}, DevLong64, Spectrum, castInt},
	{"DevVarULong64Array", []string{"DevVarULong64Array"}, DevULong64, Spectrum, castInt},
	{"DevVarShortArray", []string{"DevVarShortArray", "list(short", "[short"}, DevShort, Spectrum, castInt},
	{"DevVarUShortArray", []string{"DevVarUShortArray"}, DevUShort, Spectrum, castInt},
	{"DevVarCharArray", []string{"DevVarCharArray", "DevVarUCharArray"}, DevUChar, Spectrum, castInt},
	{"DevVarStringArray", []string{"DevVarStringArray", "SPECTRUM(str", "list(str", "[str"}, DevString, Spectrum, castStr},
	{"DevVarBooleanArray", []string{"DevVarBooleanArray", "SPECTRUM(bool", "list(bool", "[bool"}, DevBoolean, Spectrum, castBool},
	{"DevVarDoubleArray", []string{"DevVarDoubleArray", "SPECTRUM(float", "list(double", "list(float", "[double", "[float"}, DevDouble, Spectrum, castFloat},
	{"DevVarFloatArray", []string{"DevVarFloatArray"}, DevFloat, Spectrum, castFloat},
	{"DevVarLongImage", []string{"DevVarLongImage", "IMAGE(int,"}, DevLong, Image, castInt},
	{"DevVarLong64Image", []string{"DevVarLong64Image", "IMAGE(long,"}, DevLong64, Image, castInt},
	{"DevVarShortImage", []string{"DevVarShortImage"}, DevShort, Image, castInt},
	{"DevVarStringImage", []string{"DevVarStringImage", "IMAGE(str,"}, DevString, Image, castStr},
	{"DevVarBooleanImage", []string{"DevVarBooleanImage", "IMAGE(bool,"}, DevBoolean, Image, castBool},
	{"DevVarDoubleImage", []string{"DevVarDoubleImage", "IMAGE(float,"}, DevDouble, Image, castFloat},
	{"DevVarFloatImage", []string{"DevVarFloatImage"}, DevFloat, Image, castFloat},
}

// Indexes of the two defaults of inferType.
var (
	typeDevDouble         = typeIndex("DevDouble")
	typeDevVarDoubleArray = typeIndex("DevVarDoubleArray")
	typeDevString         = typeIndex("DevString")
	typeDevStateIdx       = typeIndex("DevState")
)

func typeIndex(name string) uint8 {
	for i, t := range dynTypes {
		if t.name == name {
			return uint8(i)
		}
	}
	panic("sim: no dynamic type " + name)
}

// inferType types an attribute from its formula text as DynamicDS does
// (dyn.py:L690-734): the formula (stripped) starting with an entry's
// label selects that entry (plain startswith, so "integral*2" is a DevLong
// and "strength" a DevString). DynamicDS picks the first entry in Python 2
// dict order, which is arbitrary for overlapping labels; here the longest
// matching label wins (DevLong64 over DevLong, DevVarDoubleArray over
// DevDouble), which is what the author of an exact type name meant.
// No label: "[" or "list(" make a DevVarDoubleArray, anything else a
// DevDouble.
func inferType(formula string) uint8 {
	f := strings.TrimSpace(formula)
	best, bestLen := -1, 0
	for i, t := range dynTypes {
		for _, l := range t.labels {
			if len(l) > bestLen && strings.HasPrefix(f, l) {
				best, bestLen = i, len(l)
			}
		}
	}
	if best >= 0 {
		return uint8(best)
	}
	if strings.HasPrefix(f, "[") || strings.HasPrefix(f, "list(") {
		return typeDevVarDoubleArray
	}
	return typeDevDouble
}

// isWritable applies DynamicDS's rule (dyn.py:L686-688): the formula is
// writable iff WRITE is a token when the text is split on the characters
// "[ ] ( ) space = , +". So "WRITE and x", "VAR(x,WRITE=True)" qualify and
// "WRITE*2" does not.
func isWritable(formula string) bool {
	for _, tok := range strings.FieldsFunc(formula, func(r rune) bool {
		switch r {
		case '[', ']', '(', ')', ' ', '=', ',', '+':
			return true
		}
		return false
	}) {
		if tok == "WRITE" {
			return true
		}
	}
	return false
}

// commandTypes infers a DynamicCommand's argin and argout types
// (dyn.py:L2529-2539): argin by substring (SCALAR(int,ARGS) -> DevLong
// ...; any other ARGS -> DevVarStringArray; none -> DevVoid); argout is the
// text before the first "(" when it names a Tango type, else DevString.
func commandTypes(formula string) (in, out TangoType, outType uint8) {
	compact := strings.ReplaceAll(formula, " ", "")
	switch {
	case strings.Contains(compact, "SCALAR(int,ARGS)"):
		in = DevLong
	case strings.Contains(compact, "SCALAR(float,ARGS)"):
		in = DevDouble
	case strings.Contains(compact, "SCALAR(str,ARGS)"):
		in = DevString
	case strings.Contains(compact, "SCALAR(bool,ARGS)"):
		in = DevBoolean
	case strings.Contains(compact, "SPECTRUM(int,ARGS)"):
		in = DevVarLongArray
	case strings.Contains(compact, "SPECTRUM(float,ARGS)"):
		in = DevVarDoubleArray
	case strings.Contains(compact, "SPECTRUM(str,ARGS)"):
		in = DevVarStringArray
	case strings.Contains(compact, "SPECTRUM(bool,ARGS)"):
		in = DevVarBooleanArray
	case containsToken(formula, "ARGS"):
		in = DevVarStringArray
	default:
		in = DevVoid
	}
	out, outType = DevString, typeDevString
	if i := strings.IndexByte(formula, '('); i > 0 {
		head := strings.TrimSpace(formula[:i])
		for j, t := range dynTypes {
			if t.name == head && t.format != Image {
				outType = uint8(j)
				out = t.tangoType()
				break
			}
		}
	}
	return in, out, outType
}

// tangoType is the Tango type of a command argument of this entry
// (scalars: the base type; spectra: the DevVar...Array type).
func (t *dynType) tangoType() TangoType {
	if t.format == Scalar {
		return t.base
	}
	if tt, ok := ParseTangoType(t.name); ok {
		return tt
	}
	return DevVarStringArray
}

// containsToken reports whether word appears in s not adjacent to an
// identifier character.
func containsToken(s, word string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], word)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(word)
		if (j == 0 || !isIdent(s[j-1])) && (end == len(s) || !isIdent(s[end])) {
			return true
		}
		i = j + 1
	}
}

func isIdent(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
