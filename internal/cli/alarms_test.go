package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"chaoslab/internal/alarm"
	"chaoslab/internal/alarm/notify"
	"chaoslab/internal/server"
)

// alarmWait bounds every wait for a notification: a deadline for a broken
// twin, not a timing assertion (the alarms here fire within a second).
const alarmWait = 30 * time.Second

// serveAlarms serves servers of a catalog in-process through the same
// path as `chaoslab serve` (startServe), with the model started 300 s ago
// so that StartupDelay and the default Enabled (120 s) are over.
func serveAlarms(t *testing.T, cat string, servers []string, al alarmServe) *serving {
	t.Helper()
	al.startAt = time.Now().Add(-300 * time.Second)
	tw, err := startServe(server.RunConfig{Catalog: cat, Servers: servers}, al, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tw.Close() })
	return tw
}

// hookReceiver is an httptest webhook receiver on 127.0.0.1: every
// payload posted goes to C.
type hookReceiver struct {
	URL string
	C   chan notify.WebhookMessage
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	h := &hookReceiver{C: make(chan notify.WebhookMessage, 4096)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m notify.WebhookMessage
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "want a JSON POST", http.StatusBadRequest)
			return
		}
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case h.C <- m:
		default: // a test that stopped listening
		}
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

// wait returns the first payload of alarm device/tag with message msg.
func (h *hookReceiver) wait(t *testing.T, device, tag, msg string) notify.WebhookMessage {
	t.Helper()
	deadline := time.After(alarmWait)
	for {
		select {
		case m := <-h.C:
			a := m.Alerts[0]
			if a.Labels["device"] == device && a.Labels["alertname"] == tag && a.Annotations["message"] == msg {
				return m
			}
		case <-deadline:
			t.Fatalf("no %s notification of %s/%s within %s", msg, device, tag, alarmWait)
		}
	}
}

// shape renders a payload with its run-dependent values (times, the
// server address) replaced, for comparison with a golden text.
func shape(t *testing.T, m notify.WebhookMessage, addr string) string {
	t.Helper()
	m.ExternalURL = strings.ReplaceAll(m.ExternalURL, addr, "ADDR")
	for i := range m.Alerts {
		a := &m.Alerts[i]
		a.GeneratorURL = strings.ReplaceAll(a.GeneratorURL, addr, "ADDR")
		if !a.StartsAt.IsZero() {
			a.StartsAt = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if !a.EndsAt.IsZero() {
			a.EndsAt = time.Date(2000, 1, 1, 0, 0, 1, 0, time.UTC)
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// TestServeDeliversNotifications serves the PANIC clock example and checks
// that CK2's ALARM and its end arrive at a webhook and in the log file.
func TestServeDeliversNotifications(t *testing.T) {
	hook := newHookReceiver(t)
	logPath := filepath.Join(t.TempDir(), "alarms.log")
	tw := serveAlarms(t, filepath.Join("..", "..", "examples", "alarms", "panic-clock.csv"),
		[]string{"PyAlarm/Clock", "PyAlarm/Group"}, alarmServe{log: logPath, webhooks: []string{hook.URL}})

	fired := hook.wait(t, "test/panic/ck2", "CK2", "ALARM")
	const wantFiring = `{
  "version": "4",
  "groupKey": "{}:{alertname=\"CK2\", device=\"test/panic/ck2\"}",
  "truncatedAlerts": 0,
  "status": "firing",
  "receiver": "chaoslab",
  "groupLabels": {
    "alertname": "CK2",
    "device": "test/panic/ck2"
  },
  "commonLabels": {
    "alertname": "CK2",
    "device": "test/panic/ck2",
    "severity": "DEBUG",
    "state": "UNACK"
  },
  "commonAnnotations": {
    "formula": "NOW()%2 < 1",
    "message": "ALARM",
    "values": "True"
  },
  "externalURL": "http://ADDR",
  "alerts": [
    {
      "status": "firing",
      "labels": {
        "alertname": "CK2",
        "device": "test/panic/ck2",
        "severity": "DEBUG",
        "state": "UNACK"
      },
      "annotations": {
        "formula": "NOW()%2 < 1",
        "message": "ALARM",
        "values": "True"
      },
      "startsAt": "2000-01-01T00:00:00Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://ADDR/alarms/test/panic/ck2/CK2",
      "fingerprint": "` + "FP" + `"
    }
  ]
}`
	fp := notify.Fingerprint(map[string]string{"alertname": "CK2", "device": "test/panic/ck2", "severity": "DEBUG"})
	if got, want := shape(t, fired, tw.Addr), strings.Replace(wantFiring, "FP", fp, 1); got != want {
		t.Errorf("firing payload:\n%s\nwant:\n%s", got, want)
	}
	// CK2 recovers after a second, then auto-resets (AutoReset 0.2 s).
	resolved := hook.wait(t, "test/panic/ck2", "CK2", "RECOVERED")
	if a := resolved.Alerts[0]; resolved.Status != "resolved" || a.EndsAt.IsZero() || a.Fingerprint != fp || a.EndsAt.Before(a.StartsAt) {
		t.Errorf("resolved payload: %s", shape(t, resolved, tw.Addr))
	}

	// Close drains the queue, so the log file holds both messages.
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, failed, dropped := tw.disp.Counts(); failed != 0 || dropped != 0 {
		t.Errorf("%d deliveries failed (%v), %d dropped", failed, tw.disp.LastError(), dropped)
	}
	f, err := os.Open(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	types := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r notify.LogRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if r.Device == "test/panic/ck2" && r.Tag == "CK2" {
			types[r.Type] = true
		}
	}
	if !types["ALARM"] || !types["RECOVERED"] {
		t.Errorf("log file lacks CK2's ALARM and RECOVERED: %v", types)
	}
}

// alarmCatalog is a PyAlarm device whose alarms do not depend on time:
// ALWAYS (ALARM) and WARN_ON (WARNING) are active from their first
// evaluation, NEVER never.
const alarmCatalog = `server,class,device,property,value
PyAlarm/fixed,PyAlarm,test/alarm/fixed,AlarmList,ALWAYS:True
,,,,NEVER:False
,,,,WARN_ON:True
,,,AlarmSeverities,ALWAYS:ALARM
,,,,NEVER:ALARM
,,,,WARN_ON:WARNING
,,,PollingPeriod,0.1
,,,AlarmThreshold,1
,,,AutoReset,0
,,,Enabled,True
`

// runAlarmCLI runs one alarm command as Main would.
func runAlarmCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	root := &cobra.Command{Use: "chaoslab", SilenceUsage: true, SilenceErrors: true}
	root.SetOut(&out)
	root.SetErr(&errb)
	root.AddCommand(newAlarmCmds(s)...)
	root.SetArgs(args)
	code := ExitOK
	if err := root.ExecuteContext(context.Background()); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
			if ee.err != nil {
				errb.WriteString(ee.err.Error() + "\n")
			}
		} else {
			code = ExitUsage
			errb.WriteString(err.Error() + "\n")
		}
	}
	return out.String(), errb.String(), code
}

// listAlarms returns tag → state of the served alarms.
func listAlarms(t *testing.T, addr string) map[string]string {
	t.Helper()
	out, errs, code := runAlarmCLI(t, "alarms", "--json", "--addr", addr)
	if code != 0 {
		t.Fatalf("alarms --json: exit %d: %s", code, errs)
	}
	var es []alarm.SummaryEntry
	if err := json.Unmarshal([]byte(out), &es); err != nil {
		t.Fatalf("alarms --json: %v\n%s", err, out)
	}
	m := map[string]string{}
	for _, e := range es {
		m[e.Tag] = e.State
	}
	return m
}

func TestAlarmCommands(t *testing.T) {
	cat := filepath.Join(t.TempDir(), "alarms.csv")
	if err := os.WriteFile(cat, []byte(alarmCatalog), 0o644); err != nil {
		t.Fatal(err)
	}
	hook := newHookReceiver(t)
	tw := serveAlarms(t, cat, []string{"PyAlarm/fixed"}, alarmServe{webhooks: []string{hook.URL}})
	const dev = "test/alarm/fixed"
	hook.wait(t, dev, "ALWAYS", "ALARM")
	hook.wait(t, dev, "WARN_ON", "ALARM")

	if got := listAlarms(t, tw.Addr); got["ALWAYS"] != "UNACK" || got["WARN_ON"] != "UNACK" || got["NEVER"] != "NORM" {
		t.Fatalf("states %v", got)
	}
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		not    []string
		stderr []string
	}{
		{name: "list", args: []string{"alarms"}, stdout: []string{"DEVICE", "ALWAYS", "NEVER", "WARN_ON", "UNACK", "NORM"}},
		{name: "active", args: []string{"alarms", "--active"}, stdout: []string{"ALWAYS", "WARN_ON"}, not: []string{"NEVER"}},
		{name: "pattern", args: []string{"alarms", "test/alarm/*"}, stdout: []string{"ALWAYS"}},
		{name: "pattern none", args: []string{"alarms", "no/such/*", "--check"}, code: ExitFailure, stderr: []string{"no PyAlarm device matches no/such/*"}},
		{name: "check ALARM fails", args: []string{"alarms", "--active", "--severity", "ALARM", "--check"}, code: ExitFailure,
			stdout: []string{"ALWAYS"}, not: []string{"WARN_ON"}, stderr: []string{"test/alarm/fixed/ALWAYS (UNACK, ALARM)"}},
		{name: "check ERROR holds", args: []string{"alarms", "--active", "--severity", "ERROR", "--check"}},
		{name: "ack", args: []string{"ack", dev, "ALWAYS", "seen"}},
		{name: "reset needs a comment", args: []string{"reset", dev, "ALWAYS"}, code: ExitUsage},
		{name: "disable", args: []string{"disable", dev, "WARN_ON", "maintenance", "1h"}},
		{name: "check WARNING after disable", args: []string{"alarms", "--active", "--severity", "WARNING", "--check"}, code: ExitFailure,
			stdout: []string{"ALWAYS"}, not: []string{"WARN_ON"}},
		{name: "ack unknown tag", args: []string{"ack", dev, "NOPE", "x"}, code: ExitFailure, stderr: []string{"NOPE"}},
	}
	for _, st := range steps {
		out, errs, code := runAlarmCLI(t, append(st.args, "--addr", tw.Addr)...)
		if code != st.code {
			t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", st.name, code, st.code, out, errs)
		}
		for _, w := range st.stdout {
			if !strings.Contains(out, w) {
				t.Errorf("%s: stdout lacks %q:\n%s", st.name, w, out)
			}
		}
		for _, w := range st.not {
			if strings.Contains(out, w) {
				t.Errorf("%s: stdout has %q:\n%s", st.name, w, out)
			}
		}
		for _, w := range st.stderr {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", st.name, w, errs)
			}
		}
		switch st.name {
		case "ack":
			if s := listAlarms(t, tw.Addr)["ALWAYS"]; s != "ACKED" {
				t.Errorf("after ack ALWAYS is %s, want ACKED", s)
			}
			if m := hook.wait(t, dev, "ALWAYS", "ACKNOWLEDGED"); m.Alerts[0].Annotations["comment"] != "seen" {
				t.Errorf("ACKNOWLEDGED comment %q", m.Alerts[0].Annotations["comment"])
			}
		case "disable":
			if s := listAlarms(t, tw.Addr)["WARN_ON"]; s != "SHLVD" {
				t.Errorf("after disable WARN_ON is %s, want SHLVD", s)
			}
			if m := hook.wait(t, dev, "WARN_ON", "DISABLED"); m.Status != "resolved" {
				t.Errorf("DISABLED status %q", m.Status)
			}
		}
	}

	// reset: back to NORM with a RESET message; the formula is still true,
	// so the alarm comes back (a new activation, a new ALARM message).
	if _, errs, code := runAlarmCLI(t, "reset", dev, "ALWAYS", "fixed it", "--addr", tw.Addr); code != 0 {
		t.Fatalf("reset: exit %d: %s", code, errs)
	}
	if m := hook.wait(t, dev, "ALWAYS", "RESET"); m.Status != "resolved" || m.Alerts[0].Annotations["comment"] != "fixed it" {
		t.Errorf("RESET payload %+v", m)
	}
	hook.wait(t, dev, "ALWAYS", "ALARM")

	// enable: WARN_ON is evaluated again and activates again.
	if _, errs, code := runAlarmCLI(t, "enable", dev, "WARN_ON", "--addr", tw.Addr); code != 0 {
		t.Fatalf("enable: exit %d: %s", code, errs)
	}
	hook.wait(t, dev, "WARN_ON", "ALARM")
	if s := listAlarms(t, tw.Addr)["WARN_ON"]; s == "SHLVD" {
		t.Errorf("after enable WARN_ON is still SHLVD")
	}
	out, _, code := runAlarmCLI(t, "alarms", "--active", "--json", "--addr", tw.Addr)
	var es []alarm.SummaryEntry
	if err := json.Unmarshal([]byte(out), &es); err != nil || code != 0 {
		t.Fatalf("alarms --active --json: exit %d, %v\n%s", code, err, out)
	}
	var tags []string
	for _, e := range es {
		tags = append(tags, e.Tag)
	}
	sort.Strings(tags)
	if strings.Join(tags, ",") != "ALWAYS,WARN_ON" {
		t.Errorf("active after enable: %v", tags)
	}
}

// TestServeWebhookLoopbackOnly: the twin posts nowhere but to loopback.
func TestServeWebhookLoopbackOnly(t *testing.T) {
	for _, u := range []string{"http://example.org/hook", "http://10.0.0.1:9093/", "ftp://127.0.0.1/", "http://[::2]/"} {
		if err := notify.CheckLoopback(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:9093/api", "https://localhost/", "http://[::1]:80/", "http://127.1.2.3/"} {
		if err := notify.CheckLoopback(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	_, err := startServe(server.RunConfig{Catalog: filepath.Join("..", "..", "examples", "alarms", "panic-clock.csv"), Servers: []string{"PyAlarm/Clock"}},
		alarmServe{webhooks: []string{"http://192.0.2.1/hook"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("startServe with a remote webhook: %v", err)
	}
}

var updateExamples = flag.Bool("update-examples", false, "regenerate examples/alarms/vacuum-with-alarms.csv")

// vacuumWithAlarms is the combined catalog: examples/vacuum/vacuum.csv
// followed by the rows of examples/alarms/vacuum-alarms.csv (same header,
// which is dropped). Served alone, vacuum-alarms.csv would read the
// gauges as remote devices.
func vacuumWithAlarms(t *testing.T) []byte {
	t.Helper()
	vac, err := os.ReadFile(filepath.Join("..", "..", "examples", "vacuum", "vacuum.csv"))
	if err != nil {
		t.Fatal(err)
	}
	al, err := os.ReadFile(filepath.Join("..", "..", "examples", "alarms", "vacuum-alarms.csv"))
	if err != nil {
		t.Fatal(err)
	}
	_, rows, ok := bytes.Cut(al, []byte("\n"))
	if !ok || !bytes.HasSuffix(vac, []byte("\n")) {
		t.Fatal("unexpected example catalogs")
	}
	return append(vac, rows...)
}

// TestVacuumWithAlarmsExample: the committed combined catalog is the
// concatenation (go test ./internal/cli -run VacuumWithAlarms -update-examples).
func TestVacuumWithAlarmsExample(t *testing.T) {
	path := filepath.Join("..", "..", "examples", "alarms", "vacuum-with-alarms.csv")
	want := vacuumWithAlarms(t)
	if *updateExamples {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not vacuum.csv + vacuum-alarms.csv (run with -update-examples)", path)
	}
}

// TestServedVacuumLeak: in the served vacuum twin with its alarms, a leak
// written to sr01/vc/ccg-01 activates SR01_CCG01_PRESSURE, whose
// ACTION(alarm:command,sr01/vc/gv-01/Close) closes the gate valve through
// the server; the hammer (alarms --hammers) resets the gauge, and its
// attempt budget holds.
func TestServedVacuumLeak(t *testing.T) {
	hook := newHookReceiver(t)
	tw := serveAlarms(t, filepath.Join("..", "..", "examples", "alarms", "vacuum-with-alarms.csv"),
		[]string{"SimulatorDS/vc-gauges-sr01-04", "SimulatorDS/vc-pumps-sr01-04", "PyAlarm/vacuum"},
		alarmServe{webhooks: []string{hook.URL}})
	const alarms, gauge, valve = "sr01/vc/alarms", "sr01/vc/ccg-01", "sr01/vc/gv-01"
	if out, errs, code := runClient(t, "write", gauge+"/Leak", "1", "--addr", tw.Addr); code != 0 {
		t.Fatalf("write Leak: exit %d\n%s%s", code, out, errs)
	}
	m := hook.wait(t, alarms, "SR01_CCG01_PRESSURE", "ALARM")
	if a := m.Alerts[0]; a.Labels["severity"] != "ALARM" || a.Annotations["runbook_url"] != "https://wiki.example.org/runbooks/vacuum#gauge-pressure" ||
		!strings.Contains(a.Annotations["description"], "leak?") {
		t.Errorf("payload %s", shape(t, m, tw.Addr))
	}
	// actions run before webhooks: the valve has been told to close
	if delivered, failed, _ := tw.disp.Counts(); failed != 0 || delivered == 0 {
		t.Fatalf("deliveries %d, failed %d: %v", delivered, failed, tw.disp.LastError())
	}
	// The valve moves from 1 (open) to 0 over 3 s.
	readUntil(t, tw.Addr, valve+"/Position", "the valve to move after the alarm's ACTION", func(v float64) bool { return v < 1 })

	// The hammer: reset the gauge, at most twice per target.
	dir := t.TempDir()
	rules := filepath.Join(dir, "hammers.yaml")
	if err := os.WriteFile(rules, []byte(`hammers:
  - name: reset-leaking-gauge
    alarm: sr01/vc/alarms/SR01_CCG01_PRESSURE
    for: 0s
    action: command
    command: Reset
    targets: [sr01/vc/ccg-01]
    mode: act
    max_attempts: 2
    cooldown: 1ms
`), 0o644); err != nil {
		t.Fatal(err)
	}
	hammers := func() []map[string]any {
		t.Helper()
		out, errs, code := runAlarmCLI(t, "alarms", "--hammers", rules, "--json", "--addr", tw.Addr)
		if code != 0 {
			t.Fatalf("alarms --hammers: exit %d\n%s%s", code, out, errs)
		}
		var ds []map[string]any
		if err := json.Unmarshal([]byte(out), &ds); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return ds
	}
	leak := func() {
		t.Helper()
		if out, errs, code := runClient(t, "write", gauge+"/Leak", "1", "--addr", tw.Addr); code != 0 {
			t.Fatalf("write Leak: exit %d\n%s%s", code, out, errs)
		}
	}
	// The alarm stays listed (UNACK, then RTNUN) until AutoReset (30 s),
	// so each run below sees the same activation.
	for i, want := range []string{"act", "act", "exhausted", ""} {
		if i > 0 {
			leak()
		}
		ds := hammers()
		got := ""
		if len(ds) == 1 {
			got, _ = ds[0]["verdict"].(string)
			if got == "act" && ds[0]["result"] != "ok" {
				t.Errorf("run %d: result %v", i+1, ds[0]["result"])
			}
		} else if len(ds) > 1 {
			t.Fatalf("run %d: %d decisions", i+1, len(ds))
		}
		if got != want {
			t.Fatalf("run %d: verdict %q, want %q (%v)", i+1, got, want, ds)
		}
		if want == "act" {
			readUntil(t, tw.Addr, gauge+"/Leak", "the hammer to reset the leak", func(v float64) bool { return v == 0 })
		}
	}
	j, err := os.ReadFile(rules + ".journal")
	if err != nil || bytes.Count(j, []byte("\n")) != 3 {
		t.Errorf("journal: %v\n%s", err, j)
	}
}

// readUntil reads a numeric attribute until ok holds (readings are cached
// for the device's KeepTime, so a change shows a little later).
func readUntil(t *testing.T, addr, name, what string, ok func(float64) bool) {
	t.Helper()
	for deadline := time.Now().Add(alarmWait); ; {
		out, errs, code := runClient(t, "read", name, "--json", "--addr", addr)
		var rs []struct {
			Value float64 `json:"value"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &rs) != nil || len(rs) != 1 {
			t.Fatalf("read %s: exit %d %s%s", name, code, out, errs)
		}
		if ok(rs[0].Value) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s (%s = %v)", alarmWait, what, name, rs[0].Value)
		}
	}
}
