package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/reflect/protoreflect"

	"chaoslab/internal/api"
	pb "chaoslab/internal/api/chaoslabv1"
	"chaoslab/internal/client"
	"chaoslab/internal/server"
	"chaoslab/internal/supervisor"
)

// clientOpts are the flags every client command shares.
type clientOpts struct {
	addr    string
	state   string
	json    bool
	timeout time.Duration
}

func (o *clientOpts) register(c *cobra.Command) {
	c.Flags().StringVar(&o.addr, "addr", os.Getenv("CHAOSLAB_ADDR"), "device server address host:port or unix:PATH (default $CHAOSLAB_ADDR; without it, the twin in --state)")
	stateDirFlag(c, &o.state)
	c.Flags().BoolVar(&o.json, "json", false, "print JSON instead of a table")
	c.Flags().DurationVar(&o.timeout, "timeout", 5*time.Second, "timeout of each request")
	c.PreRunE = func(*cobra.Command, []string) error {
		if o.timeout <= 0 {
			return exit(ExitUsage, fmt.Errorf("--timeout: want a positive duration, got %s", o.timeout))
		}
		return nil
	}
}

// resolver answers "which server hosts device X": the one --addr server,
// else the twin recorded in the state directory by `up`.
func (o *clientOpts) resolver() (client.Resolver, error) {
	if o.addr != "" {
		return client.Static{Default: o.addr}, nil
	}
	st, err := o.twin()
	if err != nil {
		return nil, err
	}
	return st, nil
}

// twin loads the state directory, or says how to name a server.
func (o *clientOpts) twin() (*supervisor.State, error) {
	st, err := supervisor.LoadState(o.state)
	if err != nil {
		return nil, exit(ExitUsage, fmt.Errorf("no server address: pass --addr HOST:PORT, set CHAOSLAB_ADDR, or run `chaoslab up` first (%v)", err))
	}
	return st, nil
}

// batch is the names one server is asked for. Broadcast batches carry
// device patterns sent to every server of the twin, so a server hosting no
// match is not an error.
type batch struct {
	cl        *client.Client
	names     []string
	broadcast bool
}

// batches groups names by the server that hosts them: all to the --addr
// server, else per the twin's state; a device pattern goes to every running
// server. The caller closes the clients.
func (o *clientOpts) batches(ctx context.Context, names []string) ([]*batch, error) {
	byAddr := map[string]*batch{}
	var out []*batch
	add := func(addr, name string, broadcast bool) error {
		b := byAddr[addr]
		if b == nil {
			cl, err := client.Dial(ctx, addr)
			if err != nil {
				return callError(err)
			}
			b = &batch{cl: cl}
			byAddr[addr] = b
			out = append(out, b)
		}
		b.names = append(b.names, name)
		b.broadcast = b.broadcast || broadcast
		return nil
	}
	closeAll := func() {
		for _, b := range out {
			b.cl.Close()
		}
	}
	if o.addr != "" {
		for _, n := range names {
			if err := add(o.addr, n, false); err != nil {
				closeAll()
				return nil, err
			}
		}
		return out, nil
	}
	st, err := o.twin()
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		dev := deviceOf(n)
		if strings.ContainsAny(dev, "*?") || dev == "" {
			for _, sv := range st.Servers {
				if sv.Addr != "" && sv.Phase == supervisor.PhaseRunning {
					if err := add(sv.Addr, n, true); err != nil {
						closeAll()
						return nil, err
					}
				}
			}
			continue
		}
		addr, err := st.Resolve(ctx, dev)
		if err == nil {
			err = add(addr, n, false)
		}
		if err != nil {
			closeAll()
			return nil, callError(err)
		}
	}
	return out, nil
}

// noMatch reports whether a reading only says that its name matched
// nothing on that server.
func noMatch(r *pb.Reading) bool {
	if len(r.Errors) == 0 {
		return false
	}
	for _, e := range r.Errors {
		if e.Reason != api.ReasonAttrNotFound && e.Reason != api.ReasonDeviceNotFound {
			return false
		}
	}
	return true
}

// notHere reports whether err only says that this server hosts no match
// of a broadcast pattern.
func notHere(b *batch, err error) bool {
	return b.broadcast && api.ReasonOf(err) == api.ReasonDeviceNotFound
}

// clientFor returns a client for the server hosting device.
func (o *clientOpts) clientFor(ctx context.Context, device string) (*client.Client, error) {
	r, err := o.resolver()
	if err != nil {
		return nil, err
	}
	addr, err := r.Resolve(ctx, device)
	if err != nil {
		return nil, callError(err)
	}
	c, err := client.Dial(ctx, addr)
	if err != nil {
		return nil, callError(err)
	}
	return c, nil
}

// callError maps an API error to the exit code: the server's "no" (unknown
// device, not writable, out of limits ...) exits 1, a failure to reach it 2.
func callError(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	switch api.ReasonOf(err) {
	case api.ReasonUnavailable, api.ReasonTimeout, "":
		return exit(ExitError, err)
	}
	return exit(ExitFailure, err)
}

func deviceOf(name string) string {
	if dev, _, ok := api.SplitAttr(name); ok {
		return dev
	}
	return name
}

// newClientCmds returns the client commands: ls, read, write, cmd, watch, config.
func newClientCmds(s Streams) []*cobra.Command {
	return []*cobra.Command{newLsCmd(s), newReadCmd(s), newWriteCmd(s), newCmdCmd(s), newWatchCmd(s), newConfigCmd(s)}
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newLsCmd(s Streams) *cobra.Command {
	var o clientOpts
	var long bool
	c := &cobra.Command{
		Use:   "ls [PATTERN]",
		Short: "List devices (wildcards * and ?) with their attributes and commands",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pattern := ""
			if len(args) == 1 {
				pattern = args[0]
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			bs, err := o.batches(ctx, []string{pattern})
			if err != nil {
				return err
			}
			var devs []*pb.DeviceInfo
			for _, b := range bs {
				defer b.cl.Close()
				d, err := b.cl.ListDevices(ctx, pattern)
				if err != nil && !notHere(b, err) {
					return callError(err)
				}
				devs = append(devs, d...)
			}
			sort.SliceStable(devs, func(i, j int) bool { return devs[i].Name < devs[j].Name })
			if o.json {
				return printJSON(s.Out, jsonDevices(devs))
			}
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			if long {
				fmt.Fprintln(tw, "ATTRIBUTE\tTYPE\tWRITABLE\tPOLLING")
				for _, d := range devs {
					for _, a := range d.Attributes {
						fmt.Fprintf(tw, "%s\t%s\t%v\t%s\n", a.Name, a.DataType, a.Writable, msString(a.Config.GetPollingPeriodMs()))
					}
				}
			} else {
				fmt.Fprintln(tw, "DEVICE\tCLASS\tSERVER\tATTRIBUTES\tCOMMANDS")
				for _, d := range devs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\n", d.Name, d.Class, d.Server, len(d.Attributes), len(d.Commands))
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if len(devs) == 0 && pattern != "" {
				return exit(ExitFailure, fmt.Errorf("no device matches %s", pattern))
			}
			return nil
		},
	}
	o.register(c)
	c.Flags().BoolVarP(&long, "long", "l", false, "list attributes")
	return c
}

func msString(ms int64) string {
	if ms == 0 {
		return "-"
	}
	return (time.Duration(ms) * time.Millisecond).String()
}

// jsonReading is the --json form of a reading.
type jsonReading struct {
	Name    string         `json:"name"`
	Value   any            `json:"value"`
	Quality string         `json:"quality"`
	Time    time.Time      `json:"time"`
	Errors  []jsonDevError `json:"errors,omitempty"`
}

type jsonDevError struct {
	Reason string `json:"reason"`
	Desc   string `json:"desc"`
	Origin string `json:"origin,omitempty"`
}

func toJSONReading(name string, r *pb.Reading) jsonReading {
	if name == "" {
		name = r.Name
	}
	j := jsonReading{Name: name, Value: api.JSONValue(r.Value), Quality: api.QualityName(r.Quality), Time: time.Unix(0, r.TimeUnixNano).UTC()}
	for _, e := range r.Errors {
		j.Errors = append(j.Errors, jsonDevError{e.Reason, e.Desc, e.Origin})
	}
	return j
}

type jsonDevice struct {
	Name       string          `json:"name"`
	Class      string          `json:"class"`
	Server     string          `json:"server"`
	Attributes []jsonAttribute `json:"attributes"`
	Commands   []jsonCommand   `json:"commands"`
}

type jsonAttribute struct {
	Name     string         `json:"name"`
	Type     string         `json:"type"`
	Writable bool           `json:"writable"`
	Config   map[string]any `json:"config,omitempty"`
}

type jsonCommand struct {
	Name string `json:"name"`
	In   string `json:"in"`
	Out  string `json:"out"`
}

func jsonDevices(devs []*pb.DeviceInfo) []jsonDevice {
	out := []jsonDevice{}
	for _, d := range devs {
		jd := jsonDevice{Name: d.Name, Class: d.Class, Server: d.Server, Attributes: []jsonAttribute{}, Commands: []jsonCommand{}}
		for _, a := range d.Attributes {
			jd.Attributes = append(jd.Attributes, jsonAttr(a))
		}
		for _, c := range d.Commands {
			jd.Commands = append(jd.Commands, jsonCommand{c.Name, c.InType, c.OutType})
		}
		out = append(out, jd)
	}
	return out
}

func jsonAttr(a *pb.AttributeInfo) jsonAttribute {
	return jsonAttribute{Name: a.Name, Type: a.DataType, Writable: a.Writable, Config: configMap(a.Config)}
}

// configMap lists the fields present in c by their proto names.
func configMap(c *pb.AttrConfig) map[string]any {
	m := map[string]any{}
	c.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		m[string(fd.Name())] = v.Interface()
		return true
	})
	return m
}

func newReadCmd(s Streams) *cobra.Command {
	var o clientOpts
	c := &cobra.Command{
		Use:   "read DEV/ATTR...",
		Short: "Read attributes (wildcards allowed) with quality and time",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			bs, err := o.batches(ctx, args)
			if err != nil {
				return err
			}
			var rs, missed []*pb.Reading
			// A name sent to every server (a pattern) is an error only when
			// every server said it matches nothing: count the servers it
			// was sent to and the ones that matched nothing.
			sent, missedBy := map[string]int{}, map[string]int{}
			refused := map[string]bool{}
			for _, b := range bs {
				defer b.cl.Close()
				if b.broadcast {
					for _, n := range b.names {
						sent[n]++
					}
				}
				r, err := b.cl.ReadAttributes(ctx, b.names)
				if err != nil && !notHere(b, err) {
					return callError(err)
				}
				if err != nil {
					for _, n := range b.names {
						missedBy[n]++
					}
				}
				for _, x := range r {
					if b.broadcast && noMatch(x) {
						if missedBy[x.Name]++; missedBy[x.Name] == 1 {
							missed = append(missed, x) // another server may host it
						}
						continue
					}
					if b.broadcast && len(x.Errors) > 0 {
						// A name every server refuses (not a valid name)
						// is reported once.
						if refused[x.Name] {
							continue
						}
						refused[x.Name] = true
					}
					rs = append(rs, x)
				}
			}
			for _, x := range missed {
				if missedBy[x.Name] >= sent[x.Name] {
					rs = append(rs, x) // reported once
				}
			}
			if len(bs) > 1 {
				sort.SliceStable(rs, func(i, j int) bool { return rs[i].Name < rs[j].Name })
			}
			var failed []string
			for _, r := range rs {
				for _, e := range r.Errors {
					failed = append(failed, r.Name+": "+api.FormatDevError(e))
				}
			}
			if o.json {
				js := make([]jsonReading, len(rs))
				for i, r := range rs {
					js[i] = toJSONReading("", r)
				}
				if err := printJSON(s.Out, js); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ATTRIBUTE\tVALUE\tQUALITY\tTIME")
				for _, r := range rs {
					v := api.FormatValue(r.Value)
					if len(r.Errors) > 0 {
						v = "-"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, v, api.QualityName(r.Quality), time.Unix(0, r.TimeUnixNano).UTC().Format(time.RFC3339Nano))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
			}
			if len(failed) > 0 {
				return exit(ExitFailure, errors.New(strings.Join(failed, "\n")))
			}
			return nil
		},
	}
	o.register(c)
	return c
}

func newWriteCmd(s Streams) *cobra.Command {
	var o clientOpts
	c := &cobra.Command{
		Use:   "write DEV/ATTR VALUE",
		Short: "Write an attribute (VALUE: number, true/false, JSON array, or text)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			cl, err := o.clientFor(ctx, deviceOf(args[0]))
			if err != nil {
				return err
			}
			defer cl.Close()
			v := api.ParseValue(args[1])
			if err := cl.Write(ctx, args[0], v); err != nil {
				return callError(fmt.Errorf("write %s: %w", args[0], err))
			}
			if o.json {
				return printJSON(s.Out, map[string]any{"name": args[0], "written": api.JSONValue(v)})
			}
			return nil
		},
	}
	o.register(c)
	return c
}

func newCmdCmd(s Streams) *cobra.Command {
	var o clientOpts
	c := &cobra.Command{
		Use:   "cmd DEV CMD [ARG]",
		Short: "Run a device command and print its result",
		Args:  cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			cl, err := o.clientFor(ctx, args[0])
			if err != nil {
				return err
			}
			defer cl.Close()
			var arg *pb.Value
			if len(args) == 3 {
				arg = api.ParseValue(args[2])
			}
			v, err := cl.Command(ctx, args[0], args[1], arg)
			if err != nil {
				return callError(fmt.Errorf("%s %s: %w", args[0], args[1], err))
			}
			if o.json {
				return printJSON(s.Out, map[string]any{"device": args[0], "command": args[1], "result": api.JSONValue(v)})
			}
			fmt.Fprintln(s.Out, api.FormatValue(v))
			return nil
		},
	}
	o.register(c)
	return c
}

func newWatchCmd(s Streams) *cobra.Command {
	var o clientOpts
	var event string
	var count, queue int
	c := &cobra.Command{
		Use:   "watch DEV/ATTR...",
		Short: "Print events of attributes until interrupted (or --count events)",
		Long: `watch subscribes to events of the attributes named (wildcards * and ?
allowed) and prints them as they come. In a twin an attribute is watched
on the server that hosts it and a pattern on every server that hosts a
match; a pattern that no server matches is an error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			typ, ok := api.ParseEventType(event)
			if !ok {
				return exit(ExitUsage, fmt.Errorf("--event %q: want change, periodic or archive", event))
			}
			if count < 0 {
				return exit(ExitUsage, fmt.Errorf("--count: want 0 (until interrupted) or more, got %d", count))
			}
			if queue < 0 || queue > server.MaxQueue {
				return exit(ExitUsage, fmt.Errorf("--queue: want 0 (the server's default) to %d events, got %d", server.MaxQueue, queue))
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			dctx, cancel := context.WithTimeout(ctx, o.timeout)
			defer cancel()
			subs, err := o.subscribeAll(dctx, args, typ, client.SubscribeOptions{Queue: queue})
			for _, sub := range subs {
				defer sub.Close()
			}
			if err != nil {
				return err
			}
			events := mergeSubscriptions(ctx, subs)
			enc := json.NewEncoder(s.Out)
			// Fixed columns: a stream cannot be aligned after the fact.
			const row = "%-32s %-20s %-8s %s\n"
			if !o.json {
				fmt.Fprintf(s.Out, row, "ATTRIBUTE", "VALUE", "QUALITY", "TIME")
			}
			n := 0
			for {
				select {
				case <-ctx.Done():
					return nil
				case m := <-events:
					if m.ended {
						if err := m.sub.Err(); err != nil {
							return callError(err)
						}
						return nil
					}
					b := m.batch
					if b.Dropped > 0 {
						if o.json {
							_ = enc.Encode(map[string]any{"dropped": b.Dropped})
						} else {
							fmt.Fprintf(s.Out, "# %d events dropped (subscriber too slow)\n", b.Dropped)
						}
					}
					for _, e := range b.Events {
						r := e.Reading
						if o.json {
							_ = enc.Encode(toJSONReading(e.Name, r))
						} else {
							v := api.FormatValue(r.Value)
							for _, de := range r.Errors {
								v = api.FormatDevError(de)
							}
							fmt.Fprintf(s.Out, row, e.Name, v, api.QualityName(r.Quality), time.Unix(0, r.TimeUnixNano).UTC().Format(time.RFC3339Nano))
						}
						n++
						if count > 0 && n >= count {
							return nil
						}
					}
				}
			}
		},
	}
	o.register(c)
	c.Flags().StringVar(&event, "event", "change", "event type: change, periodic or archive")
	c.Flags().IntVar(&count, "count", 0, "stop after this many events (0: until interrupted)")
	c.Flags().IntVar(&queue, "queue", 0, "server-side queue length in events (0: server default)")
	return c
}

// subscribeAll subscribes to names on the servers that host them: an
// exact name on its server, a pattern on every server (each pattern a
// subscription of its own, so that a server hosting no match of one does
// not refuse the others). A pattern no server matches is an error. The
// caller closes the subscriptions, also on error.
func (o *clientOpts) subscribeAll(ctx context.Context, names []string, typ pb.EventType, opts client.SubscribeOptions) ([]*client.Subscription, error) {
	bs, err := o.batches(ctx, names)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, b := range bs {
			b.cl.Close()
		}
	}()
	var subs []*client.Subscription
	sent, missed := map[string]int{}, map[string]int{}
	missErr := map[string]error{}
	for _, b := range bs {
		var exact []string
		groups := [][]string{}
		for _, n := range b.names {
			if b.broadcast && (api.HasWildcard(deviceOf(n)) || deviceOf(n) == "") {
				groups = append(groups, []string{n})
				sent[n]++
			} else {
				exact = append(exact, n)
			}
		}
		if len(exact) > 0 {
			groups = append(groups, exact)
		}
		for _, g := range groups {
			sub, err := b.cl.Subscribe(ctx, g, typ, opts)
			if err != nil {
				r := api.ReasonOf(err)
				if sent[g[0]] > 0 && (r == api.ReasonDeviceNotFound || r == api.ReasonAttrNotFound) {
					missed[g[0]]++ // another server may host a match
					missErr[g[0]] = err
					continue
				}
				return subs, callError(err)
			}
			subs = append(subs, sub)
		}
	}
	for _, n := range names {
		if k := sent[n]; k > 0 && missed[n] >= k {
			return subs, callError(missErr[n])
		}
	}
	return subs, nil
}

// merged is one batch of one of several subscriptions, or (ended) the
// end of one.
type merged struct {
	batch client.Batch
	sub   *client.Subscription
	ended bool
}

// mergeSubscriptions delivers the batches of subs on one channel until
// ctx ends.
func mergeSubscriptions(ctx context.Context, subs []*client.Subscription) <-chan merged {
	out := make(chan merged)
	for _, sub := range subs {
		go func() {
			for {
				b, ok := <-sub.C
				select {
				case out <- merged{batch: b, sub: sub, ended: !ok}:
				case <-ctx.Done():
					return
				}
				if !ok {
					return
				}
			}
		}()
	}
	return out
}

func newConfigCmd(s Streams) *cobra.Command {
	var o clientOpts
	var polling, eventPeriod, archivePeriod time.Duration
	var absChange, relChange, archAbs, archRel float64
	c := &cobra.Command{
		Use:   "config DEV/ATTR",
		Short: "Show or change an attribute's configuration (polling, event thresholds)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			cl, err := o.clientFor(ctx, deviceOf(args[0]))
			if err != nil {
				return err
			}
			defer cl.Close()
			f := cmd.Flags()
			set := &pb.AttrConfig{}
			changed := false
			var bad error
			ms := func(name string, d time.Duration) *int64 {
				if !f.Changed(name) {
					return nil
				}
				if (d < 0 || d%time.Millisecond != 0) && bad == nil {
					bad = fmt.Errorf("--%s %s: want whole milliseconds, 0 or more (Tango's unit)", name, d)
				}
				changed = true
				v := d.Milliseconds()
				return &v
			}
			fl := func(name string, x float64) *float64 {
				if !f.Changed(name) {
					return nil
				}
				changed = true
				return &x
			}
			set.PollingPeriodMs = ms("polling", polling)
			set.EventPeriodMs = ms("event-period", eventPeriod)
			set.ArchivePeriodMs = ms("archive-period", archivePeriod)
			set.AbsChange = fl("abs-change", absChange)
			set.RelChange = fl("rel-change", relChange)
			set.ArchiveAbsChange = fl("archive-abs-change", archAbs)
			set.ArchiveRelChange = fl("archive-rel-change", archRel)
			if bad != nil {
				return exit(ExitUsage, bad)
			}
			var infos []*pb.AttributeInfo
			if changed {
				a, err := cl.SetConfig(ctx, args[0], set)
				if err != nil {
					return callError(fmt.Errorf("config %s: %w", args[0], err))
				}
				infos = []*pb.AttributeInfo{a}
			} else {
				infos, err = cl.GetConfig(ctx, args)
				if err != nil {
					return callError(fmt.Errorf("config %s: %w", args[0], err))
				}
			}
			if o.json {
				js := make([]jsonAttribute, len(infos))
				for i, a := range infos {
					js[i] = jsonAttr(a)
				}
				return printJSON(s.Out, js)
			}
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			for _, a := range infos {
				fmt.Fprintf(tw, "%s\t%s\twritable=%v\n", a.Name, a.DataType, a.Writable)
				m := configMap(a.Config)
				for _, k := range sortedKeys(m) {
					fmt.Fprintf(tw, "  %s\t%v\n", k, m[k])
				}
			}
			return tw.Flush()
		},
	}
	o.register(c)
	fs := c.Flags()
	fs.DurationVar(&polling, "polling", 0, "polling period (0 stops polling)")
	fs.DurationVar(&eventPeriod, "event-period", 0, "periodic event period")
	fs.DurationVar(&archivePeriod, "archive-period", 0, "archive event period")
	fs.Float64Var(&absChange, "abs-change", 0, "change event threshold (absolute)")
	fs.Float64Var(&relChange, "rel-change", 0, "change event threshold (percent)")
	fs.Float64Var(&archAbs, "archive-abs-change", 0, "archive event threshold (absolute)")
	fs.Float64Var(&archRel, "archive-rel-change", 0, "archive event threshold (percent)")
	return c
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
