package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// Format is a catalog file format.
type Format string

// The catalog formats.
const (
	FormatCSV  Format = "csv"
	FormatYAML Format = "yaml"
)

// FormatOf picks the format from a file name (.csv .tsv .txt -> CSV,
// .yaml .yml -> YAML); "" when the extension says nothing.
func FormatOf(path string) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv", ".txt":
		return FormatCSV
	case ".yaml", ".yml":
		return FormatYAML
	}
	return ""
}

// Sniff guesses the format of data: a first non-blank line that looks like
// a CSV header (a delimiter and the word "server") means CSV, otherwise YAML.
func Sniff(data []byte) Format {
	for _, l := range bytes.Split(data, []byte("\n")) {
		t := bytes.TrimSpace(l)
		if len(t) == 0 || t[0] == '#' && !bytes.Contains(t, []byte("\t")) {
			continue
		}
		lt := bytes.ToLower(t)
		if bytes.ContainsAny(t, "\t,;") && bytes.Contains(lt, []byte("server")) && bytes.Contains(lt, []byte("device")) {
			return FormatCSV
		}
		return FormatYAML
	}
	return FormatYAML
}

// Read parses data in format f (sniffed when f is "").
func Read(name string, data []byte, f Format) (*Catalog, error) {
	if f == "" {
		f = Sniff(data)
	}
	if f == FormatCSV {
		return readCSV(name, string(data))
	}
	return ReadYAML(name, data)
}

// Load reads a catalog file (format by extension, else sniffed) and checks
// it. The error, if any, is an ErrorList with every read and Check error;
// the catalog is returned as far as it could be read.
func Load(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := Read(path, data, FormatOf(path))
	l := ErrorList(Errors(err))
	if c != nil {
		for _, e := range Check(c) {
			l = append(l, e.(*Error))
		}
	}
	l.Sort()
	return c, l.Err()
}

// Stats counts the parts of a catalog.
type Stats struct {
	Hosts, Servers, Devices, Classes, Properties, Attributes, Templates int
}

// Stats counts hosts, servers, devices, classes (of devices and with class
// properties), properties (device and class) and attribute properties.
func (c *Catalog) Stats() Stats {
	var s Stats
	hosts := map[string]bool{}
	classes := map[string]bool{}
	for _, sv := range c.Servers {
		if sv.Host != "" {
			hosts[sv.Host] = true
		}
		s.Servers++
		for _, d := range sv.Devices {
			s.Devices++
			classes[d.Class] = true
			s.Properties += len(d.Properties)
			for _, a := range d.Attributes {
				s.Attributes += len(a.Properties)
			}
		}
	}
	for n, k := range c.Classes {
		classes[n] = true
		s.Properties += len(k.Properties)
	}
	s.Hosts, s.Classes, s.Templates = len(hosts), len(classes), len(c.Templates)
	return s
}
