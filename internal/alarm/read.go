package alarm

import (
	"fmt"
	"strings"
	"time"

	"chaoslab/internal/formula/pyval"
	"chaoslab/internal/sim"
)

// Read implements sim.Behavior: alarm attributes (one DevBoolean per tag),
// ActiveAlarms, AlarmSummary and the other PyAlarm attributes, State and
// Status.
func (d *Device) Read(now time.Time, attr string) sim.Reading {
	r := sim.Reading{Attr: attr, Time: now}
	for _, a := range d.attrs {
		if strings.EqualFold(a.name, attr) {
			r.Attr = a.name
			on, bad := false, false
			for _, m := range a.members {
				on = on || !m.Active.IsZero()
				bad = bad || m.Failed || m.Shelved(now)
			}
			r.Value = pyval.Bool(on)
			switch {
			case bad:
				r.Quality = sim.Invalid
			default:
				r.Quality = severityQuality(a.members[0].Severity)
			}
			return r
		}
	}
	strs := func(ss []string) sim.Reading {
		vs := make([]pyval.Value, len(ss))
		for i, s := range ss {
			vs[i] = pyval.Str(s)
		}
		r.Value = pyval.NewList(vs)
		return r
	}
	switch strings.ToLower(attr) {
	case "state":
		s, _ := d.State(now)
		r.Attr, r.Value = "State", pyval.Int(int64(s))
		return r
	case "status":
		_, s := d.State(now)
		r.Attr, r.Value = "Status", pyval.Str(s)
		return r
	case "activealarms":
		r.Attr = "ActiveAlarms"
		var out []string
		for _, a := range d.alarms {
			if !a.Active.IsZero() {
				out = append(out, fmt.Sprintf("%s:%s:%s", a.Tag, a.Active.UTC().Format("Mon Jan _2 15:04:05 2006"), a.Formula))
			}
		}
		return strs(out)
	case "alarmsummary":
		r.Attr = "AlarmSummary"
		return strs(d.Summary(now))
	case "alarmlist":
		r.Attr = "AlarmList"
		var out []string
		for _, a := range d.alarms {
			out = append(out, a.Tag+":"+a.Formula)
		}
		return strs(out)
	case "acknowledgedalarms":
		r.Attr = "AcknowledgedAlarms"
		var out []string
		for _, a := range d.alarms {
			if !a.Acknowledged.IsZero() {
				out = append(out, a.Tag)
			}
		}
		return strs(out)
	case "disabledalarms":
		r.Attr = "DisabledAlarms"
		var out []string
		for _, a := range d.alarms {
			if a.Shelved(now) {
				out = append(out, a.Tag+":"+fmtTime(a.Disabled))
			}
		}
		return strs(out)
	case "failedalarms":
		r.Attr = "FailedAlarms"
		var out []string
		for _, a := range d.alarms {
			if a.Failed {
				out = append(out, a.Tag)
			}
		}
		return strs(out)
	case "pastalarms":
		r.Attr = "PastAlarms"
		return strs(append([]string(nil), d.past...))
	case "lastalarm":
		r.Attr, r.Value = "LastAlarm", pyval.Str(d.lastMsg)
		return r
	case "lastupdate":
		r.Attr, r.Value = "LastUpdate", pyval.Float(float64(d.lastEval.UnixNano())/1e9)
		return r
	case "versionnumber":
		r.Attr, r.Value = "VersionNumber", pyval.Str(Version)
		return r
	}
	r.Value, r.Quality = pyval.None, sim.Invalid
	r.Err = &sim.DevError{Reason: "API_AttrNotFound", Desc: fmt.Sprintf("attribute %s not found in %s", attr, d.name), Origin: "PyAlarm.read"}
	return r
}

// severityQuality is the alarm attribute quality (pya:L294-304).
func severityQuality(sev string) sim.Quality {
	switch sev {
	case "DEBUG", "INFO", "CONTROL":
		return sim.Valid
	case "ALARM", "ERROR":
		return sim.Alarm
	}
	return sim.Warning
}

// Summary is the AlarmSummary attribute: one line per alarm,
// "tag=..;state=..;priority=..;time=..;formula=..;message=.." (props:L71),
// plus ";runbook=.." when the alarm has one.
func (d *Device) Summary(now time.Time) []string {
	dis := !d.isEnabled(now)
	out := make([]string, 0, len(d.alarms))
	for _, a := range d.alarms {
		t := ""
		if !a.Active.IsZero() {
			t = fmtTime(a.Active)
		}
		line := fmt.Sprintf("tag=%s;state=%s;priority=%s;time=%s;formula=%s;message=%s",
			a.Tag, a.State(now, dis), a.Severity, t, a.Formula, a.Description)
		if a.Runbook != "" {
			line += ";runbook=" + a.Runbook // chaoslab extension, last so PANIC parsers keep working
		}
		out = append(out, line)
	}
	return out
}

// Command implements sim.Behavior: PyAlarm's commands (pya:L1287-2660).
func (d *Device) Command(now time.Time, cmd string, arg pyval.Value) (pyval.Value, error) {
	args := argStrings(d.ctx, arg)
	tagArg := func() (*Alarm, error) {
		if len(args) == 0 {
			return nil, d.cmdErr("API_WrongNumberOfArgs", cmd+": expected an alarm tag")
		}
		a := d.byTag[args[0]]
		if a == nil {
			return nil, d.cmdErr("PyAlarm_UnknownAlarm", cmd+": unknown alarm "+args[0])
		}
		return a, nil
	}
	comment := func() string {
		if len(args) > 1 {
			return args[1]
		}
		return ""
	}
	switch strings.ToLower(cmd) {
	case "acknowledge":
		a, err := tagArg()
		if err != nil {
			return pyval.None, err
		}
		d.send(a, now, a.Acknowledge(now), comment())
		return d.activeList(), nil
	case "resetalarm":
		a, err := tagArg()
		if err != nil {
			return pyval.None, err
		}
		if len(args) < 2 {
			return pyval.None, d.cmdErr("UserMessageRequiredAs2ndArgument", "ResetAlarm: a comment is required as second argument")
		}
		d.send(a, now, a.Reset(now), comment())
		return d.activeList(), nil
	case "renounce":
		a, err := tagArg()
		if err != nil {
			return pyval.None, err
		}
		a.Renounce()
		return pyval.Str("DONE"), nil
	case "disable":
		a, err := tagArg()
		if err != nil {
			return pyval.None, err
		}
		var until time.Time
		if len(args) > 2 && strings.TrimSpace(args[2]) != "" {
			dur, ok := ParseTimeout(args[2])
			if !ok {
				return pyval.None, d.cmdErr("API_IncompatibleCmdArgumentType", "Disable: timeout "+args[2]+": expected a number with unit s, m, h, d, w, M or y")
			}
			until = now.Add(dur)
		}
		d.send(a, now, a.Disable(now, until), comment())
		return pyval.Bool(true), nil
	case "enable":
		a, err := tagArg()
		if err != nil {
			return pyval.None, err
		}
		a.Enable()
		return pyval.Bool(true), nil
	case "checkalarm":
		a, err := tagArg()
		if err != nil {
			return pyval.None, err
		}
		return pyval.Bool(!a.Active.IsZero()), nil
	case "checkdisabled":
		a, err := tagArg()
		if err != nil {
			return pyval.None, err
		}
		return pyval.Bool(a.Shelved(now)), nil
	case "checkacknowledged":
		a, err := tagArg()
		if err != nil {
			return pyval.None, err
		}
		return pyval.Bool(!a.Acknowledged.IsZero()), nil
	case "resetall":
		c := ""
		if len(args) > 0 {
			c = args[0]
		}
		var done []string
		for _, a := range d.alarms {
			if !a.Active.IsZero() {
				d.send(a, now, a.Reset(now), c)
				done = append(done, a.Tag)
			}
		}
		return pyval.Str(strings.Join(done, ",")), nil
	case "evaluateformula":
		if len(args) == 0 {
			return pyval.None, d.cmdErr("API_WrongNumberOfArgs", "EvaluateFormula: expected a formula or a tag")
		}
		f := args[0]
		if a := d.byTag[f]; a != nil {
			f = a.Formula
		}
		c := d.compile(f, "")
		_, v, err := d.evaluate(c, make([]ring, len(c.keys)), now)
		d.runDeferred(now)
		s := ""
		if err != nil {
			s = err.Error()
		} else if rs, e := pyval.Repr(d.ctx, v); e == nil {
			s = rs
		}
		ign := map[ignoreMode]string{ignoreTrue: "True", ignoreFalse: "False", ignoreNaN: "NaN"}[d.cfg.Ignore]
		return pyval.Str(fmt.Sprintf("%s (IgnoreExceptions=%s,RethrowState=%s,RethrowAttribute=%s)", s, ign, pyBool(d.cfg.RethrowState), pyBool(d.cfg.RethrowAttribute))), nil
	case "getalarminfo":
		a, err := tagArg()
		if err != nil {
			return pyval.None, err
		}
		info := []string{"tag=" + a.Tag, "device=" + d.name, "formula=" + a.Formula, "severity=" + a.Severity,
			"description=" + a.Description, "receivers=" + a.Receivers, "runbook=" + a.Runbook,
			"state=" + a.State(now, !d.isEnabled(now)).String()}
		vs := make([]pyval.Value, len(info))
		for i, s := range info {
			vs[i] = pyval.Str(s)
		}
		return pyval.NewList(vs), nil
	case "state":
		s, _ := d.State(now)
		return pyval.Int(int64(s)), nil
	case "status":
		_, s := d.State(now)
		return pyval.Str(s), nil
	case "init":
		return pyval.None, nil
	}
	return pyval.None, d.cmdErr("API_CommandNotFound", "command "+cmd+" not found in "+d.name)
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func (d *Device) cmdErr(reason, desc string) error {
	return &sim.DevError{Reason: reason, Desc: desc, Origin: d.name}
}

func (d *Device) activeList() pyval.Value {
	var vs []pyval.Value
	for _, a := range d.alarms {
		if !a.Active.IsZero() {
			vs = append(vs, pyval.Str(a.Tag))
		}
	}
	return pyval.NewList(vs)
}

// argStrings flattens a command argument to strings.
func argStrings(ctx *pyval.Context, v pyval.Value) []string {
	switch v.K {
	case pyval.StrKind:
		return []string{v.String()}
	case pyval.ListKind, pyval.TupleKind:
		items, _ := pyval.Items(ctx, v)
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, _ := pyval.ToStr(ctx, it)
			out = append(out, s)
		}
		return out
	case pyval.NoneKind, pyval.Undefined:
		return nil
	}
	s, _ := pyval.ToStr(ctx, v)
	return []string{s}
}
