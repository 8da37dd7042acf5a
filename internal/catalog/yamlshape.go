package catalog

// The JSON-schema validation of a whole YAML catalog costs as much as
// parsing it (converting the AST to JSON values and validating them). The
// shape check below walks the AST once and accepts exactly the documents
// the schema accepts or fewer: when it says "fine" the schema would say so
// too, and when it finds anything odd ReadYAML runs the schema to produce
// its positioned messages. TestShapeMatchesSchema keeps the two in step.

// shapeOK reports whether root certainly satisfies Schema.
func shapeOK(root ynode) bool {
	return objectOK(root, true, func(k string, v ynode) bool {
		switch k {
		case "servers":
			return objectOK(v, true, func(_ string, s ynode) bool { return serverOK(s) })
		case "classes":
			return objectOK(v, true, func(_ string, c ynode) bool {
				return objectOK(c, true, func(k string, v ynode) bool { return k == "properties" && propsOK(v) })
			})
		case "templates":
			return seqOK(v, true, templateOK)
		}
		return false
	})
}

func serverOK(n ynode) bool {
	return objectOK(n, true, func(k string, v ynode) bool {
		switch k {
		case "host":
			return v.isString()
		case "devices":
			return objectOK(v, true, func(_ string, d ynode) bool { return deviceOK(d) })
		}
		return false
	})
}

func deviceOK(n ynode) bool {
	class := false
	ok := objectOK(n, false, func(k string, v ynode) bool {
		switch k {
		case "class":
			class = true
			return v.isString() && v.text() != ""
		case "properties":
			return propsOK(v)
		case "attributes":
			return attrsOK(v)
		}
		return false
	})
	return ok && class
}

func templateOK(n ynode) bool {
	class, devices := false, false
	ok := objectOK(n, false, func(k string, v ynode) bool {
		switch k {
		case "class":
			class = true
			return v.isString() && v.text() != ""
		case "devices":
			devices = true
			return v.isString() && v.text() != ""
		case "server":
			return v.isString()
		case "properties":
			return propsOK(v)
		case "attributes":
			return attrsOK(v)
		}
		return false
	})
	return ok && class && devices
}

func attrsOK(n ynode) bool {
	return objectOK(n, true, func(_ string, v ynode) bool { return propsOK(v) })
}

func propsOK(n ynode) bool {
	return objectOK(n, true, func(_ string, v ynode) bool {
		if items, ok := v.items(); ok {
			for _, e := range items {
				if !e.isScalar() {
					return false
				}
			}
			return true
		}
		return v.isScalar()
	})
}

// objectOK checks a mapping (or, with null, a null) and every key/value.
// Repeated keys (where the schema would see only the last value) make it
// give up.
func objectOK(n ynode, null bool, each func(k string, v ynode) bool) bool {
	if n.isNull() {
		return null
	}
	ps, ok := n.pairs()
	if !ok {
		return false
	}
	var seen map[string]struct{}
	if len(ps) > 8 {
		seen = make(map[string]struct{}, len(ps))
	}
	for i, p := range ps {
		if seen != nil {
			if _, dup := seen[p.key]; dup {
				return false
			}
			seen[p.key] = struct{}{}
		} else {
			for _, q := range ps[:i] {
				if q.key == p.key {
					return false
				}
			}
		}
		if !each(p.key, p.val) {
			return false
		}
	}
	return true
}

func seqOK(n ynode, null bool, each func(ynode) bool) bool {
	if n.isNull() {
		return null
	}
	items, ok := n.items()
	if !ok {
		return false
	}
	for _, e := range items {
		if !each(e) {
			return false
		}
	}
	return true
}
