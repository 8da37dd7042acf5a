package api

import (
	"encoding/json"
	"strconv"
	"strings"

	pb "chaoslab/internal/api/chaoslabv1"
)

// Value constructors.

// Float returns a double value.
func Float(f float64) *pb.Value { return &pb.Value{Kind: &pb.Value_D{D: f}} }

// Int returns an integer value.
func Int(i int64) *pb.Value { return &pb.Value{Kind: &pb.Value_I{I: i}} }

// Bool returns a boolean value.
func Bool(b bool) *pb.Value { return &pb.Value{Kind: &pb.Value_B{B: b}} }

// Str returns a string value.
func Str(s string) *pb.Value { return &pb.Value{Kind: &pb.Value_S{S: s}} }

// ParseValue reads a value typed on a command line: true/false, an integer,
// a float, a JSON array of numbers, booleans or strings, else the text as a
// string. A quoted JSON string is unquoted.
func ParseValue(s string) *pb.Value {
	t := strings.TrimSpace(s)
	switch t {
	case "true", "True":
		return Bool(true)
	case "false", "False":
		return Bool(false)
	}
	if i, err := strconv.ParseInt(t, 10, 64); err == nil {
		return Int(i)
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		return Float(f)
	}
	if strings.HasPrefix(t, "[") {
		var xs []any
		if json.Unmarshal([]byte(t), &xs) == nil {
			if v := arrayValue(xs); v != nil {
				return v
			}
		}
	}
	if strings.HasPrefix(t, `"`) {
		var u string
		if json.Unmarshal([]byte(t), &u) == nil {
			return Str(u)
		}
	}
	return Str(s)
}

func arrayValue(xs []any) *pb.Value {
	var fs []float64
	var bs []bool
	var ss []string
	allInt := true
	for _, x := range xs {
		switch x := x.(type) {
		case float64:
			fs = append(fs, x)
			if x != float64(int64(x)) {
				allInt = false
			}
		case bool:
			bs = append(bs, x)
		case string:
			ss = append(ss, x)
		default:
			return nil
		}
	}
	switch {
	case len(fs) == len(xs) && allInt:
		is := make([]int64, len(fs))
		for i, f := range fs {
			is[i] = int64(f)
		}
		return &pb.Value{Kind: &pb.Value_Ints{Ints: &pb.Int64Array{V: is}}}
	case len(fs) == len(xs):
		return &pb.Value{Kind: &pb.Value_Doubles{Doubles: &pb.DoubleArray{V: fs}}}
	case len(bs) == len(xs):
		return &pb.Value{Kind: &pb.Value_Bools{Bools: &pb.BoolArray{V: bs}}}
	case len(ss) == len(xs):
		return &pb.Value{Kind: &pb.Value_Strings{Strings: &pb.StringArray{V: ss}}}
	}
	return nil
}

// FormatValue renders a value for a table: numbers as Go prints them
// (shortest round-trip floats), arrays in brackets, no value as "None".
func FormatValue(v *pb.Value) string {
	switch k := v.GetKind().(type) {
	case *pb.Value_B:
		if k.B {
			return "True"
		}
		return "False"
	case *pb.Value_I:
		return strconv.FormatInt(k.I, 10)
	case *pb.Value_D:
		return strconv.FormatFloat(k.D, 'g', -1, 64)
	case *pb.Value_S:
		return k.S
	case *pb.Value_Raw:
		return strconv.Quote(string(k.Raw))
	case *pb.Value_Bools:
		return join(len(k.Bools.V), func(i int) string { return FormatValue(Bool(k.Bools.V[i])) })
	case *pb.Value_Ints:
		return join(len(k.Ints.V), func(i int) string { return strconv.FormatInt(k.Ints.V[i], 10) })
	case *pb.Value_Doubles:
		return join(len(k.Doubles.V), func(i int) string { return strconv.FormatFloat(k.Doubles.V[i], 'g', -1, 64) })
	case *pb.Value_Strings:
		return join(len(k.Strings.V), func(i int) string { return strconv.Quote(k.Strings.V[i]) })
	}
	return "None"
}

func join(n int, f func(int) string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f(i))
	}
	b.WriteByte(']')
	return b.String()
}

// JSONValue converts a value to a plain Go value for encoding/json
// (float64, int64, bool, string, slices, or nil).
func JSONValue(v *pb.Value) any {
	switch k := v.GetKind().(type) {
	case *pb.Value_B:
		return k.B
	case *pb.Value_I:
		return k.I
	case *pb.Value_D:
		return k.D
	case *pb.Value_S:
		return k.S
	case *pb.Value_Raw:
		return k.Raw
	case *pb.Value_Bools:
		return k.Bools.V
	case *pb.Value_Ints:
		return k.Ints.V
	case *pb.Value_Doubles:
		return k.Doubles.V
	case *pb.Value_Strings:
		return k.Strings.V
	}
	return nil
}

// QualityName returns "VALID", "INVALID", ... for a quality.
func QualityName(q pb.Quality) string {
	return strings.TrimPrefix(q.String(), "QUALITY_")
}

// ParseEventType reads "change", "periodic" or "archive".
func ParseEventType(s string) (pb.EventType, bool) {
	switch strings.ToLower(s) {
	case "change", "":
		return pb.EventType_EVENT_TYPE_CHANGE, true
	case "periodic":
		return pb.EventType_EVENT_TYPE_PERIODIC, true
	case "archive":
		return pb.EventType_EVENT_TYPE_ARCHIVE, true
	}
	return 0, false
}
