// Package config holds what chaoslab's strict YAML file readers share
// (the catalog's YAML form, experiment files, load workloads): positions
// and error lists printed as file:line:col: message and sorted by
// position, goccy-AST helpers (mapping pairs, scalar text, walking a JSON
// pointer back to its node, converting the AST to JSON values for a
// schema), mapping JSON-schema validation errors to the nodes they are
// about, and "did you mean" suggestions. It is pure: no I/O.
package config
