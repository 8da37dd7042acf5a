// Package alarm runs PyAlarm (PANIC) devices inside the twin.
//
// It is a pure core: time is injected, nothing does I/O. A PyAlarm device of
// the catalog becomes a sim.Behavior (Kinds registers the "PyAlarm" class):
// its AlarmList formulas are rewritten the way fandango's TangoEval and
// PANIC's AlarmAPI do (tag replacement, upper-case operators, comments,
// $(NAME), GROUP/COPY/FIND macros, Tango-name recognition), compiled once
// with package formula in Python 2 mode, and evaluated once per
// PollingPeriod, staggered. Each alarm follows PANIC's lifecycle
// (state.go: NORM, UNACK, ACKED, RTNUN, SHLVD, DSUPR, OOSRV, ERROR) with
// the AlarmThreshold counter, AutoReset and Reminder timers, and produces
// Notification records; delivering them (webhook, log file, actions) is the
// job of package alarm/notify, outside the core. Remediation rules
// ("hammers") live in package alarm/hammer.
//
// See docs/alarms.md for the supported semantics and the deliberate
// differences from PyAlarm.
package alarm
