package alarm

import (
	"strings"
	"testing"
	"time"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// FuzzAlarmList checks that no AlarmList text makes the parser, the
// rewriting or a device build and evaluation panic, and that every
// parsed tag is non-empty and unique.
func FuzzAlarmList(f *testing.F) {
	for _, s := range []string{
		"CK5: NOW()%5<2.5",
		"GROUP_0: GROUP(test/panic/ck*/ck5|ck10)\nGROUP_1: GROUP(CK5,CK10;x)",
		"A:FIND(a/b/*/c.delta) # c",
		"B: a/b/c/d-1 > 3 OR x/y/z == FAULT",
		"C:COPY(A,c=d)", "noformula", ":x", "D:$(DEVICE)", "E: 'a/b/c/d' && $(", "F:GROUP(", "G: t/60/2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Split(s, "\n")
		defs, _ := ParseAlarmList(lines, nil)
		seen := map[string]bool{}
		for _, d := range defs {
			if d.Tag == "" || seen[d.Tag] {
				t.Fatalf("bad tag %q", d.Tag)
			}
			seen[d.Tag] = true
		}
		if len(s) > 2000 {
			return
		}
		d := newTestDevice(t, fakeHost{"a/b/c/d": {Value: pyval.Int(1)}}, nil, lines...)
		now := time.Unix(100, 0)
		d.Advance(now, func(sim.Event) {})
		d.Advance(now.Add(30*time.Second), func(sim.Event) {})
		d.Read(now, "AlarmSummary")
	})
}

// FuzzParseSummary: no panic, and a parsed line keeps its tag.
func FuzzParseSummary(f *testing.F) {
	f.Add("tag=P;state=UNACK;priority=ALARM;time=;formula=a>1;message=m;runbook=x")
	f.Add("tag=;state=;priority=;time=;formula=;message=")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseSummary("d", s)
		if err == nil && !strings.HasPrefix(s, "tag="+e.Tag) {
			t.Fatalf("tag %q not at the start of %q", e.Tag, s)
		}
	})
}
