package pyval

// Placeholder container types so dependants compile while the object model
// is being written; replaced by the real implementations.

// Dict is an insertion-ordered mapping.
type Dict struct{}

// Set is a set or frozenset.
type Set struct{}

// Iterator is a lazy iterator (map/filter/zip objects, generators).
type Iterator struct{}
