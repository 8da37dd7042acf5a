package alarm

import (
	"reflect"
	"testing"
)

func TestReceivers(t *testing.T) {
	lines := []string{"tester@localhost", "PRESS*,VAC*:%VACUUM", "!DEBUG_*:ops@x.org", "*:ACTION(alarm:command,a/b/c/Beep)"}
	if got := globalReceivers(lines, "PRESSURE_1"); !reflect.DeepEqual(got, []string{"tester@localhost", "%VACUUM", "ops@x.org", "ACTION(alarm:command,a/b/c/Beep)"}) {
		t.Errorf("PRESSURE_1: %q", got)
	}
	if got := globalReceivers(lines, "debug_x"); !reflect.DeepEqual(got, []string{"tester@localhost", "ACTION(alarm:command,a/b/c/Beep)"}) {
		t.Errorf("debug_x: %q", got)
	}
	book := []string{"%VACUUM:%BOSS,vac@x.org", "%BOSS:boss@x.org"}
	if got := expandPhoneBook("%VACUUM,me@x.org", book); got != "boss@x.org,vac@x.org,me@x.org" {
		t.Errorf("phonebook: %q", got)
	}
}
