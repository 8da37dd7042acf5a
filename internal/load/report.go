package load

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

func us(v int64) string { return (time.Duration(v) * time.Microsecond).String() }

// WriteTable writes the final report: rates, per-operation counts and
// latency (corrected, then uncorrected), errors, events, server and
// generator figures.
func WriteTable(w io.Writer, r *Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "model %s  duration %.2fs  requested %.1f/s  achieved %.1f/s\n", r.Spec.Model, r.DurationS, r.RequestedRate, r.AchievedRate)
	fmt.Fprintln(tw, "OP\tREQUESTS\tOK\tERRORS\tNOT ISSUED\tLATENCY\tP50\tP90\tP99\tP99.9\tMAX")
	rows := append(append([]OpResult(nil), r.Ops...), r.Total)
	for _, o := range rows {
		if o.Requests == 0 {
			continue
		}
		for i, l := range []Latency{o.Latency, o.LatencyUncorrected} {
			if i == 0 {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\tcorrected", o.Op, o.Requests, o.OK, o.Errors, o.NotIssued)
			} else {
				fmt.Fprint(tw, "\t\t\t\t\tuncorrected")
			}
			fmt.Fprintf(tw, "\t%s\t%s\t%s\t%s\t%s\n", us(l.P50), us(l.P90), us(l.P99), us(l.P999), us(l.Max))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Total.ErrorsByReason) > 0 {
		fmt.Fprintln(w, "errors by reason:")
		for _, k := range sortedReasons(r.Total.ErrorsByReason) {
			fmt.Fprintf(w, "  %-28s %d\n", k, r.Total.ErrorsByReason[k])
		}
	}
	if e := r.Events; e != nil {
		fmt.Fprintf(w, "events: %d received on %d subscriptions (%d failed, %d ended early); lag p50 %s p90 %s p99 %s p99.9 %s max %s\n",
			e.Events, e.Subscriptions, e.SubscribeErrors, e.StreamsEnded, us(e.Lag.P50), us(e.Lag.P90), us(e.Lag.P99), us(e.Lag.P999), us(e.Lag.Max))
		fmt.Fprintf(w, "        gaps (drop markers) %d, dropped %d, out of order %d, error events %d, negative lag %d\n",
			e.DropMarkers, e.Dropped, e.OutOfOrder, e.ErrorEvents, e.NegativeLag)
	}
	for _, s := range r.Servers {
		name := s.Addr
		if s.Server != "" {
			name = s.Server + " (" + s.Addr + ")"
		}
		if s.Error != "" {
			fmt.Fprintf(w, "server %s: no figures: %s\n", name, s.Error)
			continue
		}
		fmt.Fprintf(w, "server %s: cpu %.3fs (%.0f%% of a core), rss %.1f MiB, goroutines %.0f, requests %.0f, events sent %.0f, dropped %.0f\n",
			name, s.CPUSeconds, s.CPUUtilization*100, s.RSSBytes/(1<<20), s.Goroutines, s.Requests, s.EventsSent, s.EventsDropped)
	}
	g := r.Generator
	_, err := fmt.Fprintf(w, "generator: cpu %.3fs (%.0f%% of a core), %.2f µs per request\n", g.CPUSeconds, g.CPUUtilization*100, g.CPUPerRequestUs)
	return err
}

// ProgressLine is the one-line live display.
func ProgressLine(s Snapshot) string {
	return fmt.Sprintf("%5.0fs  %8.0f req/s  p99 %-9s  errors %-6d  not issued %-6d  in flight %-5d  events %d",
		s.Second, s.Rate, us(s.P99Us), s.Errors, s.NotIssued, s.InFlight, s.Events)
}

// TimeseriesHeader are the CSV columns of WriteTimeseries (stable).
var TimeseriesHeader = []string{"t_s", "rate", "ok", "errors", "not_issued", "p50_us", "p99_us", "max_us", "in_flight", "events", "lag_p99_us"}

// WriteTimeseries writes one CSV row per snapshot.
func WriteTimeseries(w io.Writer, series []Snapshot) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(TimeseriesHeader)
	i := strconv.FormatInt
	for _, s := range series {
		_ = cw.Write([]string{strconv.FormatFloat(s.Second, 'f', 3, 64), strconv.FormatFloat(s.Rate, 'f', 1, 64),
			i(s.OK, 10), i(s.Errors, 10), i(s.NotIssued, 10), i(s.P50Us, 10), i(s.P99Us, 10), i(s.MaxUs, 10),
			i(s.InFlight, 10), i(s.Events, 10), i(s.LagP99Us, 10)})
	}
	cw.Flush()
	return cw.Error()
}
