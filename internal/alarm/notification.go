package alarm

import "time"

// Notification is one message of an alarm (ALARM, RECOVERED, REMINDER,
// ACKNOWLEDGED, RESET, AUTORESET, DISABLED) as the core produces it. The
// core does no I/O: package alarm/notify delivers these records to the
// alarm's receivers (webhook, actions, log file).
type Notification struct {
	Time        time.Time
	Type        MsgType
	Device      string // the PyAlarm device
	Tag         string
	Severity    string
	Description string
	Formula     string
	Receivers   string // AlarmReceivers entry (raw)
	Runbook     string
	Comment     string // of Acknowledge/ResetAlarm/Disable
	Values      string // repr of the last evaluation result (or the error)
	State       State  // alarm state after the message
	Active      time.Time
	Recovered   time.Time // end of the alarm for RECOVERED/RESET/AUTORESET/DISABLED
	// Suppressed is set while the device is not Enabled: PyAlarm then
	// only writes the log file (no actions, no messages).
	Suppressed      bool
	AlertOnRecovery bool
	LogFile         string // the device's LogFile property
	// FlagFile is the device's FlagFile property: the delivery layer
	// writes "1" there while DeviceActive (any alarm of the device is
	// active after this message), else "0" (a Nagios-style flag).
	FlagFile     string
	DeviceActive bool
	// AllowedActions are the first words of the system commands this
	// device may run (ACTION(...:system,...)): its AllowedActions
	// property, else its class's (PyAlarm checks them per device).
	AllowedActions []string
}
