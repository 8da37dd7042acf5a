package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// maxSeed bounds the size of a seed file. A big seed (the 350 KB beamline
// catalog) stalls the engine: every mutation parses it whole and every
// input it finds interesting is minimized for up to a minute, so a short
// run executes a few dozen inputs. Small seeds cover the same grammar.
const maxSeed = 16 << 10

func seedFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil && len(data) <= maxSeed {
			f.Add(data)
		}
	}
}

// FuzzReadCSV: no panic, and whatever reads without error survives a
// CSV write and re-read.
func FuzzReadCSV(f *testing.F) {
	seedFiles(f, "testdata/*.csv")
	seedFiles(f, "testdata/bad/*.csv")
	f.Add([]byte("server,class,device,property,value\n\"a"))
	f.Add([]byte("server\tclass\tdevice\tproperty\tvalue\n*\tC\t*[\tp\tv\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ReadCSV("f.csv", bytes.NewReader(data))
		if c == nil {
			t.Fatal("nil catalog")
		}
		_ = Check(c)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, c, CSVOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadCSV("g.csv", &buf); err != nil {
			// Some catalogs cannot be written faithfully (see docs); they must
			// still read back without a crash.
			return
		}
	})
}

// FuzzReadYAML: no panic; valid documents survive a YAML write and re-read.
func FuzzReadYAML(f *testing.F) {
	seedFiles(f, "testdata/*.golden.yaml")
	seedFiles(f, "testdata/bad/*.yaml")
	f.Add([]byte("servers: {A/b: {devices: {a/b/c: {class: X, properties: {P: [1, 2.50, true, ~]}}}}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ReadYAML("f.yaml", data)
		if c == nil {
			t.Fatal("nil catalog")
		}
		_ = Check(c)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteYAML(&buf, c); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadYAML("g.yaml", buf.Bytes()); err != nil {
			t.Fatalf("re-read of written YAML failed: %v\n%s", err, buf.String())
		}
	})
}
