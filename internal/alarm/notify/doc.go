// Package notify delivers the notification records of package alarm:
// PyAlarm receivers (ACTION(...) commands, attribute writes and system
// commands), an Alertmanager-compatible webhook, and a log file, with
// silences and a per-alarm rate limit.
//
// The decisions are pure (Router.Route takes the time); the I/O happens in
// Sinks run by a Dispatcher, whose Send never blocks: it queues into a
// bounded buffer and counts what it drops, like Prometheus's notifier.
// Wire connects a Dispatcher to alarm.Options.Notify.
package notify
