package notify

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"chaoslab/internal/alarm"
)

// TestFlagFileAndLoopback: FlagFile follows DeviceActive (also while the
// device is suppressed); receiver URLs off the machine are refused.
func TestFlagFileAndLoopback(t *testing.T) {
	flag := filepath.Join(t.TempDir(), "flag")
	r := NewRouter(Config{})
	d := NewDispatcher(r, nil, 0)
	var posted []string
	d.post = func(_ context.Context, w *Webhook, _ alarm.Notification) error {
		posted = append(posted, w.URL)
		return nil
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	n := sample(alarm.MsgAlarm, t0)
	n.Receivers = "http://127.0.0.1:9/hook, http://example.org/hook"
	n.FlagFile, n.DeviceActive = flag, true
	d.Send(n)
	d.Close()
	d.Run(context.Background())
	if b, err := os.ReadFile(flag); err != nil || string(b) != "1" {
		t.Fatalf("flag %q %v", b, err)
	}
	if len(posted) != 1 || posted[0] != "http://127.0.0.1:9/hook" || r.Stats.Refused != 1 {
		t.Fatalf("posted %v, refused %d", posted, r.Stats.Refused)
	}
	if err := writeFlag(flag, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(flag); string(b) != "0" {
		t.Fatalf("flag %q", b)
	}
}
