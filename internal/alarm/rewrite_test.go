package alarm

import (
	"reflect"
	"strings"
	"testing"

	"chaoslab/internal/catalog"
)

func TestFindNames(t *testing.T) {
	tests := []struct {
		src, out string
		refs     []string // Device|Attr|What
	}{
		{"a/b/c/d-1 > 0", "a_b_c_d_1 > 0", []string{"a/b/c|d-1|"}},
		{"sr/di/dcct/current/2", "sr/di/dcct/current/2", nil},
		{"sr/di/dcct/current / 2", "sr_di_dcct_current / 2", []string{"sr/di/dcct|current|"}},
		{"t/60/2", "t_60_2", []string{"t/60/2|State|"}},
		{"x/y/z == ON", "x_y_z == ON", []string{"x/y/z|State|"}},
		{"'a/b/c/d' in L", "'a/b/c/d' in L", nil},
		{"a/b/c/d.delta > 0 and a/b/c/d.time < 5", "a_b_c_d_delta > 0 and a_b_c_d_time < 5", []string{"a/b/c|d|delta", "a/b/c|d|time"}},
		{"a/b/c/d + a/b/c/d", "a_b_c_d + a_b_c_d", []string{"a/b/c|d|"}},
		{"host:10000/a/b/c/d.quality", "host_10000_a_b_c_d_quality", []string{"host:10000/a/b/c|d|quality"}},
		{"max(a/b/c/X, 3)", "max(a_b_c_x, 3)", []string{"a/b/c|X|"}},
		{"1/2", "1/2", nil},
		{"f(x).a/b/c", "f(x).a/b/c", nil},
		{"x.a/b/c", "x_a_b_c", []string{"x.a/b/c|State|"}}, // dots are allowed in device names
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			out, refs := FindNames(tc.src)
			if out != tc.out {
				t.Errorf("source %q, want %q", out, tc.out)
			}
			var got []string
			for _, r := range refs {
				got = append(got, r.Device+"|"+r.Attr+"|"+r.What)
			}
			if !reflect.DeepEqual(got, tc.refs) {
				t.Errorf("refs %v, want %v", got, tc.refs)
			}
		})
	}
}

func TestPreprocess(t *testing.T) {
	tests := []struct{ in, out string }{
		{"A OR B", "A or B"},
		{"NOT A AND B", "not A and B"},
		{"AND_X OR(B)", "AND_X OR(B)"},
		{"a || b && c", "a or b and c"},
	}
	for _, tc := range tests {
		if got := lowerOps(tc.in); got != tc.out {
			t.Errorf("lowerOps(%q) = %q, want %q", tc.in, got, tc.out)
		}
	}
	tags := map[string]string{"CK5": "test/panic/ck5", "CK10": "test/panic/ck10"}
	for _, tc := range []struct{ in, out string }{
		{"CK5 and not CK10", "test/panic/ck5/CK5 and not test/panic/ck10/CK10"},
		{"CK50 or x_CK5 or 'CK5' or a/CK5", "CK50 or x_CK5 or 'CK5' or a/CK5"},
		{"GROUP(CK5,CK10)", "GROUP(test/panic/ck5/CK5,test/panic/ck10/CK10)"},
	} {
		if got := replaceTags(tc.in, tags, sortTags(tags)); got != tc.out {
			t.Errorf("replaceTags(%q) = %q, want %q", tc.in, got, tc.out)
		}
	}
}

func testRegistry(t *testing.T) *Registry {
	t.Helper()
	cat, err := catalog.Load("../../examples/alarms/panic-clock.csv")
	if err != nil {
		t.Fatal(err)
	}
	return NewRegistry(cat, "PyAlarm")
}

func TestGroupAndFind(t *testing.T) {
	r := testRegistry(t)
	tests := []struct{ in, out string }{
		{"GROUP(CK5,CK10)", "any([x > 0 for x in [ test/panic/ck5/CK5.delta , test/panic/ck10/CK10.delta ]])"},
		{"GROUP(test/panic/ck*/ck5 ck10)", "any([x > 0 for x in [  ]])"},
		{"GROUP(test/panic/ck*/ck5|ck10)", "any([x > 0 for x in [ test/panic/ck5/CK5.delta , test/panic/ck10/CK10.delta ]])"},
		{"GROUP(CK1;x)", "any([x for x in [ test/panic/ck1/CK1 , test/panic/ck10/CK10 ]])"}, // unterminated pattern: CK1 matches CK10 too
		{"GROUP(CK5,CK10,x>=1)", "any([x > 0 for x in [ test/panic/ck5/CK5.delta , test/panic/ck10/CK10.delta ]])"},
	}
	for _, tc := range tests {
		if got := r.group(strings.TrimSuffix(strings.TrimPrefix(tc.in, "GROUP("), ")")); got != tc.out {
			t.Errorf("%s = %q, want %q", tc.in, got, tc.out)
		}
	}
	if got := r.find("test/panic/ck1*/ck1*.delta"); got != "[test/panic/ck1/ck1.delta, test/panic/ck10/ck10.delta]" {
		t.Errorf("FIND = %q", got)
	}
	if got := r.find("'nothing/*/x/y'"); got != "[]" {
		t.Errorf("FIND nothing = %q", got)
	}
	src, refs, err := r.Rewrite("len(FIND(test/panic/ck1*/state)) == 2 # comment", nil)
	if err != nil || src != "len([test_panic_ck1_state, test_panic_ck10_state]) == 2" || len(refs) != 2 {
		t.Errorf("Rewrite FIND: %q %v %v", src, refs, err)
	}
	if _, _, err := r.Rewrite("COPY(NOPE)", nil); err == nil {
		t.Error("COPY of an unknown alarm: no error")
	}
	src, _, err = r.Rewrite("COPY(CK5,5=7)", nil)
	if err != nil || src != "NOW()%7<2.7" {
		t.Errorf("COPY = %q %v", src, err)
	}
}
