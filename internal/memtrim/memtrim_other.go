//go:build !linux

package memtrim

// DropExecutable does nothing where the mappings cannot be listed.
func DropExecutable() (Stats, error) { return Stats{}, nil }
