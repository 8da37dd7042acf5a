package alarm

import "testing"

func TestParseSummary(t *testing.T) {
	e, err := ParseSummary("d/e/v", "tag=P;state=UNACK;priority=ALARM;time=2026-03-01 12:00:00;formula=a/b/c/d > 1 and x == 'a;b=c';message=high;runbook=http://w/x")
	if err != nil {
		t.Fatal(err)
	}
	want := SummaryEntry{Device: "d/e/v", Tag: "P", State: "UNACK", Severity: "ALARM", Time: "2026-03-01 12:00:00",
		Formula: "a/b/c/d > 1 and x == 'a;b=c'", Message: "high", Runbook: "http://w/x"}
	if e != want {
		t.Fatalf("got %+v", e)
	}
	if _, err := ParseSummary("d", "state=x"); err == nil {
		t.Fatal("no error for a bad line")
	}
	es := []SummaryEntry{want, {Tag: "W", State: "UNACK", Severity: "WARNING"}, {Tag: "N", State: "NORM", Severity: "ERROR"}}
	if v := Violations(es, "ALARM"); len(v) != 1 || v[0].Tag != "P" {
		t.Fatalf("violations %+v", v)
	}
	if v := Violations(es, "DEBUG"); len(v) != 2 {
		t.Fatalf("violations %+v", v)
	}
}
