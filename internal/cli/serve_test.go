package cli

import (
	"testing"

	"chaoslab/internal/catalog"
)

// serve starts the notification dispatcher only when a catalog device can
// notify; hasClass decides, matching classes as sim matches plugged kinds.
func TestHasClass(t *testing.T) {
	cat := func(classes ...string) *catalog.Catalog {
		srv := &catalog.Server{Name: "S/1"}
		for _, c := range classes {
			srv.Devices = append(srv.Devices, &catalog.Device{Name: "a/b/" + c, Class: c})
		}
		return &catalog.Catalog{Servers: []*catalog.Server{{Name: "S/0"}, srv}}
	}
	tests := []struct {
		name string
		cat  *catalog.Catalog
		want bool
	}{
		{"empty catalog", &catalog.Catalog{}, false},
		{"simulators only", cat("SimulatorDS", "DynamicDS"), false},
		{"PyAlarm", cat("SimulatorDS", "PyAlarm"), true},
		{"other case", cat("pyalarm"), true},
		{"prefix only", cat("PyAlarmX"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hasClass(tt.cat, pyAlarmClass); got != tt.want {
				t.Errorf("hasClass = %v, want %v", got, tt.want)
			}
		})
	}
}
