package difftest

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"testing"

	"chaoslab/internal/cli"
)

// TestCLI runs a sample of the committed cases through
// `chaoslab formula eval [--py2] [--seed N] [--var NAME=LITERAL]... EXPR`:
// a value is printed as its repr on stdout with exit 0; an exception goes to
// stderr as "Type: message" with exit 1 and nothing on stdout.
func TestCLI(t *testing.T) {
	var sample []Case
	for _, name := range []string{"handwritten.json", "corpus.json", "py2.json"} {
		f, err := loadCases(name)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range filterCases(f.Cases) {
			if c.NoLit {
				continue // --var takes literals only
			}
			if n%9 == 0 {
				sample = append(sample, c)
			}
			n++
		}
	}
	var fails []string
	for i := range sample {
		c := &sample[i]
		args := cliArgs(c)
		var out, errb bytes.Buffer
		code := runCLI(args, &out, &errb)
		if msg := judgeCLI(c, code, out.String(), errb.String()); msg != "" {
			fails = append(fails, "-- "+c.ID+": chaoslab "+quoteArgs(args)+"\n   "+msg)
		}
	}
	t.Logf("cli: %d/%d match (%d differ)", len(sample)-len(fails), len(sample), len(fails))
	if len(fails) > 0 {
		show := fails
		if len(show) > 3**showN {
			show = show[:3**showN]
		}
		t.Errorf("%d of %d CLI runs differ:\n%s", len(fails), len(sample), strings.Join(show, "\n"))
	}
}

// runCLI calls cli.Main, turning a panic into exit code -1.
func runCLI(args []string, out, errb *bytes.Buffer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			errb.WriteString("panic: " + strings.TrimSpace(strings.SplitN(strings.TrimSpace(toString(r)), "\n", 2)[0]))
			code = -1
		}
	}()
	return cli.Main(args, cli.Streams{In: strings.NewReader(""), Out: out, Err: errb})
}

func toString(r any) string {
	if e, ok := r.(error); ok {
		return e.Error()
	}
	if s, ok := r.(string); ok {
		return s
	}
	return "non-string panic"
}

func cliArgs(c *Case) []string {
	args := []string{"formula", "eval"}
	if c.Py2 {
		args = append(args, "--py2")
	}
	if c.Seed != 0 {
		args = append(args, "--seed", strconv.FormatInt(c.Seed, 10))
	}
	names := make([]string, 0, len(c.Vars))
	for k := range c.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		args = append(args, "--var", k+"="+c.Vars[k])
	}
	if strings.HasPrefix(c.Src, "-") {
		args = append(args, "--") // else "-7/2" reads as a flag
	}
	return append(args, c.Src)
}

func judgeCLI(c *Case, code int, stdout, stderr string) string {
	got := "exit " + strconv.Itoa(code) + ", stdout " + strconv.Quote(clip(stdout)) + ", stderr " + strconv.Quote(clip(stderr))
	if c.Repr != nil {
		want := *c.Repr
		line := strings.TrimSuffix(stdout, "\n")
		if c.Addr {
			line, _, _ = strings.Cut(line, " at 0x")
		}
		if code != 0 || line != want || !strings.HasSuffix(stdout, "\n") {
			return "want exit 0, stdout " + strconv.Quote(want+"\n") + "; got " + got
		}
		return ""
	}
	want := c.Error.String()
	if c.Cmp == "type" {
		want = c.Error.Type
	}
	if code != 1 || stdout != "" || !strings.Contains(stderr, want) {
		return "want exit 1, stderr containing " + strconv.Quote(want) + "; got " + got
	}
	return ""
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " '\"()[]{}*<>|&;$`\\!?#") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}
