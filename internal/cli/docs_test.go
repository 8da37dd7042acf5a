package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestDocsCLIUpToDate fails when the generated part of docs/cli.md differs
// from what `chaoslab docs cli` prints; -update rewrites it.
func TestDocsCLIUpToDate(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "CHAOSLAB_") {
			t.Setenv(name, "") // flag defaults read them; the reference must not
		}
	}
	var gen bytes.Buffer
	if err := writeCLIReference(&gen, newRoot(Streams{})); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "cli.md")
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := spliceGenerated(old, gen.Bytes())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if bytes.Equal(old, want) {
		return
	}
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with the command tree; run `go test ./internal/cli -run TestDocsCLI -update`\n%s", path, firstDiff(old, want))
}

// firstDiff describes the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n  have: %s\n  want: %s", i+1, gl, wl)
		}
	}
	return ""
}

func TestWriteCLIReference(t *testing.T) {
	root := &cobra.Command{Use: "lab"}
	grp := &cobra.Command{Use: "grp", Short: "A group"}
	leaf := &cobra.Command{
		Use:     "leaf ARG",
		Short:   "Do a thing",
		Long:    "Leaf does\n  a thing.",
		Example: "  lab grp leaf x\n  lab grp leaf y",
		Run:     func(*cobra.Command, []string) {},
	}
	leaf.Flags().BoolP("verbose", "v", false, "say more")
	leaf.Flags().String("mode", "a", "a `MODE`: a|b")
	leaf.Flags().Int("n", 3, "how\nmany")
	leaf.Flags().String("secret", "", "hidden")
	leaf.Flags().MarkHidden("secret")
	grp.AddCommand(leaf)
	root.AddCommand(grp, &cobra.Command{Use: "ghost", Hidden: true, Run: func(*cobra.Command, []string) {}})

	var b bytes.Buffer
	if err := writeCLIReference(&b, root); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"- [`lab grp`](#lab-grp) — A group\n  - [`lab grp leaf`](#lab-grp-leaf) — Do a thing\n",
		"### lab grp\n\nA group\n\n```\nlab grp COMMAND\n```\n\nSubcommands:\n\n- [`leaf`](#lab-grp-leaf) — Do a thing\n\n",
		"### lab grp leaf\n\nDo a thing\n\n```\nlab grp leaf ARG [flags]\n```\n\n```text\nLeaf does\n  a thing.\n```\n\n",
		"| `--mode` | string (MODE) | `a` | a MODE: a\\|b |\n",
		"| `--n` | int | `3` | how many |\n",
		"| `-v`, `--verbose` | bool | — | say more |\n",
		"Examples:\n\n```sh\nlab grp leaf x\nlab grp leaf y\n```\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("reference lacks %q\n%s", want, got)
		}
	}
	for _, unwanted := range []string{"ghost", "secret", "--help", "\n\n\n"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("reference has %q\n%s", unwanted, got)
		}
	}
	if !strings.HasSuffix(got, "```\n") || strings.HasSuffix(got, "\n\n") {
		t.Errorf("reference should end with one newline: %q", got[len(got)-10:])
	}
}

func TestSpliceGenerated(t *testing.T) {
	doc := "# Title\n\nhand\n\n" + docsBegin + "\nold\n" + docsEnd + "\n\nmore hand\n"
	got, err := spliceGenerated([]byte(doc), []byte("\nnew\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := "# Title\n\nhand\n\n" + docsBegin + "\n\nnew\n\n" + docsEnd + "\n\nmore hand\n"
	if string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
	again, _ := spliceGenerated(got, []byte("new"))
	if string(again) != want {
		t.Errorf("splicing is not idempotent: %q", again)
	}
	for _, bad := range []string{"no markers", docsEnd + "\n" + docsBegin, docsBegin + " only"} {
		if _, err := spliceGenerated([]byte(bad), nil); err == nil {
			t.Errorf("spliceGenerated(%q): no error", bad)
		}
	}
}

// TestDocsCmd checks that `chaoslab docs cli` prints what the docs test
// compares, and that --file rewrites only the generated part.
func TestDocsCmd(t *testing.T) {
	t.Setenv("CHAOSLAB_STATE", "/elsewhere") // must not reach the reference
	var out, errb bytes.Buffer
	s := Streams{In: strings.NewReader(""), Out: &out, Err: &errb}
	root := newRoot(s)
	root.AddCommand(newDocsCmd(s))
	root.SetArgs([]string{"docs", "cli"})
	if err := root.Execute(); err != nil {
		t.Fatalf("docs cli: %v (%s)", err, errb.String())
	}
	var want bytes.Buffer
	if err := writeCLIReference(&want, newRoot(Streams{})); err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		t.Errorf("docs cli output differs from writeCLIReference:\n%s", firstDiff(out.Bytes(), want.Bytes()))
	}
	if strings.Contains(out.String(), "/elsewhere") {
		t.Error("the reference shows a default taken from CHAOSLAB_STATE")
	}

	file := filepath.Join(t.TempDir(), "cli.md")
	os.WriteFile(file, []byte("hand\n"+docsBegin+"\n"+docsEnd+"\ntail\n"), 0o644)
	root = newRoot(s)
	root.AddCommand(newDocsCmd(s))
	root.SetArgs([]string{"docs", "cli", "--file", file})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	if !strings.HasPrefix(string(b), "hand\n"+docsBegin+"\n\n## Command reference\n") || !strings.HasSuffix(string(b), docsEnd+"\ntail\n") {
		t.Errorf("--file wrote:\n%.300s", b)
	}
}
