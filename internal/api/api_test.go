package api

import (
	"bufio"
	"bytes"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "chaoslab/internal/api/chaoslabv1"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"", "sys/tg_test/1", true},
		{"*", "sys/tg_test/1", true},
		{"sys/tg_test/1", "SYS/TG_TEST/1", true},
		{"sys/*/1", "sys/tg_test/1", true},
		{"sys/*/2", "sys/tg_test/1", false},
		{"sys/tg_test/?", "sys/tg_test/1", true},
		{"sys/tg_test/?", "sys/tg_test/12", false},
		{"*/1", "sys/tg_test/1", true},
		{"s*t*1", "sys/tg_test/1", true},
		{"a*b*c", "axxbxxd", false},
		{"**", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"~"+tt.name, func(t *testing.T) {
			if got := Match(tt.pattern, tt.name); got != tt.want {
				t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
			}
		})
	}
}

func TestSplitAttr(t *testing.T) {
	tests := []struct {
		in, dev, attr string
		ok            bool
	}{
		{"test/tango/rw/B", "test/tango/rw", "B", true},
		{"test/tango/rw", "", "", false},
		{"test/tango/rw/", "", "", false},
		{"a/b/c/d/e", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			dev, attr, ok := SplitAttr(tt.in)
			if dev != tt.dev || attr != tt.attr || ok != tt.ok {
				t.Errorf("SplitAttr(%q) = %q, %q, %v; want %q, %q, %v", tt.in, dev, attr, ok, tt.dev, tt.attr, tt.ok)
			}
		})
	}
}

func TestParseValue(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"12", "12"}, {"-1.5", "-1.5"}, {"true", "True"}, {"hello", "hello"},
		{"[1,2,3]", "[1, 2, 3]"}, {"[1.5,2]", "[1.5, 2]"}, {`["a","b"]`, `["a", "b"]`}, {`"42"`, "42"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := FormatValue(ParseValue(tt.in)); got != tt.want {
				t.Errorf("FormatValue(ParseValue(%q)) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if _, ok := ParseValue(`"42"`).Kind.(*pb.Value_S); !ok {
		t.Errorf(`ParseValue("\"42\"") is not a string`)
	}
}

func TestFrameRoundTrip(t *testing.T) {
	req := &pb.ReadRequest{Names: []string{"a/b/c/d", "x/y/z/w"}}
	buf, err := AppendFrame(nil, KindRead, 7, req)
	if err != nil {
		t.Fatal(err)
	}
	buf, _ = AppendFrame(buf, KindCancel, 9, nil)
	fr := NewFrameReader(bufio.NewReader(bytes.NewReader(buf)))
	kind, id, payload, err := fr.Next()
	if err != nil || kind != KindRead || id != 7 {
		t.Fatalf("Next = %v, %d, %v", kind, id, err)
	}
	var got pb.ReadRequest
	if err := proto.Unmarshal(payload, &got); err != nil || !proto.Equal(&got, req) {
		t.Fatalf("payload = %v, %v", &got, err)
	}
	kind, id, payload, err = fr.Next()
	if err != nil || kind != KindCancel || id != 9 || len(payload) != 0 {
		t.Fatalf("second frame = %v, %d, %d bytes, %v", kind, id, len(payload), err)
	}
}

func TestErrorFormat(t *testing.T) {
	e := NewError(ReasonOutOfLimits, "value 20 is above max_value 16", "test/tango/rw/B")
	want := "API_WAttrOutsideLimit: value 20 is above max_value 16 (test/tango/rw/B)"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	if ReasonOf(e) != ReasonOutOfLimits {
		t.Errorf("ReasonOf = %q", ReasonOf(e))
	}
}

// FuzzReadFrame: no input makes the frame reader panic or over-allocate.
func FuzzReadFrame(f *testing.F) {
	ok, _ := AppendFrame(nil, KindRead, 1, &pb.ReadRequest{Names: []string{"a/b/c/d"}})
	f.Add(ok)
	f.Add([]byte{0, 0, 0, 1, 2})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := NewFrameReader(bufio.NewReader(bytes.NewReader(data)))
		for {
			fr.Ready()
			kind, _, payload, err := fr.Next()
			if err != nil {
				return
			}
			if len(payload) > len(data) {
				t.Fatalf("payload longer than input")
			}
			if kind == KindRead {
				var r pb.ReadRequest
				_ = proto.Unmarshal(payload, &r)
			}
		}
	})
}
