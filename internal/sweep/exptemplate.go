package sweep

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"

	"chaoslab/internal/experiment"
)

// ExpTemplate is the `experiment:` case template: an experiment file whose
// text has ${expr} substituted per case (`experiment: FILE` or
// `experiment: {file: FILE}`), or an experiment written inline whose
// values are bound like any template.
type ExpTemplate struct {
	Pos    Pos
	Path   string        // file mode: the experiment file (resolved against the matrix file)
	Text   *TextTemplate // file mode: its text
	Inline *Template     // inline mode
	dir    string        // the matrix file's directory (inline catalogs resolve against it)
}

// readExperiment reads the experiment section; a file is read and its
// substitutions compiled now, so a typo is reported before anything runs.
func readExperiment(dir string, n *ynode) (*ExpTemplate, error) {
	e := &ExpTemplate{Pos: n.Pos, dir: dir}
	file := ""
	switch {
	case n.Kind == yScalar:
		s, ok := n.Val.(string)
		if !ok || s == "" {
			return nil, &PosError{Pos: n.Pos, Msg: "experiment: expected a file name or an inline experiment {title, method, ...}"}
		}
		file = s
	case n.Kind == yMap && n.get("file") != nil:
		if len(n.Keys) != 1 {
			return nil, &PosError{Pos: n.Pos, Msg: "experiment: {file: FILE} takes no other key (parameters go into the file as ${expr})"}
		}
		s, err := str(n.get("file"), "experiment.file")
		if err != nil {
			return nil, err
		}
		file, n = s, n.get("file")
	case n.Kind == yMap:
		t, err := compileTemplate(n)
		if err != nil {
			return nil, err
		}
		e.Inline = t
		return e, nil
	default:
		return nil, &PosError{Pos: n.Pos, Msg: "experiment: expected a file name or an inline experiment {title, method, ...}"}
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &PosError{Pos: n.Pos, Msg: "experiment: " + err.Error()}
	}
	e.Path = file
	e.Text, err = CompileText(file, string(data))
	return e, err
}

// Bind returns the case's experiment, loaded and validated by
// internal/experiment; a relative catalog resolves against the experiment
// file (inline: the matrix file).
func (e *ExpTemplate) Bind(c *Case) (*experiment.Experiment, error) {
	var name string
	var src []byte
	base := e.dir
	if e.Text != nil {
		s, err := e.Text.Bind(c.Vars())
		if err != nil {
			return nil, err
		}
		name, src, base = e.Path, []byte(s), filepath.Dir(e.Path)
	} else {
		v, err := e.Inline.Bind(c.Vars())
		if err != nil {
			return nil, err
		}
		if src, err = yaml.Marshal(v); err != nil {
			return nil, err
		}
		name = fmt.Sprintf("experiment at %s (case %d, bound)", e.Pos, c.I)
	}
	x, err := experiment.Load(name, src)
	if err != nil {
		return nil, err
	}
	if cat := x.System.Catalog; cat != "" && !filepath.IsAbs(cat) {
		x.System.Catalog = filepath.Join(base, cat)
	}
	return x, nil
}

// TextTemplate is text with ${expr} substitutions (an experiment file):
// literal, expression, literal ... with each expression's position.
type TextTemplate struct {
	parts []string
	exprs []*Expr
}

// CompileText compiles the substitutions of a text; errors are at
// name:line:col. "$${" is a literal "${".
func CompileText(name, text string) (*TextTemplate, error) {
	t := &TextTemplate{}
	var errs []error
	var lit strings.Builder
	for i, line := range strings.SplitAfter(text, "\n") {
		if !strings.Contains(line, "${") {
			lit.WriteString(line)
			continue
		}
		parts, err := splitInterp(strings.TrimRight(line, "\n"))
		if err != nil {
			errs = append(errs, &PosError{Pos: Pos{File: name, Line: i + 1, Col: strings.Index(line, "${") + 1}, Msg: err.Error()})
			continue
		}
		if strings.HasSuffix(line, "\n") {
			parts[len(parts)-1] += "\n"
		}
		from := 0
		for k, p := range parts {
			if k%2 == 0 {
				lit.WriteString(p)
				continue
			}
			col := strings.Index(line[from:], p)
			if col >= 0 {
				col += from
				from = col + len(p)
			}
			e, err := CompileExpr(p, Pos{File: name, Line: i + 1, Col: max(col-1, 1)}) // at its "${"
			if err != nil {
				errs = append(errs, err)
				continue
			}
			t.parts = append(t.parts, lit.String())
			t.exprs = append(t.exprs, e)
			lit.Reset()
		}
	}
	t.parts = append(t.parts, lit.String())
	return t, joinErrs(errs)
}

// Names returns the free names of every substitution.
func (t *TextTemplate) Names() []string {
	var out []string
	for _, e := range t.exprs {
		out = append(out, e.Names()...)
	}
	return out
}

// Bind substitutes every expression's value (its str()).
func (t *TextTemplate) Bind(vars func(string) (Value, bool)) (string, error) {
	var sb strings.Builder
	for i, e := range t.exprs {
		sb.WriteString(t.parts[i])
		v, err := e.Eval(vars)
		if err != nil {
			return "", err
		}
		sb.WriteString(FormatValue(v))
	}
	sb.WriteString(t.parts[len(t.parts)-1])
	return sb.String(), nil
}
