package fault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"chaoslab/internal/netem"
	"chaoslab/internal/supervisor"
)

// netParams are the parameters of each net.* kind besides the envelope
// ones every toxic takes (stream, toxicity): netem's attributes.
var netParams = map[string][]string{
	"latency":    {"latency", "jitter"},
	"bandwidth":  {"rate"},
	"loss":       {"probability", "scope"},
	"reset_peer": {"timeout"},
	"timeout":    {"timeout"},
	"slow_close": {"delay"},
	"slicer":     {"average_size", "size_variation", "delay"},
	"limit_data": {"bytes"},
	"corrupt":    {"probability"},
}

// netKindParams returns the parameters of net.<toxic>.
func netKindParams(toxic string) []string {
	return append(append([]string(nil), netParams[toxic]...), "stream", "toxicity")
}

// netFault is a network fault: one netem toxic, named after the fault, on
// the supervisor's proxy of each target server (`chaoslab up --proxy`),
// added and removed through the proxies' control API. The toxic carries
// the fault's deadline, so the proxy removes it by itself even if nobody
// ever clears it (the dead-man's switch).
type netFault struct {
	b     Build
	url   string // netem control API
	names []string
	spec  netem.ToxicSpec
}

func newNet(b Build) (Fault, error) {
	st, err := supervisor.LoadState(b.Env.Dir)
	if err != nil {
		return nil, err
	}
	if st.Supervisor.Netem == "" {
		return nil, fmt.Errorf("%s: the twin in %s runs without proxies: bring it up with `chaoslab up --proxy`", b.Spec.Kind, st.Dir)
	}
	spec, err := toxicOf(b)
	if err != nil {
		return nil, err
	}
	f := &netFault{b: b, url: st.Supervisor.Netem, spec: spec}
	for _, t := range b.Targets {
		f.names = append(f.names, t.Server)
	}
	return f, nil
}

// toxicOf builds the toxic of a net.* spec: netem's CLI form, so values
// are typed and checked by netem, with the fault id as its name and the
// fault's deadline.
func toxicOf(b Build) (netem.ToxicSpec, error) {
	typ := strings.TrimPrefix(b.Spec.Kind, "net.")
	keys := make([]string, 0, len(b.Spec.Params))
	for k := range b.Spec.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := []string{typ, "name=" + b.ID, "deadline=" + b.Env.now().Add(b.Spec.Duration()).UTC().Format(time.RFC3339Nano)}
	for _, k := range keys {
		parts = append(parts, k+"="+b.Spec.Params[k])
	}
	spec, err := netem.ParseToxic(strings.Join(parts, ","))
	if err != nil {
		var se *netem.SpecError
		if errors.As(err, &se) {
			se.Col = 0 // the columns are of our rendering, not the user's
			return spec, fmt.Errorf("%s: %w", b.Spec.Kind, se)
		}
		return spec, fmt.Errorf("%s: %w", b.Spec.Kind, err)
	}
	return spec, nil
}

func (f *netFault) undo() []Step {
	var s []Step
	for _, n := range f.names {
		s = append(s, Step{Op: "toxic.remove", Addr: f.url, Proxy: n, Toxic: f.b.ID})
	}
	return s
}

// Describe implements Describer.
func (f *netFault) Describe() string {
	return fmt.Sprintf("%s on the proxies of %v", netem.Describe(f.spec), f.names)
}

// Inject implements Fault.
func (f *netFault) Inject(ctx context.Context) (Revert, error) {
	revert := func(ctx context.Context) error { return runSteps(ctx, f.undo()) }
	c := netem.NewClient(f.url, &http.Client{Timeout: 30 * time.Second})
	for _, n := range f.names {
		if _, err := c.AddToxic(ctx, n, f.spec); err != nil {
			return revert, fmt.Errorf("%s on the proxy of %s: %w", f.b.Spec.Kind, n, err)
		}
	}
	return revert, nil
}

// Verify implements Verifier: every proxy lists the toxic.
func (f *netFault) Verify(ctx context.Context) error {
	c := netem.NewClient(f.url, &http.Client{Timeout: 5 * time.Second})
	var errs []error
	for _, n := range f.names {
		ts, err := c.Toxics(ctx, n)
		found := false
		for _, t := range ts {
			found = found || t.Name == f.b.ID
		}
		if err == nil && !found {
			err = fmt.Errorf("the proxy of %s has no toxic %s", n, f.b.ID)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// removeToxic runs a toxic.remove step. A toxic already gone (removed,
// past its deadline) or a control API that no longer answers (its
// supervisor exited, and the proxies with it) is "already undone".
func removeToxic(ctx context.Context, s Step) error {
	c := netem.NewClient(s.Addr, &http.Client{Timeout: 10 * time.Second})
	err := c.RemoveToxic(ctx, s.Proxy, s.Toxic)
	var ae *netem.APIError
	switch {
	case err == nil, errors.Is(err, netem.ErrToxicNotFound):
		return nil
	case errors.As(err, &ae), ctx.Err() != nil:
		return fmt.Errorf("remove toxic %s from the proxy of %s: %w", s.Toxic, s.Proxy, err)
	}
	return nil
}

var (
	_ Fault     = (*netFault)(nil)
	_ Verifier  = (*netFault)(nil)
	_ Describer = (*netFault)(nil)
	_ undoer    = (*netFault)(nil)
)
