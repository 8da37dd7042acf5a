package alarm

import (
	"reflect"
	"testing"
	"time"

	"chaoslab/internal/catalog"
)

// TestAllowedActionsPerDevice: each device's notifications carry its own
// AllowedActions property, else its class's (PyAlarm checks per device).
func TestAllowedActionsPerDevice(t *testing.T) {
	prop := func(name string, vs ...string) *catalog.Property { return &catalog.Property{Name: name, Values: vs} }
	own := &catalog.Device{Name: "a/alarms/own", Class: "PyAlarm", Properties: []*catalog.Property{
		prop("AlarmList", "OWN:True"), prop("AllowedActions", "beep, logger", "beep"), prop("AlarmThreshold", "1"), prop("Enabled", "true")}}
	cls := &catalog.Device{Name: "a/alarms/cls", Class: "PyAlarm", Properties: []*catalog.Property{
		prop("AlarmList", "CLS:True"), prop("AlarmThreshold", "1"), prop("Enabled", "true")}}
	cat := &catalog.Catalog{
		Servers: []*catalog.Server{{Name: "PyAlarm/1", Devices: []*catalog.Device{own, cls}}},
		Classes: map[string]*catalog.Class{"PyAlarm": {Name: "PyAlarm", Properties: []*catalog.Property{prop("AllowedActions", "ls")}}},
	}
	var got = map[string][]string{}
	k := Kinds(Options{Catalog: cat, Notify: func(n Notification) { got[n.Device] = n.AllowedActions }})["PyAlarm"]
	start := time.Unix(1000, 0)
	for _, dev := range []*catalog.Device{own, cls} {
		b, probs := k.NewDevice(dev, fakeHost{})
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		d := b.(*Device)
		d.start = start
		d.Advance(start, nil)
		d.Advance(start.Add(time.Minute), nil)
	}
	want := map[string][]string{"a/alarms/own": {"beep", "logger"}, "a/alarms/cls": {"ls"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AllowedActions per device %v, want %v", got, want)
	}
}
