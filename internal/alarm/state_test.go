package alarm

import (
	"reflect"
	"testing"
	"time"
)

func TestLifecycle(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	type step struct {
		at    int
		op    string // "T", "F", "ack", "reset", "disable", "enable", "fail"
		msgs  []MsgType
		state State
		count int
	}
	tests := []struct {
		name  string
		l     Lifecycle
		steps []step
	}{
		{"threshold up and down", Lifecycle{Threshold: 3, AutoReset: 10 * time.Second}, []step{
			{1, "T", nil, NORM, 1},
			{2, "T", nil, NORM, 2},
			{3, "F", nil, NORM, 1}, // not consecutive: counts down
			{4, "T", nil, NORM, 2},
			{5, "T", []MsgType{MsgAlarm}, UNACK, 3},
			{6, "T", nil, UNACK, 3}, // capped
			{7, "F", nil, UNACK, 2},
			{8, "F", nil, UNACK, 1},
			{9, "T", nil, UNACK, 2}, // still active, no new ALARM
			{10, "F", nil, UNACK, 1},
			{11, "F", []MsgType{MsgRecovered}, RTNUN, 0},
			{12, "F", nil, RTNUN, 0},
			{21, "F", nil, RTNUN, 0}, // 10 s not yet exceeded
			{22, "F", []MsgType{MsgAutoReset}, NORM, 0},
		}},
		{"threshold 1", Lifecycle{Threshold: 1}, []step{
			{1, "T", []MsgType{MsgAlarm}, UNACK, 1},
			{2, "F", []MsgType{MsgRecovered}, RTNUN, 0},
			{3, "T", nil, UNACK, 1}, // came back: still the same activation
			{4000, "F", []MsgType{MsgRecovered}, RTNUN, 0},
			{5000, "F", nil, RTNUN, 0}, // AutoReset 0: never resets
		}},
		{"acknowledge silences", Lifecycle{Threshold: 1, AutoReset: time.Second, Reminder: 5 * time.Second}, []step{
			{1, "T", []MsgType{MsgAlarm}, UNACK, 1},
			{7, "T", []MsgType{MsgReminder}, UNACK, 1},
			{8, "ack", []MsgType{MsgAcknowledged}, ACKED, 1},
			{20, "T", nil, ACKED, 1}, // no reminder once acknowledged
			{21, "F", nil, ACKED, 0}, // no RECOVERED either
			{23, "F", []MsgType{MsgAutoReset}, NORM, 0},
			{24, "T", []MsgType{MsgAlarm}, UNACK, 1}, // reset cleared the ack
		}},
		{"reset and disable", Lifecycle{Threshold: 2}, []step{
			{1, "T", nil, NORM, 1},
			{2, "T", []MsgType{MsgAlarm}, UNACK, 2},
			{3, "reset", []MsgType{MsgReset}, NORM, 0},
			{4, "disable", []MsgType{MsgDisabled}, SHLVD, 0},
			{5, "enable", nil, NORM, 0},
			{6, "fail", nil, ERROR, 0},
			{7, "T", nil, NORM, 1},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.l
			for _, s := range tc.steps {
				now := at(s.at)
				var got []MsgType
				switch s.op {
				case "T", "F":
					got = l.Observe(now, s.op == "T")
				case "ack":
					got = l.Acknowledge(now)
				case "reset":
					got = l.Reset(now)
				case "disable":
					got = l.Disable(now, now.Add(time.Hour))
				case "enable":
					l.Enable()
				case "fail":
					l.Fail()
				}
				if !reflect.DeepEqual(got, s.msgs) {
					t.Fatalf("t=%d %s: messages %v, want %v", s.at, s.op, got, s.msgs)
				}
				if st := l.State(now, false); st != s.state {
					t.Fatalf("t=%d %s: state %v, want %v", s.at, s.op, st, s.state)
				}
				if l.Counter != s.count {
					t.Fatalf("t=%d %s: counter %d, want %d", s.at, s.op, l.Counter, s.count)
				}
			}
		})
	}
}

func TestShelveExpires(t *testing.T) {
	t0 := time.Unix(0, 0)
	var l Lifecycle
	l.Disable(t0, t0.Add(30*time.Minute))
	if !l.Shelved(t0.Add(29*time.Minute)) || l.State(t0.Add(29*time.Minute), false) != SHLVD {
		t.Fatal("not shelved within the timeout")
	}
	if l.Shelved(t0.Add(30 * time.Minute)) {
		t.Fatal("still shelved after the timeout")
	}
	if got := l.State(t0, true); got != DSUPR {
		t.Fatalf("device disabled: %v, want DSUPR", got)
	}
}
