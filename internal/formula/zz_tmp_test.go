package formula

import (
	"os"
	"strings"
	"testing"

	"chaoslab/internal/formula/pyval"
)

func TestTmpEval(t *testing.T) {
	src := os.Getenv("TMPEXPR")
	if fn := os.Getenv("TMPFILE"); fn != "" {
		b, _ := os.ReadFile(fn)
		src = strings.TrimSpace(string(b))
	}
	if src == "" {
		t.Skip()
	}
	for _, e := range strings.Split(src, ";;") {
		p, err := Compile(e, nil)
		if err != nil {
			t.Log(err)
			continue
		}
		env := p.NewEnv(&pyval.Context{})
		v, err := p.Eval(env)
		if err != nil {
			t.Log(e, "->", err)
			continue
		}
		r, _ := pyval.Repr(env.Ctx, v)
		t.Log(e, "->", r)
	}
}
