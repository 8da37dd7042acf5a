package alarm

import "time"

// State is a PANIC alarm state; the numbers are PANIC's (props:L44-54).
type State int

// Alarm states.
const (
	NORM  State = 0
	RTNUN State = 1
	ACKED State = 2
	UNACK State = 4 // alias ACTIVE = 3 in PANIC
	ERROR State = -1
	SHLVD State = -2
	DSUPR State = -3
	OOSRV State = -4
)

func (s State) String() string {
	switch s {
	case NORM:
		return "NORM"
	case RTNUN:
		return "RTNUN"
	case ACKED:
		return "ACKED"
	case UNACK:
		return "UNACK"
	case ERROR:
		return "ERROR"
	case SHLVD:
		return "SHLVD"
	case DSUPR:
		return "DSUPR"
	case OOSRV:
		return "OOSRV"
	}
	return "UNKNOWN"
}

// Active reports whether s is one of PANIC's ACTIVE_STATES.
func (s State) Active() bool { return s == UNACK || s == ACKED || s == RTNUN }

// MsgType is a notification message type (props:L116-117).
type MsgType string

// Message types.
const (
	MsgAlarm        MsgType = "ALARM"
	MsgAcknowledged MsgType = "ACKNOWLEDGED"
	MsgRecovered    MsgType = "RECOVERED"
	MsgReminder     MsgType = "REMINDER"
	MsgAutoReset    MsgType = "AUTORESET"
	MsgReset        MsgType = "RESET"
	MsgDisabled     MsgType = "DISABLED"
)

// Lifecycle is the state of one alarm between evaluations: PANIC's
// counter and timestamps (pya:L735-864). Its methods are the whole state
// machine; they take the time and return the messages to send, in order.
// A zero time means "not set".
type Lifecycle struct {
	// Threshold is AlarmThreshold: consecutive true evaluations to
	// activate, consecutive false ones to recover (>= 1).
	Threshold int
	// AutoReset: after this long recovered, the alarm resets (0: never).
	AutoReset time.Duration
	// Reminder: re-send ALARM as REMINDER this often while active and not
	// acknowledged (0: never).
	Reminder time.Duration
	// AlertOnRecovery also reminds when a recovered alarm comes back.
	AlertOnRecovery bool

	Counter      int
	Active       time.Time // activation time
	Recovered    time.Time // recovery time (counter back to 0 while active)
	Acknowledged time.Time
	Disabled     time.Time // shelved until this time (Disable command)
	LastSent     time.Time
	Failed       bool // last evaluation failed and was skipped (FailedAlarms)
}

// Forever is the default Disable timeout (PANIC uses 2038).
var Forever = time.Date(2038, 1, 19, 0, 0, 0, 0, time.UTC)

// Observe records one evaluation result (true: the formula was truthy).
func (l *Lifecycle) Observe(now time.Time, true_ bool) []MsgType {
	l.Failed = false
	th := max(l.Threshold, 1)
	if true_ {
		l.Counter = min(l.Counter+1, th)
		var out []MsgType
		if l.Counter >= th {
			switch {
			case l.Active.IsZero():
				l.Active = now
				if l.Acknowledged.IsZero() {
					out = append(out, MsgAlarm)
				}
			case l.Acknowledged.IsZero() && l.Reminder > 0 &&
				((!l.Recovered.IsZero() && l.AlertOnRecovery) || l.LastSent.Before(now.Add(-l.Reminder))):
				out = append(out, MsgReminder)
			}
			l.Recovered = time.Time{}
		}
		l.sent(now, out)
		return out
	}
	l.Counter = max(l.Counter-1, 0)
	if l.Counter > 0 || l.Active.IsZero() {
		return nil
	}
	var out []MsgType
	switch {
	case l.Recovered.IsZero():
		l.Recovered = now
		if l.Acknowledged.IsZero() {
			out = append(out, MsgRecovered)
		}
	case l.AutoReset > 0 && l.Recovered.Before(now.Add(-l.AutoReset)):
		l.clear()
		out = append(out, MsgAutoReset)
	}
	l.sent(now, out)
	return out
}

// Fail records an evaluation that failed and was skipped: the counter is
// unchanged and the alarm is listed in FailedAlarms until the next
// successful evaluation.
func (l *Lifecycle) Fail() { l.Failed = true }

// Acknowledge silences an active alarm; it stays active.
func (l *Lifecycle) Acknowledge(now time.Time) []MsgType {
	if l.Active.IsZero() || !l.Acknowledged.IsZero() {
		return nil
	}
	l.Acknowledged = now
	l.LastSent = now
	return []MsgType{MsgAcknowledged}
}

// Renounce undoes Acknowledge.
func (l *Lifecycle) Renounce() { l.Acknowledged = time.Time{} }

// Reset re-enables a disabled alarm and, if it is active, clears it.
func (l *Lifecycle) Reset(now time.Time) []MsgType {
	l.Disabled = time.Time{}
	if l.Active.IsZero() {
		return nil
	}
	l.clear()
	l.LastSent = now
	return []MsgType{MsgReset}
}

// Disable shelves the alarm until until (zero: Forever); it is freed and
// not evaluated meanwhile.
func (l *Lifecycle) Disable(now, until time.Time) []MsgType {
	if until.IsZero() {
		until = Forever
	}
	l.clear()
	l.Disabled = until
	l.LastSent = now
	return []MsgType{MsgDisabled}
}

// Enable removes a Disable.
func (l *Lifecycle) Enable() { l.Disabled = time.Time{} }

// Shelved reports whether the alarm is disabled at now; an expired
// Disable is removed (CheckDisabled).
func (l *Lifecycle) Shelved(now time.Time) bool {
	if l.Disabled.IsZero() {
		return false
	}
	if !now.Before(l.Disabled) {
		l.Disabled = time.Time{}
		return false
	}
	return true
}

// State derives the PANIC state (api:L541-584). deviceDisabled is the
// device's Enabled being false (DSUPR for all its alarms).
func (l *Lifecycle) State(now time.Time, deviceDisabled bool) State {
	switch {
	case !l.Disabled.IsZero() && now.Before(l.Disabled):
		return SHLVD
	case deviceDisabled:
		return DSUPR
	case l.Active.IsZero() && l.Failed:
		return ERROR
	case l.Active.IsZero():
		return NORM
	case !l.Acknowledged.IsZero():
		return ACKED
	case !l.Recovered.IsZero():
		return RTNUN
	}
	return UNACK
}

func (l *Lifecycle) clear() {
	l.Counter = 0
	l.Active, l.Recovered, l.Acknowledged = time.Time{}, time.Time{}, time.Time{}
}

func (l *Lifecycle) sent(now time.Time, out []MsgType) {
	if len(out) > 0 {
		l.LastSent = now
	}
}
