package load

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"chaoslab/internal/api"
)

// ServerFigures are the figures scraped from a server's /metrics.
type ServerFigures struct {
	Server        string // the catalog server (chaoslab_server_info), if exported
	CPUSeconds    float64
	RSSBytes      float64
	Goroutines    float64
	EventsDropped float64
	EventsSent    float64
	Requests      float64
}

// ServerDelta is a server's cost over the run.
type ServerDelta struct {
	Addr   string `json:"addr"`
	Server string `json:"server,omitempty"` // the catalog server, when its metrics name it
	Error  string `json:"error,omitempty"`
	// CPUSeconds and the event counters are differences after − before;
	// RSS and goroutines are the values after the run.
	CPUSeconds     float64 `json:"cpu_s"`
	CPUUtilization float64 `json:"cpu_utilization"`
	RSSBytes       float64 `json:"rss_bytes"`
	Goroutines     float64 `json:"goroutines"`
	Requests       float64 `json:"requests"`
	EventsSent     float64 `json:"events_sent"`
	EventsDropped  float64 `json:"events_dropped"`
}

// ParseMetrics reads the figures from Prometheus text exposition.
func ParseMetrics(r io.Reader) (ServerFigures, error) {
	var f ServerFigures
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name, rest, _ := strings.Cut(line, " ")
		labels := ""
		if i := strings.IndexByte(name, '{'); i >= 0 {
			// Labels may contain spaces: the value is the last field.
			name = name[:i]
			if j := strings.LastIndexByte(line, '}'); j > i {
				labels, rest = line[i+1:j], line[j+1:]
			}
		}
		if name == "chaoslab_server_info" {
			f.Server = labelValue(labels, "server")
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		switch name {
		case "process_cpu_seconds_total":
			f.CPUSeconds = v
		case "process_resident_memory_bytes":
			f.RSSBytes = v
		case "go_goroutines":
			f.Goroutines = v
		case "chaoslab_events_dropped_total":
			f.EventsDropped = v
		case "chaoslab_events_sent_total":
			f.EventsSent = v
		case "chaoslab_requests_total":
			f.Requests += v
		}
	}
	return f, sc.Err()
}

// ScrapeHTTP reads http://addr/metrics (the device server serves it on its
// API port, and on its Unix socket for an address unix:PATH).
func ScrapeHTTP(ctx context.Context, addr string) (ServerFigures, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	hc, host := http.DefaultClient, addr
	if network, path := api.Network(addr); network == "unix" {
		hc, host = unixHTTP(path), "unix"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/metrics", nil)
	if err != nil {
		return ServerFigures{}, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return ServerFigures{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return ServerFigures{}, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	return ParseMetrics(resp.Body)
}

type scraped struct {
	f   ServerFigures
	err error
}

func scrapeAll(ctx context.Context, scrape func(context.Context, string) (ServerFigures, error), addrs []string) []scraped {
	if scrape == nil {
		return nil
	}
	out := make([]scraped, len(addrs))
	for i, a := range addrs {
		out[i].f, out[i].err = scrape(context.WithoutCancel(ctx), a)
	}
	return out
}

func serverDeltas(addrs []string, before, after []scraped, wall float64) []ServerDelta {
	if before == nil || after == nil {
		return nil
	}
	out := make([]ServerDelta, len(addrs))
	for i, a := range addrs {
		d := ServerDelta{Addr: a}
		b, f := before[i], after[i]
		d.Server = cmp.Or(f.f.Server, b.f.Server)
		if b.err != nil || f.err != nil {
			d.Error = fmt.Sprint(firstErr(b.err, f.err))
		} else {
			d.CPUSeconds = f.f.CPUSeconds - b.f.CPUSeconds
			if wall > 0 {
				d.CPUUtilization = d.CPUSeconds / wall
			}
			d.RSSBytes, d.Goroutines = f.f.RSSBytes, f.f.Goroutines
			d.Requests = f.f.Requests - b.f.Requests
			d.EventsSent = f.f.EventsSent - b.f.EventsSent
			d.EventsDropped = f.f.EventsDropped - b.f.EventsDropped
		}
		out[i] = d
	}
	return out
}

// labelValue returns label key's value in a Prometheus text-format label
// set (`a="x",b="y\"z"`), or "".
func labelValue(labels, key string) string {
	for labels != "" {
		k, rest, ok := strings.Cut(labels, "=")
		if !ok || !strings.HasPrefix(rest, `"`) {
			return ""
		}
		// The value runs to the first quote not escaped by a backslash.
		end := 1
		for end < len(rest) && rest[end] != '"' {
			if rest[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(rest) {
			return ""
		}
		if strings.TrimSpace(strings.TrimPrefix(k, ",")) == key {
			v, err := strconv.Unquote(rest[:end+1])
			if err != nil {
				return ""
			}
			return v
		}
		labels = rest[end+1:]
	}
	return ""
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// ProcessCPU returns this process's user+system CPU time (getrusage).
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// unixClients are the HTTP clients of Unix sockets, one per path, so that
// repeated scrapes reuse their connection.
var unixClients sync.Map // path -> *http.Client

func unixHTTP(path string) *http.Client {
	if c, ok := unixClients.Load(path); ok {
		return c.(*http.Client)
	}
	var d net.Dialer
	tr := &http.Transport{
		DialContext:     func(ctx context.Context, _, _ string) (net.Conn, error) { return d.DialContext(ctx, "unix", path) },
		MaxIdleConns:    1,
		IdleConnTimeout: time.Minute,
	}
	c, _ := unixClients.LoadOrStore(path, &http.Client{Transport: tr})
	return c.(*http.Client)
}
