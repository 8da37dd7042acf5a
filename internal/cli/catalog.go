package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"chaoslab/internal/catalog"

	"github.com/spf13/cobra"
)

func newCatalogCmd(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "Check and convert control-system catalogs (tango2csv CSV, YAML)",
	}
	cmd.AddCommand(newCatalogCheckCmd(s), newCatalogConvertCmd(s), newCatalogShowCmd(s))
	return cmd
}

// loadCatalog reads path ("-" is standard input, format sniffed).
func loadCatalog(s Streams, path string) (*catalog.Catalog, error) {
	if path != "-" {
		return catalog.Load(path)
	}
	data, err := io.ReadAll(s.In)
	if err != nil {
		return nil, err
	}
	c, err := catalog.Read("<stdin>", data, "")
	l := catalog.ErrorList(catalog.Errors(err))
	if c != nil {
		for _, e := range catalog.Check(c) {
			l = append(l, e.(*catalog.Error))
		}
	}
	l.Sort()
	return c, l.Err()
}

// isIOError tells a file that could not be read from a file with errors.
func isIOError(err error) bool {
	_, ok := err.(catalog.ErrorList)
	return err != nil && !ok
}

type checkReport struct {
	File     string         `json:"file"`
	OK       bool           `json:"ok"`
	Stats    *catalog.Stats `json:"stats,omitempty"`
	Errors   []jsonError    `json:"errors"`
	Warnings []jsonError    `json:"warnings"`
}

type jsonError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

func toJSONErrors(l []*catalog.Error) []jsonError {
	out := []jsonError{}
	for _, e := range l {
		out = append(out, jsonError{e.Pos.File, e.Pos.Line, e.Pos.Col, e.Msg})
	}
	return out
}

func newCatalogCheckCmd(s Streams) *cobra.Command {
	var asJSON, quiet bool
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Load catalogs and report every error as file:line:col: message",
		Long: "Load each catalog (CSV by .csv/.tsv/.txt, YAML by .yaml/.yml, else sniffed; - is stdin),\n" +
			"run the semantic checks and print every error as file:line:col: message on stderr.\n" +
			"Exit 0 when all are clean (a one-line summary each), 1 when any has errors.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failed := false
			var reports []checkReport
			for _, path := range args {
				c, err := loadCatalog(s, path)
				if isIOError(err) {
					return exit(ExitError, fmt.Errorf("chaoslab catalog check: %w", err))
				}
				errs := catalog.Errors(err)
				r := checkReport{File: path, OK: len(errs) == 0, Errors: toJSONErrors(errs), Warnings: []jsonError{}}
				if c != nil {
					st := c.Stats()
					r.Stats = &st
					r.Warnings = toJSONErrors(c.Warnings)
				}
				if len(errs) > 0 {
					failed = true
				}
				if asJSON {
					reports = append(reports, r)
					continue
				}
				// One list in file order, so the file reads top to bottom.
				for _, m := range catalog.Messages(c, err) {
					switch {
					case !m.Warning:
						fmt.Fprintln(s.Err, m.Error.Error())
					case !quiet:
						fmt.Fprintf(s.Err, "%s: warning: %s\n", m.Pos, m.Msg)
					}
				}
				if len(errs) == 0 && r.Stats != nil {
					st := r.Stats
					fmt.Fprintf(s.Out, "%s: ok: %d hosts, %d servers, %d devices, %d classes, %d properties, %d attribute properties\n",
						path, st.Hosts, st.Servers, st.Devices, st.Classes, st.Properties, st.Attributes)
				}
			}
			if asJSON {
				enc := json.NewEncoder(s.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(reports); err != nil {
					return exit(ExitError, err)
				}
			}
			if failed {
				return exit(ExitFailure, nil)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON report (summary, errors, warnings) on stdout")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not print warnings")
	return cmd
}

func newCatalogConvertCmd(s Streams) *cobra.Command {
	var to, delim string
	var force bool
	cmd := &cobra.Command{
		Use:   "convert IN OUT",
		Short: "Convert a catalog between tango2csv CSV and YAML",
		Long: "Read IN (CSV or YAML; - is stdin) and write OUT in the format of its extension\n" +
			"(.csv/.tsv/.txt or .yaml/.yml); OUT - writes stdout and needs --to csv|yaml.\n" +
			"A catalog with errors is not converted unless --force.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, out := args[0], args[1]
			format := catalog.Format(strings.ToLower(to))
			if format == "" && out != "-" {
				format = catalog.FormatOf(out)
			}
			if format != catalog.FormatCSV && format != catalog.FormatYAML {
				return exit(ExitUsage, fmt.Errorf("chaoslab catalog convert: cannot tell the output format of %q: use --to csv|yaml", out))
			}
			c, err := loadCatalog(s, in)
			if isIOError(err) {
				return exit(ExitError, fmt.Errorf("chaoslab catalog convert: %w", err))
			}
			if errs := catalog.Errors(err); len(errs) > 0 {
				for _, e := range errs {
					fmt.Fprintln(s.Err, e.Error())
				}
				if !force || c == nil {
					return exit(ExitFailure, nil)
				}
			}
			var buf bytes.Buffer
			switch format {
			case catalog.FormatCSV:
				opts := catalog.CSVOptions{}
				switch delim {
				case "tab", "":
				case "comma", ",":
					opts.Delimiter = ','
				case "semicolon", ";":
					opts.Delimiter = ';'
				default:
					return exit(ExitUsage, fmt.Errorf("chaoslab catalog convert: --delimiter must be tab, comma or semicolon"))
				}
				err = catalog.WriteCSV(&buf, c, opts)
			default:
				err = catalog.WriteYAML(&buf, c)
			}
			if err != nil {
				return exit(ExitError, err)
			}
			if out == "-" {
				_, err = s.Out.Write(buf.Bytes())
			} else {
				err = os.WriteFile(out, buf.Bytes(), 0o644)
			}
			if err != nil {
				return exit(ExitError, fmt.Errorf("chaoslab catalog convert: %w", err))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "output format: csv or yaml (default: from OUT's extension)")
	cmd.Flags().StringVar(&delim, "delimiter", "tab", "CSV delimiter: tab, comma or semicolon")
	cmd.Flags().BoolVar(&force, "force", false, "convert even when the catalog has errors")
	return cmd
}

func newCatalogShowCmd(s Streams) *cobra.Command {
	var values bool
	cmd := &cobra.Command{
		Use:   "show FILE",
		Short: "Print a catalog as a tree: hosts, servers, devices, properties",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadCatalog(s, args[0])
			if isIOError(err) {
				return exit(ExitError, fmt.Errorf("chaoslab catalog show: %w", err))
			}
			if c == nil {
				return exit(ExitFailure, err)
			}
			w := s.Out
			host := "\x00"
			for _, sv := range c.Servers {
				if sv.Host != host {
					host = sv.Host
					h := host
					if h == "" {
						h = "(no host)"
					}
					fmt.Fprintf(w, "%s\n", h)
				}
				fmt.Fprintf(w, "  %s\n", sv.Name)
				for _, d := range sv.Devices {
					fmt.Fprintf(w, "    %s (%s)\n", d.Name, d.Class)
					for _, p := range d.Properties {
						showProp(w, "      ", p.Name, p, values)
					}
					for _, a := range d.Attributes {
						for _, p := range a.Properties {
							showProp(w, "      ", a.Name+"."+p.Name, p, values)
						}
					}
				}
			}
			for _, e := range catalog.Errors(err) {
				fmt.Fprintln(s.Err, e.Error())
			}
			if err != nil {
				return exit(ExitFailure, nil)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&values, "values", false, "print every property value")
	return cmd
}

func showProp(w io.Writer, indent, name string, p *catalog.Property, values bool) {
	from := ""
	if p.Template != "" {
		from = " (from " + p.Template + ")"
	}
	if !values {
		v := ""
		if len(p.Values) > 0 {
			v = p.Values[0]
		}
		if len(v) > 60 {
			v = v[:57] + "..."
		}
		more := ""
		if len(p.Values) > 1 {
			more = fmt.Sprintf(" (+%d)", len(p.Values)-1)
		}
		fmt.Fprintf(w, "%s%s = %s%s%s\n", indent, name, v, more, from)
		return
	}
	fmt.Fprintf(w, "%s%s%s\n", indent, name, from)
	for _, v := range p.Values {
		fmt.Fprintf(w, "%s  %s\n", indent, v)
	}
}
