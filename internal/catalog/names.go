package catalog

import "strings"

// attrPropNames are the attribute properties Tango and tango2csv know.
// Others are kept but draw a warning when they look like a typo of one.
var attrPropNames = []string{
	"min_value", "max_value", "min_alarm", "max_alarm", "min_warning", "max_warning",
	"delta_t", "delta_val", "unit", "standard_unit", "display_unit", "format",
	"description", "label", "abs_change", "rel_change", "event_period",
	"archive_abs_change", "archive_rel_change", "archive_period",
	"polling_period", "polling", "events", "alarms", "value", "enum_labels",
}

// numericAttrProps must hold numbers (or an "unset" marker).
var numericAttrProps = map[string]bool{
	"min_value": true, "max_value": true, "min_alarm": true, "max_alarm": true,
	"min_warning": true, "max_warning": true, "delta_t": true, "delta_val": true,
	"abs_change": true, "rel_change": true, "event_period": true,
	"archive_abs_change": true, "archive_rel_change": true, "archive_period": true,
	"polling_period": true, "polling": true,
}

func knownAttrProp(name string) bool {
	for _, n := range attrPropNames {
		if equalFold(n, name) {
			return true
		}
	}
	return false
}

// IsUnset reports whether an attribute property value means "not set" in
// Tango exports ("", "None", "Not specified", "No standard unit", ...).
// tango2csv filters these; chaoslab accepts and ignores them.
func IsUnset(v string) bool {
	switch strings.ToLower(trimSpace(v)) {
	case "", "none", "not specified", "nan", "no standard unit", "no display unit", "no unit", "no description":
		return true
	}
	return false
}
