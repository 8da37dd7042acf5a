package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"chaoslab/internal/alarm"
)

// WebhookMessage is Alertmanager's webhook payload, version 4.
type WebhookMessage struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []WebhookAlert    `json:"alerts"`
}

// WebhookAlert is one alert of a WebhookMessage.
type WebhookAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// Resolved reports whether a message type ends the alert.
func Resolved(t alarm.MsgType) bool {
	switch t {
	case alarm.MsgRecovered, alarm.MsgReset, alarm.MsgAutoReset, alarm.MsgDisabled:
		return true
	}
	return false
}

// Payload builds the webhook message of one notification: one alert,
// grouped by alertname and device. Labels: alertname (the tag), device,
// severity, state; annotations: description, formula, message, values,
// comment, runbook_url (those that are set).
func Payload(n alarm.Notification, receiver, externalURL string) WebhookMessage {
	status := "firing"
	if Resolved(n.Type) {
		status = "resolved"
	}
	labels := map[string]string{"alertname": n.Tag, "device": n.Device, "severity": n.Severity, "state": n.State.String()}
	ann := map[string]string{"message": string(n.Type)}
	for k, v := range map[string]string{"description": n.Description, "formula": n.Formula, "values": n.Values,
		"comment": n.Comment, "runbook_url": n.Runbook} {
		if v != "" {
			ann[k] = v
		}
	}
	a := WebhookAlert{Status: status, Labels: labels, Annotations: ann, StartsAt: n.Active.UTC(),
		GeneratorURL: strings.TrimSuffix(externalURL, "/") + "/alarms/" + n.Device + "/" + n.Tag,
		Fingerprint:  Fingerprint(labelsForFingerprint(labels))}
	if a.StartsAt.IsZero() || n.Active.IsZero() {
		a.StartsAt = n.Time.UTC()
	}
	if status == "resolved" {
		a.EndsAt = n.Time.UTC()
		if !n.Recovered.IsZero() {
			a.EndsAt = n.Recovered.UTC()
		}
	}
	group := map[string]string{"alertname": n.Tag, "device": n.Device}
	return WebhookMessage{
		Version: "4", GroupKey: groupKey(group), Status: status, Receiver: receiver,
		GroupLabels: group, CommonLabels: labels, CommonAnnotations: ann, ExternalURL: externalURL,
		Alerts: []WebhookAlert{a},
	}
}

// labelsForFingerprint leaves out the state, which changes along an
// alert's life: the fingerprint identifies the alert.
func labelsForFingerprint(l map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range l {
		if k != "state" {
			out[k] = v
		}
	}
	return out
}

// groupKey renders Alertmanager's group key: "{}:{k=\"v\", ...}".
func groupKey(l map[string]string) string {
	keys := sortedKeys(l)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, l[k])
	}
	return "{}:{" + strings.Join(parts, ", ") + "}"
}

func sortedKeys(l map[string]string) []string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Fingerprint is Prometheus's label-set fingerprint: FNV-1a 64 over the
// sorted names and values, each followed by 0xff, as 16 hex digits.
func Fingerprint(l map[string]string) string {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	add := func(s string) {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= prime
		}
		h ^= 0xff
		h *= prime
	}
	for _, k := range sortedKeys(l) {
		add(k)
		add(l[k])
	}
	return fmt.Sprintf("%016x", h)
}

// Webhook posts Payload JSON to a URL.
type Webhook struct {
	Name        string // receiver name in the payload
	URL         string
	ExternalURL string
	Client      *http.Client // nil: a client with a 10 s timeout
}

// Post sends one notification.
func (w *Webhook) Post(ctx context.Context, n alarm.Notification) error {
	body, err := json.Marshal(Payload(n, w.Name, w.ExternalURL))
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	c := w.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %s: %w", w.URL, err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook %s: HTTP %s", w.URL, resp.Status)
	}
	return nil
}
