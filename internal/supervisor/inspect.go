package supervisor

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// ServerView is a server as status shows it: its record, checked against
// /proc.
type ServerView struct {
	Name     string        `json:"name"`
	Host     string        `json:"host,omitempty"`
	Devices  int           `json:"devices"`
	Desired  Desired       `json:"desired"`
	Phase    Phase         `json:"phase"`
	Pid      int           `json:"pid,omitempty"`
	Addr     string        `json:"addr,omitempty"`
	Unix     string        `json:"unix,omitempty"` // its Unix socket ("@": abstract)
	Uptime   time.Duration `json:"uptime_ns,omitempty"`
	Restarts int           `json:"restarts"`
	LastExit string        `json:"last_exit,omitempty"`
	Log      string        `json:"log"`
}

// View is the status of a twin.
type View struct {
	Dir        string        `json:"dir"`
	Catalog    string        `json:"catalog"`
	Supervisor int           `json:"supervisor_pid"`
	Alive      bool          `json:"supervisor_alive"`
	Uptime     time.Duration `json:"supervisor_uptime_ns,omitempty"`
	Control    string        `json:"control,omitempty"`
	Servers    []ServerView  `json:"servers"`
}

// Inspect checks every recorded process against /proc and returns the
// truth at now: a server recorded with a pid that is gone is "dead"; one
// alive without a live supervisor is an "orphan".
func Inspect(st *State, now time.Time) *View {
	v := &View{Dir: st.Dir, Catalog: st.Catalog, Supervisor: st.Supervisor.Pid, Control: st.Supervisor.Control}
	v.Alive = Alive(st.Supervisor.Proc, st.Dir)
	if v.Alive {
		v.Uptime = now.Sub(st.Supervisor.Started)
	}
	for _, sv := range st.Servers {
		sw := ServerView{Name: sv.Name, Host: sv.Host, Devices: len(sv.Devices), Desired: sv.Desired, Phase: sv.Phase,
			Restarts: sv.Restarts, LastExit: sv.LastExit, Log: sv.Log}
		if sv.Pid != 0 {
			if Alive(sv.Proc, sv.ReadyFile) {
				sw.Pid, sw.Addr, sw.Unix, sw.Uptime = sv.Pid, sv.Addr, sv.Unix, now.Sub(sv.Started)
				if !v.Alive {
					sw.Phase = PhaseOrphan
				}
			} else {
				sw.Phase = PhaseDead
			}
		}
		v.Servers = append(v.Servers, sw)
	}
	return v
}

// WriteStatus prints a view: the supervisor, then hosts → servers with
// state, pid, uptime, restarts and address.
func WriteStatus(w io.Writer, v *View) error {
	sup := fmt.Sprintf("supervisor pid %d: dead (servers are not restarted; `chaoslab up` recovers, `chaoslab down` cleans up)", v.Supervisor)
	if v.Alive {
		sup = fmt.Sprintf("supervisor pid %d: up %s, control %s", v.Supervisor, roundDur(v.Uptime), v.Control)
	}
	fmt.Fprintf(w, "twin %s (catalog %s)\n%s\n\n", v.Dir, v.Catalog, sup)
	var tb bytes.Buffer
	tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST / SERVER\tSTATE\tPID\tUPTIME\tRESTARTS\tADDRESS\tDEVICES")
	servers := slices.Clone(v.Servers)
	slices.SortStableFunc(servers, func(a, b ServerView) int { return cmp.Compare(a.Host, b.Host) })
	host := "\x00"
	for _, s := range servers {
		if s.Host != host {
			host = s.Host
			name := host
			if name == "" {
				name = "(no host)"
			}
			fmt.Fprintf(tw, "%s\t\t\t\t\t\t\n", name)
		}
		state := string(s.Phase)
		if s.Desired == DesiredStopped && s.Phase != PhaseStopped && s.Phase != PhaseStopping {
			state += " (stop requested)"
		}
		pid, up := "-", "-"
		if s.Pid != 0 {
			pid, up = fmt.Sprint(s.Pid), roundDur(s.Uptime)
		}
		addr := cmp.Or(s.Addr, "-")
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%s\t%d\n", s.Name, state, pid, up, s.Restarts, addr, s.Devices)
	}
	tw.Flush()
	for _, l := range strings.SplitAfter(tb.String(), "\n") {
		// Host lines have empty cells: no trailing blanks.
		io.WriteString(w, strings.TrimRight(l, " \n")+strings.Repeat("\n", strings.Count(l, "\n")))
	}
	for _, s := range servers {
		if s.LastExit != "" && s.Phase != PhaseRunning {
			fmt.Fprintf(w, "%s: last exit: %s (log %s)\n", s.Name, s.LastExit, s.Log)
		}
	}
	return nil
}

// WriteUp prints the table of `up`: host, server, devices, pid, address.
func WriteUp(w io.Writer, servers []*Server) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tSERVER\tDEVICES\tPID\tADDRESS\tSTATE")
	for _, s := range servers {
		pid := "-"
		if s.Pid != 0 {
			pid = fmt.Sprint(s.Pid)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", cmp.Or(s.Host, "-"), s.Name, len(s.Devices), pid, cmp.Or(s.Addr, "-"), s.Phase)
	}
	return tw.Flush()
}

// roundDur prints a duration to the second (to the millisecond under one).
func roundDur(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
