package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Markers around the generated part of docs/cli.md. Everything between them
// is rewritten by `chaoslab docs cli --file docs/cli.md` (and by the docs test
// with -update); everything outside them is written by hand.
const (
	docsBegin = "<!-- BEGIN GENERATED: chaoslab docs cli; do not edit by hand -->"
	docsEnd   = "<!-- END GENERATED -->"
)

// newDocsCmd returns the hidden `chaoslab docs`, whose `cli` subcommand prints
// the command reference as Markdown, generated from the command tree so that
// the reference cannot drift from the flags the code actually registers.
func newDocsCmd(s Streams) *cobra.Command {
	docs := &cobra.Command{
		Use:    "docs",
		Short:  "Generate documentation from the command tree",
		Hidden: true,
		Args:   cobra.NoArgs,
	}
	var file string
	cli := &cobra.Command{
		Use:   "cli [--file docs/cli.md]",
		Short: "Print the command reference as Markdown, or rewrite it in a file between the generated markers",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			// Flag defaults taken from CHAOSLAB_* variables would leak the
			// caller's environment into the reference: build a clean tree.
			for _, kv := range os.Environ() {
				if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "CHAOSLAB_") {
					os.Unsetenv(name)
				}
			}
			var gen bytes.Buffer
			if err := writeCLIReference(&gen, newRoot(s)); err != nil {
				return exit(ExitError, err)
			}
			if file == "" {
				_, err := s.Out.Write(gen.Bytes())
				return err
			}
			old, err := os.ReadFile(file)
			if err != nil {
				return exit(ExitError, err)
			}
			doc, err := spliceGenerated(old, gen.Bytes())
			if err != nil {
				return exit(ExitError, fmt.Errorf("%s: %w", file, err))
			}
			if bytes.Equal(doc, old) {
				return nil
			}
			return os.WriteFile(file, doc, 0o644)
		},
	}
	cli.Flags().StringVar(&file, "file", "", "rewrite the part of `FILE` between the generated markers instead of printing")
	docs.AddCommand(cli)
	return docs
}

// spliceGenerated replaces what lies between the markers in doc with gen.
func spliceGenerated(doc, gen []byte) ([]byte, error) {
	begin := bytes.Index(doc, []byte(docsBegin))
	end := bytes.Index(doc, []byte(docsEnd))
	if begin < 0 || end < 0 || end < begin {
		return nil, errors.New("missing generated-section markers " + docsBegin + " ... " + docsEnd)
	}
	var out bytes.Buffer
	out.Write(doc[:begin+len(docsBegin)])
	out.WriteString("\n\n")
	out.Write(bytes.TrimSpace(gen))
	out.WriteString("\n\n")
	out.Write(doc[end:])
	return out.Bytes(), nil
}

// writeCLIReference writes the Markdown reference of every visible command
// under root, depth first in the order cobra lists them (alphabetical).
func writeCLIReference(w io.Writer, root *cobra.Command) error {
	var b strings.Builder
	b.WriteString("## Command reference\n\n")
	b.WriteString("Generated from the command tree by `chaoslab docs cli`; a test fails when this part differs.\n\n")
	cmds := visibleCommands(root)
	for _, c := range cmds[1:] { // the root itself has no section of its own
		depth := strings.Count(c.CommandPath(), " ") - 1
		fmt.Fprintf(&b, "%s- [`%s`](#%s) — %s\n", strings.Repeat("  ", depth), c.CommandPath(), anchor(c), oneLine(c.Short))
	}
	b.WriteString("\n")
	for _, c := range cmds[1:] {
		writeCommand(&b, c)
	}
	// Every block ends with a blank line; the reference ends with one newline.
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

// visibleCommands lists root and its descendants that a user should see:
// not hidden, not deprecated, and none of cobra's own help and completion.
func visibleCommands(root *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{root}
	for _, c := range root.Commands() {
		if c.Hidden || c.Deprecated != "" || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		out = append(out, visibleCommands(c)...)
	}
	return out
}

// anchor is the GitHub heading anchor of the command's section.
func anchor(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

func writeCommand(b *strings.Builder, c *cobra.Command) {
	fmt.Fprintf(b, "### %s\n\n", c.CommandPath())
	if c.Short != "" {
		fmt.Fprintf(b, "%s\n\n", strings.TrimSpace(c.Short))
	}
	fmt.Fprintf(b, "```\n%s\n```\n\n", usageLine(c))
	if len(c.Aliases) > 0 {
		fmt.Fprintf(b, "Aliases: `%s`\n\n", strings.Join(c.Aliases, "`, `"))
	}
	if long := strings.TrimSpace(c.Long); long != "" {
		// Long texts are written for a terminal; a fenced block keeps their
		// layout (tables, aligned lists) exactly as `--help` shows it.
		fmt.Fprintf(b, "```text\n%s\n```\n\n", long)
	}
	if subs := visibleCommands(c)[1:]; len(subs) > 0 {
		b.WriteString("Subcommands:\n\n")
		for _, sc := range subs {
			if sc.Parent() == c {
				fmt.Fprintf(b, "- [`%s`](#%s) — %s\n", sc.Name(), anchor(sc), oneLine(sc.Short))
			}
		}
		b.WriteString("\n")
	}
	writeFlags(b, "Flags", c.LocalFlags())
	writeFlags(b, "Inherited flags", c.InheritedFlags())
	if ex := strings.TrimRight(c.Example, " \n"); ex != "" {
		fmt.Fprintf(b, "Examples:\n\n```sh\n%s\n```\n\n", trimIndent(ex))
	}
}

// usageLine is cobra's usage line; a command that only groups others gets
// "COMMAND" instead.
func usageLine(c *cobra.Command) string {
	if !c.Runnable() {
		return c.CommandPath() + " COMMAND"
	}
	return c.UseLine()
}

// writeFlags writes a table of the visible flags of fs (help excluded).
func writeFlags(b *strings.Builder, title string, fs *pflag.FlagSet) {
	var rows []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Name == "help" {
			return
		}
		name, usage := pflag.UnquoteUsage(f)
		flag := "`--" + f.Name + "`"
		if f.Shorthand != "" {
			flag = "`-" + f.Shorthand + "`, " + flag
		}
		typ := f.Value.Type()
		if strings.Contains(f.Usage, "`") { // a value name given in the usage text
			typ += " (" + name + ")"
		}
		def := "—"
		if f.DefValue != "" && f.DefValue != "[]" && !(f.Value.Type() == "bool" && f.DefValue == "false") {
			def = "`" + f.DefValue + "`"
		}
		if f.Deprecated != "" {
			usage += " (deprecated: " + f.Deprecated + ")"
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s |", flag, cell(typ), def, cell(usage)))
	})
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "%s:\n\n| flag | type | default | meaning |\n|---|---|---|---|\n%s\n\n", title, strings.Join(rows, "\n"))
}

// cell escapes text for one Markdown table cell.
func cell(s string) string {
	s = oneLine(s)
	return strings.ReplaceAll(s, "|", `\|`)
}

// oneLine joins the lines of s with single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// trimIndent removes the indentation common to every non-blank line.
func trimIndent(s string) string {
	lines := strings.Split(s, "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, l := range lines {
		if len(l) >= indent && indent > 0 {
			lines[i] = l[indent:]
		}
	}
	return strings.Join(lines, "\n")
}
