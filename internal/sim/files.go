package sim

import (
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// FILE(name) reads a text file. Reading is I/O, so it happens while the
// World is built: every FILE call whose argument is a string literal is
// read then, and FILE at run time answers from what was read. Files are
// confined to the catalog file's directory (os.Root): the name, prefixed
// by the device's PATH property when that is relative, must be a local
// path there; absolute paths and ".." escapes are refused, so a catalog
// cannot make the twin read arbitrary files of the machine.

type fileData struct {
	lines []string
	err   string // why the file cannot be read ("" when read)
}

var fileCallRE = regexp.MustCompile(`\bFILE\(\s*(?:filename\s*=\s*)?(['"])([^'"]*)['"]\s*\)`)

// fileKey resolves name against the PATH property: the file's path
// relative to the catalog directory, or a message saying why not.
func fileKey(pathProp, name string) (string, string) {
	p := name
	if pathProp != "" && !strings.HasPrefix(name, "/") {
		p = path.Join(filepath.ToSlash(pathProp), name)
	}
	if strings.HasPrefix(p, "/") || filepath.IsAbs(p) {
		return "", "FILE('" + name + "'): absolute paths are not read by the twin; put the file under the catalog's directory and name it relative to it (or to PATH)"
	}
	p = path.Clean(p)
	if !filepath.IsLocal(filepath.FromSlash(p)) {
		return "", "FILE('" + name + "'): the path leaves the catalog's directory; refused"
	}
	return p, ""
}

// prefetchFiles reads the files named by FILE('literal') in src.
func (w *World) prefetchFiles(pathProp, src string) []string {
	if !strings.Contains(src, "FILE(") {
		return nil
	}
	var msgs []string
	for _, m := range fileCallRE.FindAllStringSubmatch(src, -1) {
		key, msg := fileKey(pathProp, m[2])
		if msg != "" {
			msgs = append(msgs, msg)
			continue
		}
		w.fileMu.Lock()
		fd, ok := w.files[key]
		w.fileMu.Unlock()
		if !ok {
			fd = w.readFile(key)
			w.fileMu.Lock()
			if w.files == nil {
				w.files = map[string]*fileData{}
			}
			w.files[key] = fd
			w.fileMu.Unlock()
		}
		if fd.err != "" {
			msgs = append(msgs, fd.err)
		}
	}
	return msgs
}

func (w *World) readFile(key string) *fileData {
	if w.catDir == "" {
		return &fileData{err: "FILE('" + key + "'): the catalog has no file path to resolve it against"}
	}
	root, err := os.OpenRoot(w.catDir)
	if err != nil {
		return &fileData{err: "FILE('" + key + "'): " + err.Error()}
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(key))
	if err != nil {
		return &fileData{err: "FILE('" + key + "'): " + err.Error()}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 16<<20))
	if err != nil {
		return &fileData{err: "FILE('" + key + "'): " + err.Error()}
	}
	text := strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	return &fileData{lines: strings.Split(text, "\n")}
}

// fileLines is FILE at run time: the lines read at build time.
func (w *World) fileLines(pathProp, name string) ([]string, string) {
	key, msg := fileKey(pathProp, name)
	if msg != "" {
		return nil, msg
	}
	w.fileMu.Lock()
	fd := w.files[key]
	w.fileMu.Unlock()
	if fd == nil {
		return nil, "FILE('" + name + "'): not read when the twin was built (only FILE calls with a literal file name are read)"
	}
	if fd.err != "" {
		return nil, fd.err
	}
	return fd.lines, ""
}
