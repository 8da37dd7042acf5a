package catalog

// Catalog is a whole control system.
type Catalog struct {
	// Path is the file the catalog was read from ("" if built in code).
	// LoadFromFile and other relative paths resolve against its directory.
	Path string
	// Servers in file order. A server belongs to one host.
	Servers []*Server
	// Classes holds class properties by class name (csv2tango rows with an
	// empty device cell, or tango2csv's "#CLASS" rows).
	Classes map[string]*Class
	// Templates are csv2tango's wildcard device rows (device cell "*" or
	// "test/panic/ck*"), in file order. Their properties are already copied
	// into every matching device (marked with Property.Template); they are
	// kept so that writers can emit them once.
	Templates []*Template
	// Warnings are non-fatal remarks from the reader (ignored rows, unknown
	// attribute properties ...), sorted by position.
	Warnings ErrorList

	// shifts holds, by Property.At, the offsets in a value's text where
	// the file has one byte more than the text (a doubled quote or a CRLF
	// in a quoted CSV cell); see Locate.
	shifts map[Pos][]int
}

// Locate returns where a byte of a property value is in the file. at is
// the value's Property.At; text is the value's text from byte off on, and
// the result is the position of the byte that follows text. The first off
// bytes of the value must be on one line (a "NAME=" prefix). Quoted CSV
// cells are accounted for: the opening quote is already in at, each
// doubled quote inside counts two columns, a line break starts a new line.
// YAML values are located as if written plain.
func (c *Catalog) Locate(at Pos, off int, text string) Pos {
	if !at.IsValid() {
		return at
	}
	var sh []int
	if c != nil {
		sh = c.shifts[at]
	}
	at.Col += off
	for len(sh) > 0 && sh[0] <= off {
		if sh[0] > 0 {
			at.Col++
		}
		sh = sh[1:]
	}
	var rel []int
	for _, o := range sh {
		rel = append(rel, o-off)
	}
	return advanceShifted(at, text, rel)
}

// Template is a wildcard device row block of a class: its properties apply
// to every device of the class whose name matches Pattern.
type Template struct {
	Pattern    string // device pattern: "*" any sequence, "?" any character, otherwise a regexp; case-insensitive, anchored at the start
	Class      string
	Server     string // the server cell of the template rows (informative only)
	Properties []*Property
	Attributes []*AttrConfig
	Pos        Pos
}

// Server is one device-server process: "Class/instance", e.g. "SimulatorDS/testrw".
type Server struct {
	Name    string
	Host    string // "" when the catalog has no host column
	Devices []*Device
	Pos     Pos
}

// Device is one device: "domain/family/member" of a class.
type Device struct {
	Name  string
	Class string
	// Properties in file order (device properties, e.g. DynamicAttributes).
	Properties []*Property
	// Attributes holds attribute properties (min_value, max_value, unit,
	// format, abs_change, polling_period ...) by attribute name, in file order.
	Attributes []*AttrConfig
	Pos        Pos
}

// Class carries class-wide properties.
type Class struct {
	Name       string
	Properties []*Property
	Pos        Pos
}

// Property is a multi-valued property: one element per CSV row or YAML list
// item. Positions are kept per element so that a formula error points at its
// own line.
type Property struct {
	Name   string
	Values []string
	Pos    Pos   // where the property name is
	At     []Pos // where each value is (same length as Values when known)
	// Template is the pattern of the Template this property was copied
	// from, "" when the device declares it itself.
	Template string
}

// AttrConfig is the configuration of one attribute of a device: the
// attribute properties of Tango's database ("B.max_value" rows).
type AttrConfig struct {
	Name       string
	Properties []*Property // min_value, max_value, min_alarm, max_alarm, min_warning, max_warning, unit, format, description, label,
	// abs_change, rel_change, event_period, archive_abs_change, archive_rel_change, archive_period, polling_period
	Pos Pos
}

// Property returns the device property named name (case-insensitive, as in
// Tango), or nil.
func (d *Device) Property(name string) *Property { return findProp(d.Properties, name) }

// Attribute returns the configuration of attribute name (case-insensitive), or nil.
func (d *Device) Attribute(name string) *AttrConfig {
	for _, a := range d.Attributes {
		if equalFold(a.Name, name) {
			return a
		}
	}
	return nil
}

// Property returns the attribute property named name (case-insensitive), or nil.
func (a *AttrConfig) Property(name string) *Property { return findProp(a.Properties, name) }

func findProp(ps []*Property, name string) *Property {
	for _, p := range ps {
		if equalFold(p.Name, name) {
			return p
		}
	}
	return nil
}

// equalFold is ASCII case folding: Tango names are ASCII.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Property returns the class property named name (case-insensitive), or nil.
func (k *Class) Property(name string) *Property { return findProp(k.Properties, name) }
