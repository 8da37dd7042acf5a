package load

import (
	"strings"
	"testing"
)

// TestParseMetricsInfo: the server's name comes from the info metric's
// labels, escapes and spaces included; the counters around it still add up.
func TestParseMetricsInfo(t *testing.T) {
	text := `# HELP chaoslab_server_info x
chaoslab_server_info{host="h 1",server="Sim \"DS\"/a,b"} 1
chaoslab_requests_total{kind="read",outcome="ok"} 5
chaoslab_requests_total{kind="read",outcome="error"} 2
process_cpu_seconds_total 1.5
`
	f, err := ParseMetrics(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if f.Server != `Sim "DS"/a,b` || f.Requests != 7 || f.CPUSeconds != 1.5 {
		t.Errorf("figures %+v", f)
	}
	for labels, want := range map[string]string{
		`server="x"`:            "x",
		`a="1",server="y"`:      "y",
		`a="q\",server=\"no"`:   "",
		`server="unterminated`:  "",
		`a=1,server="z"`:        "",
		``:                      "",
		`host="h", server="sp"`: "sp",
	} {
		if got := labelValue(labels, "server"); got != want {
			t.Errorf("labelValue(%s) = %q, want %q", labels, got, want)
		}
	}
}
