package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"chaoslab/internal/alarm"
)

var update = flag.Bool("update", false, "rewrite golden files")

func sample(t alarm.MsgType, at time.Time) alarm.Notification {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	n := alarm.Notification{Time: at, Type: t, Device: "sr/vc/alarms", Tag: "PRESSURE_HIGH", Severity: "ALARM",
		Description: "Vacuum pressure above 1e-8 mbar in sector 1", Formula: "sr/vc/gauge-01/pressure > 1e-8",
		Receivers: "ACTION(alarm:command,sr/vc/valve-01/Close), ops@example.org", Runbook: "https://wiki.example.org/runbooks/vacuum#pressure",
		Values: "True", State: alarm.UNACK, Active: start}
	if Resolved(t) {
		n.State = alarm.NORM
		n.Recovered = at
	}
	return n
}

func TestWebhookGolden(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	msgs := []WebhookMessage{
		Payload(sample(alarm.MsgAlarm, start), "chaoslab", "http://chaoslab.local:9093"),
		Payload(sample(alarm.MsgRecovered, start.Add(90*time.Second)), "chaoslab", "http://chaoslab.local:9093"),
	}
	got, err := json.MarshalIndent(msgs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "webhook.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("payload differs from %s (run with -update):\n%s", golden, got)
	}
	// Alertmanager's required fields, by name.
	var raw []map[string]any
	if err := json.Unmarshal(got, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("payload lacks %q", k)
		}
	}
	a := raw[0]["alerts"].([]any)[0].(map[string]any)
	for _, k := range []string{"status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"} {
		if _, ok := a[k]; !ok {
			t.Errorf("alert lacks %q", k)
		}
	}
	if msgs[0].Alerts[0].Fingerprint != msgs[1].Alerts[0].Fingerprint {
		t.Error("firing and resolved alerts have different fingerprints")
	}
}

func TestFingerprintPrometheus(t *testing.T) {
	// model.LabelSet{}.Fingerprint() of the empty set is the FNV-1a offset basis.
	if got := Fingerprint(map[string]string{}); got != "cbf29ce484222325" {
		t.Errorf("empty fingerprint %s", got)
	}
}

func TestParseActions(t *testing.T) {
	tests := []struct {
		in   string
		want []Action
		err  bool
	}{
		{"alarm:system,beep", []Action{{On: []string{"alarm"}, Kind: ActSystem, Target: "beep"}}, false},
		{"alarm:system:beep&", []Action{{On: []string{"alarm"}, Kind: ActSystem, Target: "beep&"}}, false}, // the user guide's form
		{"alarm:command,sr/vc/valve-01/Close", []Action{{On: []string{"alarm"}, Kind: ActCommand, Target: "sr/vc/valve-01/Close"}}, false},
		{"*:command:a/b/c/Reset,1,'x,y'", []Action{{On: []string{"*"}, Kind: ActCommand, Target: "a/b/c/Reset", Args: []string{"1", "'x,y'"}}}, false},
		{"alarm:attribute,a/b/c/Flag,1;recovered:attribute,a/b/c/Flag,0", []Action{
			{On: []string{"alarm"}, Kind: ActAttribute, Target: "a/b/c/Flag", Args: []string{"1"}},
			{On: []string{"recovered"}, Kind: ActAttribute, Target: "a/b/c/Flag", Args: []string{"0"}}}, false},
		{"alarm:command,a/b/c/X,[1,2]", []Action{{On: []string{"alarm"}, Kind: ActCommand, Target: "a/b/c/X", Args: []string{"[1,2]"}}}, false},
		{"oops:system,beep", nil, true},
		{"alarm:shell,beep", nil, true},
		{"alarm:command,nodevice", nil, true},
		{"alarm", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseActions(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if !tc.err && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestRouter(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	hook := &Webhook{Name: "am", URL: "http://x"}
	r := NewRouter(Config{Webhooks: []*Webhook{hook}, LogFile: "/tmp/alarms-$NAME.log", RateLimit: time.Minute, RateCount: 2,
		Silences: []Silence{{Device: "sr/vc/*", Tag: "QUIET*", Start: t0, End: t0.Add(time.Hour)}}})
	kinds := func(ds []Delivery) string {
		var s []string
		for _, d := range ds {
			s = append(s, string(d.Kind))
		}
		return strings.Join(s, ",")
	}
	n := sample(alarm.MsgAlarm, t0)
	if got := kinds(r.Route(n)); got != "log,action,webhook" {
		t.Fatalf("alarm deliveries %s", got)
	}
	if ds := r.Route(n); ds[0].Path != "/tmp/alarms-PRESSURE_HIGH.log" {
		t.Fatalf("log path %s", ds[0].Path)
	}
	// third firing message within a minute: rate limited (log only)
	if got := kinds(r.Route(sample(alarm.MsgReminder, t0.Add(30*time.Second)))); got != "log" {
		t.Fatalf("rate limit: %s", got)
	}
	// resolved messages always pass; the action is for "alarm" only
	if got := kinds(r.Route(sample(alarm.MsgRecovered, t0.Add(31*time.Second)))); got != "log,webhook" {
		t.Fatalf("recovered: %s", got)
	}
	// window passed
	if got := kinds(r.Route(sample(alarm.MsgAlarm, t0.Add(2*time.Minute)))); got != "log,action,webhook" {
		t.Fatalf("after window: %s", got)
	}
	q := sample(alarm.MsgAlarm, t0.Add(time.Minute))
	q.Tag = "QUIET_ONE"
	if got := kinds(r.Route(q)); got != "log" {
		t.Fatalf("silenced: %s", got)
	}
	q.Time = t0.Add(time.Hour)
	if got := kinds(r.Route(q)); got != "log,action,webhook" {
		t.Fatalf("silence expired: %s", got)
	}
	s := sample(alarm.MsgAlarm, t0)
	s.Suppressed = true
	if got := kinds(r.Route(s)); got != "log" {
		t.Fatalf("suppressed: %s", got)
	}
	sys := sample(alarm.MsgAlarm, t0.Add(5*time.Minute))
	sys.Receivers = "ACTION(alarm:system:beep $ALARM)"
	if got := kinds(r.Route(sys)); got != "log,webhook" || r.Stats.Refused != 1 {
		t.Fatalf("system action not refused by default: %s %+v", got, r.Stats)
	}
	r2 := NewRouter(Config{AllowSystem: true, AllowedActions: []string{"beep"}})
	ds := r2.Route(sys)
	if len(ds) != 1 || ds[0].Action.Target != "beep PRESSURE_HIGH" {
		t.Fatalf("allowed system action: %+v", ds)
	}
}

type fakeExec struct{ calls []string }

func (f *fakeExec) Command(ctx context.Context, dev, cmd string, args []string) error {
	f.calls = append(f.calls, dev+"/"+cmd+"("+strings.Join(args, ",")+")")
	return nil
}
func (f *fakeExec) WriteAttribute(ctx context.Context, dev, attr string, args []string) error {
	f.calls = append(f.calls, dev+"/"+attr+"="+strings.Join(args, ","))
	return nil
}

func TestDispatcher(t *testing.T) {
	dir := t.TempDir()
	ex := &fakeExec{}
	var posted []string
	d := NewDispatcher(NewRouter(Config{LogFile: filepath.Join(dir, "alarms.log"), Webhooks: []*Webhook{{Name: "am"}}}), ex, 2)
	d.post = func(ctx context.Context, w *Webhook, n alarm.Notification) error {
		posted = append(posted, string(n.Type))
		return nil
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d.Send(sample(alarm.MsgAlarm, t0))
	d.Send(sample(alarm.MsgRecovered, t0.Add(time.Second)))
	if d.Send(sample(alarm.MsgReminder, t0)) {
		t.Fatal("queue of 2 accepted a third notification")
	}
	d.Close()
	d.Run(context.Background())
	delivered, failed, dropped := d.Counts()
	if delivered != 5 || failed != 0 || dropped != 1 {
		t.Fatalf("counts %d %d %d (%v)", delivered, failed, dropped, d.LastError())
	}
	if !reflect.DeepEqual(ex.calls, []string{"sr/vc/valve-01/Close()"}) || !reflect.DeepEqual(posted, []string{"ALARM", "RECOVERED"}) {
		t.Fatalf("calls %v posted %v", ex.calls, posted)
	}
	b, err := os.ReadFile(filepath.Join(dir, "alarms.log"))
	if err != nil || strings.Count(string(b), "\n") != 2 || !strings.Contains(string(b), `"type":"RECOVERED"`) {
		t.Fatalf("log file: %q %v", b, err)
	}
}

// FuzzReceivers: no receivers string makes the ACTION parser or the
// placeholder expansion panic.
func FuzzReceivers(f *testing.F) {
	f.Add("ACTION(alarm:command,a/b/c/d,1,[2,3]);recovered:system:beep&), x@y, http://h/")
	f.Add("ACTION(*:attribute,a/b/c/d,'$NAME;$DATE')")
	f.Fuzz(func(t *testing.T, s string) {
		as, _, _ := Receivers(s)
		for _, a := range as {
			Expand(a.Target, alarm.Notification{Tag: "T", Device: "a/b-c/d"})
		}
	})
}

// TestAllowedActionsPerDevice: a system command runs only when its first
// word is allowed for the notifying device (or by the operator's list).
func TestAllowedActionsPerDevice(t *testing.T) {
	n := func(dev string, allowed ...string) alarm.Notification {
		s := sample(alarm.MsgAlarm, time.Unix(0, 0))
		s.Device, s.AllowedActions, s.Receivers = dev, allowed, "ACTION(alarm:system,beep $ALARM)"
		return s
	}
	tests := []struct {
		name string
		cfg  Config
		n    alarm.Notification
		want bool
	}{
		{"device allows", Config{AllowSystem: true}, n("a/b/c", "ls", "beep"), true},
		{"other device's list does not apply", Config{AllowSystem: true}, n("a/b/d", "ls"), false},
		{"no list", Config{AllowSystem: true}, n("a/b/e"), false},
		{"operator list", Config{AllowSystem: true, AllowedActions: []string{"beep"}}, n("a/b/e"), true},
		{"system actions off", Config{}, n("a/b/c", "beep"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRouter(tc.cfg)
			ran := false
			for _, d := range r.Route(tc.n) {
				ran = ran || d.Kind == DeliverAction && d.Action.Kind == ActSystem
			}
			if ran != tc.want || (r.Stats.Refused == 1) == tc.want {
				t.Errorf("ran %v (refused %d), want %v", ran, r.Stats.Refused, tc.want)
			}
		})
	}
}
