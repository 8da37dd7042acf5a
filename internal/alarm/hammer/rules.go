package hammer

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"chaoslab/internal/config"
)

// Mode is report (decide and journal only) or act.
type Mode string

// Modes.
const (
	Report Mode = "report"
	Act    Mode = "act"
)

// Rule is one hammer.
type Rule struct {
	Name string `yaml:"name"`
	// Alarm is "device/TAG" or a bare TAG (any device); '*' wildcards.
	Alarm string `yaml:"alarm"`
	// For is how long the alarm must have been active.
	For Duration `yaml:"for"`
	// Action is restart, start, stop or kill (servers), or command
	// (Command on each target device).
	Action  string   `yaml:"action"`
	Command string   `yaml:"command,omitempty"`
	Args    []string `yaml:"args,omitempty"`
	Targets []string `yaml:"targets"`
	// Mode defaults to report.
	Mode Mode `yaml:"mode,omitempty"`
	// MaxAttempts per target (within Window when set); default 3.
	MaxAttempts int `yaml:"max_attempts,omitempty"`
	// Window limits the attempts counted (0: all attempts ever).
	Window Duration `yaml:"window,omitempty"`
	// Cooldown between two attempts on a target; default 5m.
	Cooldown Duration `yaml:"cooldown,omitempty"`
	Runbook  string   `yaml:"runbook,omitempty"`
}

// Duration is a time.Duration written as "30s", "5m".
type Duration time.Duration

// UnmarshalText parses a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("expected a duration like 30s or 5m, got %q", b)
	}
	if v < 0 {
		return fmt.Errorf("negative duration %q", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalText renders the duration.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// File is a hammer rule file.
type File struct {
	Hammers []Rule `yaml:"hammers"`
}

var actions = map[string]bool{"restart": true, "start": true, "stop": true, "kill": true, "command": true}

// Parse reads a rule file strictly (unknown keys and duplicates are
// errors); problems name file:line:col.
func Parse(name string, data []byte) ([]Rule, error) {
	var f File
	if err := config.DecodeStrict(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %s", name, yaml.FormatError(err, false, false))
	}
	pos := func(i int, field string) string {
		file, err := parser.ParseBytes(data, 0)
		if err != nil {
			return name
		}
		p, err := yaml.PathString(fmt.Sprintf("$.hammers[%d].%s", i, field))
		if err != nil {
			return name
		}
		n, err := p.FilterFile(file)
		if err != nil || n == nil {
			if field != "" {
				p, _ = yaml.PathString(fmt.Sprintf("$.hammers[%d]", i))
				if n, err = p.FilterFile(file); err != nil || n == nil {
					return name
				}
			} else {
				return name
			}
		}
		t := n.GetToken()
		return fmt.Sprintf("%s:%d:%d", name, t.Position.Line, t.Position.Column)
	}
	seen := map[string]bool{}
	var errs []string
	for i := range f.Hammers {
		r := &f.Hammers[i]
		bad := func(field, msg string) { errs = append(errs, pos(i, field)+": hammer "+r.Name+": "+msg) }
		switch {
		case r.Name == "":
			bad("", "name is required")
		case seen[r.Name]:
			bad("name", "name used twice")
		}
		seen[r.Name] = true
		if r.Alarm == "" {
			bad("alarm", "alarm is required (device/TAG or TAG)")
		}
		if !actions[r.Action] {
			bad("action", fmt.Sprintf("action %q: expected restart, start, stop, kill or command", r.Action))
		}
		if r.Action == "command" && r.Command == "" {
			bad("command", "action command needs command: NAME")
		}
		if len(r.Targets) == 0 {
			bad("targets", "targets are required (servers, or devices for command)")
		}
		switch r.Mode {
		case "":
			r.Mode = Report
		case Report, Act:
		default:
			bad("mode", fmt.Sprintf("mode %q: expected report or act", r.Mode))
		}
		if r.MaxAttempts < 0 {
			bad("max_attempts", "max_attempts must be >= 1")
		}
		if r.MaxAttempts == 0 {
			r.MaxAttempts = 3
		}
		if r.Cooldown == 0 {
			r.Cooldown = Duration(5 * time.Minute)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return f.Hammers, nil
}

// Load reads a rule file.
func Load(path string) ([]Rule, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}
