package pyval

import (
	"encoding/json"
	"os"
	"testing"
)

func TestTmpSets(t *testing.T) {
	data, err := os.ReadFile("/tmp/setchk/cases.json")
	if err != nil {
		t.Skip()
	}
	var cases []pyCase
	json.Unmarshal(data, &cases)
	fails := 0
	for _, c := range cases {
		got, err := evalCase(&Context{Steps: DefaultSteps}, c)
		if err != nil || got != c.Result {
			fails++
			if fails < 6 {
				t.Errorf("%s %s %s\n got %s\nwant %s", c.A, c.Op, c.B, got, c.Result)
			}
		}
	}
	t.Logf("%d fails of %d", fails, len(cases))
}
