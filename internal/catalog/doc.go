// Package catalog is the typed description of a control system: hosts run
// servers, servers host devices of a class, devices carry properties and
// attribute properties. It reads and writes the tango2csv/csv2tango CSV form
// and chaoslab's own YAML form, and reports every error with file:line:col.
//
// The catalog is pure data: it does not interpret formulas. The twin model
// turns devices into running simulations.
//
// Reading follows csv2tango (fandango/scripts/csv2tango and
// fandango.arrays.CSVArray): delimiter sniffed from the header line,
// cells stripped, all-empty rows dropped, the hierarchical blank-cell fill
// rule applied to every column (the value column too), one property element
// per row, literal "\n" escapes, class properties on rows with an empty
// device, wildcard device templates, "attr.prop" attribute properties.
// Where chaoslab deliberately differs (quote doubling, "#CLASS" rows, header
// case, template order) docs/formats.md says so.
//
// Positions: Line and Col are 1-based; Col counts bytes. Every property value
// keeps the position of the first character of its own text (Property.At,
// after the opening quote of a quoted cell), and Catalog.Locate finds any
// byte of a value in the file (doubled quotes and line breaks of quoted
// cells counted), so that a formula error can point at its token.
package catalog
