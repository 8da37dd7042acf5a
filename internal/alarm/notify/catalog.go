package notify

import (
	"chaoslab/internal/catalog"
)

// CatalogConfig returns the parts of a Config that the catalog sets.
// Nothing at present: AllowedActions are checked per device, as PyAlarm
// does, from the list each Notification carries (the device's property,
// else its class's; see alarm.Config.AllowedActions), so the catalog no
// longer feeds one twin-wide list. AllowSystem stays off: system actions
// run only when the operator also asks for them. Kept so that callers
// have one place to take catalog-derived settings from.
func CatalogConfig(cat *catalog.Catalog, class string) Config {
	return Config{}
}
