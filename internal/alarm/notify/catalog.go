package notify

import (
	"strings"

	"chaoslab/internal/catalog"
)

// CatalogConfig returns the parts of a Config that the catalog sets: the
// AllowedActions of the PyAlarm class and of every PyAlarm device
// (PyAlarm checks them per device; one twin-wide list is kept here, so a
// command allowed on one device is allowed on all). AllowSystem stays
// off: system actions run only when the operator also asks for them.
func CatalogConfig(cat *catalog.Catalog, class string) Config {
	var cfg Config
	if cat == nil {
		return cfg
	}
	if class == "" {
		class = "PyAlarm"
	}
	seen := map[string]bool{}
	add := func(p *catalog.Property) {
		if p == nil {
			return
		}
		for _, v := range p.Values {
			for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
				if !seen[f] {
					seen[f] = true
					cfg.AllowedActions = append(cfg.AllowedActions, f)
				}
			}
		}
	}
	for name, c := range cat.Classes {
		if strings.EqualFold(name, class) {
			add(c.Property("AllowedActions"))
		}
	}
	for _, s := range cat.Servers {
		for _, d := range s.Devices {
			if strings.EqualFold(d.Class, class) {
				add(d.Property("AllowedActions"))
			}
		}
	}
	return cfg
}
