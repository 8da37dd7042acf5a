package notify

import (
	"fmt"
	"regexp"
	"strings"

	"chaoslab/internal/alarm"
)

// ActionKind is what an ACTION does.
type ActionKind string

// Action kinds (pya:L1158-1229).
const (
	ActCommand   ActionKind = "command"   // run dev/cmd with args (asynchronously)
	ActAttribute ActionKind = "attribute" // write dev/attr
	ActSystem    ActionKind = "system"    // OS command, only when allowed
)

// Action is one parsed ACTION receiver group.
type Action struct {
	On     []string   // message types in lower case, "*" for any
	Kind   ActionKind // command, attribute, system
	Target string     // dev/cmd, dev/attr, or the system command line
	Args   []string
}

// Matches reports whether the action runs for message type t.
func (a Action) Matches(t alarm.MsgType) bool {
	m := msgKey(t)
	for _, o := range a.On {
		if o == "*" || o == m {
			return true
		}
	}
	return false
}

// msgKey is the lower-case name ACTION uses for a message type.
func msgKey(t alarm.MsgType) string {
	switch t {
	case alarm.MsgDisabled:
		return "disable"
	case alarm.MsgAcknowledged:
		return "acknowledge"
	}
	return strings.ToLower(string(t))
}

var groupStart = regexp.MustCompile(`^\s*([A-Za-z*]+)\s*:`)

// ParseActions parses the inside of ACTION(...). Both syntaxes are
// accepted: the code's ACTION(alarm:system,beep) and
// ACTION(alarm:command,dev/cmd,arg) and the user guide's
// ACTION(alarm:system:beep&) (a ':' after the kind), which PyAlarm itself
// does not understand (simulatords.md §3.7). Several groups may be
// separated by ';' when each starts with a message type and ':'.
func ParseActions(body string) ([]Action, error) {
	var groups []string
	for _, part := range splitTop(body, ';') {
		if len(groups) > 0 && !groupStart.MatchString(part) {
			groups[len(groups)-1] += ";" + part // an argument containing ';'
			continue
		}
		groups = append(groups, part)
	}
	var out []Action
	for _, g := range groups {
		m := groupStart.FindStringSubmatch(g)
		if m == nil {
			return nil, fmt.Errorf("ACTION(%s): expected msg:kind,target[,args] (msg one of alarm, recovered, reminder, reset, autoreset, acknowledge, disable, *)", body)
		}
		msg := strings.ToLower(m[1])
		if !validMsg[msg] {
			return nil, fmt.Errorf("ACTION(%s): unknown message type %q", body, m[1])
		}
		rest := strings.TrimSpace(g[len(m[0]):])
		k := strings.IndexAny(rest, ",:")
		if k < 0 {
			return nil, fmt.Errorf("ACTION(%s): expected a target after %q", body, rest)
		}
		kind := ActionKind(strings.ToLower(strings.TrimSpace(rest[:k])))
		rest = rest[k+1:]
		a := Action{On: []string{msg}, Kind: kind}
		switch kind {
		case ActSystem:
			// the system command is one string; the code's form splits it
			// on ',' and joins the pieces with spaces.
			a.Target = strings.TrimSpace(strings.Join(splitTop(rest, ','), " "))
		case ActCommand, ActAttribute:
			parts := splitTop(rest, ',')
			a.Target = strings.TrimSpace(parts[0])
			for _, p := range parts[1:] {
				a.Args = append(a.Args, strings.TrimSpace(p))
			}
			if strings.Count(a.Target, "/") < 3 {
				return nil, fmt.Errorf("ACTION(%s): %s target %q: expected dom/fam/mem/name", body, kind, a.Target)
			}
		default:
			return nil, fmt.Errorf("ACTION(%s): unknown kind %q (expected command, attribute or system)", body, kind)
		}
		if a.Target == "" {
			return nil, fmt.Errorf("ACTION(%s): empty target", body)
		}
		out = append(out, a)
	}
	return out, nil
}

var validMsg = map[string]bool{"alarm": true, "recovered": true, "reminder": true, "reset": true, "autoreset": true,
	"acknowledge": true, "acknowledged": true, "disable": true, "disabled": true, "*": true}

// splitTop splits s on sep outside parentheses, brackets and quotes (one
// nesting level is what PyAlarm allows; any depth is accepted here).
func splitTop(s string, sep byte) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case c == sep && depth <= 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// Receivers splits an AlarmReceivers value into its ACTION groups and
// other receivers (e-mail, SMS, URLs ...), as PyAlarm classifies them
// (pya:L965-971).
func Receivers(s string) (actions []Action, others []string, errs []error) {
	for _, r := range splitTop(s, ',') {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if strings.HasPrefix(r, "ACTION(") && strings.HasSuffix(r, ")") {
			as, err := ParseActions(r[len("ACTION(") : len(r)-1])
			if err != nil {
				errs = append(errs, err)
				continue
			}
			actions = append(actions, as...)
			continue
		}
		others = append(others, r)
	}
	return actions, others, errs
}

// Expand substitutes PyAlarm's placeholders (pya:L434-489) in s.
func Expand(s string, n alarm.Notification) string {
	if !strings.Contains(s, "$") {
		return s
	}
	dev := strings.ToUpper(strings.NewReplacer("/", "_", "-", "_").Replace(n.Device))
	date := n.Time.UTC().Format("20060102150405")
	return strings.NewReplacer(
		"$ALARM", n.Tag, "$TAG", n.Tag, "$NAME", n.Tag, "$DEVICE", dev,
		"$DATETIME", date, "$DATE", date, "$MESSAGE", string(n.Type),
		"$DESCRIPTION", n.Description, "$VALUES", n.Values,
	).Replace(s)
}
