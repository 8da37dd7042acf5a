package supervisor

import (
	"testing"
	"time"
)

func TestPolicyDecide(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ago := func(d ...time.Duration) []time.Time {
		var ts []time.Time
		for _, x := range d {
			ts = append(ts, t0.Add(-x))
		}
		return ts
	}
	p := Policy{Restart: RestartAlways, Backoff: 100 * time.Millisecond, MaxBackoff: time.Second, MaxRestarts: 5, Window: time.Minute}
	tests := []struct {
		name     string
		p        Policy
		failed   bool
		restarts []time.Time
		want     Decision
	}{
		{"first crash", p, true, nil, Decision{Restart: true, Delay: 100 * time.Millisecond}},
		{"clean exit, always", p, false, nil, Decision{Restart: true, Delay: 100 * time.Millisecond}},
		{"second crash doubles", p, true, ago(time.Second), Decision{Restart: true, Delay: 200 * time.Millisecond}},
		{"fourth crash", p, true, ago(1, 2, 3), Decision{Restart: true, Delay: 800 * time.Millisecond}},
		{"capped", p, true, ago(1, 2, 3, 4), Decision{Restart: true, Delay: time.Second}},
		{"crash loop gives up", p, true, ago(1, 2, 3, 4, 5), Decision{Reason: "5 restarts within 1m0s"}},
		{"old restarts forgotten", p, true, ago(2*time.Minute, 3*time.Minute, 4*time.Minute, 5*time.Minute, 6*time.Minute), Decision{Restart: true, Delay: 100 * time.Millisecond}},
		{"never", Policy{Restart: RestartNever}, true, nil, Decision{Reason: "restart policy is never"}},
		{"on-failure, clean", Policy{Restart: RestartOnFailure}, false, nil, Decision{Reason: "exited cleanly (restart policy on-failure)"}},
		{"on-failure, crash", Policy{Restart: RestartOnFailure}, true, nil, Decision{Restart: true, Delay: DefaultPolicy.Backoff}},
		{"zero policy is the default", Policy{}, true, ago(1), Decision{Restart: true, Delay: 2 * DefaultPolicy.Backoff}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Decide(tt.failed, tt.restarts, t0); got != tt.want {
				t.Errorf("Decide = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	for _, tt := range []struct {
		p    Policy
		want string
	}{
		{Policy{}, ""},
		{DefaultPolicy, ""},
		{Policy{Restart: "sometimes"}, `restart policy "sometimes": want always, on-failure or never`},
		{Policy{Backoff: -1}, "restart policy: durations and counts must not be negative"},
	} {
		t.Run(string(tt.p.Restart), func(t *testing.T) {
			err := tt.p.Validate()
			if got := errString(err); got != tt.want {
				t.Errorf("Validate = %q, want %q", got, tt.want)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
