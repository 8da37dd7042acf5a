package catalog

import (
	"github.com/goccy/go-yaml/ast"

	"chaoslab/internal/config"
)

// The JSON-schema validation of a whole YAML catalog costs as much as
// parsing it (converting the AST to JSON values and validating them). The
// shape check below walks the AST once, allocation-free, and accepts
// exactly the documents the schema accepts or fewer: when it says "fine"
// the schema would say so too, and when it finds anything odd ReadYAML
// runs the schema to produce its positioned messages. TestShapeMatchesSchema
// keeps the two in step.

// shapeOK reports whether root certainly satisfies Schema.
func shapeOK(root ast.Node) bool {
	return objectOK(root, true, func(k string, v ast.Node) bool {
		switch k {
		case "servers":
			return objectOK(v, true, func(_ string, s ast.Node) bool { return serverOK(s) })
		case "classes":
			return objectOK(v, true, func(_ string, c ast.Node) bool {
				return objectOK(c, true, func(k string, v ast.Node) bool { return k == "properties" && propsOK(v) })
			})
		case "templates":
			return seqOK(v, true, templateOK)
		}
		return false
	})
}

func serverOK(n ast.Node) bool {
	return objectOK(n, true, func(k string, v ast.Node) bool {
		switch k {
		case "host":
			return isString(v)
		case "devices":
			return objectOK(v, true, func(_ string, d ast.Node) bool { return deviceOK(d) })
		}
		return false
	})
}

func deviceOK(n ast.Node) bool {
	class := false
	ok := objectOK(n, false, func(k string, v ast.Node) bool {
		switch k {
		case "class":
			class = true
			return isString(v) && config.ScalarText(v) != ""
		case "properties":
			return propsOK(v)
		case "attributes":
			return attrsOK(v)
		}
		return false
	})
	return ok && class
}

func templateOK(n ast.Node) bool {
	class, devices := false, false
	ok := objectOK(n, false, func(k string, v ast.Node) bool {
		switch k {
		case "class":
			class = true
			return isString(v) && config.ScalarText(v) != ""
		case "devices":
			devices = true
			return isString(v) && config.ScalarText(v) != ""
		case "server":
			return isString(v)
		case "properties":
			return propsOK(v)
		case "attributes":
			return attrsOK(v)
		}
		return false
	})
	return ok && class && devices
}

func attrsOK(n ast.Node) bool {
	return objectOK(n, true, func(_ string, v ast.Node) bool { return propsOK(v) })
}

func propsOK(n ast.Node) bool {
	return objectOK(n, true, func(_ string, v ast.Node) bool {
		if s, ok := config.Unwrap(v).(*ast.SequenceNode); ok {
			for _, e := range s.Values {
				if !config.IsScalar(e) {
					return false
				}
			}
			return true
		}
		return config.IsScalar(v)
	})
}

// objectOK checks a mapping (or, with null, a null) and every key/value.
// Keys that are not plain scalars (or repeat, where the schema would see
// only the last value) make it give up.
func objectOK(n ast.Node, null bool, each func(k string, v ast.Node) bool) bool {
	var vs []*ast.MappingValueNode
	switch m := config.Unwrap(n).(type) {
	case nil, *ast.NullNode:
		return null
	case *ast.MappingNode:
		vs = m.Values
	case *ast.MappingValueNode:
		vs = []*ast.MappingValueNode{m}
	default:
		return false
	}
	var seen map[string]struct{}
	if len(vs) > 8 {
		seen = make(map[string]struct{}, len(vs))
	}
	for i, v := range vs {
		k := config.ScalarText(v.Key)
		if seen != nil {
			if _, dup := seen[k]; dup {
				return false
			}
			seen[k] = struct{}{}
		} else {
			for _, w := range vs[:i] {
				if config.ScalarText(w.Key) == k {
					return false
				}
			}
		}
		if !each(k, v.Value) {
			return false
		}
	}
	return true
}

func seqOK(n ast.Node, null bool, each func(ast.Node) bool) bool {
	switch s := config.Unwrap(n).(type) {
	case nil, *ast.NullNode:
		return null
	case *ast.SequenceNode:
		for _, e := range s.Values {
			if !each(e) {
				return false
			}
		}
		return true
	}
	return false
}

// isString reports whether toValue makes a JSON string of n.
func isString(n ast.Node) bool {
	switch config.Unwrap(n).(type) {
	case nil, *ast.NullNode, *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode, *ast.BoolNode,
		*ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		return false
	}
	return true
}
