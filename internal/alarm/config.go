package alarm

import (
	"math"
	"strconv"
	"strings"
	"time"

	"chaoslab/internal/catalog"
)

// Severity levels (props:L62-69).
var severities = map[string]int{"DEBUG": 0, "INFO": 1, "WARNING": 2, "ALARM": 3, "ERROR": 4, "CONTROL": -1}

// SeverityRank returns PANIC's priority of a severity name (WARNING's for
// unknown names).
func SeverityRank(s string) int {
	if r, ok := severities[strings.ToUpper(s)]; ok {
		return r
	}
	return 2
}

// Config is a PyAlarm device's configuration: its properties with PANIC's
// defaults (props:L234-370). Device properties override class properties.
type Config struct {
	PollingPeriod    time.Duration // default 15 s
	Threshold        int           // AlarmThreshold, default 3
	AutoReset        time.Duration // default 3600 s
	Reminder         time.Duration // default 0 (never)
	AlertOnRecovery  bool
	StartupDelay     time.Duration // effective, >= 3 s
	RethrowState     bool          // default true
	RethrowAttribute bool          // default false
	Ignore           ignoreMode    // IgnoreExceptions, default True
	Enabled          string        // raw Enabled property, default "120"
	LogFile          string
	FlagFile         string // "" (PyAlarm's /tmp/alarm_ds.nagios default is not applied: no unasked files)
	MaxMessages      int    // MaxMessagesPerAlarm, 0 unlimited
	WikiLink         string
	// AllowedActions: first words of the system commands the device's
	// ACTION receivers may run (device property, else class property;
	// items separated by newlines, commas or blanks).
	AllowedActions []string
}

type ignoreMode uint8

const (
	ignoreTrue ignoreMode = iota
	ignoreFalse
	ignoreNaN
)

// props looks properties up on the device, then its class.
type props struct {
	dev   *catalog.Device
	class *catalog.Class
}

func (p props) get(name string) ([]string, bool) {
	if pr := p.dev.Property(name); pr != nil {
		return pr.Values, true
	}
	if p.class != nil {
		if pr := p.class.Property(name); pr != nil {
			return pr.Values, true
		}
	}
	return nil, false
}

func (p props) str(name, def string) string {
	v, ok := p.get(name)
	if !ok || len(v) == 0 {
		return def
	}
	return strings.TrimSpace(strings.Join(v, "\n"))
}

func (p props) seconds(name string, def float64, probs *[]error) time.Duration {
	s := p.str(name, "")
	if s == "" {
		return secs(def)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || math.IsInf(f, 0) {
		*probs = append(*probs, &ParseError{Pos: p.pos(name), Msg: name + ": expected a number of seconds, got " + strconv.Quote(s)})
		return secs(def)
	}
	return secs(f)
}

func (p props) pos(name string) catalog.Pos {
	if pr := p.dev.Property(name); pr != nil {
		if len(pr.At) > 0 {
			return pr.At[0]
		}
		return pr.Pos
	}
	return p.dev.Pos
}

func (p props) boolean(name string, def bool, probs *[]error) bool {
	s := strings.ToLower(p.str(name, ""))
	switch s {
	case "":
		return def
	case "true", "1", "yes", "on":
		return true
	case "false", "0", "no", "off":
		return false
	}
	*probs = append(*probs, &ParseError{Pos: p.pos(name), Msg: name + ": expected true or false, got " + strconv.Quote(s)})
	return def
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }

// readConfig reads a device's configuration.
func readConfig(dev *catalog.Device, class *catalog.Class) (Config, []error) {
	p := props{dev: dev, class: class}
	var probs []error
	c := Config{
		PollingPeriod:    p.seconds("PollingPeriod", 15, &probs),
		AutoReset:        p.seconds("AutoReset", 3600, &probs),
		Reminder:         p.seconds("Reminder", 0, &probs),
		StartupDelay:     max(p.seconds("StartupDelay", 0, &probs), 3*time.Second),
		RethrowState:     p.boolean("RethrowState", true, &probs),
		RethrowAttribute: p.boolean("RethrowAttribute", false, &probs),
		Enabled:          p.str("Enabled", "120"),
		LogFile:          p.str("LogFile", ""),
		FlagFile:         p.str("FlagFile", ""),
		WikiLink:         p.str("AlarmWikiLink", ""),
	}
	if v, ok := p.get("AllowedActions"); ok {
		c.AllowedActions = SplitAllowedActions(v)
	}
	if c.PollingPeriod <= 0 {
		probs = append(probs, &ParseError{Pos: p.pos("PollingPeriod"), Msg: "PollingPeriod must be > 0; using 15"})
		c.PollingPeriod = 15 * time.Second
	}
	th := p.str("AlarmThreshold", "3")
	if n, err := strconv.ParseFloat(th, 64); err == nil && n >= 0 && n < 1e6 {
		c.Threshold = max(int(n), 1)
	} else {
		probs = append(probs, &ParseError{Pos: p.pos("AlarmThreshold"), Msg: "AlarmThreshold: expected a count, got " + strconv.Quote(th)})
		c.Threshold = 3
	}
	if mm := p.str("MaxMessagesPerAlarm", "0"); mm != "" {
		if n, err := strconv.Atoi(mm); err == nil && n >= 0 {
			c.MaxMessages = n
		}
	}
	aor := strings.ToLower(p.str("AlertOnRecovery", "false"))
	c.AlertOnRecovery = aor != "" && aor != "false" && aor != "0" && aor != "no"
	switch strings.ToLower(p.str("IgnoreExceptions", "True")) {
	case "false", "0", "no":
		c.Ignore = ignoreFalse
	case "nan":
		c.Ignore = ignoreNaN
	case "true", "1", "yes":
		c.Ignore = ignoreTrue
	default:
		probs = append(probs, &ParseError{Pos: p.pos("IgnoreExceptions"), Msg: "IgnoreExceptions: expected True, False or NaN"})
	}
	return c, probs
}

// enabledMode is the parsed Enabled property (pya:L576-601).
type enabledMode struct {
	kind    uint8 // 0 always, 1 never, 2 after N seconds, 3 formula
	after   time.Duration
	formula string
}

func parseEnabled(s string) enabledMode {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "yes", "enabled":
		return enabledMode{kind: 0}
	case "", "false", "0", "no", "none", "disabled", "nan":
		return enabledMode{kind: 1}
	}
	if n, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		return enabledMode{kind: 2, after: secs(n)}
	}
	return enabledMode{kind: 3, formula: s}
}

// ParseTimeout parses a Disable timeout: a number of seconds or a number
// with a unit s/m/h/d/w/M/y ("30m", "2h", "1d").
func ParseTimeout(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	unit := 1.0
	switch s[len(s)-1] {
	case 's':
		s = s[:len(s)-1]
	case 'm':
		unit, s = 60, s[:len(s)-1]
	case 'h':
		unit, s = 3600, s[:len(s)-1]
	case 'd':
		unit, s = 86400, s[:len(s)-1]
	case 'w':
		unit, s = 7*86400, s[:len(s)-1]
	case 'M':
		unit, s = 30*86400, s[:len(s)-1]
	case 'y':
		unit, s = 365*86400, s[:len(s)-1]
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || math.IsNaN(f) || f*unit > 1e10 {
		return 0, false
	}
	return secs(f * unit), true
}

// SplitAllowedActions splits AllowedActions property lines into command
// names (separated by newlines, commas or blanks), dropping duplicates.
func SplitAllowedActions(lines []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range lines {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}
