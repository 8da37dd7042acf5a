package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"chaoslab/internal/alarm"
	ahammer "chaoslab/internal/alarm/hammer"
	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/supervisor"
)

// newAlarmCmds returns the alarm commands: alarms, ack, reset, disable,
// enable. They talk to the PyAlarm devices of a running server.
func newAlarmCmds(s Streams) []*cobra.Command {
	return []*cobra.Command{newAlarmsCmd(s),
		newAlarmActionCmd(s, "ack DEVICE TAG [COMMENT]", "Acknowledge an active alarm (it stays active, notifications stop)", "Acknowledge", 2, 3),
		newAlarmActionCmd(s, "reset DEVICE TAG COMMENT", "Reset an alarm (a comment is required, as in PyAlarm)", "ResetAlarm", 3, 3),
		newAlarmActionCmd(s, "disable DEVICE TAG [COMMENT] [TIMEOUT]", "Shelve an alarm, for TIMEOUT (30m, 2h, 1d) or until enabled", "Disable", 2, 4),
		newAlarmActionCmd(s, "enable DEVICE TAG", "Re-enable a disabled (shelved) alarm", "Enable", 2, 2),
	}
}

func newAlarmsCmd(s Streams) *cobra.Command {
	var o clientOpts
	var active bool
	var severity string
	var check bool
	var h hammerOpts
	c := &cobra.Command{
		Use:   "alarms [DEVICE-PATTERN]",
		Short: "List PyAlarm alarms with state, severity, activation time and runbook",
		Long: `List the alarms (AlarmSummary) of the PyAlarm devices matching the pattern
(default: all) on every server of the twin, or on the --addr server.

--active keeps UNACK, ACKED and RTNUN alarms; --severity S keeps alarms of
severity S or higher (DEBUG < INFO < WARNING < ALARM < ERROR). With --check
the command is a probe: it exits 1 when any alarm is listed, e.g.
"chaoslab alarms --active --severity ALARM --check" holds while no alarm of
severity ALARM is active.

--hammers FILE runs the hammer rules of FILE once against the alarms (run it
periodically, like a cron job): decisions are appended to the journal
(--journal, default FILE.journal), which is replayed first so that attempt
budgets and cool-downs hold across runs. Server actions (restart, start,
stop, kill) need --state (the twin's supervisor); command actions use --addr.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pattern := "*"
			if len(args) == 1 {
				pattern = args[0]
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			entries, err := o.alarmEntries(ctx, pattern)
			if err != nil {
				return err
			}
			if h.rules != "" {
				return h.run(ctx, s, &o, entries)
			}
			if active {
				keep := entries[:0]
				for _, e := range entries {
					if e.Active() {
						keep = append(keep, e)
					}
				}
				entries = keep
			}
			if severity != "" {
				keep := entries[:0]
				min := alarm.SeverityRank(severity)
				for _, e := range entries {
					if alarm.SeverityRank(e.Severity) >= min {
						keep = append(keep, e)
					}
				}
				entries = keep
			}
			if o.json {
				if entries == nil {
					entries = []alarm.SummaryEntry{}
				}
				if err := printJSON(s.Out, entries); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "DEVICE\tTAG\tSTATE\tSEVERITY\tSINCE\tRUNBOOK\tDESCRIPTION")
				for _, e := range entries {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Device, e.Tag, e.State, e.Severity, dash(e.Time), dash(e.Runbook), e.Message)
				}
				if err := tw.Flush(); err != nil {
					return err
				}
			}
			if check && len(entries) > 0 {
				tags := make([]string, len(entries))
				for i, e := range entries {
					tags[i] = e.Device + "/" + e.Tag + " (" + e.State + ", " + e.Severity + ")"
				}
				return exit(ExitFailure, errors.New("alarms: "+strings.Join(tags, ", ")))
			}
			return nil
		},
	}
	o.register(c)
	c.Flags().BoolVar(&active, "active", false, "only active alarms (UNACK, ACKED, RTNUN)")
	c.Flags().StringVar(&severity, "severity", "", "only alarms of this severity or higher")
	c.Flags().BoolVar(&check, "check", false, "exit 1 when any alarm is listed (probe)")
	c.Flags().StringVar(&h.rules, "hammers", "", "run the hammer rules of this YAML file once (see docs/alarms.md)")
	c.Flags().StringVar(&h.journal, "journal", "", "hammer journal (JSON lines; default RULES.journal)")
	return c
}

// hammerOpts are the flags of `alarms --hammers`; server actions use the
// twin of the shared --state flag.
type hammerOpts struct {
	rules, journal string
}

// run applies the hammer rules once: replay the journal, decide, execute,
// journal, print the decisions.
func (h *hammerOpts) run(ctx context.Context, s Streams, o *clientOpts, entries []alarm.SummaryEntry) error {
	rules, err := ahammer.Load(h.rules)
	if err != nil {
		return exit(ExitUsage, err)
	}
	jpath := h.journal
	if jpath == "" {
		jpath = h.rules + ".journal"
	}
	eng := ahammer.NewEngine(rules)
	if f, err := os.Open(jpath); err == nil {
		err = eng.Replay(f)
		f.Close()
		if err != nil {
			return exit(ExitError, fmt.Errorf("%s: %w", jpath, err))
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return exit(ExitError, err)
	}
	jf, err := os.OpenFile(jpath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return exit(ExitError, err)
	}
	defer jf.Close()
	ex := ahammer.Exec{Devices: deviceCommander{o}}
	if st, err := supervisor.LoadState(o.state); err == nil {
		ex.Servers = supervisor.NewControl(st)
	}
	var status []ahammer.AlarmStatus
	for _, e := range entries {
		if !e.Active() {
			continue
		}
		t, err := time.Parse("2006-01-02 15:04:05", e.Time)
		if err != nil {
			continue
		}
		status = append(status, ahammer.AlarmStatus{Device: e.Device, Tag: e.Tag, Active: t})
	}
	r := &ahammer.Runner{Engine: eng, Exec: ex, Journal: ahammer.NewJournal(jf)}
	ds := r.Step(ctx, time.Now(), status)
	if o.json {
		if ds == nil {
			ds = []ahammer.Decision{}
		}
		return printJSON(s.Out, ds)
	}
	tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tALARM\tTARGET\tACTION\tVERDICT\tATTEMPT\tRESULT")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d/%d\t%s\n", d.Rule, d.Alarm, d.Target, strings.TrimSpace(d.Action+" "+d.Command), d.Verdict, d.Attempt, d.Max, d.Result)
	}
	return tw.Flush()
}

// deviceCommander runs hammer "command" actions through the client.
type deviceCommander struct{ o *clientOpts }

func (c deviceCommander) Command(ctx context.Context, device, cmd string, args []string) error {
	cl, err := c.o.clientFor(ctx, device)
	if err != nil {
		return err
	}
	defer cl.Close()
	var arg *pb.Value
	switch len(args) {
	case 0:
	case 1:
		arg = api.ParseValue(args[0])
	default:
		arg = &pb.Value{Kind: &pb.Value_Strings{Strings: &pb.StringArray{V: args}}}
	}
	_, err = cl.Command(ctx, device, cmd, arg)
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// alarmEntries reads AlarmSummary of every PyAlarm device matching
// pattern, on every server of the twin that hosts one (or on --addr).
func (o *clientOpts) alarmEntries(ctx context.Context, pattern string) ([]alarm.SummaryEntry, error) {
	bs, err := o.batches(ctx, []string{pattern})
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, b := range bs {
			b.cl.Close()
		}
	}()
	var out []alarm.SummaryEntry
	var errs []string
	found := false
	for _, b := range bs {
		devs, err := b.cl.ListDevices(ctx, pattern)
		if err != nil {
			if notHere(b, err) {
				continue
			}
			return nil, callError(err)
		}
		var names []string
		for _, d := range devs {
			if strings.EqualFold(d.Class, "PyAlarm") {
				names = append(names, d.Name+"/AlarmSummary")
			}
		}
		if len(names) == 0 {
			continue
		}
		found = true
		rs, err := b.cl.ReadAttributes(ctx, names)
		if err != nil {
			return nil, callError(err)
		}
		for _, r := range rs {
			dev := strings.TrimSuffix(r.Name, "/AlarmSummary")
			for _, e := range r.Errors {
				errs = append(errs, r.Name+": "+api.FormatDevError(e))
			}
			for _, line := range r.Value.GetStrings().GetV() {
				e, err := alarm.ParseSummary(dev, line)
				if err != nil {
					errs = append(errs, err.Error())
					continue
				}
				out = append(out, e)
			}
		}
	}
	if !found {
		// a probe on a mistyped pattern must not pass silently
		return nil, exit(ExitFailure, fmt.Errorf("no PyAlarm device matches %s", pattern))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Device != out[j].Device {
			return out[i].Device < out[j].Device
		}
		return out[i].Tag < out[j].Tag
	})
	if len(errs) > 0 {
		return out, exit(ExitFailure, errors.New(strings.Join(errs, "\n")))
	}
	return out, nil
}

// newAlarmActionCmd runs one PyAlarm command with [TAG, COMMENT, ...].
func newAlarmActionCmd(s Streams, use, short, command string, minArgs, maxArgs int) *cobra.Command {
	var o clientOpts
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.RangeArgs(minArgs, maxArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			cl, err := o.clientFor(ctx, args[0])
			if err != nil {
				return err
			}
			defer cl.Close()
			var arg *pb.Value
			if command == "Enable" {
				arg = api.Str(args[1])
			} else {
				arg = &pb.Value{Kind: &pb.Value_Strings{Strings: &pb.StringArray{V: args[1:]}}}
			}
			v, err := cl.Command(ctx, args[0], command, arg)
			if err != nil {
				return callError(fmt.Errorf("%s %s %s: %w", args[0], command, args[1], err))
			}
			if o.json {
				return printJSON(s.Out, map[string]any{"device": args[0], "command": command, "tag": args[1], "result": api.JSONValue(v)})
			}
			fmt.Fprintln(s.Out, api.FormatValue(v))
			return nil
		},
	}
	o.register(c)
	return c
}
