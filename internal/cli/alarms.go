package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"chaoslab/internal/alarm"
	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
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
	c := &cobra.Command{
		Use:   "alarms [DEVICE-PATTERN]",
		Short: "List PyAlarm alarms with state, severity, activation time and runbook",
		Long: `List the alarms of the PyAlarm devices of a server (AlarmSummary).

--active keeps UNACK, ACKED and RTNUN alarms; --severity S keeps alarms of
severity S or higher (DEBUG < INFO < WARNING < ALARM < ERROR). With --check
the command is a probe: it exits 1 when any alarm is listed, e.g.
"chaoslab alarms --active --severity ALARM --check" holds while no alarm of
severity ALARM is active.`,
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
	return c
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// alarmEntries reads AlarmSummary of every PyAlarm device matching pattern.
func (o *clientOpts) alarmEntries(ctx context.Context, pattern string) ([]alarm.SummaryEntry, error) {
	cl, err := o.clientFor(ctx, pattern)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	devs, err := cl.ListDevices(ctx, pattern)
	if err != nil {
		return nil, callError(err)
	}
	var names []string
	for _, d := range devs {
		if strings.EqualFold(d.Class, "PyAlarm") {
			names = append(names, d.Name+"/AlarmSummary")
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	rs, err := cl.ReadAttributes(ctx, names)
	if err != nil {
		return nil, callError(err)
	}
	var out []alarm.SummaryEntry
	var errs []string
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
