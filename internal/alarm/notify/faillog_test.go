package notify

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"chaoslab/internal/alarm"
)

// TestDispatcherLogsFailures: each failure is logged when it happens, at
// most once per target per period (the rest counted and reported with the
// next line), and counted in Stats by kind.
func TestDispatcherLogsFailures(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d := NewDispatcher(NewRouter(Config{Webhooks: []*Webhook{{Name: "am", URL: "http://127.0.0.1:9/hook"}}}), &fakeExec{}, 16)
	var buf bytes.Buffer
	d.SetLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: dropTime})), time.Minute)
	var clock time.Time
	d.fails.now = func() time.Time { return clock }
	d.post = func(ctx context.Context, w *Webhook, n alarm.Notification) error {
		clock = n.Time // the failure happens at the notification's time
		return errors.New("connection refused")
	}
	at := []time.Duration{0, 10 * time.Second, 20 * time.Second, 30 * time.Second, 90 * time.Second, 100 * time.Second}
	for _, off := range at {
		n := sample(alarm.MsgReminder, t0.Add(off))
		n.Receivers = ""
		d.Send(n)
	}
	d.Close()
	d.Run(context.Background())
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2 (first failure, then one a minute later):\n%s", len(lines), buf.String())
	}
	for _, want := range []string{"level=WARN", `msg="alarm notification delivery failed"`, "kind=webhook", "target=http://127.0.0.1:9/hook",
		"device=sr/vc/alarms", "tag=PRESSURE_HIGH", "message=REMINDER", `err="connection refused"`} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("line %q lacks %s", lines[0], want)
		}
	}
	if strings.Contains(lines[0], "suppressed") || !strings.Contains(lines[1], "suppressed=3") {
		t.Errorf("suppressed counts: %q", lines)
	}
	s := d.Stats()
	if s.Failed != 6 || s.Delivered != 0 || s.FailedByKind[DeliverWebhook] != 6 || s.LogSuppressed != 4 ||
		s.LastError != "connection refused" || !s.LastErrorTime.Equal(t0.Add(100*time.Second)) {
		t.Errorf("stats %+v", s)
	}
}

// TestDispatcherNoLogger: without a logger failures are only counted.
func TestDispatcherNoLogger(t *testing.T) {
	d := NewDispatcher(NewRouter(Config{Webhooks: []*Webhook{{Name: "am"}}}), nil, 4)
	d.post = func(context.Context, *Webhook, alarm.Notification) error { return errors.New("down") }
	n := sample(alarm.MsgAlarm, time.Unix(0, 0))
	d.Send(n)
	d.Close()
	d.Run(context.Background())
	s := d.Stats()
	// the ACTION of the sample fails too: no executor
	if s.Failed != 2 || s.FailedByKind[DeliverWebhook] != 1 || s.FailedByKind[DeliverAction] != 1 || s.LogSuppressed != 0 {
		t.Errorf("stats %+v", s)
	}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}
