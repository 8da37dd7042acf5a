package alarm

import (
	"strings"
	"testing"
	"time"

	"chaoslab/internal/catalog"
	"chaoslab/internal/sim"
)

func TestProblemsHavePositions(t *testing.T) {
	src := "server\tclass\tdevice\tproperty\tvalue\n" +
		"PyAlarm/x\tPyAlarm\ta/b/c\tAlarmList\tOK:True\n" +
		"\t\t\t\t:no tag\n" +
		"\t\t\t\tOK:False\n" +
		"\t\t\t\tBAD:1 +\n" +
		"\t\t\tPollingPeriod\tsoon\n"
	cat, err := catalog.ReadCSV("alarms.csv", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	w, err := sim.New(cat, sim.Options{Kinds: Kinds(Options{Catalog: cat})})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range w.Problems() {
		got = append(got, p.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"alarms.csv:3:", "the tag is empty", "alarms.csv:4:", "OK declared twice", "alarms.csv:5:", "SyntaxError", "alarms.csv:6:", "PollingPeriod: expected a number"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
	// the device still runs, the bad alarm is skipped (FailedAlarms)
	w.Advance(time.Unix(0, 0))
	w.Advance(time.Unix(100, 0))
	r, _ := w.Read(time.Unix(100, 0), "a/b/c", "FailedAlarms", "OK")
	if !strings.Contains(strings.Join(argStrings(nil, r[0].Value), ","), "BAD") {
		t.Errorf("FailedAlarms %v", r[0].Value)
	}
}
