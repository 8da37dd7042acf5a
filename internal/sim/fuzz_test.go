package sim

import (
	"strings"
	"testing"

	"chaoslab/internal/formula/pyval"
)

// FuzzDevice builds a device from arbitrary property text and exercises
// it: loading reports problems, nothing panics.
func FuzzDevice(f *testing.F) {
	f.Add("A = t\nB = A*2\nC = VAR('c', default=1, WRITE=True)", "ON = A > 1\nALARM = 1", "Cmd = DevLong(SCALAR(int,ARGS)+1)")
	f.Add("X = [1,2\\\n,3]\nY = X[0] # comment", "STATE = 3", "")
	f.Add("A = B\nB = A", "", "")
	f.Add("P = DevVarLongArray('abc')\nQ = DevBoolean('no')", "FAULT = P", "Go = COMM('a/b/c/Go')")
	f.Fuzz(func(t *testing.T, attrs, states, cmds string) {
		props := map[string][]string{}
		for name, text := range map[string]string{"DynamicAttributes": attrs, "DynamicStates": states, "DynamicCommands": cmds} {
			if text != "" {
				props[name] = strings.Split(text, "\n")
			}
		}
		props["StartupDelay"] = []string{"0"}
		cat := dev("f/u/zz", props)
		w, err := New(cat, Options{Start: t0, Budget: 10_000})
		if err != nil {
			if _, ok := err.(Problems); !ok {
				t.Fatalf("error is not Problems: %v", err)
			}
			return
		}
		infos, _ := w.Attributes("f/u/zz")
		for _, ai := range infos {
			read1(t, w, at(1), "f/u/zz", ai.Name)
			if ai.Writable {
				w.Write(at(1), "f/u/zz", ai.Name, pyval.Int(1))
			}
		}
		cs, _ := w.Commands("f/u/zz")
		for _, c := range cs {
			if c.Name != "Init" {
				w.Command(at(1), "f/u/zz", c.Name, pyval.Str("1"))
			}
		}
		w.Advance(at(2))
	})
}
