package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"chaoslab/internal/alarm"
)

// Executor performs ACTION commands and attribute writes on devices; the
// server or CLI implements it with a Tango client.
type Executor interface {
	Command(ctx context.Context, device, cmd string, args []string) error
	WriteAttribute(ctx context.Context, device, attr string, args []string) error
}

// Dispatcher queues notifications and delivers them from one goroutine
// (Run). Send never blocks.
type Dispatcher struct {
	router *Router
	exec   Executor
	q      chan alarm.Notification
	once   sync.Once

	dropped, delivered, failed atomic.Int64
	mu                         sync.Mutex
	lastErr                    error
	lastErrAt                  time.Time
	failedBy                   map[DeliveryKind]int64
	files                      map[string]*os.File
	fails                      failLog
	// post is the webhook transport (tests replace it).
	post func(context.Context, *Webhook, alarm.Notification) error
	// system runs an allowed system command.
	system func(ctx context.Context, cmdline string) error
}

// NewDispatcher returns a dispatcher with a queue of size entries (<= 0:
// 1024). exec may be nil (command and attribute actions then fail).
func NewDispatcher(r *Router, exec Executor, size int) *Dispatcher {
	if size <= 0 {
		size = 1024
	}
	return &Dispatcher{router: r, exec: exec, q: make(chan alarm.Notification, size), files: map[string]*os.File{},
		failedBy: map[DeliveryKind]int64{}, fails: failLog{every: time.Minute, now: time.Now},
		post: func(ctx context.Context, w *Webhook, n alarm.Notification) error { return w.Post(ctx, n) },
		system: func(ctx context.Context, cmdline string) error {
			return osexec.CommandContext(ctx, "/bin/sh", "-c", cmdline).Run()
		}}
}

// Wire returns the function to put in alarm.Options.Notify.
func Wire(d *Dispatcher) func(alarm.Notification) {
	return func(n alarm.Notification) { d.Send(n) }
}

// Send queues n; when the queue is full n is dropped and counted.
func (d *Dispatcher) Send(n alarm.Notification) bool {
	select {
	case d.q <- n:
		return true
	default:
		d.dropped.Add(1)
		return false
	}
}

// Close ends the queue: Run delivers what is queued and returns.
func (d *Dispatcher) Close() { d.once.Do(func() { close(d.q) }) }

// Run delivers queued notifications until Close (after draining) or ctx
// is done, then closes the log files.
func (d *Dispatcher) Run(ctx context.Context) {
	defer d.closeFiles()
	for {
		select {
		case <-ctx.Done():
			return
		case n, ok := <-d.q:
			if !ok {
				return
			}
			for _, dl := range d.router.Route(n) {
				if err := d.deliver(ctx, dl); err != nil {
					d.fail(dl, err)
				} else {
					d.delivered.Add(1)
				}
			}
		}
	}
}

// SetLogger makes the dispatcher log each delivery failure when it
// happens, on l, at most one line per delivery target (kind and target)
// per every (<= 0: one minute); the lines in between are counted and the
// next line reports them as "suppressed". Call it before Run. Nil (the
// default) logs nothing: failures are only counted (Stats).
func (d *Dispatcher) SetLogger(l *slog.Logger, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	d.fails.log, d.fails.every = l, every
}

// fail counts a failed delivery and logs it (rate-limited).
func (d *Dispatcher) fail(dl Delivery, err error) {
	d.failed.Add(1)
	d.mu.Lock()
	d.lastErr = err
	d.lastErrAt = d.fails.now()
	d.failedBy[dl.Kind]++
	d.mu.Unlock()
	d.fails.report(dl, err)
}

// DispatchStats are the dispatcher's counters, monotonic over its life
// (export them as counters: delivered, failed by kind, dropped).
type DispatchStats struct {
	Delivered int64
	Failed    int64
	Dropped   int64 // Send found the queue full
	// FailedByKind splits Failed by delivery kind (log, flag, webhook,
	// action).
	FailedByKind map[DeliveryKind]int64
	// LogSuppressed counts failures not logged because of the rate limit.
	LogSuppressed int64
	LastError     string
	LastErrorTime time.Time
}

// Stats returns a snapshot of the counters; safe from any goroutine.
func (d *Dispatcher) Stats() DispatchStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := DispatchStats{Delivered: d.delivered.Load(), Failed: d.failed.Load(), Dropped: d.dropped.Load(),
		FailedByKind: make(map[DeliveryKind]int64, len(d.failedBy)), LogSuppressed: d.fails.suppressedTotal.Load(),
		LastErrorTime: d.lastErrAt}
	for k, v := range d.failedBy {
		s.FailedByKind[k] = v
	}
	if d.lastErr != nil {
		s.LastError = d.lastErr.Error()
	}
	return s
}

// Counts returns delivered, failed and dropped counts.
func (d *Dispatcher) Counts() (delivered, failed, dropped int64) {
	return d.delivered.Load(), d.failed.Load(), d.dropped.Load()
}

// LastError returns the last delivery error.
func (d *Dispatcher) LastError() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lastErr
}

func (d *Dispatcher) deliver(ctx context.Context, dl Delivery) error {
	switch dl.Kind {
	case DeliverLog:
		return d.log(dl.Path, dl.N)
	case DeliverFlag:
		return writeFlag(dl.Path, dl.N.DeviceActive)
	case DeliverWebhook:
		return d.post(ctx, dl.Webhook, dl.N)
	case DeliverAction:
		a := dl.Action
		switch a.Kind {
		case ActSystem:
			c, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			return d.system(c, a.Target)
		case ActCommand, ActAttribute:
			if d.exec == nil {
				return fmt.Errorf("ACTION %s %s: no executor configured", a.Kind, a.Target)
			}
			dev, name := splitLast(a.Target)
			if a.Kind == ActCommand {
				return d.exec.Command(ctx, dev, name, a.Args)
			}
			return d.exec.WriteAttribute(ctx, dev, name, a.Args)
		}
	}
	return fmt.Errorf("unknown delivery %q", dl.Kind)
}

func splitLast(s string) (string, string) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// LogRecord is one line of the log file (JSON lines).
type LogRecord struct {
	Time        time.Time `json:"time"`
	Type        string    `json:"type"`
	Device      string    `json:"device"`
	Tag         string    `json:"tag"`
	Severity    string    `json:"severity"`
	State       string    `json:"state"`
	Description string    `json:"description,omitempty"`
	Values      string    `json:"values,omitempty"`
	Comment     string    `json:"comment,omitempty"`
	Runbook     string    `json:"runbook,omitempty"`
	Suppressed  bool      `json:"suppressed,omitempty"`
}

// Record is the log line of n.
func Record(n alarm.Notification) LogRecord {
	return LogRecord{Time: n.Time.UTC(), Type: string(n.Type), Device: n.Device, Tag: n.Tag, Severity: n.Severity,
		State: n.State.String(), Description: n.Description, Values: n.Values, Comment: n.Comment, Runbook: n.Runbook,
		Suppressed: n.Suppressed}
}

func (d *Dispatcher) log(path string, n alarm.Notification) error {
	f := d.files[path]
	if f == nil {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		var err error
		if f, err = os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err != nil {
			return err
		}
		d.files[path] = f
	}
	b, err := json.Marshal(Record(n))
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	return err
}

// writeFlag replaces the flag file's content by "1" or "0" (atomically:
// a monitoring script never reads a half-written file).
func writeFlag(path string, active bool) error {
	v := "0"
	if active {
		v = "1"
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(v), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (d *Dispatcher) closeFiles() {
	for p, f := range d.files {
		f.Close()
		delete(d.files, p)
	}
}
